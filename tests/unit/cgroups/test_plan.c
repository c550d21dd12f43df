/* Pure cgroup planning: path resolution, resource → file conversions, the
 * device filter (run through a tiny interpreter of the instructions we
 * emit).  No root needed. */
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "src/cgroups/cgroup.h"
#include "src/util/cleanup.h"

#define M "/sys/fs/cgroup/unified"

static char *resolve_ok(const char *own, const char *cp, const char *id)
{
	char *out = NULL;
	lv_error *err = NULL;
	int r = cg_resolve_path(M, own, cp, id, &out, &err);
	cr_assert_eq(r, 0, "%s", err ? err->msg : "");
	return out;
}

static void expect_path(const char *own, const char *cp, const char *id, const char *want)
{
	_cleanup_free_ char *p = resolve_ok(own, cp, id);
	cr_expect_str_eq(p, want, "own=%s cgroupsPath=%s id=%s", own, cp ? cp : "(null)", id);
}

Test(path, absolute)
{
	expect_path("/", "/a/b", "c1", M "/a/b");
	expect_path("/user.slice/s.scope", "/a/b", "c1", M "/a/b");
	expect_path("/", "//a///b/", "c1", M "/a/b");
}

Test(path, relative_is_under_parent_of_own_cgroup)
{
	expect_path("/user.slice/session-1.scope", "lieve/c1", "x", M "/user.slice/lieve/c1");
	expect_path("/", "lieve/c1", "x", M "/lieve/c1");
}

Test(path, empty_uses_id)
{
	expect_path("/", NULL, "c1", M "/c1");
	expect_path("/", "", "c1", M "/c1");
	expect_path("/a/b", "", "c1", M "/a/c1");
}

Test(path, dotdot_never_climbs_out)
{
	expect_path("/", "/../../etc", "c1", M "/etc");
	expect_path("/a/b", "../../x", "c1", M "/a/x");
	expect_path("/", "/a/./b/../c", "c1", M "/a/c");
}

Test(path, root_refused)
{
	char *out = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_resolve_path(M, "/", "/", "c1", &out, &err), 0);
	cr_expect_str_eq(err->msg, "linux.cgroupsPath \"/\": names no cgroup below " M);
}

Test(path, systemd_without_systemd)
{
	if (access("/run/systemd/system", F_OK) == 0)
		cr_skip_test("systemd runs here");
	spec_linux l = { .cgroups_path = (char *)"system.slice:lieve:c1" };
	spec_config cfg = { .linux_ = &l };
	cg_plan *p = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_plan_build(&cfg, "c1", true, &p, &err), 0);
	cr_expect_str_eq(err->msg, "systemd cgroup driver: systemd is not running");
	cr_expect_null(p);
}

/* ---- conversions ---- */

Test(convert, cpu_shares_to_weight)
{
	cr_expect_eq(cg_shares_to_weight(0), 0);
	cr_expect_eq(cg_shares_to_weight(2), 1);
	cr_expect_eq(cg_shares_to_weight(1024), 39);
	cr_expect_eq(cg_shares_to_weight(262144), 10000);
	cr_expect_eq(cg_shares_to_weight(1), 1);           /* clamped to 2 */
	cr_expect_eq(cg_shares_to_weight(1000000), 10000); /* clamped to 262144 */
	cr_expect_eq(cg_shares_to_weight(512), 20);
}

