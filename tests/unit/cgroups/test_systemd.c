/* The systemd driver's pure half: unit names, slice paths, properties from
 * resources and annotations (values as runc computes them).  No systemd
 * needed. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/cgroups/sd.h"
#include "src/util/cleanup.h"

static void names_ok(const char *cp, const char *id, bool rootless, const char *want_slice,
		     const char *want_unit)
{
	_cleanup_free_ char *slice = NULL, *unit = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_names(cp, id, rootless, &slice, &unit, &err), 0, "%s",
		     err ? err->msg : "");
	cr_expect_str_eq(slice, want_slice, "cgroupsPath %s", cp ? cp : "(null)");
	cr_expect_str_eq(unit, want_unit, "cgroupsPath %s", cp ? cp : "(null)");
}

static void names_fail(const char *cp, const char *want)
{
	_cleanup_free_ char *slice = NULL, *unit = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_sd_names(cp, "c1", false, &slice, &unit, &err), 0, "%s", cp);
	cr_expect_str_eq(err->msg, want);
	cr_expect_null(unit);
}

Test(names, slice_prefix_name)
{
	names_ok("system.slice:lieve-test:c1", "ignored", false, "system.slice",
		 "lieve-test-c1.scope");
	names_ok("machine.slice:libpod:abc", "x", false, "machine.slice", "libpod-abc.scope");
	names_ok("a-b.slice:p:n", "x", false, "a-b.slice", "p-n.scope");
	names_ok("-.slice:p:n", "x", false, "-.slice", "p-n.scope");
}

Test(names, defaults)
{
	names_ok(NULL, "c1", false, "system.slice", "lieve-c1.scope");
	names_ok("", "c1", false, "system.slice", "lieve-c1.scope");
	names_ok(NULL, "c1", true, "user.slice", "lieve-c1.scope");
	names_ok(":p:n", "c1", false, "system.slice", "p-n.scope");
	names_ok(":p:n", "c1", true, "user.slice", "p-n.scope");
	names_ok("system.slice::n", "c1", false, "system.slice", "n.scope");
}

Test(names, invalid)
{
	names_fail("not-a-systemd-path", "expected cgroupsPath to be of format "
		   "\"slice:prefix:name\" for systemd cgroups, got \"not-a-systemd-path\" instead");
	names_fail("/sys/x", "expected cgroupsPath to be of format \"slice:prefix:name\" for "
		   "systemd cgroups, got \"/sys/x\" instead");
	names_fail("a:b:c:d", "expected cgroupsPath to be of format \"slice:prefix:name\" for "
		   "systemd cgroups, got \"a:b:c:d\" instead");
	names_fail("system.slice:p:", "linux.cgroupsPath \"system.slice:p:\": \"p-.scope\" is "
		   "not a valid systemd unit name");
	names_fail("system.slice:p:a b", "linux.cgroupsPath \"system.slice:p:a b\": \"p-a "
		   "b.scope\" is not a valid systemd unit name");
	names_fail("system.slice:p:x.slice", "linux.cgroupsPath \"system.slice:p:x.slice\": a "
		   "container's processes cannot be in a slice unit (\"x.slice\"); name a scope");
	names_fail("system:p:n", "linux.cgroupsPath \"system:p:n\": invalid slice name \"system\"");
	names_fail("a--b.slice:p:n", "linux.cgroupsPath \"a--b.slice:p:n\": invalid slice name "
		   "\"a--b.slice\"");
}

static void expand_ok(const char *slice, const char *want)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_expand_slice(slice, &path, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(path, want, "slice %s", slice);
}

Test(slice, expand)
{
	expand_ok("system.slice", "/system.slice");
	expand_ok("test-a-b.slice", "/test.slice/test-a.slice/test-a-b.slice");
	expand_ok("lieve-a-b.slice", "/lieve.slice/lieve-a.slice/lieve-a-b.slice");
	expand_ok("-.slice", "");
	expand_ok("user-1000.slice", "/user.slice/user-1000.slice");
}

Test(slice, invalid)
{
	const char *bad[] = { ".slice", "a.scope", "-a.slice", "a-.slice", "a--b.slice",
			      "a/b.slice", "slice", "a b.slice" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *path = NULL;
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_lt(cg_sd_expand_slice(bad[i], &path, &err), 0, "%s", bad[i]);
		if (err) {
			char want[64];
			snprintf(want, sizeof(want), "invalid slice name \"%s\"", bad[i]);
			cr_expect_str_eq(err->msg, want);
		}
	}
}

static void bits_ok(const char *list, const uint8_t *want, size_t n)
{
	_cleanup_free_ uint8_t *bits = NULL;
	size_t got = 0;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_list_to_bits(list, &bits, &got, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(got, n, "%s: %zu bytes", list, got);
	cr_expect_eq(memcmp(bits, want, n), 0, "%s", list);
}

Test(bits, ranges)
{
	bits_ok("0", (const uint8_t[]){ 0x01 }, 1);
	bits_ok("0-1", (const uint8_t[]){ 0x03 }, 1);
	bits_ok("0-3,8", (const uint8_t[]){ 0x0f, 0x01 }, 2);
	bits_ok("1,3-4, 9", (const uint8_t[]){ 0x1a, 0x02 }, 2);
	bits_ok("15", (const uint8_t[]){ 0x00, 0x80 }, 2);
	const char *bad[] = { "", "a", "3-1", "1-", "1;2", "-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ uint8_t *bits = NULL;
		size_t n;
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_lt(cg_sd_list_to_bits(bad[i], &bits, &n, &err), 0, "\"%s\"", bad[i]);
	}
}

static uint64_t u64_prop(const cg_sd_props *p, const char *name)
{
	const cg_sd_prop *e = cg_sd_find(p, name);
	cr_assert_not_null(e, "no property %s", name);
	cr_assert_eq(e->type, 't', "%s has type %c", name, e->type);
	return e->v.u;
}

Test(resources, runc_conversions)
{
	spec_memory mem = { .limit = { .value = 1 << 30, .set = true }, .reservation = { .value = 1 << 20, .set = true },
			    .swap = { .value = (1 << 30) + (1 << 29), .set = true } };
	spec_cpu cpu = { .shares = { .value = 1024, .set = true }, .quota = { .value = 12345, .set = true },
			 .period = { .value = 100000, .set = true }, .cpus = (char *)"0-1,3" };
	spec_pids pids = { .limit = 42 };
	spec_block_io bio = { .weight = { .value = 500, .set = true } };
	spec_resources r = { .memory = &mem, .cpu = &cpu, .pids = &pids, .block_io = &bio };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props p = { 0 };
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_resource_props(&r, &p, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(u64_prop(&p, "MemoryMax"), 1 << 30);
	cr_expect_eq(u64_prop(&p, "MemoryLow"), 1 << 20);
	cr_expect_eq(u64_prop(&p, "MemorySwapMax"), 1 << 29); /* memory+swap − memory */
	cr_expect_eq(u64_prop(&p, "CPUWeight"), 39);
	cr_expect_eq(u64_prop(&p, "CPUQuotaPeriodUSec"), 100000);
	/* 12345/100000 of a CPU = 123450 µs per s, rounded up to 10 ms */
	cr_expect_eq(u64_prop(&p, "CPUQuotaPerSecUSec"), 130000);
	cr_expect_eq(u64_prop(&p, "TasksMax"), 42);
	cr_expect_eq(u64_prop(&p, "IOWeight"), 4950); /* as io.weight is written */
	const cg_sd_prop *cpus = cg_sd_find(&p, "AllowedCPUs");
	cr_assert_not_null(cpus);
	cr_expect_eq(cpus->type, 'Y');
	cr_assert_eq(cpus->n, 1);
	cr_expect_eq(cpus->bytes[0], 0x0b);
	cr_expect_null(cg_sd_find(&p, "AllowedMemoryNodes"));
}

