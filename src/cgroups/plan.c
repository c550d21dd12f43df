/* linux.resources → cgroup v2 file writes.  Pure: no syscalls.
 *
 * The values are the ones runc writes, so a bundle behaves the same under
 * both runtimes; where runc silently drops a v1-only setting we refuse it,
 * since a limit that is asked for and not applied is worse than an error. */
#include "src/cgroups/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

#define R "linux.resources."

uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	/* The kernel clamps v1 shares to [2, 262144]; clamping first keeps
	 * the formula inside the v2 range [1, 10000]. */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_weight_to_io(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

int cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, lv_error **err)
{
	/* As on v1: an unlimited memory with no swap setting means both are
	 * unlimited. */
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (swap < 0)
		return lv_err(err, 0, R "memory.swap: invalid value %" PRId64, swap);
	if (limit == 0 || limit == -1)
		return lv_err(err, 0, R "memory.swap: a swap limit needs a memory limit");
	if (limit < 0)
		return lv_err(err, 0, R "memory.limit: invalid value %" PRId64, limit);
	if (swap < limit)
		return lv_err(err, 0,
			      R "memory.swap: memory+swap limit %" PRId64
				" is below the memory limit %" PRId64,
			      swap, limit);
	*out = swap - limit;
	return 0;
}

void cg_writes_clear(cg_writes *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].file);
		free(w->v[i].value);
	}
	free(w->v);
	for (size_t i = 0; i < w->n_warnings; i++)
		free(w->warnings[i]);
	free(w->warnings);
	*w = (cg_writes){ 0 };
}

