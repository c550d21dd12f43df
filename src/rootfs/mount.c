/* One mounts[] entry, made with the new mount API.
 *
 * A new filesystem is configured with fsopen/fsconfig and made a detached
 * mount by fsmount(); a bind is a detached clone from open_tree().  Options
 * are applied to the detached mount, then move_mount() attaches it to the
 * destination's O_PATH fd, resolved inside the rootfs.  A failure before
 * that last step leaves no mount anywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "src/rootfs/exec.h"
#include "src/rootfs/resolve.h"
#include "src/util/cleanup.h"

int rootfs_attach(int mnt, int dest_fd)
{
	return move_mount(mnt, "", dest_fd, "",
			  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int rootfs_setattr(int mnt, uint64_t set, uint64_t clr, bool recursive)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	if (!set && !clr)
		return 0;
	return mount_setattr(mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			     &a, sizeof(a));
}

int rootfs_set_propagation(int mnt, unsigned long ms)
{
	struct mount_attr a = { .propagation = ms & ~(unsigned long)MS_REC };

	return mount_setattr(mnt, "", AT_EMPTY_PATH | ((ms & MS_REC) ? AT_RECURSIVE : 0),
			     &a, sizeof(a));
}

static const char *type_name(const rootfs_mount *m)
{
	return *m->type ? m->type : "bind";
}

static int mount_err(const rootfs_mount *m, int errnum, lv_error **err)
{
	return lv_err(err, errnum, "mount \"%s\" on \"%s\" (type %s)", m->source,
		      m->destination, type_name(m));
}

/* The per-mount atime mode when an option names one, else -1. */
static int64_t atime_mode(const rootfs_mount_opts *o)
{
	unsigned long named = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;

	if (!((o->flags | o->clear) & named))
		return -1;
	return (int64_t)(rootfs_ms_to_attr(o->flags) & MOUNT_ATTR__ATIME);
}

/* Per-mount attributes of a bind or remount: only what the options name
 * changes, everything else keeps the source's value. */
static int apply_mount_attrs(int mnt, const rootfs_mount_opts *o)
{
	const uint64_t atime = MOUNT_ATTR__ATIME;
	uint64_t set = rootfs_ms_to_attr(o->flags) & ~atime;
	uint64_t clr = rootfs_ms_to_attr(o->clear) & ~atime;
	int64_t mode = atime_mode(o);

	if (mode >= 0) {
		set |= (uint64_t)mode;
		clr |= atime;
	}
	return rootfs_setattr(mnt, set, clr, false);
}

