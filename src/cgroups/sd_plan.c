/* The systemd driver's names and unit properties.  Pure: no syscalls. */
#include "src/cgroups/sd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cgroups/cgroup.h"
#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

#define DEFAULT_QUOTA_PERIOD 100000

/* ---- the property list ---- */

void cg_sd_prop_clear(cg_sd_prop *p)
{
	free(p->name);
	free(p->s);
	free(p->bytes);
	free(p->u32s);
	lv_strvfreep(&p->strv);
}

void cg_sd_props_clear(cg_sd_props *p)
{
	for (size_t i = 0; i < p->n; i++)
		cg_sd_prop_clear(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* A new zeroed entry named `name`, or NULL (ENOMEM). */
static cg_sd_prop *add(cg_sd_props *p, const char *name, char type)
{
	cg_sd_prop *v = reallocarray(p->v, p->n + 1, sizeof(*v));
	if (!v)
		return NULL;
	p->v = v;
	cg_sd_prop *e = &v[p->n];
	memset(e, 0, sizeof(*e));
	if (!(e->name = strdup(name)))
		return NULL;
	e->type = type;
	p->n++;
	return e;
}

int cg_sd_add_str(cg_sd_props *p, const char *name, const char *value)
{
	cg_sd_prop *e = add(p, name, 's');
	return e && (e->s = strdup(value)) ? 0 : -1;
}

int cg_sd_add_bool(cg_sd_props *p, const char *name, bool value)
{
	cg_sd_prop *e = add(p, name, 'b');
	if (!e)
		return -1;
	e->v.b = value;
	return 0;
}

int cg_sd_add_u64(cg_sd_props *p, const char *name, uint64_t value)
{
	cg_sd_prop *e = add(p, name, 't');
	if (!e)
		return -1;
	e->v.u = value;
	return 0;
}

static int add_bytes(cg_sd_props *p, const char *name, uint8_t *bytes, size_t n)
{
	cg_sd_prop *e = add(p, name, 'Y');
	if (!e) {
		free(bytes);
		return -1;
	}
	e->bytes = bytes;
	e->n = n;
	return 0;
}

const cg_sd_prop *cg_sd_find(const cg_sd_props *p, const char *name)
{
	for (size_t i = p->n; i-- > 0;)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

/* ---- names ---- */

/* systemd's unit_name_is_valid() characters, and its length limit. */
static bool valid_unit_name(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(":-_.\\", *s))
			return false;
	return true;
}

int cg_sd_expand_slice(const char *slice, char **path, lv_error **err)
{
	static const char sfx[] = ".slice";
	size_t len = strlen(slice), slen = sizeof(sfx) - 1;
	if (len <= slen || strcmp(slice + len - slen, sfx) || strchr(slice, '/') ||
	    !valid_unit_name(slice))
		return lv_err(err, 0, "invalid slice name \"%s\"", slice);
	size_t base = len - slen;
	if (base == 1 && slice[0] == '-')
		return (*path = strdup("")) ? 0 : lv_err(err, ENOMEM, "slice path");
	/* test-a-b.slice → /test.slice/test-a.slice/test-a-b.slice */
	_cleanup_free_ char *out = calloc(1, (base + slen + 1) * (base + 1) + 1);
	if (!out)
		return lv_err(err, ENOMEM, "slice path");
	size_t o = 0;
	for (size_t i = 0; i <= base; i++) {
		if (i < base && slice[i] != '-')
			continue;
		/* an empty component: "-a.slice", "a--b.slice", "a-.slice" */
		if (i == 0 || slice[i - 1] == '-' || (i == base && slice[i - 1] == '-'))
			return lv_err(err, 0, "invalid slice name \"%s\"", slice);
		o += (size_t)sprintf(out + o, "/%.*s%s", (int)i, slice, sfx);
	}
	*path = steal_ptr(out);
	return 0;
}

int cg_sd_names(const char *cgroups_path, const char *id, bool rootless,
		char **slice, char **unit, lv_error **err)
{
	const char *def_slice = rootless ? "user.slice" : "system.slice";
	_cleanup_free_ char *s = NULL, *prefix = NULL, *name = NULL;
	if (!cgroups_path || !cgroups_path[0]) {
		s = strdup("");
		prefix = strdup("lieve");
		name = strdup(id ? id : "");
	} else {
		const char *c1 = strchr(cgroups_path, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':'))
			return lv_err(err, 0, "expected cgroupsPath to be of format "
				      "\"slice:prefix:name\" for systemd cgroups, got "
				      "\"%s\" instead", cgroups_path);
		s = strndup(cgroups_path, (size_t)(c1 - cgroups_path));
		prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
		name = strdup(c2 + 1);
	}
	if (!s || !prefix || !name)
		return lv_err(err, ENOMEM, "systemd unit name");
	size_t nl = strlen(name);
	if (nl >= 6 && !strcmp(name + nl - 6, ".slice"))
		return lv_err(err, 0, "linux.cgroupsPath \"%s\": a container's processes "
			      "cannot be in a slice unit (\"%s\"); name a scope",
			      cgroups_path, name);
	_cleanup_free_ char *u = NULL;
	if (asprintf(&u, "%s%s%s.scope", prefix, prefix[0] ? "-" : "", name) < 0)
		return lv_err(err, ENOMEM, "systemd unit name");
	if (!name[0] || !valid_unit_name(u))
		return lv_err(err, 0, "linux.cgroupsPath \"%s\": \"%s\" is not a valid "
			      "systemd unit name", cgroups_path ? cgroups_path : "", u);
	_cleanup_free_ char *check = NULL;
	if (s[0] && cg_sd_expand_slice(s, &check, err) < 0)
		return lv_err_wrap(err, "linux.cgroupsPath \"%s\"", cgroups_path);
	if (!s[0]) {
		free(s);
		if (!(s = strdup(def_slice)))
			return lv_err(err, ENOMEM, "systemd unit name");
	}
	*slice = steal_ptr(s);
	*unit = steal_ptr(u);
	return 0;
}

int cg_sd_list_to_bits(const char *list, uint8_t **bits, size_t *n, lv_error **err)
{
	size_t cap = 0;
	_cleanup_free_ uint8_t *b = NULL;
	const char *p = list;
	while (*p) {
		char *end;
		errno = 0;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p || errno || lo > 65535)
			goto bad;
		p = end;
		if (*p == '-') {
			hi = strtoul(p + 1, &end, 10);
			if (end == p + 1 || errno || hi < lo || hi > 65535)
				goto bad;
			p = end;
		}
		if (*p == ',')
			p++;
		else if (*p && !isspace((unsigned char)*p))
			goto bad;
		while (isspace((unsigned char)*p))
			p++;
		if (hi / 8 + 1 > cap) {
			uint8_t *nb = realloc(b, hi / 8 + 1);
			if (!nb)
				return lv_err(err, ENOMEM, "cpuset bitmask");
			memset(nb + cap, 0, hi / 8 + 1 - cap);
			b = nb;
			cap = hi / 8 + 1;
		}
		for (unsigned long i = lo; i <= hi; i++)
			b[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	if (!cap)
		goto bad;
	*bits = steal_ptr(b);
	*n = cap;
	return 0;
bad:
	return lv_err(err, 0, "\"%s\" is not a list of CPU or memory node ranges", list);
}

/* ---- resources ---- */

#define R "linux.resources."

static uint64_t max_or(int64_t v) { return v < 0 ? UINT64_MAX : (uint64_t)v; }

/* runc's addCpuQuota: systemd keeps a quota as a whole percentage of a CPU,
 * so a fractional one is rounded up to the next 10 ms per second. */
static int add_cpu_quota(cg_sd_props *p, int64_t quota, uint64_t period)
{
	if (period && cg_sd_add_u64(p, "CPUQuotaPeriodUSec", period) < 0)
		return -1;
	if (!quota && !period)
		return 0;
	uint64_t per_sec = UINT64_MAX;
	if (quota > 0) {
		per_sec = (uint64_t)quota * 1000000 / (period ? period : DEFAULT_QUOTA_PERIOD);
		if (per_sec % 10000)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	return cg_sd_add_u64(p, "CPUQuotaPerSecUSec", per_sec);
}

static int add_cpuset(cg_sd_props *p, const char *name, const char *list,
		      const char *field, lv_error **err)
{
	uint8_t *bits;
	size_t n;
	if (cg_sd_list_to_bits(list, &bits, &n, err) < 0)
		return lv_err_wrap(err, "%s", field);
	return add_bytes(p, name, bits, n) < 0 ? lv_err(err, ENOMEM, "unit properties") : 0;
}

static int parse_max(const char *key, const char *v, uint64_t *out, lv_error **err)
{
	if (!strcmp(v, "max")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (!cg_parse_u64(v, out))
		return lv_err(err, 0, R "unified \"%s\": \"%s\" is not a number or \"max\"",
			      key, v);
	return 0;
}

static int unified_prop(cg_sd_props *p, const char *key, const char *raw, lv_error **err)
{
	static const char *const mem[][2] = {
		{ "memory.high", "MemoryHigh" }, { "memory.low", "MemoryLow" },
		{ "memory.min", "MemoryMin" },   { "memory.max", "MemoryMax" },
		{ "memory.swap.max", "MemorySwapMax" }, { "pids.max", "TasksMax" },
	};
	_cleanup_free_ char *v = strdup(raw);
	if (!v)
		return lv_err(err, ENOMEM, "unit properties");
	/* the kernel takes surrounding blanks, so do we */
	char *s = v + strspn(v, " \t\n");
	for (size_t l = strlen(s); l && isspace((unsigned char)s[l - 1]); l--)
		s[l - 1] = '\0';
	uint64_t n;
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		if (strcmp(key, mem[i][0]))
			continue;
		if (parse_max(key, s, &n, err) < 0)
			return -1;
		return cg_sd_add_u64(p, mem[i][1], n) < 0 ? lv_err(err, ENOMEM, "unit properties") : 0;
	}
	if (!strcmp(key, "cpu.weight")) {
		if (!cg_parse_u64(s, &n) || n == UINT64_MAX)
			return lv_err(err, 0, R "unified \"cpu.weight\": \"%s\" is not a number", s);
		return cg_sd_add_u64(p, "CPUWeight", n) < 0 ? lv_err(err, ENOMEM, "unit properties") : 0;
	}
	if (!strcmp(key, "cpuset.cpus") || !strcmp(key, "cpuset.mems"))
		return add_cpuset(p, key[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes", s,
				  R "unified", err);
	if (!strcmp(key, "cpu.max")) {
		char q[32], extra;
		unsigned long long period = DEFAULT_QUOTA_PERIOD;
		int got = sscanf(s, "%31s %llu %c", q, &period, &extra);
		int64_t quota = 0;
		char *end;
		if (got < 1 || got > 2)
			return lv_err(err, 0, R "unified \"cpu.max\": \"%s\" is not \"QUOTA [PERIOD]\"", s);
		if (strcmp(q, "max")) {
			errno = 0;
			quota = strtoll(q, &end, 10);
			if (*end || errno)
				return lv_err(err, 0, R "unified \"cpu.max\": \"%s\" is not \"QUOTA [PERIOD]\"", s);
		}
		return add_cpu_quota(p, quota, period) < 0 ? lv_err(err, ENOMEM, "unit properties") : 0;
	}
	return 0; /* no property for it: the file write alone */
}

int cg_sd_resource_props(const spec_resources *r, cg_sd_props *out, lv_error **err)
{
	if (!r)
		return 0;
	const spec_memory *m = r->memory;
	const spec_cpu *c = r->cpu;
	int rc = 0;
	if (m) {
		int64_t limit = m->limit.set ? m->limit.value : 0;
		int64_t swap = m->swap.set ? m->swap.value : 0, v2swap;
		if (limit)
			rc |= cg_sd_add_u64(out, "MemoryMax", max_or(limit));
		if (m->reservation.set && m->reservation.value)
			rc |= cg_sd_add_u64(out, "MemoryLow", max_or(m->reservation.value));
		if (cg_swap_to_v2(swap, limit, &v2swap, err) < 0)
			return -1;
		if (v2swap)
			rc |= cg_sd_add_u64(out, "MemorySwapMax", max_or(v2swap));
	}
	if (c) {
		uint64_t weight = c->shares.set ? cg_shares_to_weight(c->shares.value) : 0;
		if (weight)
			rc |= cg_sd_add_u64(out, "CPUWeight", weight);
		rc |= add_cpu_quota(out, c->quota.set ? c->quota.value : 0,
				    c->period.set ? c->period.value : 0);
	}
	/* runc leaves io.weight to the file alone, and a daemon-reload resets
	 * it to systemd's default; as a property it stays. */
	uint64_t io = r->block_io && r->block_io->weight.set
			      ? cg_blkio_weight_to_io(r->block_io->weight.value) : 0;
	if (io)
		rc |= cg_sd_add_u64(out, "IOWeight", io);
	if (r->pids && (r->pids->limit > 0 || r->pids->limit == -1))
		rc |= cg_sd_add_u64(out, "TasksMax", max_or(r->pids->limit));
	if (rc < 0)
		return lv_err(err, ENOMEM, "unit properties");
	if (c && c->cpus && c->cpus[0] &&
	    add_cpuset(out, "AllowedCPUs", c->cpus, R "cpu.cpus", err) < 0)
		return -1;
	if (c && c->mems && c->mems[0] &&
	    add_cpuset(out, "AllowedMemoryNodes", c->mems, R "cpu.mems", err) < 0)
		return -1;
	for (size_t i = 0; i < r->unified.n; i++)
		if (unified_prop(out, r->unified.v[i].key, r->unified.v[i].value, err) < 0)
			return -1;
	return 0;
}
