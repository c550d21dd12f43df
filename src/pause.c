/* Commands served by the container's cgroup: pause, resume, ps, update, events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

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
	const spec_resources *res = cfg->linux_ ? cfg->linux_->resources : NULL;
	/* systemd first, as runc: its properties would win at the next reload */
	if (r == 0 && res && o.rec->systemd_cgroup)
		r = cg_update_unit(o.rec->cgroup_path, res, err);
	if (r == 0 && res)
		r = cg_update(o.rec->cgroup_path, res, err);
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

static int emit_oom(const char *id, lv_event_fn fn, void *data)
{
	_cleanup_free_ char *json = NULL;
	/* A valid id is [A-Za-z0-9_+.-]: nothing to escape. */
	if (asprintf(&json, "{\"type\":\"oom\",\"id\":\"%s\"}", id) < 0)
		return -1;
	return fn(json, data);
}

static int container_cgroup(const lv_context *ctx, const char *id, char **path,
			    bool *stopped, lv_error **err)
{
	lv_opened o;
	if (lv_open_container(ctx, id, false, false, &o, err) < 0)
		return -1;
	int r = need_cgroup(&o, err);
	*stopped = strcmp(o.status, "stopped") == 0;
	if (r == 0 && !(*path = strdup(o.rec->cgroup_path)))
		r = lv_err(err, ENOMEM, "events");
	lv_close_container(&o);
	return r;
}

int lv_events(const lv_context *ctx, const char *id, long long interval_ns,
	      lv_event_fn fn, void *data, lv_error **err)
{
	_cleanup_free_ char *cg = NULL;
	bool stopped = false;
	if (container_cgroup(ctx, id, &cg, &stopped, err) < 0)
		return lv_err_wrap(err, "events for container \"%s\"", id);
	_cleanup_close_ int watch = -1;
	if (cg_events_watch(cg, &watch, err) < 0)
		return lv_err_wrap(err, "events for container \"%s\"", id);
	uint64_t ooms = 0, now;
	lv_error *e = NULL;
	if (cg_oom_count(cg, &ooms, &e) < 0)
		lv_err_freep(&e);
	long long next = 0;
	while (!stopped) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		long long t = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		if (t >= next) {
			_cleanup_free_ char *json = NULL;
			if (cg_stats_json(cg, id, &json, err) < 0 || fn(json, data) < 0)
				return -1;
			next = t + interval_ns;
			continue;
		}
		struct pollfd p = { watch, POLLIN, 0 };
		int wait_ms = (int)((next - t + 999999) / 1000000);
		if (poll(&p, 1, wait_ms) > 0) {
			char buf[4096];
			while (read(watch, buf, sizeof(buf)) > 0)
				;
			if (cg_oom_count(cg, &now, &e) == 0 && now > ooms) {
				ooms = now;
				if (emit_oom(id, fn, data) < 0)
					return lv_err(err, errno, "events");
			}
			lv_err_freep(&e);
		}
		bool populated = true;
		if (cg_populated(cg, &populated, &e) == 0 && !populated)
			stopped = true;
		lv_err_freep(&e);
	}
	return 0;
}
