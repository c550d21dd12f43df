/* Linux namespaces: which to create, which to join by path, user-namespace
 * id maps, time offsets, the loopback of a new network namespace, and
 * joining a running container's namespaces for `exec`. */
#ifndef LIEVE_NS_H
#define LIEVE_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct {
	uint64_t new_flags;           /* CLONE_NEW* to create, CLONE_NEWTIME included */
	int join_fd[SPEC_NS_COUNT];   /* an fd of the namespace to join, or -1 */
	bool new_ns[SPEC_NS_COUNT];
} ns_plan;

uint64_t ns_clone_flag(int type);
const char *ns_proc_name(int type); /* "pid", "net", ... as in /proc/PID/ns */

/* Validates linux.namespaces (each path really is a namespace of its type),
 * the id mappings, timeOffsets, hostname and sysctl against them, and opens
 * the paths to join. */
int ns_plan_build(const spec_config *cfg, ns_plan *p, lv_error **err);
void ns_plan_release(ns_plan *p);
bool ns_plan_has_joins(const ns_plan *p);

/* setns() into every namespace to join; the user namespace first so the
 * others are entered with its credentials.  All but the cgroup namespace:
 * on a cgroup2 mounted with nsdelegate (systemd's), a process can place a
 * child (clone3 CLONE_INTO_CGROUP) only in cgroups below its own cgroup
 * namespace's root and its own cgroup, so the child joins it itself, once
 * in the container's cgroup: ns_join_cgroup_path.  (Unless the container
 * gets a new user namespace: then init could not join it.) */
int ns_join_paths(const ns_plan *p, lv_error **err);
int ns_join_cgroup_path(const ns_plan *p, lv_error **err);

/* Runtime side: writes uid_map / gid_map of the child (setgroups "deny"
 * first when the caller is not privileged in the parent namespace). */
int ns_write_id_maps(pid_t pid, const spec_linux *l, lv_error **err);

/* In init: a new time namespace with linux.timeOffsets applied, entered by
 * init itself (offsets can only be written before anyone is inside). */
int ns_enter_new_time(const spec_linux *l, lv_error **err);

/* In init, in a new network namespace: bring "lo" up through netlink. */
int ns_loopback_up(lv_error **err);

/* For exec: setns() into every namespace of `pid` (through its pidfd) that
 * differs from the caller's, but the cgroup namespace (see ns_join_paths):
 * `cgroupns_left` says the child must join it (setns(pidfd,
 * CLONE_NEWCGROUP)).  Returns whether the pid namespace was joined (the
 * caller must fork for it to apply). */
int ns_join_container(pid_t pid, int pidfd, bool *joined_pid, bool *cgroupns_left,
		      lv_error **err);

/* sysctl keys a container may set: the namespaced ones, if the matching
 * namespace is private to the container. */
int ns_check_sysctl(const spec_config *cfg, const ns_plan *p, lv_error **err);

#endif