Test(convert, swap)
{
	int64_t v;
	lv_error *err = NULL;
	cr_assert_eq(cg_swap_to_v2(2048, 1024, &v, &err), 0);
	cr_expect_eq(v, 1024);
	cr_assert_eq(cg_swap_to_v2(1024, 1024, &v, &err), 0);
	cr_expect_eq(v, 0);
	cr_assert_eq(cg_swap_to_v2(-1, 1024, &v, &err), 0);
	cr_expect_eq(v, -1);
	cr_assert_eq(cg_swap_to_v2(0, -1, &v, &err), 0);
	cr_expect_eq(v, -1);
	cr_assert_eq(cg_swap_to_v2(0, 1024, &v, &err), 0);
	cr_expect_eq(v, 0);
	cr_assert_lt(cg_swap_to_v2(2048, 0, &v, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.memory.swap: a swap limit needs a memory limit");
	lv_err_free(err);
	err = NULL;
	cr_assert_lt(cg_swap_to_v2(512, 1024, &v, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.memory.swap: memory+swap limit 512 is "
				   "below the memory limit 1024");
	lv_err_free(err);
}

Test(convert, blkio_weight)
{
	cr_expect_eq(cg_blkio_weight_to_io(10), 1);
	cr_expect_eq(cg_blkio_weight_to_io(500), 4950);
	cr_expect_eq(cg_blkio_weight_to_io(1000), 10000);
}

/* ---- plans ---- */

typedef struct {
	const char *file, *value;
	unsigned flags;
} want;

static void expect_plan(const spec_resources *r, const want *w, size_t n)
{
	cg_writes out = { 0 };
	lv_error *err = NULL;
	int rc = cg_resources_plan(r, &out, &err);
	cr_assert_eq(rc, 0, "%s", err ? err->msg : "");
	for (size_t i = 0; i < n && i < out.n; i++) {
		cr_expect_str_eq(out.v[i].file, w[i].file, "write %zu", i);
		cr_expect_str_eq(out.v[i].value, w[i].value, "write %zu (%s)", i, w[i].file);
		cr_expect_eq(out.v[i].flags, w[i].flags, "flags of write %zu (%s)", i, w[i].file);
	}
	cr_expect_eq(out.n, n, "got %zu writes, want %zu", out.n, n);
	cg_writes_clear(&out);
}

static char *plan_error(const spec_resources *r)
{
	cg_writes out = { 0 };
	lv_error *err = NULL;
	cr_assert_lt(cg_resources_plan(r, &out, &err), 0);
	cr_assert_eq(out.n, 0);
	char *msg = strdup(err->msg);
	lv_err_free(err);
	return msg;
}

#define SET(v) { .value = (v), .set = true }
#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(plan, empty)
{
	spec_resources r = { 0 };
	expect_plan(&r, NULL, 0);
	expect_plan(NULL, NULL, 0);
}

Test(plan, memory)
{
	spec_memory m = { .limit = SET(100 << 20), .reservation = SET(50 << 20),
			  .swap = SET(200 << 20) };
	spec_resources r = { .memory = &m };
	want w[] = { { "memory.swap.max", "104857600", 0 },
		     { "memory.max", "104857600", 0 },
		     { "memory.low", "52428800", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, memory_swap_equal_limit_disables_swap)
{
	spec_memory m = { .limit = SET(1 << 20), .swap = SET(1 << 20) };
	spec_resources r = { .memory = &m };
	want w[] = { { "memory.swap.max", "0", CG_W_ENOENT_OK }, { "memory.max", "1048576", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, memory_unlimited)
{
	spec_memory m = { .limit = SET(-1), .swap = SET(-1) };
	spec_resources r = { .memory = &m };
	want w[] = { { "memory.swap.max", "max", CG_W_ENOENT_OK }, { "memory.max", "max", 0 } };
	expect_plan(&r, w, N(w));
	spec_memory m2 = { .limit = SET(-1) };
	r.memory = &m2;
	expect_plan(&r, w, N(w));
}

Test(plan, memory_check_before_update)
{
	spec_memory m = { .limit = SET(4096), .check_before_update = SET(true) };
	spec_resources r = { .memory = &m };
	want w[] = { { "memory.max", "4096", CG_W_CHECK_USAGE } };
	expect_plan(&r, w, N(w));
}

Test(plan, memory_refusals)
{
	spec_memory m = { .disable_oom_killer = SET(true) };
	spec_resources r = { .memory = &m };
	_cleanup_free_ char *e1 = plan_error(&r);
	cr_expect_str_eq(e1, "linux.resources.memory.disableOOMKiller: cgroup v2 has no "
			     "switch to disable the OOM killer");
	spec_memory m2 = { .disable_oom_killer = SET(false), .limit = SET(4096) };
	r.memory = &m2;
	want w[] = { { "memory.max", "4096", 0 } };
	expect_plan(&r, w, N(w));
	spec_memory m3 = { .swappiness = SET(10) };
	r.memory = &m3;
	_cleanup_free_ char *e3 = plan_error(&r);
	cr_expect_str_eq(e3, "linux.resources.memory.swappiness: not supported on cgroup v2 "
			     "(there is no memory.swappiness file)");
}

Test(plan, kernel_memory_is_a_warning)
{
	spec_memory m = { .kernel = SET(1 << 20), .limit = SET(4096) };
	spec_resources r = { .memory = &m };
	cg_writes out = { 0 };
	lv_error *err = NULL;
	cr_assert_eq(cg_resources_plan(&r, &out, &err), 0);
	cr_assert_eq(out.n_warnings, 1);
	cr_expect_str_eq(out.warnings[0], "linux.resources.memory.kernel, kernelTCP: kernel "
					  "memory settings are ignored on cgroup v2");
	cr_expect_null(out.warnings[1]);
	cg_writes_clear(&out);
}

Test(plan, pids)
{
	spec_pids p = { .limit = 100 };
	spec_resources r = { .pids = &p };
	want w[] = { { "pids.max", "100", 0 } };
	expect_plan(&r, w, N(w));
	want max[] = { { "pids.max", "max", 0 } };
	p.limit = -1;
	expect_plan(&r, max, 1);
	p.limit = 0;
	expect_plan(&r, max, 1);
}

Test(plan, cpu)
{
	spec_cpu c = { .shares = SET(1024), .quota = SET(50000), .period = SET(100000),
		       .cpus = (char *)"0-1", .mems = (char *)"0" };
	spec_resources r = { .cpu = &c };
	want w[] = { { "cpu.weight", "39", 0 }, { "cpu.max", "50000 100000", 0 },
		     { "cpuset.cpus", "0-1", 0 }, { "cpuset.mems", "0", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, cpu_max_forms)
{
	spec_cpu c = { .quota = SET(-1) };
	spec_resources r = { .cpu = &c };
	want unlimited[] = { { "cpu.max", "max 100000", 0 } };
	expect_plan(&r, unlimited, 1);
	spec_cpu c2 = { .period = SET(20000) };
	r.cpu = &c2;
	want period[] = { { "cpu.max", "max 20000", 0 } };
	expect_plan(&r, period, 1);
	spec_cpu c3 = { .quota = SET(20000) };
	r.cpu = &c3;
	want quota[] = { { "cpu.max", "20000 100000", 0 } };
	expect_plan(&r, quota, 1);
	spec_cpu c4 = { .shares = SET(0) };
	r.cpu = &c4;
	expect_plan(&r, NULL, 0);
}

Test(plan, cpu_burst_idle)
{
	spec_cpu c = { .quota = SET(50000), .burst = SET(10000), .idle = SET(1) };
	spec_resources r = { .cpu = &c };
	want w[] = { { "cpu.idle", "1", 0 },
		     { "cpu.max.burst", "10000", CG_W_EINVAL_OK },
		     { "cpu.max", "50000 100000", 0 },
		     { "cpu.max.burst", "10000", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, cpu_realtime_refused)
{
	spec_cpu c = { .realtime_runtime = SET(1000) };
	spec_resources r = { .cpu = &c };
	_cleanup_free_ char *e = plan_error(&r);
	cr_expect_str_eq(e, "linux.resources.cpu.realtimeRuntime, realtimePeriod: not supported "
			    "on cgroup v2 (there is no cpu.rt_* file)");
}

Test(plan, block_io)
{
	spec_throttle_device rb = { 8, 0, 1048576 }, wi = { 8, 16, 100 }, zero = { 8, 0, 0 };
	spec_weight_device wd = { .major = 8, .minor = 0, .weight = SET(100) };
	spec_block_io b = { .weight = SET(500) };
	b.weight_device.v = &wd;
	b.weight_device.n = 1;
	b.throttle_read_bps_device = (spec_throttle_devices){ &rb, 1 };
	b.throttle_write_iops_device = (spec_throttle_devices){ &wi, 1 };
	b.throttle_write_bps_device = (spec_throttle_devices){ &zero, 1 };
	spec_resources r = { .block_io = &b };
	want w[] = { { "io.bfq.weight", "500", CG_W_ENOENT_OK },
		     { "io.weight", "4950", CG_W_FALLBACK },
		     { "io.bfq.weight", "8:0 100", CG_W_ENOENT_OK },
		     { "io.weight", "8:0 910", CG_W_FALLBACK },
		     { "io.max", "8:0 rbps=1048576", 0 },
		     { "io.max", "8:0 wbps=max", 0 },
		     { "io.max", "8:16 wiops=100", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, block_io_refusals)
{
	spec_block_io b = { .leaf_weight = SET(100) };
	spec_resources r = { .block_io = &b };
	_cleanup_free_ char *e = plan_error(&r);
	cr_expect_str_eq(e, "linux.resources.blockIO.leafWeight: not supported on cgroup v2");
	spec_block_io b2 = { .weight = SET(5) };
	r.block_io = &b2;
	_cleanup_free_ char *e2 = plan_error(&r);
	cr_expect_str_eq(e2, "linux.resources.blockIO.weight: 5 is outside 10..1000");
}

Test(plan, hugetlb)
{
	spec_hugepage_limit h = { (char *)"2MB", 4194304 };
	spec_resources r = { 0 };
	r.hugepage_limits.v = &h;
	r.hugepage_limits.n = 1;
	want w[] = { { "hugetlb.2MB.max", "4194304", 0 },
		     { "hugetlb.2MB.rsvd.max", "4194304", CG_W_ENOENT_OK } };
	expect_plan(&r, w, N(w));
	h.page_size = (char *)"2M";
	_cleanup_free_ char *e = plan_error(&r);
	cr_expect_str_eq(e, "linux.resources.hugepageLimits[0].pageSize: invalid page size "
			    "\"2M\" (expected e.g. \"2MB\")");
}

Test(plan, rdma)
{
	spec_rdma d = { .device = (char *)"mlx5_0", .hca_handles = SET(3), .hca_objects = SET(10) };
	spec_resources r = { 0 };
	r.rdma.v = &d;
	r.rdma.n = 1;
	want w[] = { { "rdma.max", "mlx5_0 hca_handle=3 hca_object=10", 0 } };
	expect_plan(&r, w, N(w));
}

Test(plan, network_refused)
{
	spec_network n = { .class_id = SET(1) };
	spec_resources r = { .network = &n };
	_cleanup_free_ char *e = plan_error(&r);
	cr_expect_str_eq(e, "linux.resources.network: not supported on cgroup v2 (net_cls and "
			    "net_prio are cgroup v1 controllers)");
}

Test(plan, unified_passthrough_last)
{
	spec_kv kv[] = { { (char *)"memory.high", (char *)"1073741824" },
			 { (char *)"io.max", (char *)"8:0 rbps=1\n8:16 wbps=2\n" },
			 { (char *)"foo.bar", (char *)"1" } };
	spec_pids p = { .limit = 10 };
	spec_resources r = { .pids = &p };
	r.unified = (spec_map){ kv, 3 };
	want w[] = { { "pids.max", "10", 0 },
		     { "memory.high", "1073741824", CG_W_UNIFIED },
		     { "io.max", "8:0 rbps=1", CG_W_UNIFIED },
		     { "io.max", "8:16 wbps=2", CG_W_UNIFIED },
		     { "foo.bar", "1", CG_W_UNIFIED } };
	expect_plan(&r, w, N(w));
}

Test(plan, unified_bad_key)
{
	spec_kv kv[] = { { (char *)"../memory.max", (char *)"1" } };
	spec_resources r = { 0 };
	r.unified = (spec_map){ kv, 1 };
	_cleanup_free_ char *e = plan_error(&r);
	cr_expect_str_eq(e, "unified resource \"../memory.max\": expected a cgroup file name "
			    "of the form CONTROLLER.PARAMETER");
}

Test(plan, controllers)
{
	spec_memory m = { .limit = SET(4096) };
	spec_pids p = { .limit = 5 };
	spec_resources r = { .memory = &m, .pids = &p };
	cg_writes w = { 0 };
	lv_error *err = NULL;
	cr_assert_eq(cg_resources_plan(&r, &w, &err), 0);
	cr_expect_eq(cg_check_controllers(&w, "cpuset cpu io memory pids\n", M, &err), 0);
	cr_assert_lt(cg_check_controllers(&w, "hugetlb\n", M, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.pids: the \"pids\" controller is not "
				   "available in the cgroup2 hierarchy at " M);
	lv_err_free(err);
	err = NULL;
	cr_assert_lt(cg_check_controllers(&w, "pids\n", M, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.memory: the \"memory\" controller is not "
				   "available in the cgroup2 hierarchy at " M);
	lv_err_free(err);
	cg_writes_clear(&w);
}

Test(plan, unified_controller_check)
{
	spec_kv kv[] = { { (char *)"memory.high", (char *)"1" }, { (char *)"cgroup.max.depth", (char *)"2" } };
	spec_resources r = { 0 };
	r.unified = (spec_map){ kv, 2 };
	cg_writes w = { 0 };
	lv_error *err = NULL;
	cr_assert_eq(cg_resources_plan(&r, &w, &err), 0);
	cr_assert_lt(cg_check_controllers(&w, "hugetlb", M, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.unified[\"memory.high\"]: the \"memory\" "
				   "controller is not available in the cgroup2 hierarchy at " M);
	lv_err_free(err);
	cg_writes_clear(&w);
}
