/* Mount options: runc's tables, parsed into a rootfs_mount_opts.
 *
 * Names and meanings follow runc's libcontainer/specconv (mountFlags,
 * mountPropagationMapping, recAttrFlags, extensionFlags, complexFlags), so a
 * config means the same thing under both runtimes.  What is not in a table
 * is filesystem data for fsconfig(): "key=value", or a bare word from the
 * list of known filesystem flags.  Anything else is rejected here, at plan
 * time, rather than failing half-way through the container's mounts.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "src/rootfs/plan.h"
#include "src/util/cleanup.h"

struct flag_opt {
	const char *name;
	bool clear;
	unsigned long flag;
};

static const struct flag_opt mount_flags[] = {
	{ "acl", false, MS_POSIXACL },
	{ "async", true, MS_SYNCHRONOUS },
	{ "atime", true, MS_NOATIME },
	{ "bind", false, MS_BIND },
	{ "defaults", false, 0 },
	{ "dev", true, MS_NODEV },
	{ "diratime", true, MS_NODIRATIME },
	{ "dirsync", false, MS_DIRSYNC },
	{ "exec", true, MS_NOEXEC },
	{ "iversion", false, MS_I_VERSION },
	{ "lazytime", false, MS_LAZYTIME },
	{ "loud", true, MS_SILENT },
	{ "mand", false, MS_MANDLOCK },
	{ "noacl", true, MS_POSIXACL },
	{ "noatime", false, MS_NOATIME },
	{ "nodev", false, MS_NODEV },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "noexec", false, MS_NOEXEC },
	{ "noiversion", true, MS_I_VERSION },
	{ "nolazytime", true, MS_LAZYTIME },
	{ "nomand", true, MS_MANDLOCK },
	{ "norelatime", true, MS_RELATIME },
	{ "nostrictatime", true, MS_STRICTATIME },
	{ "nosuid", false, MS_NOSUID },
	{ "nosymfollow", false, MS_NOSYMFOLLOW },
	{ "rbind", false, MS_BIND | MS_REC },
	{ "relatime", false, MS_RELATIME },
	{ "remount", false, MS_REMOUNT },
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "silent", false, MS_SILENT },
	{ "strictatime", false, MS_STRICTATIME },
	{ "suid", true, MS_NOSUID },
	{ "sync", false, MS_SYNCHRONOUS },
	{ "symfollow", true, MS_NOSYMFOLLOW },
};

static const struct flag_opt propagation_flags[] = {
	{ "private", false, MS_PRIVATE },
	{ "shared", false, MS_SHARED },
	{ "slave", false, MS_SLAVE },
	{ "unbindable", false, MS_UNBINDABLE },
	{ "rprivate", false, MS_PRIVATE | MS_REC },
	{ "rshared", false, MS_SHARED | MS_REC },
	{ "rslave", false, MS_SLAVE | MS_REC },
	{ "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Recursive attributes.  The atime ones name an atime mode (handled apart):
 * the kernel takes exactly one mode with MOUNT_ATTR__ATIME in attr_clr. */
