/* Resolving and creating paths inside the container's rootfs, through fds.
 *
 * Every lookup is openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) on a dirfd
 * of the rootfs, so symlinks and ".." are resolved as if the rootfs were "/":
 * an absolute link target or a run of ".." can never leave it.  Creation is
 * done with *at() calls on the fd of an already resolved parent and a single
 * name, which never follow a symlink.  Internal to src/rootfs/.
 */
#ifndef LIEVE_ROOTFS_RESOLVE_H
#define LIEVE_ROOTFS_RESOLVE_H

#include <stdbool.h>
#include <sys/types.h>

/* openat2(rootfd, path, flags | O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS
 * [| RESOLVE_NO_SYMLINKS when !follow]).  Returns the fd, or -1 with errno. */
int rootfs_open_in(int rootfd, const char *path, int flags, bool follow);

/* Opens the directory at `path` (O_PATH), creating it and missing parents
 * with `mode`.  A dangling symlink on the way is followed inside the rootfs
 * and its target created.  Returns the fd, or -1 with errno. */
int rootfs_mkdir_in(int rootfd, const char *path, mode_t mode);

/* Opens `path` (O_PATH), creating it when missing: an empty file when
 * `file`, else a directory; parents are created as by rootfs_mkdir_in().
 * Returns the fd, or -1 with errno. */
int rootfs_create_in(int rootfd, const char *path, bool file);

/* Splits a clean absolute path into a newly allocated parent and a pointer
 * to its last component (inside `path`).  NULL with errno on failure. */
char *rootfs_parent(const char *path, const char **name);

#endif