Test(resources, unlimited_and_unset)
{
	spec_memory mem = { .limit = { .value = -1, .set = true } };
	spec_cpu cpu = { .quota = { .value = -1, .set = true } };
	spec_pids pids = { .limit = -1 };
	spec_resources r = { .memory = &mem, .cpu = &cpu, .pids = &pids };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props p = { 0 };
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_resource_props(&r, &p, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(u64_prop(&p, "MemoryMax"), UINT64_MAX);
	cr_expect_eq(u64_prop(&p, "MemorySwapMax"), UINT64_MAX); /* as runc: both unlimited */
	cr_expect_eq(u64_prop(&p, "CPUQuotaPerSecUSec"), UINT64_MAX);
	cr_expect_null(cg_sd_find(&p, "CPUQuotaPeriodUSec"));
	cr_expect_eq(u64_prop(&p, "TasksMax"), UINT64_MAX);
	cr_expect_null(cg_sd_find(&p, "CPUWeight"));
	cr_expect_null(cg_sd_find(&p, "MemoryLow"));

	spec_resources none = { 0 };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props q = { 0 };
	cr_assert_eq(cg_sd_resource_props(&none, &q, &err), 0);
	cr_expect_eq(q.n, 0);
}

Test(resources, unified)
{
	spec_kv kv[] = { { (char *)"memory.high", (char *)" 1048576\n" },
			 { (char *)"pids.max", (char *)"max" },
			 { (char *)"cpu.max", (char *)"50000 200000" },
			 { (char *)"cpu.weight", (char *)"77" },
			 { (char *)"cpuset.mems", (char *)"0" },
			 { (char *)"io.max", (char *)"8:0 rbps=1" } };
	spec_resources r = { .unified = { kv, sizeof(kv) / sizeof(kv[0]) } };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props p = { 0 };
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_resource_props(&r, &p, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(u64_prop(&p, "MemoryHigh"), 1048576);
	cr_expect_eq(u64_prop(&p, "TasksMax"), UINT64_MAX);
	cr_expect_eq(u64_prop(&p, "CPUQuotaPeriodUSec"), 200000);
	cr_expect_eq(u64_prop(&p, "CPUQuotaPerSecUSec"), 250000);
	cr_expect_eq(u64_prop(&p, "CPUWeight"), 77);
	cr_expect_not_null(cg_sd_find(&p, "AllowedMemoryNodes"));
	cr_expect_eq(p.n, 6, "io.max has no property: %zu", p.n);

	spec_kv bad[] = { { (char *)"memory.max", (char *)"lots" } };
	spec_resources rb = { .unified = { bad, 1 } };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props q = { 0 };
	_cleanup_error_ lv_error *e2 = NULL;
	cr_assert_lt(cg_sd_resource_props(&rb, &q, &e2), 0);
	cr_expect_str_eq(e2->msg, "linux.resources.unified \"memory.max\": \"lots\" is not a "
			 "number or \"max\"");
}

static cg_sd_props annotations_ok(spec_kv *kv, size_t n)
{
	spec_map m = { kv, n };
	cg_sd_props p = { 0 };
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cg_sd_annotation_props(&m, &p, &err), 0, "%s", err ? err->msg : "");
	return p;
}

Test(annotations, gvariant_values)
{
	spec_kv kv[] = {
		{ (char *)"org.systemd.property.TimeoutStopUSec", (char *)"uint64 123456789" },
		{ (char *)"org.systemd.property.CollectMode", (char *)"'inactive-or-failed'" },
		{ (char *)"org.systemd.property.SendSIGKILL", (char *)"false" },
		{ (char *)"org.systemd.property.CPUWeight", (char *)"uint64 5" },
		{ (char *)"org.systemd.property.Nice", (char *)"-3" },
		{ (char *)"org.systemd.property.Wants", (char *)"['a.service', \"b.service\"]" },
		{ (char *)"org.systemd.property.RuntimeMaxSec", (char *)"30" },
		{ (char *)"org.systemd.property.TimeoutStartSec", (char *)"1.5" },
		{ (char *)"other.annotation", (char *)"ignored" },
	};
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props p =
		annotations_ok(kv, sizeof(kv) / sizeof(kv[0]));
	cr_assert_eq(p.n, 8);
	cr_expect_eq(u64_prop(&p, "TimeoutStopUSec"), 123456789);
	const cg_sd_prop *cm = cg_sd_find(&p, "CollectMode");
	cr_assert_not_null(cm);
	cr_expect_eq(cm->type, 's');
	cr_expect_str_eq(cm->s, "inactive-or-failed");
	const cg_sd_prop *k = cg_sd_find(&p, "SendSIGKILL");
	cr_assert_not_null(k);
	cr_expect_eq(k->type, 'b');
	cr_expect_eq(k->v.b, false);
	cr_expect_eq(u64_prop(&p, "CPUWeight"), 5);
	const cg_sd_prop *nice = cg_sd_find(&p, "Nice");
	cr_assert_not_null(nice);
	cr_expect_eq(nice->type, 'i'); /* GVariant: a bare integer is an int32 */
	cr_expect_eq(nice->v.i, -3);
	const cg_sd_prop *w = cg_sd_find(&p, "Wants");
	cr_assert_not_null(w);
	cr_expect_eq(w->type, 'S');
	cr_expect_str_eq(w->strv[0], "a.service");
	cr_expect_str_eq(w->strv[1], "b.service");
	cr_expect_null(w->strv[2]);
	/* documented Sec names become USec properties in microseconds */
	cr_expect_null(cg_sd_find(&p, "RuntimeMaxSec"));
	cr_expect_eq(u64_prop(&p, "RuntimeMaxUSec"), 30000000);
	cr_expect_eq(u64_prop(&p, "TimeoutStartUSec"), 1500000);
}

static void annotation_fail(const char *key, const char *value, const char *want)
{
	spec_kv kv[] = { { (char *)key, (char *)value } };
	spec_map m = { kv, 1 };
	__attribute__((cleanup(cg_sd_props_clear))) cg_sd_props p = { 0 };
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_sd_annotation_props(&m, &p, &err), 0, "%s=%s", key, value);
	cr_expect_str_eq(err->msg, want);
	cr_expect_eq(p.n, 0);
}

