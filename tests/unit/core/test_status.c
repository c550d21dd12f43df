/* Status from the real init process, `state` and `list`. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "src/lifecycle.h"
#include "src/status.h"
#include "src/store.h"
#include "src/util/cleanup.h"

static char root[] = "/tmp/lieve-status-XXXXXX";

static void setup(void)
{
	strcpy(root, "/tmp/lieve-status-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

static uint64_t start_of(pid_t pid)
{
	uint64_t t = 0;
	cr_assert_eq(lv_proc_start_time(pid, &t, NULL), 0);
	return t;
}

static void make(const char *id, int64_t pid, uint64_t start, bool fifo, const char *status)
{
	lv_store_handle h;
	cr_assert_eq(lv_store_create(root, id, &h, NULL), 0);
	lv_record rec = { .id = (char *)id, .bundle = "/bundles/x", .rootfs = "/bundles/x/rootfs",
			  .created = "2026-11-22T03:40:00.5Z", .owner = "root",
			  .status = (char *)status, .pid = pid, .pid_start_time = start };
	cr_assert_eq(lv_store_write_record(&h, &rec, NULL), 0);
	if (fifo)
		cr_assert_eq(mkfifoat(h.dir_fd, "exec.fifo", 0600), 0);
	lv_store_close(&h);
}

static const char *status_of(const char *id)
{
	const char *s = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(lv_container_status(root, id, &s, &err), 0, "%s", err ? err->msg : "");
	return s;
}

Test(status, derived_from_init, .init = setup, .fini = teardown)
{
	pid_t me = getpid();
	make("running", me, start_of(me), false, "running");
	make("created", me, start_of(me), true, "created");
	make("reused", me, start_of(me) + 1, false, "running");
	make("nopid", 0, 0, false, "running");
	make("creating", 0, 0, false, "creating");
	cr_expect_str_eq(status_of("running"), "running");
	cr_expect_str_eq(status_of("created"), "created");
	cr_expect_str_eq(status_of("reused"), "stopped", "a reused pid is not the container");
	cr_expect_str_eq(status_of("nopid"), "stopped");
	cr_expect_str_eq(status_of("creating"), "creating");

	_cleanup_error_ lv_error *err = NULL;
	const char *s;
	cr_expect_eq(lv_container_status(root, "missing", &s, &err), -1);
	cr_expect_str_eq(err->msg, "container \"missing\" does not exist");
}

Test(status, exited_and_zombie_init_is_stopped, .init = setup, .fini = teardown)
{
	pid_t kid = fork();
	cr_assert_neq(kid, -1);
	if (kid == 0)
		_exit(0);
	/* Wait until it is a zombie, without reaping it. */
	siginfo_t si;
	cr_assert_eq(waitid(P_PID, kid, &si, WEXITED | WNOWAIT), 0);
	uint64_t t;
	bool zombie = false;
	cr_assert_eq(lv_proc_start_time(kid, &t, &zombie), 0);
	cr_expect(zombie);
	make("zombie", kid, t, false, "running");
	cr_expect_str_eq(status_of("zombie"), "stopped");
	waitpid(kid, NULL, 0);
	cr_expect_str_eq(status_of("zombie"), "stopped");
}

Test(status, state_json, .init = setup, .fini = teardown)
{
	pid_t me = getpid();
	make("c1", me, start_of(me), true, "created");
	lv_context ctx = { .root = root };
	_cleanup_free_ char *json = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(lv_state_json(&ctx, "c1", &json, &err), 0, "%s", err ? err->msg : "");
	cr_expect(strstr(json, "\n  \"id\": \"c1\""), "indented like runc: %s", json);
	char ebuf[128];
	yajl_val v = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	cr_assert_not_null(v, "%s", ebuf);
	const char *p_status[] = { "status", NULL }, *p_pid[] = { "pid", NULL },
		   *p_bundle[] = { "bundle", NULL }, *p_ver[] = { "ociVersion", NULL };
	cr_expect_str_eq(YAJL_GET_STRING(yajl_tree_get(v, p_status, yajl_t_string)), "created");
	cr_expect_eq(YAJL_GET_INTEGER(yajl_tree_get(v, p_pid, yajl_t_number)), me);
	cr_expect_str_eq(YAJL_GET_STRING(yajl_tree_get(v, p_bundle, yajl_t_string)), "/bundles/x");
	cr_expect_not_null(yajl_tree_get(v, p_ver, yajl_t_string));
	yajl_tree_free(v);

	make("dead", me, start_of(me) + 7, false, "running");
	_cleanup_free_ char *dead = NULL;
	cr_assert_eq(lv_state_json(&ctx, "dead", &dead, NULL), 0);
	cr_expect(strstr(dead, "\"pid\": 0,") && strstr(dead, "\"status\": \"stopped\""), "%s", dead);

	_cleanup_error_ lv_error *e2 = NULL;
	_cleanup_free_ char *none = NULL;
	cr_expect_eq(lv_state_json(&ctx, "../x", &none, &e2), -1);
	cr_expect_str_eq(e2->msg, "invalid container id \"../x\"");
}

Test(status, list, .init = setup, .fini = teardown)
{
	pid_t me = getpid();
	make("b", me, start_of(me), false, "running");
	make("a", me, 1, false, "running");
	lv_context ctx = { .root = root };
	lv_summary *items = NULL;
	size_t n = 0;
	cr_assert_eq(lv_list(&ctx, &items, &n, NULL), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(items[0].id, "a");
	cr_expect_str_eq(items[0].status, "stopped");
	cr_expect_eq(items[0].pid, 0);
	cr_expect_str_eq(items[1].id, "b");
	cr_expect_str_eq(items[1].status, "running");
	cr_expect_eq(items[1].pid, me);
	cr_expect_str_eq(items[1].owner, "root");
	cr_expect_str_eq(items[1].rootfs, "/bundles/x/rootfs");
	lv_summaries_free(items, n);

	char missing[300];
	snprintf(missing, sizeof(missing), "%s/missing", root);
	ctx.root = missing;
	cr_assert_eq(lv_list(&ctx, &items, &n, NULL), 0);
	cr_expect_eq(n, 0);
	lv_summaries_free(items, n);
}

Test(status, created_time_format)
{
	char buf[40];
	struct timespec ts = { 1795318800, 0 };
	lv_format_created(&ts, buf);
	cr_expect_str_eq(buf, "2026-11-22T03:40:00Z");
	ts.tv_nsec = 123400000;
	lv_format_created(&ts, buf);
	cr_expect_str_eq(buf, "2026-11-22T03:40:00.1234Z");
	ts.tv_nsec = 999999999;
	lv_format_created(&ts, buf);
	cr_expect_str_eq(buf, "2026-11-22T03:40:00.999999999Z");
}
