/* Executing a rootfs plan in the container's init.  Internal to src/rootfs/. */
#ifndef LIEVE_ROOTFS_EXEC_H
#define LIEVE_ROOTFS_EXEC_H

#include "src/rootfs/plan.h"

/* Performs mounts[i] inside the rootfs at `rootfd` (with the runtime's
 * premade mount for it, if there is one). */
int rootfs_do_mount(const rootfs_plan *p, size_t i, int rootfd, int userns_fd,
		    lv_error **err);

/* The detached, configured mount for a fs or bind entry (not a remount).
 * Returns its fd, or -1 with *err set. */
int rootfs_make_mount(const rootfs_plan *p, const rootfs_mount *m, int userns_fd,
		      lv_error **err);

/* Device nodes, the default /dev links and /dev/console. */
int rootfs_setup_dev(const rootfs_plan *p, int rootfd, int console_fd, lv_error **err);

/* Copies the contents of directory `src` into directory `dst` (both real
 * directory fds), preserving modes and owners.  -1 with errno. */
int rootfs_copy_tree(int src, int dst);

/* A user namespace with the mount's own uidMappings/gidMappings, for an
 * idmapped mount.  Returns its fd. */
int rootfs_idmap_userns(const rootfs_mount *m, lv_error **err);

/* Moves the detached mount `mnt` onto `dest_fd` (both fds, empty paths). */
int rootfs_attach(int mnt, int dest_fd);

/* Applies MOUNT_ATTR_* to a mount fd; `recursive` adds AT_RECURSIVE. */
int rootfs_setattr(int mnt, uint64_t set, uint64_t clr, bool recursive);
int rootfs_set_propagation(int mnt, unsigned long ms_flags);

#endif
