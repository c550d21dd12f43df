/* update and stats against a fake cgroup: a temporary directory of regular
 * files standing in for the knobs.  Checks what is written where (BFQ
 * fallback, halves kept from the current cpu.max, unified errors) and the
 * stats document, without root. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/cgroups/cgroup.h"
#include "src/util/cleanup.h"

static char dir[64];

static void put(const char *file, const char *content)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f, "create %s", p);
	fputs(content, f);
	fclose(f);
}

static char *get(const char *file)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "r");
	cr_assert_not_null(f, "open %s", p);
	static char buf[256];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void setup(void)
{
	strcpy(dir, "/tmp/lieve-cgfake-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	put("cgroup.controllers", "cpu io memory pids\n");
	put("memory.max", "");
	put("memory.high", "");
	put("io.weight", "");
	put("pids.max", "");
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#define SET(v) { .value = (v), .set = true }

static char *update_error(const spec_resources *r)
{
	lv_error *err = NULL;
	cr_assert_lt(cg_update(dir, r, &err), 0);
	char *m = strdup(err->msg);
	lv_err_free(err);
	return m;
}

TestSuite(fake, .init = setup, .fini = teardown);

Test(fake, io_weight_falls_back_without_bfq)
{
	spec_block_io b = { .weight = SET(500) };
	spec_resources r = { .block_io = &b };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("io.weight"), "4950");
	put("io.bfq.weight", "");
	put("io.weight", "");
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("io.bfq.weight"), "500");
	cr_expect_str_eq(get("io.weight"), "");
}

Test(fake, cpu_quota_keeps_current_period)
{
	put("cpu.max", "max 50000\n");
	spec_cpu c = { .quota = SET(20000) };
	spec_resources r = { .cpu = &c };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("cpu.max"), "20000 50000");
	put("cpu.max", "20000 50000\n");
	spec_cpu c2 = { .period = SET(100000) };
	r.cpu = &c2;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("cpu.max"), "20000 100000");
}

Test(fake, swap_alone_converts_against_memory_max)
{
	put("memory.max", "1048576\n");
	put("memory.swap.max", "");
	spec_memory m = { .swap = SET(3 << 20) };
	spec_resources r = { .memory = &m };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("memory.swap.max"), "2097152");
}

Test(fake, pids_and_unified)
{
	spec_pids p = { .limit = 42 };
	spec_kv kv[] = { { (char *)"memory.high", (char *)"65536" } };
	spec_resources r = { .pids = &p };
	r.unified = (spec_map){ kv, 1 };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("pids.max"), "42");
	cr_expect_str_eq(get("memory.high"), "65536");
}

Test(fake, unified_unknown_file)
{
	spec_kv kv[] = { { (char *)"foo.bar", (char *)"1" } };
	spec_resources r = { 0 };
	r.unified = (spec_map){ kv, 1 };
	_cleanup_free_ char *e = update_error(&r);
	char want[512];
	snprintf(want, sizeof(want), "update cgroup \"%s\": unified resource \"foo.bar\": "
		 "no such cgroup file", dir);
	cr_expect_str_eq(e, want);
}

Test(fake, missing_swap_file_is_an_error_for_a_real_limit)
{
	put("memory.max", "");
	spec_memory m = { .limit = SET(1 << 20), .swap = SET(2 << 20) };
	spec_resources r = { .memory = &m };
	_cleanup_free_ char *e = update_error(&r);
	char want[512];
	snprintf(want, sizeof(want), "update cgroup \"%s\": linux.resources.memory.swap: write "
		 "\"1048576\" to \"%s/memory.swap.max\": No such file or directory", dir, dir);
	cr_expect_str_eq(e, want);
}

Test(fake, check_before_update)
{
	put("memory.current", "8192\n");
	spec_memory m = { .limit = SET(4096), .check_before_update = SET(true) };
	spec_resources r = { .memory = &m };
	_cleanup_free_ char *e = update_error(&r);
	char want[512];
	snprintf(want, sizeof(want), "update cgroup \"%s\": linux.resources.memory.limit: "
		 "rejecting memory limit 4096 at or below the current usage 8192 of %s", dir, dir);
	cr_expect_str_eq(e, want);
	m.limit.value = 16384;
	lv_error *err = NULL;
	cr_assert_eq(cg_update(dir, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(get("memory.max"), "16384");
}

Test(fake, controller_not_given_to_the_cgroup)
{
	put("cgroup.controllers", "cpu\n");
	spec_pids p = { .limit = 42 };
	spec_resources r = { .pids = &p };
	_cleanup_free_ char *e = update_error(&r);
	char want[512];
	snprintf(want, sizeof(want), "linux.resources.pids: the \"pids\" controller is not "
		 "available in the cgroup2 hierarchy at %s", dir);
	cr_expect_str_eq(e, want);
}

Test(fake, stats_document)
{
	put("cpu.stat", "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 0\n"
			"nr_throttled 0\nthrottled_usec 0\n");
	put("memory.stat", "file 8192\nanon 4096\n");
	put("memory.current", "12288\n");
	put("memory.max", "max\n");
	put("pids.current", "3\n");
	put("pids.max", "max\n");
	put("io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
	put("hugetlb.2MB.current", "0\n");
	put("hugetlb.2MB.max", "max\n");
	put("hugetlb.2MB.events", "max 0\n");
	_cleanup_free_ char *json = NULL;
	lv_error *err = NULL;
	cr_assert_eq(cg_stats_json(dir, "c1", &json, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(json,
		"{\"type\":\"stats\",\"id\":\"c1\",\"data\":{"
		"\"cpu\":{\"usage\":{\"total\":100000,\"kernel\":40000,\"user\":60000},\"throttling\":{}},"
		"\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,"
		"\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
		"\"memory_pressure\":0,\"sched_load_balance\":0,\"sched_relax_domain_level\":0},"
		"\"memory\":{\"cache\":8192,"
		"\"usage\":{\"limit\":18446744073709551615,\"usage\":12288,\"failcnt\":0},"
		"\"swap\":{\"limit\":18446744073709551615,\"usage\":12288,\"failcnt\":0},"
		"\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
		"\"raw\":{\"anon\":4096,\"file\":8192}},"
		"\"pids\":{\"current\":3},"
		"\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":10},"
		"{\"major\":8,\"op\":\"Write\",\"value\":20}],"
		"\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},"
		"{\"major\":8,\"op\":\"Write\",\"value\":2}]},"
		"\"hugetlb\":{\"2MB\":{\"failcnt\":0}},"
		"\"intel_rdt\":{},\"network_interfaces\":null}}");
}

Test(fake, oom_count)
{
	uint64_t n = 99;
	lv_error *err = NULL;
	cr_assert_eq(cg_oom_count(dir, &n, &err), 0);
	cr_expect_eq(n, 0);
	put("memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
	cr_assert_eq(cg_oom_count(dir, &n, &err), 0);
	cr_expect_eq(n, 1);
}
