/* cgroup v2 manager.
 *
 * Works on a pure cgroup v2 host (/sys/fs/cgroup is cgroup2) and on a
 * v1-hybrid host, where the container is placed in the controller-less
 * cgroup2 hierarchy that is mounted (freeze, kill and ps still work), and a
 * requested resource whose controller is not available is an error naming
 * the controller.
 *
 * Layers, bottom up:
 *   - pure conversions (cg_resolve_path, cg_resources_plan, cg_dev_*): no
 *     syscalls, unit-tested without root;
 *   - cg_plan_build: reads the host (mountinfo, own cgroup, controllers) and
 *     validates everything before anything is created;
 *   - cg_create / cg_update / cg_freeze / ...: the writes.
 */
#ifndef LIEVE_CGROUP_H
#define LIEVE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

struct bpf_insn;

typedef struct cg_plan cg_plan;

/* Resolves the cgroup path (linux.cgroupsPath absolute, relative, or
 * systemd's slice:prefix:name with systemd) and checks every requested
 * resource against the controllers available.  No writes.
 * Relative and empty paths go below the parent of the caller's own cgroup,
 * as in runc.  With `systemd` (--systemd-cgroup) the cgroup is a transient
 * scope (see sd.h): the plan connects to systemd, and with no systemd
 * running the error is `systemd cgroup driver: systemd is not running`. */
int cg_plan_build(const spec_config *cfg, const char *id, bool systemd,
		  cg_plan **out, lv_error **err);
void cg_plan_free(cg_plan *p);
static inline void cg_plan_freep(cg_plan **p) { cg_plan_free(*p); }
#define _cleanup_cg_plan_ __attribute__((cleanup(cg_plan_freep)))
/* The absolute path of the container cgroup (under the cgroup2 mount). */
const char *cg_plan_path(const cg_plan *p);
/* Settings accepted but without effect on cgroup v2, as runc warns about
 * them (kernel memory).  NULL-terminated, owned by the plan; the caller
 * logs them. */
const char *const *cg_plan_warnings(const cg_plan *p);

/* Creates the cgroup (with systemd: starts the scope), enables controllers
 * in its parents, writes the resources, attaches the device filter.
 * Returns an O_DIRECTORY fd of it for clone3(CLONE_INTO_CGROUP).  On
 * failure removes what it created. */
int cg_create(cg_plan *p, int *dir_fd, lv_error **err);
/* Once the container's first process is in the cgroup: ends the process
 * that kept a new systemd scope from being empty (no-op otherwise). */
void cg_release_hold(cg_plan *p);
/* Undoes cg_create after a later failure: kills what is in the cgroup,
 * stops the scope, removes the cgroup.  Best effort. */
void cg_abort(cg_plan *p);
/* `delete`: stops the scope when the container was made with systemd
 * (`systemd`), then cg_destroy. */
int cg_remove(const char *path, bool systemd, lv_error **err);
/* `update` under systemd: the resources as properties of the scope whose
 * cgroup is `path` (cg_update then writes the files). */
int cg_update_unit(const char *path, const spec_resources *r, lv_error **err);

/* Removes a container cgroup (and any cgroups below it) after its processes
 * are gone, retrying briefly while the kernel still reports it busy.  A
 * missing cgroup is not an error.  Processes left behind make it fail:
 * call cg_kill(path, SIGKILL) first when they may remain. */
int cg_destroy(const char *path, lv_error **err);

/* Places a process (an exec'd one) in the cgroup. */
int cg_enter(const char *path, pid_t pid, lv_error **err);
/* An O_DIRECTORY fd of an existing cgroup, for clone3(CLONE_INTO_CGROUP). */
int cg_open(const char *path, int *dir_fd, lv_error **err);

/* Writes cgroup.freeze and waits (poll on cgroup.events, 5 s at most) until
 * the cgroup reports the state; a freeze that times out is undone. */
int cg_freeze(const char *path, bool frozen, lv_error **err);
int cg_is_frozen(const char *path, bool *frozen, lv_error **err);
/* Signals every process: cgroup.kill for SIGKILL, else each pid of
 * cgroup.procs recursively (with the cgroup frozen meanwhile, so no child
 * escapes; a cgroup that was already frozen stays frozen). */
int cg_kill(const char *path, int sig, lv_error **err);
/* The pids of every process in the cgroup and its descendants. */
int cg_pids(const char *path, pid_t **pids, size_t *n, lv_error **err);

/* Applies a linux.resources document to a live cgroup (`update`).  Only what
 * the document sets changes; a cpu quota without period (or the reverse)
 * keeps the other half, a swap limit without memory limit is converted
 * against the current memory.max.  A controller the cgroup lacks (made on
 * a hybrid host without it) is enabled down its path when the root has it.
 * `devices`, when present, replaces the device filter (with runc's default
 * devices appended). */
int cg_update(const char *path, const spec_resources *r, lv_error **err);

/* Stats in runc's events format ({"type":"stats","id":...,"data":{...}}). */
int cg_stats_json(const char *path, const char *id, char **json, lv_error **err);

