/* /dev inside the container: device nodes, the standard links, the console.
 *
 * Nodes are made with mknodat() on the fd of their parent directory,
 * resolved inside the rootfs, and a name that never follows a symlink; with
 * a user namespace (where mknod is not allowed) the host's node is bound
 * onto an empty file instead.  An existing entry is left alone, as runc
 * does: nothing is chowned or chmoded through a name that might be a link.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "src/rootfs/exec.h"
#include "src/rootfs/resolve.h"
#include "src/util/cleanup.h"

static int bind_node(int pfd, const char *name, const char *host_path, int src_fd)
{
	_cleanup_close_ int tree = -1, dest = -1;
	struct stat st;

	/* the mount point is an empty regular file; never open anything else */
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
	    unlinkat(pfd, name, 0) < 0)
		return -1;
	int fd = openat(pfd, name, O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	dest = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src_fd >= 0)
		tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	else
		tree = open_tree(AT_FDCWD, host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (dest < 0 || tree < 0)
		return -1;
	return rootfs_attach(tree, dest);
}

static int make_node(const rootfs_plan *p, int rootfd, const rootfs_device *d, lv_error **err)
{
	const char *name;
	_cleanup_free_ char *parent = rootfs_parent(d->path, &name);

	if (!parent)
		return lv_err(err, errno, "device \"%s\"", d->path);
	_cleanup_close_ int pfd = rootfs_mkdir_in(rootfd, parent, 0755);
	if (pfd < 0)
		return lv_err(err, errno, "device \"%s\": directory \"%s\"", d->path, parent);
	if (p->opts.userns) {
		if (bind_node(pfd, name, d->path, -1) < 0)
			return lv_err(err, errno, "bind device \"%s\"", d->path);
		return 0;
	}
	struct stat st;
	/* A symlink is never a device: replace it rather than keep a /dev/null
	 * that points somewhere else.  Anything else that exists is kept. */
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    unlinkat(pfd, name, 0) < 0)
		return lv_err(err, errno, "remove the symlink \"%s\"", d->path);
	if (mknodat(pfd, name, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
		if (errno == EEXIST)
			return 0;
		if (errno == EPERM && bind_node(pfd, name, d->path, -1) == 0)
			return 0;
		return lv_err(err, errno, "mknod \"%s\"", d->path);
	}
	if (fchownat(pfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return lv_err(err, errno, "chown device \"%s\"", d->path);
	return 0;
}

static int dev_links(int devfd, lv_error **err)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0 && errno != EEXIST)
			return lv_err(err, errno, "symlink \"/dev/%s\"", links[i][1]);
	if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", devfd, "core") < 0 &&
	    errno != EEXIST)
		return lv_err(err, errno, "symlink \"/dev/core\"");
	/* /dev/ptmx must be the container's devpts multiplexer */
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		return lv_err(err, errno, "remove \"/dev/ptmx\"");
	if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
		return lv_err(err, errno, "symlink \"/dev/ptmx\"");
	if (mkdirat(devfd, "pts", 0755) < 0 && errno != EEXIST)
		return lv_err(err, errno, "mkdir \"/dev/pts\"");
	if (mkdirat(devfd, "shm", 01777) < 0 && errno != EEXIST)
		return lv_err(err, errno, "mkdir \"/dev/shm\"");
	return 0;
}

static int console(int devfd, int console_fd, lv_error **err)
{
	/* console_fd names a mount of the runtime's namespace, which open_tree()
	 * refuses: bind the same path in ours, once it is known to be the same
	 * terminal. */
	char fdpath[64], tty[PATH_MAX];
	struct stat want, got;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", console_fd);
	ssize_t n = readlink(fdpath, tty, sizeof(tty) - 1);
	if (n < 0 || fstat(console_fd, &want) < 0)
		return lv_err(err, errno, "console fd %d", console_fd);
	tty[n] = '\0';
	_cleanup_close_ int fd = open(tty, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &got) < 0)
		return lv_err(err, errno, "console \"%s\"", tty);
	if (!S_ISCHR(got.st_mode) || got.st_rdev != want.st_rdev)
		return lv_err(err, 0, "console \"%s\" is not the terminal of fd %d", tty, console_fd);
	if (bind_node(devfd, "console", NULL, fd) < 0)
		return lv_err(err, errno, "bind the console \"%s\" on \"/dev/console\"", tty);
	return 0;
}

int rootfs_setup_dev(const rootfs_plan *p, int rootfd, int console_fd, lv_error **err)
{
	mode_t old = umask(0);
	int r = 0;

	if (p->setup_dev) {
		for (size_t i = 0; i < p->ndevices && r == 0; i++)
			r = make_node(p, rootfd, &p->devices[i], err);
	}
	if (r == 0 && (p->setup_dev || console_fd >= 0)) {
		_cleanup_close_ int devfd = rootfs_mkdir_in(rootfd, "/dev", 0755);
		if (devfd < 0)
			r = lv_err(err, errno, "directory \"/dev\"");
		if (r == 0 && p->setup_dev)
			r = dev_links(devfd, err);
		if (r == 0 && console_fd >= 0)
			r = console(devfd, console_fd, err);
	}
	umask(old);
	return r;
}
