/* The container's root filesystem.
 *
 * rootfs_plan_build() runs in the runtime before clone: it validates every
 * mounts[] entry and option (an unknown option is an error here, never a
 * silent skip), parses flags and propagation, and opens the rootfs directory.
 * The rest runs in the container's init after clone, inside its new mount
 * namespace, and only executes the plan.  Every path inside the rootfs is
 * resolved through file descriptors (openat2 RESOLVE_IN_ROOT, the new mount
 * API), never by joining strings.
 *
 * Order in init:  rootfs_prepare → (createContainer hooks) → rootfs_pivot →
 *                 rootfs_finalize.
 */
#ifndef LIEVE_ROOTFS_H
#define LIEVE_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct rootfs_plan rootfs_plan;

typedef struct {
	bool no_pivot;       /* --no-pivot: MS_MOVE + chroot */
	bool userns;         /* the container has a new user namespace: devices are bind-mounted */
	bool cgroupns;       /* the container has a new cgroup namespace */
	bool new_mount_ns;   /* false only when the mount namespace is joined by path */
	/* The container's own cgroup v2 directory on the host (absolute), or
	 * NULL.  Without a cgroup namespace a "cgroup"/"cgroup2" mount binds this
	 * directory, as runc does, instead of showing the whole hierarchy. */
	const char *cgroup_path;
} rootfs_options;

int rootfs_plan_build(const spec_config *cfg, const char *bundle,
		      const rootfs_options *opts, rootfs_plan **out, lv_error **err);
void rootfs_plan_free(rootfs_plan *p);

/* The absolute host path of the root filesystem (for the state record). */
const char *rootfs_plan_path(const rootfs_plan *p);

/* Idmapped bind mounts of a container with a user namespace need privilege
 * over the host's filesystems that its init no longer has: the runtime makes
 * them, after init's user namespace exists and its maps are written and
 * before init runs rootfs_prepare.  rootfs_idmapped_open() returns
 * rootfs_idmapped_count() detached mount fds (O_CLOEXEC; *fds is malloc'd),
 * which the runtime passes to init (SCM_RIGHTS) and closes; init hands them
 * to rootfs_idmapped_adopt() (which takes ownership) before rootfs_prepare.
 * Without a user namespace the count is 0 and init makes them itself. */
size_t rootfs_idmapped_count(const rootfs_plan *p);
int rootfs_idmapped_open(const rootfs_plan *p, int userns_fd, int **fds, size_t *n,
			 lv_error **err);
int rootfs_idmapped_adopt(const rootfs_plan *p, const int *fds, size_t n, lv_error **err);

/* In init: makes / rslave (rprivate when rootfsPropagation is private), so
 * nothing propagates back to the host, binds the rootfs onto itself, performs
 * every mount, creates devices and the default /dev links.  `console_fd`
 * (>= 0 with process.terminal) is the pty slave to bind onto /dev/console
 * (opened anywhere: it is re-found by its path and checked to be the same
 * tty).  `userns_fd` is the container's user namespace, for idmapped mounts
 * (-1 without one; with one, see rootfs_idmapped_open).
 *
 * Must already be true: init is in its new mount namespace (and user
 * namespace, maps written, with CAP_SYS_ADMIN/CAP_MKNOD there), the rootfs
 * path still names the directory the plan opened.  cwd and umask do not
 * matter (umask is 0 while device nodes are made, then restored).  A
 * failure leaves the host untouched; what was mounted in the container's
 * namespace goes away with it. */
int rootfs_prepare(const rootfs_plan *p, int console_fd, int userns_fd,
		   lv_error **err);
/* In init: pivot_root into the rootfs and detach the old root (or MS_MOVE +
 * chroot with no_pivot).  Afterwards the cwd is the new /, and the plan holds
 * no fd of anything outside it. */
int rootfs_pivot(const rootfs_plan *p, lv_error **err);
/* In init, after pivot: masked and read-only paths, root.readonly, the final
 * propagation of /. */
int rootfs_finalize(const rootfs_plan *p, lv_error **err);

/* In init, after pivot: an O_PATH fd of the container's /proc, verified to be
 * a real procfs (statfs PROC_SUPER_MAGIC) reached without any symlink.  Write
 * /proc files (oom_score_adj, attr/, setgroups...) only through it, with
 * openat(fd, "self/...", ...). */
int rootfs_proc_fd(lv_error **err);

#endif
