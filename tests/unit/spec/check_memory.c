/* Exercises every parse, write and free path of spec/ in one plain process,
 * so valgrind can see leaks and bad accesses (Criterion forks workers).
 * Exits non-zero when a case does not produce its expected result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"
#include "spec/features.h"
#include "spec/state.h"
#include "invalid_cases.h"

static int failures;

static void check_invalid(const char *name, const char *json, size_t len, const char *expect)
{
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	if (spec_config_parse(json, len, "config.json", &cfg, &err) == 0) {
		fprintf(stderr, "%s: parse succeeded\n", name);
		spec_config_free(cfg);
		failures++;
		return;
	}
	if (strcmp(err->msg, expect) != 0) {
		fprintf(stderr, "%s: got %s\n", name, err->msg);
		failures++;
	}
	lv_err_free(err);
}

static void round_trip(const char *name, spec_config *cfg)
{
	lv_error *err = NULL;
	char *json = NULL, *json2 = NULL;
	size_t len, len2;
	spec_config *again = NULL;
	if (spec_config_write(cfg, &json, &len, &err) < 0 ||
	    spec_config_parse(json, len, name, &again, &err) < 0 ||
	    spec_config_write(again, &json2, &len2, &err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err->msg);
		lv_err_free(err);
		failures++;
	} else if (!spec_config_equal(cfg, again) || len != len2 || memcmp(json, json2, len) != 0) {
		fprintf(stderr, "%s: round trip differs\n", name);
		failures++;
	}
	free(json);
	free(json2);
	spec_config_free(again);
	spec_config_free(cfg);
}

static void check_fixture(const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", SPEC_TEST_DATA, file);
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	if (spec_config_load(path, file, &cfg, &err) < 0) {
		fprintf(stderr, "%s: %s\n", file, err->msg);
		lv_err_free(err);
		failures++;
		return;
	}
	round_trip(file, cfg);
}

static void check_state(void)
{
	const char doc[] = "{\"ociVersion\": \"1.2.0\", \"id\": \"c1\", \"status\": \"running\", "
			   "\"pid\": 42, \"bundle\": \"/b\", \"annotations\": {\"k\": \"v\"}}";
	spec_state *st = NULL;
	lv_error *err = NULL;
	char *json = NULL;
	size_t len;
	if (spec_state_parse(doc, strlen(doc), "state", &st, &err) < 0 ||
	    spec_state_write(st, true, &json, &len, &err) < 0) {
		fprintf(stderr, "state: %s\n", err->msg);
		lv_err_free(err);
		failures++;
	}
	free(json);
	spec_state_free(st);
}

static void check_features(void)
{
	char *hooks[] = { "prestart", NULL };
	spec_features f = { .oci_version_min = "1.0.0", .oci_version_max = "1.2.0",
			    .hooks = { hooks, 1 } };
	char *json = NULL;
	lv_error *err = NULL;
	if (spec_features_write(&f, &json, NULL, &err) < 0) {
		fprintf(stderr, "features: %s\n", err->msg);
		lv_err_free(err);
		failures++;
	}
	free(json);
}

int main(void)
{
	for (size_t i = 0; i < N_CONFIG_CASES; i++)
		check_invalid(config_cases[i].name, config_cases[i].json, config_cases[i].len,
			      config_cases[i].expect);
	size_t depth = 100000;
	char *deep = malloc(2 * depth + 1);
	if (!deep)
		return 2;
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = 0;
	check_invalid("deep", deep, 2 * depth, "config.json: invalid JSON: nesting deeper than 256 levels");
	free(deep);

	const char *fixtures[] = { "example.json", "podman.json", "containerd.json", "minimal.json" };
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		check_fixture(fixtures[i]);
	for (int rootless = 0; rootless < 2; rootless++) {
		spec_config *cfg = NULL;
		lv_error *err = NULL;
		if (spec_config_default(rootless, 1000, 1000, &cfg, &err) < 0) {
			fprintf(stderr, "default: %s\n", err->msg);
			lv_err_free(err);
			failures++;
			continue;
		}
		round_trip("default", cfg);
	}
	check_state();
	check_features();
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	return failures ? 1 : 0;
}
