/* `events --stats`: the cgroup's counters in runc's events format
 * (runc types/events.go).  Field names, nesting and which zero fields are
 * left out follow runc's Go encoding (omitempty), so consumers parsing
 * runc's output read ours; map keys come sorted as Go writes them. */
#include "src/cgroups/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "src/cgroups/cg_internal.h"
#include "src/util/cleanup.h"

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void num(yajl_gen g, const char *k, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	key(g, k);
	yajl_gen_number(g, buf, (size_t)n);
}

/* omitempty */
static void num_nz(yajl_gen g, const char *k, uint64_t v)
{
	if (v)
		num(g, k, v);
}

static uint64_t file_u64(int dfd, const char *file, bool *found)
{
	_cleanup_free_ char *s = NULL;
	uint64_t v = 0;
	bool ok = cg_read_at(dfd, file, &s) == 0 && cg_parse_u64(s, &v);
	if (found)
		*found = ok;
	return ok ? v : 0;
}

static uint64_t file_key(int dfd, const char *file, const char *k)
{
	_cleanup_free_ char *s = NULL;
	uint64_t v = 0;
	if (cg_read_at(dfd, file, &s) == 0)
		cg_key_u64(s, k, &v);
	return v;
}

static void gen_cpu(yajl_gen g, int dfd)
{
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	num_nz(g, "total", file_key(dfd, "cpu.stat", "usage_usec") * 1000);
	num(g, "kernel", file_key(dfd, "cpu.stat", "system_usec") * 1000);
	num(g, "user", file_key(dfd, "cpu.stat", "user_usec") * 1000);
	yajl_gen_map_close(g);
	key(g, "throttling");
	yajl_gen_map_open(g);
	num_nz(g, "periods", file_key(dfd, "cpu.stat", "nr_periods"));
	num_nz(g, "throttledPeriods", file_key(dfd, "cpu.stat", "nr_throttled"));
	num_nz(g, "throttledTime", file_key(dfd, "cpu.stat", "throttled_usec") * 1000);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	static const char *const cpuset_zero[] = {
		"cpu_exclusive", "mem_hardwall", "mem_exclusive", "memory_migrate",
		"memory_spread_page", "memory_spread_slab", "memory_pressure",
		"sched_load_balance", "sched_relax_domain_level",
	};
	key(g, "cpuset");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < sizeof(cpuset_zero) / sizeof(cpuset_zero[0]); i++)
		num(g, cpuset_zero[i], 0);
	yajl_gen_map_close(g);
}

static void mem_entry(yajl_gen g, const char *k, uint64_t limit, uint64_t usage,
		      uint64_t max)
{
	key(g, k);
	yajl_gen_map_open(g);
	num(g, "limit", limit);
	num_nz(g, "usage", usage);
	num_nz(g, "max", max);
	num(g, "failcnt", 0);
	yajl_gen_map_close(g);
}

typedef struct {
	char *k;
	uint64_t v;
} kv;

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const kv *)a)->k, ((const kv *)b)->k);
}

static void gen_raw(yajl_gen g, const char *stat)
{
	size_t n = 0, cap = 0;
	kv *v = NULL;
	for (const char *p = stat; p && *p;) {
		size_t klen = strcspn(p, " \n");
		uint64_t val;
		if (p[klen] == ' ' && cg_parse_u64(p + klen + 1, &val)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				kv *nv = realloc(v, cap * sizeof(*nv));
				if (!nv)
					break;
				v = nv;
			}
			if (!(v[n].k = strndup(p, klen)))
				break;
			v[n++].v = val;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (n) {
		qsort(v, n, sizeof(*v), kv_cmp);
		key(g, "raw");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < n; i++)
			num(g, v[i].k, v[i].v);
		yajl_gen_map_close(g);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].k);
	free(v);
}

static void gen_memory(yajl_gen g, int dfd)
{
	_cleanup_free_ char *stat = NULL;
	bool have = cg_read_at(dfd, "memory.stat", &stat) == 0;
	key(g, "memory");
	yajl_gen_map_open(g);
	if (!have) {
		/* No memory controller here: runc's zero values. */
		mem_entry(g, "usage", 0, 0, 0);
		mem_entry(g, "swap", 0, 0, 0);
	} else {
		uint64_t cache = 0;
		cg_key_u64(stat, "file", &cache);
		num_nz(g, "cache", cache);
		uint64_t usage = file_u64(dfd, "memory.current", NULL);
		uint64_t limit = file_u64(dfd, "memory.max", NULL);
		mem_entry(g, "usage", limit, usage, file_u64(dfd, "memory.peak", NULL));
		/* v1 reported memory+swap; runc keeps that on v2. */
		bool swap;
		uint64_t su = file_u64(dfd, "memory.swap.current", &swap);
		uint64_t sl = swap ? file_u64(dfd, "memory.swap.max", NULL) : 0;
		if (sl != UINT64_MAX)
			sl += limit;
		mem_entry(g, "swap", sl, su + usage, 0);
	}
	mem_entry(g, "kernel", 0, 0, 0);
	mem_entry(g, "kernelTCP", 0, 0, 0);
	if (have)
		gen_raw(g, stat);
	yajl_gen_map_close(g);
}