__attribute__((format(printf, 6, 7)))
static int add(cg_writes *w, const char *field, const char *ctrl,
	       unsigned flags, const char *file, const char *fmt, ...)
{
	cg_write *v = realloc(w->v, (w->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	w->v = v;
	cg_write *e = &v[w->n];
	*e = (cg_write){ .controller = ctrl, .field = field, .flags = flags };
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&e->value, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	e->file = strdup(file);
	if (!e->file) {
		free(e->value);
		return -1;
	}
	w->n++;
	return 0;
}

static int warn(cg_writes *w, const char *msg)
{
	char **v = realloc(w->warnings, (w->n_warnings + 2) * sizeof(*v));
	if (!v)
		return -1;
	w->warnings = v;
	if (!(v[w->n_warnings] = strdup(msg)))
		return -1;
	v[++w->n_warnings] = NULL;
	return 0;
}

#define ADD(...)                                                               \
	do {                                                                   \
		if (add(w, __VA_ARGS__) < 0)                                   \
			return lv_err(err, ENOMEM, "plan cgroup writes");       \
	} while (0)

/* runc's numToStr: 0 leaves the file alone, -1 is "max". */
static int limit_str(int64_t v, const char *field, char buf[32], lv_error **err)
{
	if (v == 0)
		buf[0] = '\0';
	else if (v == -1)
		strcpy(buf, "max");
	else if (v < 0)
		return lv_err(err, 0, "%s: invalid value %" PRId64, field, v);
	else
		snprintf(buf, 32, "%" PRId64, v);
	return 0;
}

static int plan_memory(const spec_memory *m, cg_writes *w, lv_error **err)
{
	if (m->disable_oom_killer.set && m->disable_oom_killer.value)
		return lv_err(err, 0, R "memory.disableOOMKiller: cgroup v2 has no "
			      "switch to disable the OOM killer");
	if (m->swappiness.set)
		return lv_err(err, 0, R "memory.swappiness: not supported on "
			      "cgroup v2 (there is no memory.swappiness file)");
	if (m->use_hierarchy.set && !m->use_hierarchy.value)
		return lv_err(err, 0, R "memory.useHierarchy: cgroup v2 is "
			      "always hierarchical");
	if ((m->kernel.set || m->kernel_tcp.set) &&
	    warn(w, R "memory.kernel, kernelTCP: kernel memory settings are "
		    "ignored on cgroup v2") < 0)
		return lv_err(err, ENOMEM, "plan cgroup writes");

	int64_t limit = m->limit.set ? m->limit.value : 0;
	int64_t swap = m->swap.set ? m->swap.value : 0;
	int64_t resv = m->reservation.set ? m->reservation.value : 0;
	char buf[32];

	int64_t v2swap;
	if (cg_swap_to_v2(swap, limit, &v2swap, err) < 0)
		return -1;
	if (limit_str(v2swap, R "memory.swap", buf, err) < 0)
		return -1;
	if (!buf[0] && v2swap == 0 && swap > 0)
		strcpy(buf, "0"); /* memory == memory+swap: no swap at all */
	if (buf[0]) {
		/* Without swap accounting the file is absent; "no limit" and
		 * "no swap" then already hold. */
		unsigned f = (!strcmp(buf, "max") || !strcmp(buf, "0")) ? CG_W_ENOENT_OK : 0;
		ADD(R "memory.swap", "memory", f, "memory.swap.max", "%s", buf);
	}
	if (limit_str(limit, R "memory.limit", buf, err) < 0)
		return -1;
	if (buf[0]) {
		bool check = m->check_before_update.set && m->check_before_update.value &&
			     limit > 0;
		ADD(R "memory.limit", "memory", check ? CG_W_CHECK_USAGE : 0,
		    "memory.max", "%s", buf);
	}
	if (limit_str(resv, R "memory.reservation", buf, err) < 0)
		return -1;
	if (buf[0])
		ADD(R "memory.reservation", "memory", 0, "memory.low", "%s", buf);
	return 0;
}

static int plan_cpu(const spec_cpu *c, cg_writes *w, lv_error **err)
{
	if (c->realtime_runtime.set || c->realtime_period.set)
		return lv_err(err, 0, R "cpu.realtimeRuntime, realtimePeriod: not "
			      "supported on cgroup v2 (there is no cpu.rt_* file)");
	if (c->idle.set)
		ADD(R "cpu.idle", "cpu", 0, "cpu.idle", "%" PRId64, c->idle.value);
	uint64_t weight = c->shares.set ? cg_shares_to_weight(c->shares.value) : 0;
	if (weight)
		ADD(R "cpu.shares", "cpu", 0, "cpu.weight", "%" PRIu64, weight);

	int64_t quota = c->quota.set ? c->quota.value : 0;
	uint64_t period = c->period.set ? c->period.value : 0;
	bool max = quota != 0 || period != 0;
	/* A larger burst than the old quota allows is refused until the new
	 * quota is in: write it before (tolerating EINVAL) and after. */
	if (c->burst.set)
		ADD(R "cpu.burst", "cpu", max ? CG_W_EINVAL_OK : 0, "cpu.max.burst",
		    "%" PRIu64, c->burst.value);
	if (max) {
		char q[32] = "max";
		if (quota > 0)
			snprintf(q, sizeof(q), "%" PRId64, quota);
		ADD(R "cpu.quota", "cpu", 0, "cpu.max", "%s %" PRIu64, q,
		    period ? period : 100000);
		if (c->burst.set)
			ADD(R "cpu.burst", "cpu", 0, "cpu.max.burst", "%" PRIu64,
			    c->burst.value);
	}
	return 0;
}

static int plan_cpuset(const spec_cpu *c, cg_writes *w, lv_error **err)
{
	if (c->cpus && c->cpus[0])
		ADD(R "cpu.cpus", "cpuset", 0, "cpuset.cpus", "%s", c->cpus);
	if (c->mems && c->mems[0])
		ADD(R "cpu.mems", "cpuset", 0, "cpuset.mems", "%s", c->mems);
	return 0;
}

static int check_blkio_weight(uint64_t v, const char *field, lv_error **err)
{
	if (v < 10 || v > 1000)
		return lv_err(err, 0, "%s: %" PRIu64 " is outside 10..1000", field, v);
	return 0;
}

static int plan_throttle(const spec_throttle_devices *t, const char *key,
			 const char *field, cg_writes *w, lv_error **err)
{
	for (size_t i = 0; i < t->n; i++) {
		const spec_throttle_device *d = &t->v[i];
		if (d->major < 0 || d->minor < 0)
			return lv_err(err, 0, "%s[%zu]: invalid device %" PRId64 ":%" PRId64,
				      field, i, d->major, d->minor);
		/* v1 took 0 as "no limit"; io.max spells that "max". */
		if (d->rate == 0)
			ADD(field, "io", 0, "io.max", "%" PRId64 ":%" PRId64 " %s=max",
			    d->major, d->minor, key);
		else
			ADD(field, "io", 0, "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			    d->major, d->minor, key, d->rate);
	}
	return 0;
}

static int plan_io(const spec_block_io *b, cg_writes *w, lv_error **err)
{
	if (b->leaf_weight.set)
		return lv_err(err, 0, R "blockIO.leafWeight: not supported on cgroup v2");
	if (b->weight.set && b->weight.value != 0) {
		if (check_blkio_weight(b->weight.value, R "blockIO.weight", err) < 0)
			return -1;
		/* BFQ takes the v1 scale as is; without it, io.weight on its
		 * own scale. */
		ADD(R "blockIO.weight", "io", CG_W_ENOENT_OK, "io.bfq.weight",
		    "%" PRIu64, b->weight.value);
		ADD(R "blockIO.weight", "io", CG_W_FALLBACK, "io.weight",
		    "%" PRIu64, cg_blkio_weight_to_io(b->weight.value));
	}
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const spec_weight_device *d = &b->weight_device.v[i];
		const char *f = R "blockIO.weightDevice";
		if (d->leaf_weight.set)
			return lv_err(err, 0, "%s[%zu].leafWeight: not supported on "
				      "cgroup v2", f, i);
		if (!d->weight.set)
			continue;
		if (d->major < 0 || d->minor < 0)
			return lv_err(err, 0, "%s[%zu]: invalid device %" PRId64 ":%" PRId64,
				      f, i, d->major, d->minor);
		if (check_blkio_weight(d->weight.value, f, err) < 0)
			return -1;
		ADD(f, "io", CG_W_ENOENT_OK, "io.bfq.weight", "%" PRId64 ":%" PRId64 " %" PRIu64,
		    d->major, d->minor, d->weight.value);
		ADD(f, "io", CG_W_FALLBACK, "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64,
		    d->major, d->minor, cg_blkio_weight_to_io(d->weight.value));
	}
	if (plan_throttle(&b->throttle_read_bps_device, "rbps",
			  R "blockIO.throttleReadBpsDevice", w, err) < 0 ||
	    plan_throttle(&b->throttle_write_bps_device, "wbps",
			  R "blockIO.throttleWriteBpsDevice", w, err) < 0 ||
	    plan_throttle(&b->throttle_read_iops_device, "riops",
			  R "blockIO.throttleReadIOPSDevice", w, err) < 0 ||
	    plan_throttle(&b->throttle_write_iops_device, "wiops",
			  R "blockIO.throttleWriteIOPSDevice", w, err) < 0)
		return -1;
	return 0;
}

static bool valid_page_size(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	if (digits == 0)
		return false;
	return !strcmp(s + digits, "KB") || !strcmp(s + digits, "MB") ||
	       !strcmp(s + digits, "GB");
}

static int plan_hugetlb(const spec_resources *r, cg_writes *w, lv_error **err)
{
	for (size_t i = 0; i < r->hugepage_limits.n; i++) {
		const spec_hugepage_limit *h = &r->hugepage_limits.v[i];
		if (!h->page_size || !valid_page_size(h->page_size))
			return lv_err(err, 0, R "hugepageLimits[%zu].pageSize: invalid "
				      "page size \"%s\" (expected e.g. \"2MB\")", i,
				      h->page_size ? h->page_size : "");
		_cleanup_free_ char *max = NULL, *rsvd = NULL;
		if (asprintf(&max, "hugetlb.%s.max", h->page_size) < 0 ||
		    asprintf(&rsvd, "hugetlb.%s.rsvd.max", h->page_size) < 0)
			return lv_err(err, ENOMEM, "plan cgroup writes");
		ADD(R "hugepageLimits", "hugetlb", 0, max, "%" PRIu64, h->limit);
		/* Reservations are accounted from 5.7 on: limit them too when
		 * the kernel can, or a reserved-but-unfaulted page escapes. */
		ADD(R "hugepageLimits", "hugetlb", CG_W_ENOENT_OK, rsvd, "%" PRIu64, h->limit);
	}
	return 0;
}

static int plan_rdma(const spec_resources *r, cg_writes *w, lv_error **err)
{
	for (size_t i = 0; i < r->rdma.n; i++) {
		const spec_rdma *d = &r->rdma.v[i];
		char h[48] = "", o[48] = "";
		if (!d->device || !d->device[0] || strpbrk(d->device, " \n"))
			return lv_err(err, 0, R "rdma: invalid device name \"%s\"",
				      d->device ? d->device : "");
		if (d->hca_handles.set)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu64, d->hca_handles.value);
		if (d->hca_objects.set)
			snprintf(o, sizeof(o), " hca_object=%" PRIu64, d->hca_objects.value);
		if (h[0] || o[0])
			ADD(R "rdma", "rdma", 0, "rdma.max", "%s%s%s", d->device, h, o);
	}
	return 0;
}

/* The controller a unified key belongs to; NULL for core (cgroup.*) files
 * and unknown prefixes, which then fail as "no such cgroup file". */
static const char *unified_controller(const char *key)
{
	static const char *const known[] = { "cpu", "cpuset", "io", "memory", "pids",
					     "hugetlb", "rdma", "misc" };
	size_t len = strcspn(key, ".");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == len && !strncmp(key, known[i], len))
			return known[i];
	return NULL;
}