static const struct flag_opt rec_attrs[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY },
	{ "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID },
	{ "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV },
	{ "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC },
	{ "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

/* rnorelatime ("do not use relatime") means full atime updates; ratime and
 * rnostrictatime return to the kernel's default, relatime. */
static const struct {
	const char *name;
	uint64_t mode;
} rec_atime[] = {
	{ "rrelatime", MOUNT_ATTR_RELATIME },
	{ "rnorelatime", MOUNT_ATTR_STRICTATIME },
	{ "rnoatime", MOUNT_ATTR_NOATIME },
	{ "ratime", MOUNT_ATTR_RELATIME },
	{ "rstrictatime", MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", MOUNT_ATTR_RELATIME },
};

/* Bare words that filesystems take as flags through fsconfig(SET_FLAG). */
static const char *const fs_data_flags[] = {
	"newinstance",             /* devpts */
	"nsdelegate", "memory_recursiveprot", "favordynmods", /* cgroup2 */
	"memory_localevents", "memory_hugetlb_accounting", "pids_localevents",
	"inode64", "inode32", "noswap", "quota", "usrquota", "grpquota", /* tmpfs */
	"userxattr", "volatile",   /* overlay */
	"nouser_xattr", "user_xattr",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

unsigned long rootfs_propagation_flag(const char *name)
{
	for (size_t i = 0; i < N(propagation_flags); i++)
		if (strcmp(name, propagation_flags[i].name) == 0)
			return propagation_flags[i].flag;
	return 0;
}

uint64_t rootfs_ms_to_attr(unsigned long ms)
{
	uint64_t a = 0;

	if (ms & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (ms & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (ms & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (ms & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (ms & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (ms & MS_NOSYMFOLLOW)
		a |= MOUNT_ATTR_NOSYMFOLLOW;
	/* mount(2)'s precedence: strictatime beats noatime, relatime is the default */
	if (ms & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	else if (ms & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	return a;
}

void rootfs_mount_opts_clear(rootfs_mount_opts *o)
{
	for (size_t i = 0; i < o->ndata; i++)
		free(o->data[i]);
	free(o->data);
	memset(o, 0, sizeof(*o));
}

static const struct flag_opt *lookup(const struct flag_opt *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, t[i].name) == 0)
			return &t[i];
	return NULL;
}

static bool is_fs_data_flag(const char *name)
{
	for (size_t i = 0; i < N(fs_data_flags); i++)
		if (strcmp(name, fs_data_flags[i]) == 0)
			return true;
	return false;
}

static int add_data(rootfs_mount_opts *o, const char *opt, lv_error **err)
{
	char **v = realloc(o->data, (o->ndata + 2) * sizeof(*v));
	if (!v)
		return lv_err(err, errno, "mount options");
	o->data = v;
	if (!(v[o->ndata] = strdup(opt)))
		return lv_err(err, errno, "mount options");
	v[++o->ndata] = NULL;
	return 0;
}

static int parse_one(const char *opt, const char *what, rootfs_mount_opts *o,
		     lv_error **err)
{
	const struct flag_opt *f;

	if ((f = lookup(mount_flags, N(mount_flags), opt))) {
		if (f->clear) {
			o->flags &= ~f->flag;
			o->clear |= f->flag;
		} else {
			o->flags |= f->flag;
			o->clear &= ~f->flag;
		}
		return 0;
	}
	if ((f = lookup(propagation_flags, N(propagation_flags), opt))) {
		if (o->npropagation == ROOTFS_MAX_PROPAGATION)
			return lv_err(err, 0, "mount %s: too many propagation options", what);
		o->propagation[o->npropagation++] = f->flag;
		return 0;
	}
	if ((f = lookup(rec_attrs, N(rec_attrs), opt))) {
		if (f->clear) {
			o->rec_clr |= f->flag;
			o->rec_set &= ~f->flag;
		} else {
			o->rec_set |= f->flag;
			o->rec_clr &= ~f->flag;
		}
		return 0;
	}
	for (size_t i = 0; i < N(rec_atime); i++) {
		if (strcmp(opt, rec_atime[i].name) == 0) {
			o->rec_set = (o->rec_set & ~(uint64_t)MOUNT_ATTR__ATIME) | rec_atime[i].mode;
			o->rec_clr |= MOUNT_ATTR__ATIME;
			return 0;
		}
	}
	if (strcmp(opt, "tmpcopyup") == 0) {
		o->tmpcopyup = true;
		return 0;
	}
	if (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0) {
		o->idmap = true;
		o->idmap_recursive = opt[0] == 'r';
		return 0;
	}
	if ((strchr(opt, '=') && opt[0] != '=') || is_fs_data_flag(opt))
		return add_data(o, opt, err);
	return lv_err(err, 0, "mount %s: unknown mount option \"%s\"", what, opt);
}

int rootfs_parse_options(const spec_mount *m, const char *what,
			 rootfs_mount_opts *o, lv_error **err)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < m->options.n; i++) {
		if (parse_one(m->options.v[i], what, o, err) < 0) {
			rootfs_mount_opts_clear(o);
			return -1;
		}
	}
	return 0;
}
