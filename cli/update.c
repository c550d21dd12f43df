/* `lieve update [options] <container-id>`: builds a linux.resources
 * document from runc's flags (or takes one from --resources) and hands it
 * to the runtime. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cli/cli.h"
#include "src/store.h"
#include "src/util/cleanup.h"

int cli_parse_ram(const char *s, int64_t *bytes)
{
	/* docker's pattern: ^(\d+(\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	double v = strtod(s, NULL);
	if (*p == ' ')
		p++;
	double mult = 1;
	const char *units = "kmgtp";
	const char *u = *p ? strchr(units, *p | 0x20) : NULL;
	if (u) {
		for (const char *q = units; q <= u; q++)
			mult *= 1024;
		p++;
	}
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -1;
	double total = v * mult;
	if (total >= 9.2e18)
		return -1;
	*bytes = (int64_t)total;
	return 0;
}

typedef struct {
	yajl_gen g;
	yajl_gen_status st;
	const char *section; /* open section, or NULL */
} json_builder;

static void jb_key(json_builder *b, const char *section, const char *key)
{
	if (b->st)
		return;
	if (!b->section || strcmp(b->section, section)) {
		if (b->section)
			b->st = yajl_gen_map_close(b->g);
		b->st = b->st ? b->st : yajl_gen_string(b->g, (const unsigned char *)section,
							 strlen(section));
		b->st = b->st ? b->st : yajl_gen_map_open(b->g);
		b->section = section;
	}
	b->st = b->st ? b->st : yajl_gen_string(b->g, (const unsigned char *)key, strlen(key));
}

static int add_num(json_builder *b, const char *section, const char *key,
		   const char *flag, const char *val, bool is_signed, lv_error **err)
{
	if (!val || !*val)
		return 0;
	char *end;
	errno = 0;
	long long sv = 0;
	unsigned long long uv = 0;
	if (is_signed)
		sv = strtoll(val, &end, 10);
	else
		uv = strtoull(val, &end, 10);
	if (errno || end == val || *end || (!is_signed && val[0] == '-'))
		return lv_err(err, 0, "invalid value for %s: \"%s\"", flag, val);
	jb_key(b, section, key);
	if (b->st)
		return 0;
	char num[32];
	if (is_signed)
		snprintf(num, sizeof(num), "%lld", sv);
	else
		snprintf(num, sizeof(num), "%llu", uv);
	b->st = yajl_gen_number(b->g, num, strlen(num));
	return 0;
}

static int add_mem(json_builder *b, const char *key, const char *flag, const char *val,
		   lv_error **err)
{
	if (!val || !*val)
		return 0;
	int64_t bytes = -1;
	if (strcmp(val, "-1") && cli_parse_ram(val, &bytes) < 0)
		return lv_err(err, 0, "invalid value for %s: invalid size: '%s'", flag, val);
	jb_key(b, "memory", key);
	b->st = b->st ? b->st : yajl_gen_integer(b->g, bytes);
	return 0;
}

static int add_str(json_builder *b, const char *section, const char *key, const char *val)
{
	if (!val || !*val)
		return 0;
	jb_key(b, section, key);
	b->st = b->st ? b->st : yajl_gen_string(b->g, (const unsigned char *)val, strlen(val));
	return 0;
}

static int build_fields(json_builder *b, const update_flags *f, lv_error **err)
{
	if (add_mem(b, "limit", "memory", f->memory, err) < 0 ||
	    add_mem(b, "reservation", "memory-reservation", f->memory_reservation, err) < 0 ||
	    add_mem(b, "swap", "memory-swap", f->memory_swap, err) < 0 ||
	    add_num(b, "cpu", "shares", "cpu-share", f->cpu_share, false, err) < 0 ||
	    add_num(b, "cpu", "quota", "cpu-quota", f->cpu_quota, true, err) < 0 ||
	    add_num(b, "cpu", "burst", "cpu-burst", f->cpu_burst, false, err) < 0 ||
	    add_num(b, "cpu", "period", "cpu-period", f->cpu_period, false, err) < 0 ||
	    add_num(b, "cpu", "realtimeRuntime", "cpu-rt-runtime", f->cpu_rt_runtime, true, err) < 0 ||
	    add_num(b, "cpu", "realtimePeriod", "cpu-rt-period", f->cpu_rt_period, false, err) < 0 ||
	    add_str(b, "cpu", "cpus", f->cpuset_cpus) < 0 ||
	    add_str(b, "cpu", "mems", f->cpuset_mems) < 0 ||
	    add_num(b, "cpu", "idle", "cpu-idle", f->cpu_idle, true, err) < 0)
		return -1;
	char num[16];
	if (f->blkio_weight_set && f->blkio_weight != 0) {
		if (f->blkio_weight < 10 || f->blkio_weight > 1000)
			return lv_err(err, 0, "invalid value for blkio-weight: %d (range is 10 to 1000)",
				      f->blkio_weight);
		snprintf(num, sizeof(num), "%d", f->blkio_weight);
		add_num(b, "blockIO", "weight", "blkio-weight", num, false, err);
	}
	if (f->pids_limit_set) {
		snprintf(num, sizeof(num), "%d", f->pids_limit);
		add_num(b, "pids", "limit", "pids-limit", num, true, err);
	}
	return 0;
}

