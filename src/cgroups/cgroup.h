/* cgroup v2 manager.
 *
 * Works on a pure cgroup v2 host (/sys/fs/cgroup is cgroup2) and on a
 * v1-hybrid host, where the container is placed in the controller-less
 * cgroup2 hierarchy that is mounted (freeze, kill and ps still work), and a
 * requested resource whose controller is not available is an error naming
 * the controller. */
#ifndef LIEVE_CGROUP_H
#define LIEVE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "src/error.h"

typedef struct cg_plan cg_plan;

/* Resolves the cgroup path (linux.cgroupsPath absolute, relative, or
 * systemd's slice:prefix:name with systemd) and checks every requested
 * resource against the controllers available.  No writes. */
int cg_plan_build(const spec_config *cfg, const char *id, bool systemd,
		  cg_plan **out, lv_error **err);
void cg_plan_free(cg_plan *p);
/* The absolute path of the container cgroup (under the cgroup2 mount). */
const char *cg_plan_path(const cg_plan *p);

/* Creates the cgroup, enables controllers in its parents, writes the
 * resources.  Returns an O_DIRECTORY fd of it for clone3(CLONE_INTO_CGROUP). */
int cg_create(const cg_plan *p, int *dir_fd, lv_error **err);

/* Removes a container cgroup after its processes are gone (waits briefly
 * for them to leave).  A missing cgroup is not an error. */
int cg_destroy(const char *path, lv_error **err);

/* Places a process (an exec'd one) in the cgroup. */
int cg_enter(const char *path, pid_t pid, lv_error **err);

int cg_freeze(const char *path, bool frozen, lv_error **err);
int cg_is_frozen(const char *path, bool *frozen, lv_error **err);
/* Signals every process: cgroup.kill for SIGKILL, else each pid of cgroup.procs. */
int cg_kill(const char *path, int sig, lv_error **err);
/* The pids of every process in the cgroup and its descendants. */
int cg_pids(const char *path, pid_t **pids, size_t *n, lv_error **err);

/* Applies a linux.resources document to a live cgroup (`update`). */
int cg_update(const char *path, const spec_resources *r, lv_error **err);

/* Stats in runc's events format ({"type":"stats","id":...,"data":{...}}). */
int cg_stats_json(const char *path, const char *id, char **json, lv_error **err);

#endif
