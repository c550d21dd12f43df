/* `update`'s flags to linux.resources, and runc's memory size syntax. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli/cli.h"
#include "src/util/cleanup.h"

Test(update, ram_sizes)
{
	static const struct {
		const char *in;
		int64_t bytes;
	} ok[] = {
		{ "0", 0 },          { "512", 512 },          { "1k", 1024 },
		{ "1K", 1024 },      { "64m", 64 << 20 },     { "1.5g", 3LL << 29 },
		{ "2GiB", 2LL << 30 }, { "2gb", 2LL << 30 },  { "1 t", 1LL << 40 },
		{ "3p", 3LL << 50 }, { "1 ", 1 }, { "10b", 10 },           { "7KB", 7 * 1024 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t b = -7;
		cr_expect_eq(cli_parse_ram(ok[i].in, &b), 0, "%s", ok[i].in);
		cr_expect_eq(b, ok[i].bytes, "%s -> %lld", ok[i].in, (long long)b);
	}
	const char *bad[] = { "", "-1", "k", "1x", "1kk", " 1", "1.", ".5", "1.2.3", "99999p", "0x10" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t b;
		cr_expect_eq(cli_parse_ram(bad[i], &b), -1, "%s accepted", bad[i]);
	}
}

Test(update, json_from_flags)
{
	update_flags f = { .memory = "1g", .memory_swap = "-1", .cpu_quota = "-1",
			   .cpu_period = "100000", .cpuset_cpus = "0-1", .cpu_idle = "1",
			   .blkio_weight = 500, .blkio_weight_set = true,
			   .pids_limit = 64, .pids_limit_set = true };
	_cleanup_free_ char *json = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(cli_update_resources_json(&f, &json, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(json,
		"{\"memory\":{\"limit\":1073741824,\"swap\":-1},"
		"\"cpu\":{\"quota\":-1,\"period\":100000,\"cpus\":\"0-1\",\"idle\":1},"
		"\"blockIO\":{\"weight\":500},\"pids\":{\"limit\":64}}");
}

Test(update, json_empty_and_errors)
{
	update_flags none = { 0 };
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cli_update_resources_json(&none, &json, NULL), 0);
	cr_expect_str_eq(json, "{}");

	static const struct {
		update_flags f;
		const char *msg;
	} bad[] = {
		{ { .cpu_share = "-5" }, "invalid value for cpu-share: \"-5\"" },
		{ { .cpu_quota = "1.5" }, "invalid value for cpu-quota: \"1.5\"" },
		{ { .memory = "lots" }, "invalid value for memory: invalid size: 'lots'" },
		{ { .blkio_weight = 5, .blkio_weight_set = true },
		  "invalid value for blkio-weight: 5 (range is 10 to 1000)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *j = NULL;
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_eq(cli_update_resources_json(&bad[i].f, &j, &err), -1);
		cr_expect_str_eq(err ? err->msg : "", bad[i].msg);
	}
}
