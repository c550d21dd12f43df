/* Helpers shared by the cgroup files; not part of the module's interface. */
#ifndef LIEVE_CG_INTERNAL_H
#define LIEVE_CG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/config.h"
#include "src/cgroups/cgroup.h"
#include "src/cgroups/sd.h"
#include "src/error.h"

#define CG_DEFAULT_MOUNT "/sys/fs/cgroup"

struct cg_plan {
	char *mount;       /* the cgroup2 mount point */
	char *path;        /* the container cgroup, absolute */
	char *available;   /* the root's cgroup.controllers */
	bool hybrid;       /* the cgroup2 tree is not at /sys/fs/cgroup */
	cg_writes writes;
	cg_dev_rule *dev_rules;
	size_t n_dev_rules;
	/* --systemd-cgroup (systemd.c) */
	bool systemd;
	char *unit;        /* "lieve-ID.scope" */
	cg_sd_props props; /* the unit's properties, PIDs aside */
	cg_sd_conn *sd;
	pid_t hold;        /* keeps the new scope populated until init is in */
	bool unit_started;
};

/* systemd.c: the systemd driver's part of the plan and of creation. */
int cg_sd_plan_build(cg_plan *p, const spec_config *cfg, const char *id, lv_error **err);
void cg_sd_plan_clear(cg_plan *p);
/* Starts the scope (with a placeholder process in it, since systemd wants
 * a PID and the container's init does not exist yet) and checks that
 * systemd put its cgroup where the plan says. */
int cg_sd_create_scope(cg_plan *p, lv_error **err);

/* Whole small file (cgroup files are < 1 page mostly) into a NUL-terminated
 * buffer.  -1 with errno set. */
int cg_read_at(int dirfd, const char *file, char **out);
int cg_read(const char *dir, const char *file, char **out);
/* One write(2) of value; no O_CREAT, so a missing knob is ENOENT.  -1 with
 * errno set. */
int cg_write_at(int dirfd, const char *file, const char *value);
/* The value of "key N" in a flat-keyed file (cgroup.events, memory.events,
 * cpu.stat).  false when the key is absent. */
bool cg_key_u64(const char *content, const char *key, uint64_t *v);
/* A single number or "max" (UINT64_MAX). */
bool cg_parse_u64(const char *s, uint64_t *v);

/* The cgroup2 mount point: /sys/fs/cgroup when it is cgroup2, else the first
 * cgroup2 mount (on a hybrid host, /sys/fs/cgroup/unified). */
int cg_find_mount(char **mount, lv_error **err);
/* The "0::" entry of /proc/self/cgroup. */
int cg_own_cgroup(char **own, lv_error **err);
bool cg_systemd_running(void);

/* Whether `word` is one of the space-separated words of `list`. */
bool cg_word_in(const char *list, const char *word);

#endif
