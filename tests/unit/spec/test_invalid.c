/* Every invalid document is refused with one exact, path-naming line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"
#include "spec/state.h"
#include "invalid_cases.h"

static void expect_config_error(const char *json, size_t len, const char *expect)
{
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	int r = spec_config_parse(json, len, "config.json", &cfg, &err);
	cr_assert_lt(r, 0, "parse succeeded, expected: %s", expect);
	cr_assert_null(cfg);
	cr_assert_not_null(err);
	cr_expect_str_eq(err->msg, expect);
	cr_expect_null(strchr(err->msg, '\n'), "message is not one line: %s", err->msg);
	lv_err_free(err);
}

Test(invalid, config_cases)
{
	cr_assert_geq(N_CONFIG_CASES, 30);
	for (size_t i = 0; i < N_CONFIG_CASES; i++) {
		const struct invalid_case *c = &config_cases[i];
		cr_log_info("case %s", c->name);
		expect_config_error(c->json, c->len, c->expect);
	}
}

/* One Test per case too, so a failure names the case.  Criterion runs each
 * in a freshly exec'd worker, so the parameter is an index, not a pointer. */
ParameterizedTestParameters(invalid, each)
{
	static size_t idx[N_CONFIG_CASES];
	for (size_t i = 0; i < N_CONFIG_CASES; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, N_CONFIG_CASES);
}

ParameterizedTest(size_t *i, invalid, each)
{
	const struct invalid_case *c = &config_cases[*i];
	cr_log_info("case %s", c->name);
	expect_config_error(c->json, c->len, c->expect);
}

static char *nested(size_t depth, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + 2 * depth + sl + 1);
	cr_assert_not_null(s);
	memcpy(s, prefix, pl);
	memset(s + pl, '[', depth);
	memset(s + pl + depth, ']', depth);
	memcpy(s + pl + 2 * depth, suffix, sl + 1);
	return s;
}

Test(invalid, deep_nesting_top_level)
{
	char *s = nested(100000, "", "");
	expect_config_error(s, strlen(s), "config.json: invalid JSON: nesting deeper than 256 levels");
	free(s);
}

Test(invalid, deep_nesting_in_value)
{
	char *s = nested(300, "{\"ociVersion\": \"1\", \"annotations\": ", "}");
	expect_config_error(s, strlen(s), "config.json: invalid JSON: nesting deeper than 256 levels");
	free(s);
}

/* 256 levels are allowed by the depth guard (the type check then fails). */
Test(invalid, nesting_at_limit)
{
	char *s = nested(255, "{\"ociVersion\": \"1\", \"annotations\": ", "}");
	expect_config_error(s, strlen(s), "config.json: annotations: expected an object, got an array");
	free(s);
}

/* Brackets inside strings do not count as nesting. */
Test(invalid, brackets_in_strings)
{
	char *s = nested(300, "{\"ociVersion\": \"", "\", \"hostname\": 1}");
	expect_config_error(s, strlen(s), "config.json: hostname: expected a string, got a number");
	free(s);
}

Test(invalid, oversized_document)
{
	size_t len = (64u << 20) + 1;
	char *s = malloc(len);
	cr_assert_not_null(s);
	memset(s, ' ', len);
	expect_config_error(s, len, "config.json: document larger than 67108864 bytes");
	free(s);
}

Test(invalid, process_document)
{
	spec_process *p = NULL;
	lv_error *err = NULL;
	const char doc[] = "{\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\", \"args\": [1]}";
	cr_assert_lt(spec_process_parse(doc, strlen(doc), "process.json", &p, &err), 0);
	cr_assert_null(p);
	cr_expect_str_eq(err->msg, "process.json: args[0]: expected a string, got a number");
	lv_err_free(err);
}

Test(invalid, process_top_level)
{
	spec_process *p = NULL;
	lv_error *err = NULL;
	cr_assert_lt(spec_process_parse("42", 2, "process.json", &p, &err), 0);
	cr_expect_str_eq(err->msg, "process.json: expected an object, got a number");
	lv_err_free(err);
}

Test(invalid, state_status)
{
	spec_state *st = NULL;
	lv_error *err = NULL;
	const char doc[] = "{\"ociVersion\": \"1.2.0\", \"id\": \"c1\", \"status\": \"dead\", \"bundle\": \"/b\"}";
	cr_assert_lt(spec_state_parse(doc, strlen(doc), "state.json", &st, &err), 0);
	cr_expect_str_eq(err->msg, "state.json: status: expected one of creating, created, running, "
				   "stopped, paused; got \"dead\"");
	lv_err_free(err);
}

Test(invalid, state_relative_bundle)
{
	spec_state *st = NULL;
	lv_error *err = NULL;
	const char doc[] = "{\"ociVersion\": \"1.2.0\", \"id\": \"c1\", \"status\": \"created\", \"bundle\": \"b\", \"pid\": 1}";
	cr_assert_lt(spec_state_parse(doc, strlen(doc), "state.json", &st, &err), 0);
	cr_expect_str_eq(err->msg, "state.json: bundle: expected an absolute path, got \"b\"");
	lv_err_free(err);
}

Test(invalid, load_missing_file)
{
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	cr_assert_lt(spec_config_load("/nonexistent/config.json", "config.json", &cfg, &err), 0);
	cr_expect_str_eq(err->msg, "open \"/nonexistent/config.json\": No such file or directory");
	lv_err_free(err);
}

Test(invalid, load_directory)
{
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	cr_assert_lt(spec_config_load("/", "config.json", &cfg, &err), 0);
	cr_expect_str_eq(err->msg, "read \"/\": not a regular file");
	lv_err_free(err);
}
