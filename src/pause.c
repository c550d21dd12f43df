/* Commands served by the container's cgroup: pause, resume, ps, update, events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/container.h"
#include "src/util/cleanup.h"

static int need_cgroup(const lv_opened *o, lv_error **err)
{
	if (!o->rec->cgroup_path)
		return lv_err(err, 0, "container has no cgroup");
	return 0;
}

static int freeze(const lv_context *ctx, const char *id, bool frozen, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, true, false, &o, err) < 0)
		return -1;
	const char *want = frozen ? "running" : "paused";
	int r = need_cgroup(&o, err);
	if (r == 0 && strcmp(o.status, want) != 0)
		r = lv_err(err, 0, "container is %s, not %s", o.status, want);
	if (r == 0)
		r = cg_freeze(o.rec->cgroup_path, frozen, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "%s container \"%s\"", frozen ? "pause" : "resume", id) : 0;
}

int lv_pause(const lv_context *ctx, const char *id, lv_error **err)
{
	return freeze(ctx, id, true, err);
}

int lv_resume(const lv_context *ctx, const char *id, lv_error **err)
{
	return freeze(ctx, id, false, err);
}

int lv_ps(const lv_context *ctx, const char *id, pid_t **pids, size_t *n, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, false, false, &o, err) < 0)
		return -1;
	int r = need_cgroup(&o, err);
	if (r == 0)
		r = cg_pids(o.rec->cgroup_path, pids, n, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "ps container \"%s\"", id) : 0;
}

int lv_update(const lv_context *ctx, const char *id, const char *resources_json,
	      lv_error **err)
{
	/* The resources document is parsed as the linux.resources of a config,
	 * so it gets the same validation and the same error paths. */
	_cleanup_free_ char *doc = NULL;
	if (asprintf(&doc, "{\"ociVersion\":\"" SPEC_OCI_VERSION "\",\"linux\":{\"resources\":%s}}",
		     resources_json) < 0)
		return lv_err(err, ENOMEM, "update");
	_cleanup_config_ spec_config *cfg = NULL;
	if (spec_config_parse(doc, strlen(doc), "resources", &cfg, err) < 0)
		return -1;
	lv_opened o;
	if (lv_open_container(ctx, id, true, false, &o, err) < 0)
		return -1;
	int r = need_cgroup(&o, err);
	if (r == 0 && strcmp(o.status, "stopped") == 0)
		r = lv_err(err, 0, "container is stopped");
	if (r == 0 && cfg->linux_ && cfg->linux_->resources)
		r = cg_update(o.rec->cgroup_path, cfg->linux_->resources, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "update container \"%s\"", id) : 0;
}

int lv_stats_json(const lv_context *ctx, const char *id, char **json, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, false, false, &o, err) < 0)
		return -1;
	int r = need_cgroup(&o, err);
	if (r == 0 && strcmp(o.status, "stopped") == 0)
		r = lv_err(err, 0, "container is stopped");
	if (r == 0)
		r = cg_stats_json(o.rec->cgroup_path, id, json, err);
	lv_close_container(&o);
	return r < 0 ? lv_err_wrap(err, "events for container \"%s\"", id) : 0;
}
