/* The three steps init runs: rootfs_prepare, rootfs_pivot, rootfs_finalize. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "src/rootfs/exec.h"
#include "src/rootfs/resolve.h"
#include "src/util/cleanup.h"

/* Nothing this namespace mounts may propagate back to the host: / becomes
 * rslave (or rprivate when asked), whatever rootfsPropagation says; a shared
 * propagation is applied to the new / only after pivot (rootfs_finalize). */
static int isolate_root(const rootfs_plan *p, lv_error **err)
{
	unsigned long type = (p->root_propagation & MS_PRIVATE) ? MS_PRIVATE : MS_SLAVE;
	struct mount_attr a = { .propagation = type };

	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &a, sizeof(a)) < 0)
		return lv_err(err, errno, "make \"/\" %s", type == MS_PRIVATE ? "rprivate" : "rslave");
	return 0;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int rootfs_prepare(const rootfs_plan *p, int console_fd, int userns_fd, lv_error **err)
{
	if (p->opts.new_mount_ns && isolate_root(p, err) < 0)
		return -1;

	/* The fd from plan time names a mount of the runtime's namespace, which
	 * open_tree() refuses here: reopen the path, and check it is still the
	 * directory the plan validated. */
	_cleanup_close_ int here = open(p->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0)
		return lv_err(err, errno, "open the rootfs \"%s\"", p->root_path);
	if (!same_file(here, p->rt->root_fd))
		return lv_err(err, 0, "the rootfs \"%s\" changed since the plan was made",
			      p->root_path);

	/* pivot_root needs the new root to be a mount point: a recursive bind
	 * of the rootfs onto itself, whose fd is the root of every lookup. */
	_cleanup_close_ int tree = open_tree(here, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0 || rootfs_attach(tree, here) < 0)
		return lv_err(err, errno, "bind the rootfs \"%s\" onto itself", p->root_path);

	for (size_t i = 0; i < p->nmounts; i++)
		if (rootfs_do_mount(p, i, tree, userns_fd, err) < 0)
			return -1;
	if (rootfs_setup_dev(p, tree, console_fd, err) < 0)
		return -1;
	if (p->rt->root_mnt >= 0)
		close(p->rt->root_mnt);
	p->rt->root_mnt = steal_fd(tree);
	return 0;
}

int rootfs_pivot(const rootfs_plan *p, lv_error **err)
{
	int root = p->rt->root_mnt;

	if (root < 0)
		return lv_err(err, EINVAL, "pivot_root: the rootfs is not prepared");
	if (fchdir(root) < 0)
		return lv_err(err, errno, "chdir to the rootfs \"%s\"", p->root_path);
	if (p->opts.no_pivot) {
		if (move_mount(root, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return lv_err(err, errno, "move the rootfs \"%s\" to \"/\"", p->root_path);
		if (chroot(".") < 0)
			return lv_err(err, errno, "chroot into \"%s\"", p->root_path);
	} else {
		/* The old root ends up stacked on "."; detach it from there. */
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return lv_err(err, errno, "pivot_root into \"%s\"", p->root_path);
		if (umount2(".", MNT_DETACH) < 0)
			return lv_err(err, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return lv_err(err, errno, "chdir \"/\"");
	/* No fd of a directory outside the new root may outlive this: a cwd
	 * of /proc/self/fd/N would lead the process back out (CVE-2024-21626). */
	close(p->rt->root_mnt);
	p->rt->root_mnt = -1;
	close(p->rt->root_fd);
	p->rt->root_fd = -1;
	return 0;
}

static bool is_devnull(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

static int mask_path(int rootfd, const char *path, lv_error **err)
{
	_cleanup_close_ int fd = rootfs_open_in(rootfd, path, O_PATH, true);
	_cleanup_close_ int mnt = -1;
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return lv_err(err, errno, "mask \"%s\"", path);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fs >= 0 && fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) == 0 &&
		    fsconfig(fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) == 0 &&
		    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
			mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	} else {
		_cleanup_close_ int null = rootfs_open_in(rootfd, "/dev/null", O_PATH, false);
		if (null >= 0 && !is_devnull(null))
			return lv_err(err, 0, "mask \"%s\": /dev/null is not the null device", path);
		if (null >= 0)
			mnt = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	}
	if (mnt < 0 || rootfs_attach(mnt, fd) < 0)
		return lv_err(err, errno, "mask \"%s\"", path);
	return 0;
}

static int readonly_path(int rootfd, const char *path, lv_error **err)
{
	_cleanup_close_ int fd = rootfs_open_in(rootfd, path, O_PATH, true);
	_cleanup_close_ int mnt = -1;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd >= 0)
		mnt = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
				AT_EMPTY_PATH);
	if (mnt < 0 || rootfs_setattr(mnt, MOUNT_ATTR_RDONLY, 0, true) < 0 ||
	    rootfs_attach(mnt, fd) < 0)
		return lv_err(err, errno, "make \"%s\" read-only", path);
	return 0;
}

int rootfs_finalize(const rootfs_plan *p, lv_error **err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return lv_err(err, errno, "open \"/\"");
	for (size_t i = 0; i < p->nreadonly; i++)
		if (readonly_path(root, p->readonly_paths[i], err) < 0)
			return -1;
	for (size_t i = 0; i < p->nmasked; i++)
		if (mask_path(root, p->masked[i], err) < 0)
			return -1;
	if (p->readonly && rootfs_setattr(root, MOUNT_ATTR_RDONLY, 0, false) < 0)
		return lv_err(err, errno, "make the root filesystem read-only");
	if (p->root_propagation && rootfs_set_propagation(root, p->root_propagation) < 0)
		return lv_err(err, errno, "set the propagation of \"/\"");
	return 0;
}

int rootfs_proc_fd(lv_error **err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;

	if (root < 0)
		return lv_err(err, errno, "open \"/\"");
	_cleanup_close_ int fd = rootfs_open_in(root, "/proc", O_PATH | O_DIRECTORY, false);
	if (fd < 0 || fstatfs(fd, &sf) < 0)
		return lv_err(err, errno, "open \"/proc\"");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return lv_err(err, 0, "\"/proc\" is not a procfs");
	return steal_fd(fd);
}