/* ---- for `events` streaming ---- */

/* The oom_kill counter of memory.events (0 when the memory controller is
 * not enabled there).  runc reports an "oom" event whenever it grows. */
int cg_oom_count(const char *path, uint64_t *count, lv_error **err);
/* An inotify fd (O_NONBLOCK|O_CLOEXEC) that becomes readable when
 * memory.events or cgroup.events changes; poll it, drain it with read(),
 * then look at cg_oom_count and cg_populated. */
int cg_events_watch(const char *path, int *fd, lv_error **err);
/* cgroup.events "populated": false once every process has left. */
int cg_populated(const char *path, bool *populated, lv_error **err);

/* ---- pure planning (exposed for tests and `lieve features`) ---- */

enum {
	CG_W_ENOENT_OK = 1 << 0,  /* a missing file is skipped */
	CG_W_FALLBACK = 1 << 1,   /* only when the previous write found no file */
	CG_W_EINVAL_OK = 1 << 2,  /* EINVAL tolerated (rewritten later) */
	CG_W_UNIFIED = 1 << 3,    /* from linux.resources.unified */
	CG_W_CHECK_USAGE = 1 << 4, /* refuse a limit <= memory.current */
};

typedef struct {
	char *file;             /* relative to the cgroup: "memory.max" */
	char *value;            /* exactly what is written: "max 100000" */
	const char *controller; /* needed controller, NULL for core files */
	const char *field;      /* the config field, for messages */
	unsigned flags;         /* CG_W_* */
} cg_write;

typedef struct {
	cg_write *v;
	size_t n;
	char **warnings; /* NULL-terminated, may be NULL */
	size_t n_warnings;
} cg_writes;

/* linux.resources → the cgroup v2 writes, in the order they are applied
 * (runc's: pids, memory, io, cpu, cpuset, hugetlb, rdma, unified last so it
 * overrides).  Unsupported settings on v2 are errors:
 * `linux.resources.memory.disableOOMKiller: not supported on cgroup v2 ...`.
 * Devices are not file writes: see cg_dev_rules_from_spec. */
int cg_resources_plan(const spec_resources *r, cg_writes *out, lv_error **err);
void cg_writes_clear(cg_writes *w);

/* Every controller the writes need must be in `available` (the root's
 * cgroup.controllers, space separated); else
 * `linux.resources.memory: the "memory" controller is not available in the
 * cgroup2 hierarchy at /sys/fs/cgroup/unified`. */
int cg_check_controllers(const cg_writes *w, const char *available,
			 const char *mount, lv_error **err);

/* runc's conversions. */
uint64_t cg_shares_to_weight(uint64_t shares);      /* 0 = unset */
uint64_t cg_blkio_weight_to_io(uint64_t weight);    /* 10..1000 → 1..10000 */
/* OCI swap (memory+swap) → memory.swap.max; -1 = "max", 0 = leave unset. */
int cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, lv_error **err);

/* The container cgroup path, absolute on the host:
 *  - cgroups_path absolute: mount + path;
 *  - relative: mount + dirname(own cgroup) + path (runc: the caller's own
 *    cgroup has processes, its parent is where siblings can be made);
 *  - empty: as relative, with the container id.
 * `own` is the "0::" entry of /proc/self/cgroup.  ".." never climbs above
 * the mount. */
int cg_resolve_path(const char *mount, const char *own,
		    const char *cgroups_path, const char *id, char **out,
		    lv_error **err);

/* ---- devices: an eBPF BPF_PROG_TYPE_CGROUP_DEVICE filter ---- */

enum { CG_DEV_MKNOD = 1, CG_DEV_READ = 2, CG_DEV_WRITE = 4 }; /* BPF_DEVCG_ACC_* */

typedef struct {
	char type;        /* 'a', 'b', 'c' */
	int64_t major;    /* -1 = any */
	int64_t minor;    /* -1 = any */
	unsigned access;  /* CG_DEV_* bits */
	bool allow;
} cg_dev_rule;

/* linux.resources.devices followed by runc's default allowed devices (null,
 * zero, full, random, urandom, tty, ptmx, pts, tun, mknod of any), minus the
 * defaults whose path linux.devices redefines. `linux` may be NULL. */
int cg_dev_rules_from_spec(const spec_linux *linux_, const spec_resources *r,
			   cg_dev_rule **rules, size_t *n, lv_error **err);

/* Compiles rules into a program: default deny; for each access bit the last
 * matching rule decides (as the rules read top to bottom); an access is
 * allowed when all its bits are. */
int cg_dev_compile(const cg_dev_rule *rules, size_t n, struct bpf_insn **insns,
		   size_t *n_insns, lv_error **err);

/* Loads the program and attaches it to the cgroup (BPF_F_ALLOW_MULTI), then
 * detaches device programs attached there before (a replacement). */
int cg_dev_apply(int cgroup_fd, const cg_dev_rule *rules, size_t n,
		 lv_error **err);

#endif