static int fs_config(int fsfd, const rootfs_mount *m)
{
	static const struct {
		unsigned long ms;
		const char *key;
	} sb_flags[] = {
		{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
		{ MS_MANDLOCK, "mand" }, { MS_LAZYTIME, "lazytime" },
		{ MS_POSIXACL, "acl" }, { MS_I_VERSION, "i_version" },
	};

	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->source, 0) < 0)
		return -1;
	/* as with mount(2), "ro" makes a new superblock read-only too */
	if ((m->o.flags & MS_RDONLY) && fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sb_flags) / sizeof(sb_flags[0]); i++)
		if ((m->o.flags & sb_flags[i].ms) &&
		    fsconfig(fsfd, FSCONFIG_SET_FLAG, sb_flags[i].key, NULL, 0) < 0)
			return -1;
	for (size_t i = 0; i < m->o.ndata; i++) {
		_cleanup_free_ char *key = strdup(m->o.data[i]);
		if (!key)
			return -1;
		char *eq = strchr(key, '=');
		int r;
		if (eq) {
			*eq = '\0';
			r = fsconfig(fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
		} else {
			r = fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

/* A detached mount of a new filesystem.  -1 with errno. */
static int make_fs(const rootfs_mount *m)
{
	_cleanup_close_ int fsfd = fsopen(m->fstype, FSOPEN_CLOEXEC);

	if (fsfd < 0 || fs_config(fsfd, m) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)rootfs_ms_to_attr(m->o.flags));
}

/* Without its own network namespace a user namespace may not mount sysfs:
 * bind the host's instead, as runc does. */
static int make_sysfs_fallback(void)
{
	return open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

static int idmap(const rootfs_mount *m, int mnt, int userns_fd, lv_error **err)
{
	_cleanup_close_ int own = -1;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };

	if (m->n_uid_map) {
		if ((own = rootfs_idmap_userns(m, err)) < 0)
			return -1;
		userns_fd = own;
	}
	if (userns_fd < 0)
		return lv_err(err, 0, "mount \"%s\" on \"%s\": idmap needs a user namespace",
			      m->source, m->destination);
	a.userns_fd = (uint64_t)userns_fd;
	if (mount_setattr(mnt, "", AT_EMPTY_PATH | (m->o.idmap_recursive ? AT_RECURSIVE : 0),
			  &a, sizeof(a)) < 0)
		return mount_err(m, errno, err);
	return 0;
}

/* proc and sysfs: the destination must be a real directory, no symlink on
 * the way, and what ends up there must be the filesystem we mounted. */
static bool is_special(const rootfs_mount *m, long *magic)
{
	if (strcmp(m->fstype, "proc") == 0)
		*magic = PROC_SUPER_MAGIC;
	else if (strcmp(m->fstype, "sysfs") == 0)
		*magic = SYSFS_MAGIC;
	else
		return false;
	return true;
}

static int verify_fs(int rootfd, const rootfs_mount *m, long magic, lv_error **err)
{
	_cleanup_close_ int fd = rootfs_open_in(rootfd, m->destination, O_PATH | O_DIRECTORY, false);
	struct statfs sf;

	if (fd < 0 || fstatfs(fd, &sf) < 0)
		return mount_err(m, errno, err);
	if ((long)sf.f_type != magic)
		return lv_err(err, 0, "mount \"%s\" on \"%s\" (type %s): the destination is "
			      "not the mounted filesystem", m->source, m->destination, m->fstype);
	return 0;
}

static int same_inode(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int rootfs_make_mount(const rootfs_plan *p, const rootfs_mount *m, int userns_fd,
		      lv_error **err)
{
	int mnt;

	if (m->kind == ROOTFS_MOUNT_BIND) {
		mnt = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				(m->recursive ? AT_RECURSIVE : 0));
		if (mnt < 0)
			return mount_err(m, errno, err);
		if (apply_mount_attrs(mnt, &m->o) < 0) {
			close(mnt);
			return mount_err(m, errno, err);
		}
	} else if (strcmp(m->fstype, "cgroup2") == 0 && !p->opts.cgroupns && p->opts.cgroup_path) {
		/* Without a cgroup namespace, only the container's own cgroup, as
		 * crun does.  (runc 1.1 mounts a fresh cgroup2 showing the whole
		 * tree: that resets the options of the host's cgroup2 mount and
		 * waits for an RCU grace period.) */
		mnt = open_tree(AT_FDCWD, p->opts.cgroup_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (mnt < 0 || rootfs_setattr(mnt, rootfs_ms_to_attr(m->o.flags),
					      rootfs_ms_to_attr(~0UL) | MOUNT_ATTR__ATIME, false) < 0) {
			int saved = errno;
			if (mnt >= 0)
				close(mnt);
			return mount_err(m, saved, err);
		}
	} else {
		mnt = make_fs(m);
		if (mnt < 0 && errno == EPERM && p->opts.userns && strcmp(m->fstype, "sysfs") == 0) {
			mnt = make_sysfs_fallback();
			/* the options hold for everything under the bound /sys */
			if (mnt >= 0 && rootfs_setattr(mnt, rootfs_ms_to_attr(m->o.flags) &
						       ~(uint64_t)MOUNT_ATTR__ATIME, 0, true) < 0) {
				int saved = errno;
				close(mnt);
				return mount_err(m, saved, err);
			}
		}
		if (mnt < 0)
			return mount_err(m, errno, err);
	}
	if (rootfs_setattr(mnt, m->o.rec_set, m->o.rec_clr, true) < 0) {
		close(mnt);
		return mount_err(m, errno, err);
	}
	if (m->o.idmap && idmap(m, mnt, userns_fd, err) < 0) {
		close(mnt);
		return -1;
	}
	return mnt;
}

/* "remount" sets the mount's flags to exactly those given, as mount(2)
 * with MS_REMOUNT does (and runc with it). */
/* Over-mounting procfs entries (core_pattern, sysrq-trigger...) would give a
 * config a way to hide or fake the kernel's knobs.  As runc: onto /proc
 * itself only a procfs, under it only a procfs or the few files lxcfs
 * emulates.  Checked on the resolved destination, so symlinks change nothing. */
static const char *const proc_allowed[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
	"/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
	"/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
};

static int check_proc_dest(const rootfs_mount *m, int rootfd, int dest, int mnt,
			   lv_error **err)
{
	struct statfs sf;
	bool on_proc_dir = false, under_proc;
	_cleanup_close_ int proc = rootfs_open_in(rootfd, "/proc", O_PATH, false);

	if (fstatfs(mnt, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
		return 0;
	if (proc >= 0)
		on_proc_dir = same_inode(proc, dest);
	if (fstatfs(dest, &sf) < 0)
		return mount_err(m, errno, err);
	under_proc = sf.f_type == PROC_SUPER_MAGIC;
	if (on_proc_dir)
		return lv_err(err, 0, "mount \"%s\" on \"%s\" (type %s): only a procfs may be "
			      "mounted on /proc", m->source, m->destination, type_name(m));
	if (!under_proc)
		return 0;
	for (size_t i = 0; i < sizeof(proc_allowed) / sizeof(proc_allowed[0]); i++)
		if (strcmp(m->destination, proc_allowed[i]) == 0)
			return 0;
	return lv_err(err, 0, "mount \"%s\" on \"%s\" (type %s): the destination is inside "
		      "/proc", m->source, m->destination, type_name(m));
}

static int do_remount(const rootfs_mount *m, int rootfd, lv_error **err)
{
	_cleanup_close_ int fd = rootfs_open_in(rootfd, m->destination, O_PATH, true);
	const uint64_t all = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW |
			     MOUNT_ATTR__ATIME;

	if (fd < 0 || rootfs_setattr(fd, rootfs_ms_to_attr(m->o.flags), all, false) < 0 ||
	    rootfs_setattr(fd, m->o.rec_set, m->o.rec_clr, true) < 0)
		return mount_err(m, errno, err);
	if (m->o.ndata) {
		_cleanup_close_ int fsfd = fspick(fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
		if (fsfd < 0)
			return mount_err(m, errno, err);
		for (size_t i = 0; i < m->o.ndata; i++) {
			_cleanup_free_ char *key = strdup(m->o.data[i]);
			char *eq = key ? strchr(key, '=') : NULL;
			if (eq)
				*eq = '\0';
			if (!key || fsconfig(fsfd, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG,
					     key, eq ? eq + 1 : NULL, 0) < 0)
				return mount_err(m, errno, err);
		}
		if (fsconfig(fsfd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
			return mount_err(m, errno, err);
	}
	for (size_t i = 0; i < m->o.npropagation; i++)
		if (rootfs_set_propagation(fd, m->o.propagation[i]) < 0)
			return mount_err(m, errno, err);
	return 0;
}

static int copy_up(const rootfs_mount *m, int dest, int mnt, lv_error **err)
{
	_cleanup_close_ int src = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (src < 0 || dst < 0 || rootfs_copy_tree(src, dst) < 0)
		return lv_err(err, errno, "mount \"%s\" on \"%s\" (type %s): tmpcopyup",
			      m->source, m->destination, type_name(m));
	return 0;
}

static bool source_is_dir(const rootfs_mount *m, int mnt)
{
	struct stat st;
	return m->kind != ROOTFS_MOUNT_BIND || (fstat(mnt, &st) == 0 && S_ISDIR(st.st_mode));
}

int rootfs_do_mount(const rootfs_plan *p, size_t i, int rootfd, int userns_fd,
		    lv_error **err)
{
	const rootfs_mount *m = &p->mounts[i];
	long magic = 0;
	bool special = is_special(m, &magic);

	if (m->kind == ROOTFS_MOUNT_REMOUNT)
		return do_remount(m, rootfd, err);

	_cleanup_close_ int mnt = -1;
	if (p->rt->premade && p->rt->premade[i] >= 0)
		mnt = steal_fd(p->rt->premade[i]);
	else
		mnt = rootfs_make_mount(p, m, userns_fd, err);
	if (mnt < 0)
		return -1;
	_cleanup_close_ int dest = rootfs_create_in(rootfd, m->destination, !source_is_dir(m, mnt));
	if (dest >= 0 && special) {
		/* a symlink anywhere on the way is refused, not followed */
		close(dest);
		dest = rootfs_open_in(rootfd, m->destination, O_PATH | O_DIRECTORY, false);
	}
	if (dest < 0)
		return mount_err(m, errno, err);
	struct stat dst_st;
	if (fstat(dest, &dst_st) < 0)
		return mount_err(m, errno, err);
	/* move_mount() says EINVAL; mount(2) says what is wrong */
	if (S_ISDIR(dst_st.st_mode) != source_is_dir(m, mnt))
		return mount_err(m, ENOTDIR, err);
	if (same_inode(dest, rootfd))
		return lv_err(err, 0, "mount \"%s\" on \"%s\" (type %s): the destination resolves "
			      "to the container's root", m->source, m->destination, type_name(m));
	if (check_proc_dest(m, rootfd, dest, mnt, err) < 0)
		return -1;
	if (m->o.tmpcopyup && copy_up(m, dest, mnt, err) < 0)
		return -1;
	if (rootfs_attach(mnt, dest) < 0)
		return mount_err(m, errno, err);
	for (size_t k = 0; k < m->o.npropagation; k++)
		if (rootfs_set_propagation(mnt, m->o.propagation[k]) < 0)
			return mount_err(m, errno, err);
	if (special && verify_fs(rootfd, m, magic, err) < 0)
		return -1;
	return 0;
}
