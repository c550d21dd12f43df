/* The rootfs plan: what rootfs_plan_build() decided, before clone.
 *
 * Internal to src/rootfs/ (and its unit tests).  Everything here is plain
 * data computed from the config without touching the filesystem, except
 * the rootfs directory fd opened by rootfs_plan_build().
 *
 * Mount options follow runc's tables (libcontainer/specconv): MS_* flags for
 * the mount itself, MOUNT_ATTR_* for the recursive r* forms, MS_* propagation
 * types, the extensions tmpcopyup/idmap/ridmap, and everything else is
 * filesystem data handed to fsconfig().
 */
#ifndef LIEVE_ROOTFS_PLAN_H
#define LIEVE_ROOTFS_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"
#include "src/rootfs/rootfs.h"

enum rootfs_mount_kind {
	ROOTFS_MOUNT_FS,      /* a new filesystem: fsopen/fsmount */
	ROOTFS_MOUNT_BIND,    /* open_tree(OPEN_TREE_CLONE) of a host path */
	ROOTFS_MOUNT_REMOUNT, /* "remount": change an existing mount */
};

#define ROOTFS_MAX_PROPAGATION 4

/* The parsed options of one mounts[] entry. */
typedef struct {
	unsigned long flags;       /* MS_* set by the options, as runc computes them */
	unsigned long clear;       /* MS_* explicitly cleared (rw, suid, dev, ...) */
	uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) */
	unsigned long propagation[ROOTFS_MAX_PROPAGATION]; /* MS_SHARED|MS_REC, ... in order */
	size_t npropagation;
	bool tmpcopyup;
	bool idmap, idmap_recursive;
	char **data; /* NULL-terminated "key=value" or "flag" for fsconfig */
	size_t ndata;
} rootfs_mount_opts;

typedef struct {
	char *destination; /* absolute, cleaned, inside the rootfs */
	char *source;      /* bind: absolute host path; fs: the config's source */
	char *type;        /* as written in the config (for messages) */
	char *fstype;      /* for fsopen(): "cgroup" becomes "cgroup2" */
	int kind;          /* enum rootfs_mount_kind */
	bool recursive;    /* rbind */
	rootfs_mount_opts o;
	spec_id_mapping *uid_map, *gid_map; /* the mount's own idmap, if any */
	size_t n_uid_map, n_gid_map;
} rootfs_mount;

typedef struct {
	char *path;     /* absolute, inside the rootfs */
	mode_t type;    /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned int major, minor;
	mode_t mode;    /* permission bits */
	uid_t uid;
	gid_t gid;
} rootfs_device;

struct rootfs_plan {
	char *root_path;  /* absolute host path */
	bool readonly;
	rootfs_options opts;    /* opts.cgroup_path points to cgroup_path below */
	char *cgroup_path;
	rootfs_mount *mounts;
	size_t nmounts;
	rootfs_device *devices; /* linux.devices, then the defaults not overridden */
	size_t ndevices;
	bool setup_dev;         /* false when /dev is a bind mount (as runc) */
	char **masked, **readonly_paths;
	size_t nmasked, nreadonly;
	unsigned long root_propagation; /* MS_* from linux.rootfsPropagation, 0 if unset */
	char *mount_label;
	/* What init learns while executing (the plan itself stays const). */
	struct rootfs_runtime {
		int root_fd;  /* O_PATH of root_path, opened at plan time */
		int root_mnt; /* the rootfs bind mount, after rootfs_prepare() */
		int *premade; /* per mount: a detached mount made by the runtime, or -1 */
	} *rt;
};

/* Parses one mounts[] entry's options into *o.  `what` names the mount in
 * messages.  Unknown options are an error naming the mount and the option. */
int rootfs_parse_options(const spec_mount *m, const char *what,
			 rootfs_mount_opts *o, lv_error **err);
void rootfs_mount_opts_clear(rootfs_mount_opts *o);

/* linux.rootfsPropagation and the propagation options: MS_* or 0 if unknown. */
unsigned long rootfs_propagation_flag(const char *name);

/* Cleans an absolute path lexically ("/a//b/../c" → "/a/c"); a relative one
 * is taken as relative to "/".  Never returns a path with "..". */
char *rootfs_clean_path(const char *path);

/* MS_* (mount flags of one mount) to MOUNT_ATTR_* for fsmount()/mount_setattr. */
uint64_t rootfs_ms_to_attr(unsigned long ms);

#endif
