#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "src/log.h"
#include "src/util/cleanup.h"

/* 2026-11-22T03:40:00Z */
static const time_t when = 1795318800;

static void utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

Test(log, text_format, .init = utc)
{
	_cleanup_free_ char *line = NULL;
	cr_assert_eq(lv_log_format(LV_LOG_ERROR, "container \"a\" failed\nbadly\tnow\\", false,
				   when, &line, NULL), 0);
	cr_expect_str_eq(line, "time=\"2026-11-22T03:40:00Z\" level=error "
			       "msg=\"container \\\"a\\\" failed\\nbadly\\tnow\\\\\"\n");
}

Test(log, text_unquoted_word_and_levels, .init = utc)
{
	_cleanup_free_ char *l1 = NULL, *l2 = NULL, *l3 = NULL;
	cr_assert_eq(lv_log_format(LV_LOG_WARN, "plain-word_1.2/x@y^z+", false, when, &l1, NULL), 0);
	cr_expect_str_eq(l1, "time=\"2026-11-22T03:40:00Z\" level=warning msg=plain-word_1.2/x@y^z+\n");
	cr_assert_eq(lv_log_format(LV_LOG_DEBUG, "a\x01" "b", false, when, &l2, NULL), 0);
	cr_expect_str_eq(l2, "time=\"2026-11-22T03:40:00Z\" level=debug msg=\"a\\x01b\"\n");
	cr_assert_eq(lv_log_format(LV_LOG_INFO, "", false, when, &l3, NULL), 0);
	cr_expect_str_eq(l3, "time=\"2026-11-22T03:40:00Z\" level=info msg=\n");
}

Test(log, json_format, .init = utc)
{
	_cleanup_free_ char *line = NULL;
	const char *msg = "container \"a\" failed\nbadly\t\\ </x>";
	cr_assert_eq(lv_log_format(LV_LOG_ERROR, msg, true, when, &line, NULL), 0);
	cr_expect_str_eq(line, "{\"level\":\"error\",\"msg\":\"container \\\"a\\\" failed\\nbadly\\t\\\\ </x>\","
			       "\"time\":\"2026-11-22T03:40:00Z\"}\n");
	/* And it parses back to the same message. */
	char ebuf[128];
	yajl_val v = yajl_tree_parse(line, ebuf, sizeof(ebuf));
	cr_assert_not_null(v, "%s", ebuf);
	const char *path[] = { "msg", NULL };
	cr_expect_str_eq(YAJL_GET_STRING(yajl_tree_get(v, path, yajl_t_string)), msg);
	yajl_tree_free(v);
}

Test(log, json_invalid_utf8_still_valid_json, .init = utc)
{
	_cleanup_free_ char *line = NULL;
	cr_assert_eq(lv_log_format(LV_LOG_ERROR, "bad \xff\xfe byte", true, when, &line, NULL), 0);
	char ebuf[128];
	yajl_val v = yajl_tree_parse(line, ebuf, sizeof(ebuf));
	cr_assert_not_null(v, "%s: %s", line, ebuf);
	yajl_tree_free(v);
}

Test(log, local_offset)
{
	setenv("TZ", "UTC-05:30", 1);
	tzset();
	_cleanup_free_ char *line = NULL;
	cr_assert_eq(lv_log_format(LV_LOG_ERROR, "x", false, when, &line, NULL), 0);
	cr_expect_str_eq(line, "time=\"2026-11-22T09:10:00+05:30\" level=error msg=x\n");
}

static char got[256];
static void sink(enum lv_log_level level, const char *msg, void *data)
{
	snprintf(got, sizeof(got), "%s:%s:%s", lv_log_level_name(level), msg, (char *)data);
}

Test(log, sink_filters_by_level)
{
	got[0] = '\0';
	lv_log(LV_LOG_ERROR, "dropped without a sink");
	cr_expect_str_eq(got, "");
	lv_log_set_sink(sink, "d", LV_LOG_WARN);
	lv_debug("hidden %d", 1);
	cr_expect_str_eq(got, "");
	lv_warn("shown %d", 2);
	cr_expect_str_eq(got, "warning:shown 2:d");
	cr_expect(!lv_log_enabled(LV_LOG_DEBUG));
	lv_log_set_sink(sink, "d", LV_LOG_DEBUG);
	lv_debug("now %s", "visible");
	cr_expect_str_eq(got, "debug:now visible:d");
	lv_log_set_sink(NULL, NULL, LV_LOG_ERROR);
}