Test(annotations, invalid)
{
	annotation_fail("org.systemd.property.X1", "1", "annotation "
			"\"org.systemd.property.X1\": \"X1\" is not a systemd property name "
			"(letters only, at least 3)");
	annotation_fail("org.systemd.property.Foo", "uint64 -1", "annotation "
			"\"org.systemd.property.Foo\": cannot parse \"uint64 -1\" as a GVariant "
			"value (true, false, \"uint64 5\", 5, 1.5, 'text', ['text', ...])");
	annotation_fail("org.systemd.property.Foo", "'open", "annotation "
			"\"org.systemd.property.Foo\": cannot parse \"'open\" as a GVariant "
			"value (true, false, \"uint64 5\", 5, 1.5, 'text', ['text', ...])");
	annotation_fail("org.systemd.property.Foo", "int32 3000000000", "annotation "
			"\"org.systemd.property.Foo\": cannot parse \"int32 3000000000\" as a "
			"GVariant value (true, false, \"uint64 5\", 5, 1.5, 'text', ['text', ...])");
	annotation_fail("org.systemd.property.TimeoutStopSec", "'soon'", "annotation "
			"\"org.systemd.property.TimeoutStopSec\": \"'soon'\" is not a number of "
			"seconds");
	annotation_fail("org.systemd.property.TimeoutStopSec", "-5", "annotation "
			"\"org.systemd.property.TimeoutStopSec\": \"-5\" is not a number of "
			"seconds");
}
