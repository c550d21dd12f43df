/* The systemd driver's part of planning, creating, updating and removing a
 * container cgroup (see sd.h). */
#include "src/cgroups/cgroup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/cgroups/cg_internal.h"
#include "src/cgroups/sd.h"
#include "src/util/cleanup.h"

/* What runc sets on every scope: the parent slice, delegation (the subtree
 * is ours), accounting of every controller (the kernel has trouble with a
 * memory cgroup joined later) and no default dependencies. */
static int base_props(cg_sd_props *p, const char *id, const char *slice)
{
	_cleanup_free_ char *desc = NULL;
	if (asprintf(&desc, "lieve container %s", id) < 0)
		return -1;
	int r = cg_sd_add_str(p, "Description", desc);
	r |= cg_sd_add_str(p, "Slice", slice);
	r |= cg_sd_add_bool(p, "Delegate", true);
	r |= cg_sd_add_bool(p, "MemoryAccounting", true);
	r |= cg_sd_add_bool(p, "CPUAccounting", true);
	r |= cg_sd_add_bool(p, "IOAccounting", true);
	r |= cg_sd_add_bool(p, "TasksAccounting", true);
	r |= cg_sd_add_bool(p, "DefaultDependencies", false);
	return r < 0 ? -1 : 0;
}

int cg_sd_plan_build(cg_plan *p, const spec_config *cfg, const char *id, lv_error **err)
{
	const spec_linux *l = cfg ? cfg->linux_ : NULL;
	bool rootless = geteuid() != 0;
	_cleanup_free_ char *slice = NULL, *slice_path = NULL, *manager = NULL;
	p->systemd = true;
	if (cg_sd_names(l ? l->cgroups_path : NULL, id, rootless, &slice, &p->unit, err) < 0 ||
	    cg_sd_expand_slice(slice, &slice_path, err) < 0)
		return -1;
	if (base_props(&p->props, id ? id : "", slice) < 0)
		return lv_err(err, ENOMEM, "unit properties");
	if (cg_sd_resource_props(l ? l->resources : NULL, &p->props, err) < 0 ||
	    cg_sd_annotation_props(cfg ? &cfg->annotations : NULL, &p->props, err) < 0)
		return -1;
	/* Connected now, so that an unreachable systemd fails the create
	 * before anything exists. */
	if (cg_sd_connect(rootless, &p->sd, err) < 0 ||
	    cg_sd_manager_cgroup(p->sd, &manager, err) < 0)
		return -1;
	/* A user manager's units live below its own cgroup. */
	const char *m = strcmp(manager, "/") ? manager : "";
	if (asprintf(&p->path, "%s%s%s/%s", p->mount, m, slice_path, p->unit) < 0)
		return lv_err(err, ENOMEM, "cgroup path");
	return 0;
}

void cg_sd_plan_clear(cg_plan *p)
{
	cg_release_hold(p);
	free(p->unit);
	cg_sd_props_clear(&p->props);
	cg_sd_disconnect(p->sd);
}

static pid_t spawn_hold(lv_error **err)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return lv_err(err, errno, "fork a process for the new scope");
	if (pid == 0) {
		/* It must not keep the runtime's pipes and locks open. */
		close_range(3, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return pid;
}

void cg_release_hold(cg_plan *p)
{
	if (!p || p->hold <= 0)
		return;
	kill(p->hold, SIGKILL);
	while (waitpid(p->hold, NULL, 0) < 0 && errno == EINTR)
		;
	p->hold = -1;
}

int cg_sd_create_scope(cg_plan *p, lv_error **err)
{
	if ((p->hold = spawn_hold(err)) < 0)
		return -1;
	if (cg_sd_start_unit(p->sd, p->unit, p->hold, &p->props, err) < 0) {
		cg_release_hold(p);
		return -1;
	}
	p->unit_started = true;
	_cleanup_free_ char *where = NULL, *full = NULL;
	if (cg_sd_unit_cgroup(p->sd, p->unit, &where, err) < 0)
		return -1;
	if (asprintf(&full, "%s%s", p->mount, where) < 0)
		return lv_err(err, ENOMEM, "cgroup path");
	if (strcmp(full, p->path))
		return lv_err(err, 0, "systemd: unit \"%s\" is in cgroup \"%s\", not \"%s\"",
			      p->unit, full, p->path);
	return 0;
}

static int connect_for(const char *path, const char **unit, cg_sd_conn **c, lv_error **err)
{
	const char *slash = strrchr(path, '/');
	*unit = slash ? slash + 1 : path;
	return cg_sd_connect(geteuid() != 0, c, err);
}

int cg_remove(const char *path, bool systemd, lv_error **err)
{
	if (systemd) {
		_cleanup_sd_conn_ cg_sd_conn *c = NULL;
		const char *unit;
		if (connect_for(path, &unit, &c, err) < 0 || cg_sd_stop_unit(c, unit, err) < 0)
			return -1;
	}
	return cg_destroy(path, err);
}

int cg_update_unit(const char *path, const spec_resources *r, lv_error **err)
{
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props props = { 0 };
	if (cg_sd_resource_props(r, &props, err) < 0)
		return -1;
	if (props.n == 0)
		return 0;
	_cleanup_sd_conn_ cg_sd_conn *c = NULL;
	const char *unit;
	if (connect_for(path, &unit, &c, err) < 0 || cg_sd_set_props(c, unit, &props, err) < 0)
		return -1;
	return 0;
}