static int plan_unified(const spec_map *u, cg_writes *w, lv_error **err)
{
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->v[i].key, *v = u->v[i].value ? u->v[i].value : "";
		const char *dot = strchr(k, '.');
		if (!k[0] || strchr(k, '/') || !dot || dot == k || !dot[1])
			return lv_err(err, 0, "unified resource \"%s\": expected a cgroup "
				      "file name of the form CONTROLLER.PARAMETER", k);
		const char *ctrl = unified_controller(k);
		/* A multi-line value (io.max for several devices) is one
		 * write per line: the kernel parses one line per write. */
		const char *line = v;
		do {
			size_t len = strcspn(line, "\n");
			if (len > 0 || !*v)
				ADD("linux.resources.unified", ctrl, CG_W_UNIFIED, k,
				    "%.*s", (int)len, line);
			line += len;
			if (*line == '\n')
				line++;
		} while (*line);
	}
	return 0;
}

int cg_resources_plan(const spec_resources *r, cg_writes *out, lv_error **err)
{
	cg_writes tmp = { 0 }, *w = &tmp;
	int rc = -1;
	if (!r) {
		*out = tmp;
		return 0;
	}
	if (r->network && (r->network->class_id.set || r->network->priorities.n)) {
		lv_err(err, 0, R "network: not supported on cgroup v2 (net_cls and "
		       "net_prio are cgroup v1 controllers)");
		goto out;
	}
	if (r->pids) {
		int64_t l = r->pids->limit;
		if (l > 0) {
			if (add(w, R "pids.limit", "pids", 0, "pids.max", "%" PRId64, l) < 0)
				goto oom;
		} else if (add(w, R "pids.limit", "pids", 0, "pids.max", "max") < 0) {
			goto oom;
		}
	}
	if (r->memory && plan_memory(r->memory, w, err) < 0)
		goto out;
	if (r->block_io && plan_io(r->block_io, w, err) < 0)
		goto out;
	if (r->cpu && plan_cpu(r->cpu, w, err) < 0)
		goto out;
	if (r->cpu && plan_cpuset(r->cpu, w, err) < 0)
		goto out;
	if (plan_hugetlb(r, w, err) < 0 || plan_rdma(r, w, err) < 0 ||
	    plan_unified(&r->unified, w, err) < 0)
		goto out;
	*out = tmp;
	return 0;
oom:
	lv_err(err, ENOMEM, "plan cgroup writes");
out:
	cg_writes_clear(&tmp);
	return rc;
}

int cg_check_controllers(const cg_writes *w, const char *available,
			 const char *mount, lv_error **err)
{
	for (size_t i = 0; i < w->n; i++) {
		const cg_write *e = &w->v[i];
		if (!e->controller || cg_word_in(available, e->controller))
			continue;
		if (e->flags & CG_W_UNIFIED)
			return lv_err(err, 0, "linux.resources.unified[\"%s\"]: the \"%s\" "
				      "controller is not available in the cgroup2 "
				      "hierarchy at %s", e->file, e->controller, mount);
		/* Name the object (linux.resources.memory), not the leaf. */
		const char *f = e->field;
		const char *dot = strchr(f + strlen(R), '.');
		int len = dot ? (int)(dot - f) : (int)strlen(f);
		return lv_err(err, 0, "%.*s: the \"%s\" controller is not available in "
			      "the cgroup2 hierarchy at %s", len, f, e->controller, mount);
	}
	return 0;
}