int cli_update_resources_json(const update_flags *f, char **json, lv_error **err)
{
	json_builder b = { .g = yajl_gen_alloc(NULL) };
	if (!b.g)
		return lv_err(err, ENOMEM, "update");
	yajl_gen_config(b.g, yajl_gen_validate_utf8, 1);
	b.st = yajl_gen_map_open(b.g);
	int ret = build_fields(&b, f, err);
	if (ret == 0) {
		if (b.section && !b.st)
			b.st = yajl_gen_map_close(b.g);
		b.st = b.st ? b.st : yajl_gen_map_close(b.g);
		const unsigned char *buf;
		size_t len;
		if (b.st || yajl_gen_get_buf(b.g, &buf, &len))
			ret = lv_err(err, 0, "update: invalid value (JSON generator status %d)", b.st);
		else if (!(*json = strndup((const char *)buf, len)))
			ret = lv_err(err, ENOMEM, "update");
	}
	yajl_gen_free(b.g);
	return ret;
}

static int read_stream(FILE *f, char **out)
{
	size_t len;
	FILE *mem = open_memstream(out, &len);
	if (!mem)
		return -1;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	int bad = ferror(f);
	if (fclose(mem) != 0 || bad)
		return -1;
	return 0;
}

static int read_resources(const char *path, char **json, lv_error **err)
{
	if (!strcmp(path, "-")) {
		if (read_stream(stdin, json) < 0)
			return lv_err(err, errno, "read resources from stdin");
		return 0;
	}
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f || read_stream(f, json) < 0)
		return lv_err(err, errno, "read resources \"%s\"", path);
	return 0;
}

/* What lieve refuses rather than ignore. */
static int check_unsupported(const update_flags *f, bool other_flags, lv_error **err)
{
	if (f->kernel_memory || f->kernel_memory_tcp)
		return lv_err(err, 0, "--kernel-memory%s is obsolete and not supported",
			      f->kernel_memory ? "" : "-tcp");
	if (f->l3_cache_schema || f->mem_bw_schema)
		return lv_err(err, 0, "Intel RDT (--%s) is not supported by lieve",
			      f->l3_cache_schema ? "l3-cache-schema" : "mem-bw-schema");
	if (f->resources && other_flags)
		return lv_err(err, 0, "--resources cannot be combined with other resource flags");
	return 0;
}

int cmd_update(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = { "update", "update container resource constraints",
					   "<container-id>", NULL };
	update_flags f = { 0 };
	const cli_opt opts[] = {
		{ "resources", "r", CLI_STRING, &f.resources,
		  "path to the file containing the resources to update or '-' to read from the standard input" },
		{ "blkio-weight", NULL, CLI_INT, &f.blkio_weight,
		  "Specifies per cgroup weight, range is from 10 to 1000", "0", &f.blkio_weight_set },
		{ "cpu-period", NULL, CLI_STRING, &f.cpu_period,
		  "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default" },
		{ "cpu-quota", NULL, CLI_STRING, &f.cpu_quota,
		  "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period" },
		{ "cpu-burst", NULL, CLI_STRING, &f.cpu_burst,
		  "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for burst a given period" },
		{ "cpu-share", NULL, CLI_STRING, &f.cpu_share,
		  "CPU shares (relative weight vs. other containers)" },
		{ "cpu-rt-period", NULL, CLI_STRING, &f.cpu_rt_period,
		  "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default" },
		{ "cpu-rt-runtime", NULL, CLI_STRING, &f.cpu_rt_runtime,
		  "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period" },
		{ "cpuset-cpus", NULL, CLI_STRING, &f.cpuset_cpus, "CPU(s) to use" },
		{ "cpuset-mems", NULL, CLI_STRING, &f.cpuset_mems, "Memory node(s) to use" },
		{ "kernel-memory", NULL, CLI_STRING, &f.kernel_memory, "(obsoleted; do not use)",
		  .hidden = true },
		{ "kernel-memory-tcp", NULL, CLI_STRING, &f.kernel_memory_tcp,
		  "(obsoleted; do not use)", .hidden = true },
		{ "memory", NULL, CLI_STRING, &f.memory, "Memory limit (in bytes)" },
		{ "cpu-idle", NULL, CLI_STRING, &f.cpu_idle,
		  "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE" },
		{ "memory-reservation", NULL, CLI_STRING, &f.memory_reservation,
		  "Memory reservation or soft_limit (in bytes)" },
		{ "memory-swap", NULL, CLI_STRING, &f.memory_swap,
		  "Total memory usage (memory + swap); set '-1' to enable unlimited swap" },
		{ "pids-limit", NULL, CLI_INT, &f.pids_limit,
		  "Maximum number of pids allowed in the container", "0", &f.pids_limit_set },
		{ "l3-cache-schema", NULL, CLI_STRING, &f.l3_cache_schema,
		  "The string of Intel RDT/CAT L3 cache schema" },
		{ "mem-bw-schema", NULL, CLI_STRING, &f.mem_bw_schema,
		  "The string of Intel RDT/MBA memory bandwidth schema" },
		{ 0 },
	};
	cli_args args;
	int r = cli_parse_checked(&info, opts, argc, argv, &args, 1, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	const char *const resource_flags[] = {
		f.cpu_period, f.cpu_quota, f.cpu_burst, f.cpu_share, f.cpu_rt_period,
		f.cpu_rt_runtime, f.cpuset_cpus, f.cpuset_mems, f.memory,
		f.memory_reservation, f.memory_swap, f.cpu_idle,
	};
	bool others = f.blkio_weight_set || f.pids_limit_set;
	for (size_t i = 0; i < sizeof(resource_flags) / sizeof(resource_flags[0]); i++)
		others |= resource_flags[i] != NULL;
	_cleanup_free_ char *json = NULL;
	int status = CLI_EXIT_FAILURE;
	if (lv_id_validate(args.v[0], err) == 0 && check_unsupported(&f, others, err) == 0 &&
	    (f.resources ? read_resources(f.resources, &json, err)
			 : cli_update_resources_json(&f, &json, err)) == 0 &&
	    lv_update(ctx, args.v[0], json, err) == 0)
		status = 0;
	cli_args_free(&args);
	return status;
}
