/* The container process: everything of process.* resolved before clone
 * (capability names, rlimit names, ids) into a plan, and the steps that
 * apply it in the child. */
#ifndef LIEVE_PROCESS_H
#define LIEVE_PROCESS_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct {
	int resource;
	const char *name; /* static: "RLIMIT_NOFILE" */
	struct rlimit limit;
} proc_rlimit;

struct proc_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

typedef struct proc_plan {
	char **args;       /* NULL-terminated, owned */
	char *exec_path;   /* args[0] resolved in the container's PATH */
	char **env;        /* NULL-terminated, owned; HOME is added in the child */
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
	bool has_umask;
	mode_t umask;
	bool has_caps;     /* false: capabilities untouched (exec inherits none: see plan) */
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	proc_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_personality;
	unsigned long personality;
	bool has_sched;
	struct proc_sched_attr sched;
	bool has_ioprio;
	int ioprio;
	bool has_affinity;
	cpu_set_t affinity;
	char *apparmor_profile;
	char *selinux_label;
	bool terminal;
	unsigned console_height, console_width;
} proc_plan;

/* Resolves process.* (names, ranges, host support for apparmor/selinux). */
int proc_plan_build(const spec_process *p, proc_plan **out, lv_error **err);
void proc_plan_free(proc_plan *p);

/* Appends NAME=value to the process environment.  Returns -1 on ENOMEM. */
int proc_env_add(proc_plan *p, const char *entry);

/* linux.personality belongs to the process too. */
int proc_plan_set_personality(proc_plan *p, const spec_personality *per,
			      lv_error **err);
static inline void proc_plan_freep(proc_plan **p) { proc_plan_free(*p); }
#define _cleanup_proc_plan_ __attribute__((cleanup(proc_plan_freep)))

/* In the child, still privileged: rlimits, oom_score_adj, scheduler,
 * ioprio, personality, CPU affinity, LSM labels for the next exec. */
int proc_apply_privileged(const proc_plan *p, lv_error **err);

/* In the child, inside the container's root: HOME from /etc/passwd when the
 * env lacks it, args[0] looked up in PATH, and the working directory.
 * A missing program is reported here, so `create` fails rather than `start`.
 * Like runc, init creates a missing cwd (create_cwd) and exec does not. */
int proc_resolve_in_container(proc_plan *p, bool create_cwd, lv_error **err);

/* In the child: bounding set, groups, gid, uid, the capability sets,
 * ambient capabilities, no_new_privs, umask. */
int proc_apply_identity(const proc_plan *p, lv_error **err);

/* Marks every fd from 3 + preserve_fds up as close-on-exec, so nothing of
 * the runtime reaches the user's program. */
int proc_close_fds(int preserve_fds, lv_error **err);

/* execve() of the resolved program; returns only on failure. */
int proc_exec(const proc_plan *p, lv_error **err);

#endif
