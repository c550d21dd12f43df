/* Internal to src/image: fd-relative file system helpers. */
#ifndef LIEVE_IMAGE_FSUTIL_H
#define LIEVE_IMAGE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "src/error.h"

/* openat2(dirfd, path, flags, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).  Returns
 * the fd or -1 with errno set (no lv_error: callers decide about ENOENT). */
int img_openat_in_root(int root_fd, const char *path, int flags, mode_t mode);

/* The directory `path` (normalised, "" = root) under root_fd as an O_PATH fd,
 * creating missing components with mode 0755 when `create`. */
int img_dir_in_root(int root_fd, const char *path, bool create, int *out,
		    lv_error **err);

/* Splits a normalised path at its last '/': dir ("" at top level) and base. */
int img_path_split(const char *path, char **dir, char **base, lv_error **err);

/* setxattrat(2) (Linux 6.13): an xattr on dirfd/name without following a
 * final symlink and without a path string from the root. */
int img_setxattrat(int dirfd, const char *name, const char *key,
		   const void *value, size_t size);
/* fchmodat2(2) with AT_SYMLINK_NOFOLLOW (Linux 6.6). */
int img_fchmodat_nofollow(int dirfd, const char *name, mode_t mode);

int img_write_all(int fd, const void *buf, size_t len);

#endif