static void gen_pids(yajl_gen g, int dfd)
{
	bool found;
	uint64_t cur = file_u64(dfd, "pids.current", &found), limit = 0;
	if (found) {
		limit = file_u64(dfd, "pids.max", NULL);
		if (limit == UINT64_MAX) /* "max": runc reports 0 */
			limit = 0;
	} else {
		/* No pids controller: count what cgroup.procs lists. */
		_cleanup_free_ char *procs = NULL;
		if (cg_read_at(dfd, "cgroup.procs", &procs) == 0)
			for (char *p = procs; *p; p++)
				cur += *p == '\n';
	}
	key(g, "pids");
	yajl_gen_map_open(g);
	num_nz(g, "current", cur);
	num_nz(g, "limit", limit);
	yajl_gen_map_close(g);
}

/* io.stat lines: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." */
static void gen_blkio_table(yajl_gen g, const char *iostat, const char *name,
			    const char *rkey, const char *wkey)
{
	bool opened = false;
	for (const char *p = iostat; p && *p;) {
		unsigned maj, min;
		if (sscanf(p, "%u:%u", &maj, &min) == 2) {
			const char *end = strchr(p, '\n');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			_cleanup_free_ char *line = strndup(p, len);
			const char *keys[2] = { rkey, wkey }, *ops[2] = { "Read", "Write" };
			for (int i = 0; line && i < 2; i++) {
				char pat[16];
				snprintf(pat, sizeof(pat), " %s=", keys[i]);
				const char *at = strstr(line, pat);
				uint64_t v;
				if (!at || !cg_parse_u64(at + strlen(pat), &v))
					continue;
				if (!opened) {
					key(g, name);
					yajl_gen_array_open(g);
					opened = true;
				}
				yajl_gen_map_open(g);
				num_nz(g, "major", maj);
				num_nz(g, "minor", min);
				key(g, "op");
				yajl_gen_string(g, (const unsigned char *)ops[i], strlen(ops[i]));
				num_nz(g, "value", v);
				yajl_gen_map_close(g);
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (opened)
		yajl_gen_array_close(g);
}

static void gen_blkio(yajl_gen g, int dfd)
{
	_cleanup_free_ char *iostat = NULL;
	key(g, "blkio");
	yajl_gen_map_open(g);
	if (cg_read_at(dfd, "io.stat", &iostat) == 0) {
		gen_blkio_table(g, iostat, "ioServiceBytesRecursive", "rbytes", "wbytes");
		gen_blkio_table(g, iostat, "ioServicedRecursive", "rios", "wios");
	}
	yajl_gen_map_close(g);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void gen_hugetlb(yajl_gen g, int dfd)
{
	key(g, "hugetlb");
	yajl_gen_map_open(g);
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	char *sizes[16];
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 16) {
		/* hugetlb.<size>.current */
		const char *name = e->d_name;
		size_t len = strlen(name);
		if (strncmp(name, "hugetlb.", 8) || len < 17 ||
		    strcmp(name + len - 8, ".current") || memchr(name + 8, '.', len - 16))
			continue;
		if ((sizes[n] = strndup(name + 8, len - 16)))
			n++;
	}
	if (d)
		closedir(d);
	qsort(sizes, n, sizeof(*sizes), str_cmp);
	for (size_t i = 0; i < n; i++) {
		char f[64];
		key(g, sizes[i]);
		yajl_gen_map_open(g);
		snprintf(f, sizeof(f), "hugetlb.%s.current", sizes[i]);
		num_nz(g, "usage", file_u64(dfd, f, NULL));
		/* runc's "max" is a peak usage, which v2 does not keep. */
		snprintf(f, sizeof(f), "hugetlb.%s.events", sizes[i]);
		num(g, "failcnt", file_key(dfd, f, "max"));
		yajl_gen_map_close(g);
		free(sizes[i]);
	}
	yajl_gen_map_close(g);
}

int cg_stats_json(const char *path, const char *id, char **json, lv_error **err)
{
	_cleanup_close_ int dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lv_err(err, errno, "stats of cgroup \"%s\"", path);
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return lv_err(err, ENOMEM, "stats of cgroup \"%s\"", path);
	yajl_gen_map_open(g);
	key(g, "type");
	yajl_gen_string(g, (const unsigned char *)"stats", 5);
	key(g, "id");
	yajl_gen_string(g, (const unsigned char *)id, strlen(id));
	key(g, "data");
	yajl_gen_map_open(g);
	gen_cpu(g, dfd);
	gen_memory(g, dfd);
	gen_pids(g, dfd);
	gen_blkio(g, dfd);
	gen_hugetlb(g, dfd);
	key(g, "intel_rdt");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	key(g, "network_interfaces");
	yajl_gen_null(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	const unsigned char *buf;
	size_t len;
	int rc = 0;
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok || !(*json = strndup((const char *)buf, len)))
		rc = lv_err(err, ENOMEM, "stats of cgroup \"%s\"", path);
	yajl_gen_free(g);
	return rc;
}
