/* The state store: id validation, create/open/remove/list, atomic
 * replacement of state.json, and per-container locking. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/store.h"
#include "src/util/cleanup.h"

static char root[] = "/tmp/lieve-store-XXXXXX";

static void setup(void)
{
	strcpy(root, "/tmp/lieve-store-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

static int count_entries(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	return n;
}

/* ---- ids ---- */

Test(id, valid)
{
	const char *ok[] = { "a", "c1", "my-container", "A_b.c+d-e", ".hidden", "..a", "0", NULL };
	for (const char **id = ok; *id; id++) {
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_eq(lv_id_validate(*id, &err), 0, "%s: %s", *id, err ? err->msg : "");
	}
	char longest[LV_ID_MAX + 1];
	memset(longest, 'x', LV_ID_MAX);
	longest[LV_ID_MAX] = '\0';
	cr_expect_eq(lv_id_validate(longest, NULL), 0);
}

Test(id, invalid)
{
	static const struct {
		const char *id, *msg;
	} bad[] = {
		{ "../../etc", "invalid container id \"../../etc\"" },
		{ ".", "invalid container id \".\"" },
		{ "..", "invalid container id \"..\"" },
		{ "", "invalid container id \"\": Invalid argument" },
		{ "a/b", "invalid container id \"a/b\"" },
		{ "a b", "invalid container id \"a b\"" },
		{ "a:b", "invalid container id \"a:b\"" },
		{ "caf\xc3\xa9", "invalid container id \"caf\xc3\xa9\"" },
		{ "x\n", "invalid container id \"x\n\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_error_ lv_error *err = NULL;
		cr_expect_eq(lv_id_validate(bad[i].id, &err), -1, "%s", bad[i].id);
		cr_expect_str_eq(err ? err->msg : "", bad[i].msg);
	}
	char too_long[LV_ID_MAX + 2];
	memset(too_long, 'x', LV_ID_MAX + 1);
	too_long[LV_ID_MAX + 1] = '\0';
	_cleanup_error_ lv_error *err = NULL;
	cr_expect_eq(lv_id_validate(too_long, &err), -1);
	cr_expect(err && strstr(err->msg, "longer than 255 bytes"), "%s", err ? err->msg : "");
	cr_expect_eq(lv_id_validate(NULL, NULL), -1);
}

Test(id, invalid_id_touches_nothing, .init = setup, .fini = teardown)
{
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/state", root);
	lv_store_handle h;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(lv_store_create(sub, "../../etc", &h, &err), -1);
	cr_expect_str_eq(err->msg, "invalid container id \"../../etc\"");
	cr_expect_eq(access(sub, F_OK), -1, "the root must not even be created");
}

/* ---- create / open / remove / list ---- */

Test(store, create_open_remove, .init = setup, .fini = teardown)
{
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/a/b", root);
	lv_store_handle h;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(lv_store_create(sub, "c1", &h, &err), 0, "%s", err ? err->msg : "");
	struct stat st;
	cr_assert_eq(stat(sub, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0700);
	cr_expect_eq(count_entries(sub), 1, "no temporary directory left behind");

	lv_record rec = { .id = "c1", .bundle = "/b", .rootfs = "/b/rootfs",
			  .created = "2026-11-22T03:40:00.123456789Z", .owner = "root",
			  .status = "created", .pid = 42, .pid_start_time = 18446744073709551615ULL,
			  .cgroup_path = "/sys/fs/cgroup/x", .systemd_cgroup = true };
	spec_kv kv[] = { { "k", "v \"q\"" } };
	rec.annotations = (spec_map){ kv, 1 };
	cr_assert_eq(lv_store_write_record(&h, &rec, &err), 0, "%s", err ? err->msg : "");
	lv_store_close(&h);

	_cleanup_error_ lv_error *e2 = NULL;
	cr_assert_eq(lv_store_create(sub, "c1", &h, &e2), -1);
	cr_expect_str_eq(e2->msg, "container \"c1\" already exists");
	cr_expect_eq(e2->errnum, EEXIST);
	cr_expect_eq(count_entries(sub), 1, "a failed create leaves nothing");

	cr_assert_eq(lv_store_open(sub, "c1", false, &h, &err), 0);
	_cleanup_record_ lv_record *r = NULL;
	cr_assert_eq(lv_store_read_record(&h, &r, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(r->id, "c1");
	cr_expect_str_eq(r->bundle, "/b");
	cr_expect_str_eq(r->rootfs, "/b/rootfs");
	cr_expect_str_eq(r->created, rec.created);
	cr_expect_str_eq(r->owner, "root");
	cr_expect_str_eq(r->status, "created");
	cr_expect_eq(r->pid, 42);
	cr_expect_eq(r->pid_start_time, 18446744073709551615ULL);
	cr_expect_str_eq(r->cgroup_path, "/sys/fs/cgroup/x");
	cr_expect(r->systemd_cgroup);
	cr_assert_eq(r->annotations.n, 1);
	cr_expect_str_eq(r->annotations.v[0].value, "v \"q\"");

	cr_assert_eq(lv_store_write_file(&h, "extra", "data", 4, &err), 0);
	cr_assert_eq(mkdirat(h.dir_fd, "subdir", 0700), 0);
	cr_assert_eq(lv_store_remove(&h, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(count_entries(sub), 0);

	_cleanup_error_ lv_error *e3 = NULL;
	cr_assert_eq(lv_store_open(sub, "c1", true, &h, &e3), -1);
	cr_expect_str_eq(e3->msg, "container \"c1\" does not exist");
	cr_expect_eq(e3->errnum, ENOENT);
}

Test(store, open_missing_root, .init = setup, .fini = teardown)
{
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/none", root);
	lv_store_handle h;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_eq(lv_store_open(sub, "x", false, &h, &err), -1);
	cr_expect_str_eq(err->msg, "container \"x\" does not exist");
	_cleanup_error_ lv_error *e2 = NULL;
	_cleanup_record_ lv_record *r = NULL;
	cr_assert_eq(lv_store_peek_record(sub, "x", &r, NULL, &e2), -1);
	cr_expect_str_eq(e2->msg, "container \"x\" does not exist");
}

Test(store, list_sorted, .init = setup, .fini = teardown)
{
	const char *ids[] = { "zeta", "alpha", "m.1" };
	for (size_t i = 0; i < 3; i++) {
		lv_store_handle h;
		cr_assert_eq(lv_store_create(root, ids[i], &h, NULL), 0);
		lv_store_close(&h);
	}
	/* Not containers: a file, and a name no id can take. */
	char p[300];
	snprintf(p, sizeof(p), "%s/file", root);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	snprintf(p, sizeof(p), "%s/:creating-1-1", root);
	mkdir(p, 0700);
	_cleanup_strv_ char **list = NULL;
	cr_assert_eq(lv_store_list(root, &list, NULL), 0);
	cr_assert_str_eq(list[0], "alpha");
	cr_assert_str_eq(list[1], "m.1");
	cr_assert_str_eq(list[2], "zeta");
	cr_assert_null(list[3]);

	_cleanup_strv_ char **empty = NULL;
	snprintf(p, sizeof(p), "%s/missing", root);
	cr_assert_eq(lv_store_list(p, &empty, NULL), 0);
	cr_assert_null(empty[0]);
}

Test(store, write_file_atomic, .init = setup, .fini = teardown)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/pid", root);
	cr_assert_eq(lv_write_file_atomic(p, "123", 3, 0644, NULL), 0);
	cr_assert_eq(lv_write_file_atomic(p, "4567", 4, 0644, NULL), 0);
	char buf[16] = { 0 };
	_cleanup_close_ int fd = open(p, O_RDONLY);
	cr_assert_eq(read(fd, buf, sizeof(buf)), 4);
	cr_expect_str_eq(buf, "4567");
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0644);
	cr_expect_eq(count_entries(root), 1, "no temporary file left");
	_cleanup_error_ lv_error *err = NULL;
	snprintf(p, sizeof(p), "%s/no/such/dir/pid", root);
	cr_expect_eq(lv_write_file_atomic(p, "1", 1, 0644, &err), -1);
	cr_expect(err && strstr(err->msg, "No such file or directory"));
}

/* ---- atomicity: a reader never sees a partial state.json ---- */

static void write_variant(lv_store_handle *h, int i)
{
	static char big[64 * 1024];
	memset(big, 'a' + i % 26, sizeof(big) - 1);
	lv_record rec = { .id = "c", .status = i % 2 ? "running" : "created", .pid = i };
	spec_kv kv[] = { { "filler", big } };
	rec.annotations = (spec_map){ kv, 1 };
	if (lv_store_write_record(h, &rec, NULL) < 0)
		_exit(2);
}

Test(store, readers_never_see_partial_records, .init = setup, .fini = teardown, .timeout = 60)
{
	lv_store_handle h;
	cr_assert_eq(lv_store_create(root, "c", &h, NULL), 0);
	write_variant(&h, 0);
	pid_t writer = fork();
	cr_assert_neq(writer, -1);
	if (writer == 0) {
		for (int i = 1;; i++)
			write_variant(&h, i);
	}
	lv_store_close(&h);
	int reads = 0;
	for (; reads < 400; reads++) {
		_cleanup_record_ lv_record *r = NULL;
		_cleanup_error_ lv_error *err = NULL;
		cr_assert_eq(lv_store_peek_record(root, "c", &r, NULL, &err), 0,
			     "read %d: %s", reads, err ? err->msg : "");
		const char *filler = r->annotations.n ? r->annotations.v[0].value : "";
		cr_assert_eq(strlen(filler), 64 * 1024 - 1, "read %d saw a truncated record", reads);
		cr_assert_eq(filler[0], 'a' + r->pid % 26, "record mixes two writes");
	}
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
}

/* ---- locking ---- */

static int read_counter(lv_store_handle *h)
{
	_cleanup_record_ lv_record *r = NULL;
	if (lv_store_read_record(h, &r, NULL) < 0)
		return -1;
	const char *v = spec_map_get(&r->annotations, "counter");
	return v ? atoi(v) : 0;
}

static void increments(int n)
{
	for (int i = 0; i < n; i++) {
		lv_store_handle h;
		if (lv_store_open(root, "ctr", true, &h, NULL) < 0)
			_exit(3);
		int v = read_counter(&h);
		if (v < 0)
			_exit(4);
		char num[16];
		snprintf(num, sizeof(num), "%d", v + 1);
		spec_kv kv[] = { { "counter", num } };
		lv_record rec = { .id = "ctr", .annotations = { kv, 1 } };
		if (lv_store_write_record(&h, &rec, NULL) < 0)
			_exit(5);
		lv_store_close(&h);
	}
}

Test(lock, read_modify_write_is_serialised, .init = setup, .fini = teardown, .timeout = 120)
{
	lv_store_handle h;
	cr_assert_eq(lv_store_create(root, "ctr", &h, NULL), 0);
	lv_record rec = { .id = "ctr" };
	cr_assert_eq(lv_store_write_record(&h, &rec, NULL), 0);
	lv_store_close(&h);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		cr_assert_neq(kids[k], -1);
		if (kids[k] == 0) {
			increments(200);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int st;
		cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d status %d", k, st);
	}
	cr_assert_eq(lv_store_open(root, "ctr", false, &h, NULL), 0);
	cr_expect_eq(read_counter(&h), 400);
	lv_store_close(&h);
}

/* Holding A's lock: opening A waits, opening B does not. */
Test(lock, other_containers_do_not_wait, .init = setup, .fini = teardown, .timeout = 60)
{
	lv_store_handle a, b;
	cr_assert_eq(lv_store_create(root, "a", &a, NULL), 0);
	cr_assert_eq(lv_store_create(root, "b", &b, NULL), 0);
	lv_store_close(&b);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t kid = fork();
	cr_assert_neq(kid, -1);
	if (kid == 0) {
		/* flock belongs to the open file: drop our copy of A's. */
		lv_store_close(&a);
		close(p[0]);
		alarm(10);
		lv_store_handle hb, ha;
		if (lv_store_open(root, "b", true, &hb, NULL) < 0)
			_exit(1);
		if (write(p[1], "b", 1) != 1)
			_exit(2);
		lv_store_close(&hb);
		if (lv_store_open(root, "a", true, &ha, NULL) < 0)
			_exit(3);
		if (write(p[1], "a", 1) != 1)
			_exit(4);
		_exit(0);
	}
	close(p[1]);
	char c = 0;
	cr_assert_eq(read(p[0], &c, 1), 1);
	cr_expect_eq(c, 'b', "B opened while A was locked");
	/* A is still locked: the child must be blocked now. */
	usleep(300 * 1000);
	int st;
	cr_expect_eq(waitpid(kid, &st, WNOHANG), 0, "the child did not wait for A's lock");
	lv_store_close(&a);
	cr_assert_eq(read(p[0], &c, 1), 1);
	cr_expect_eq(c, 'a');
	cr_assert_eq(waitpid(kid, &st, 0), kid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
}

/* A command blocked on the lock of a container being deleted finds it gone. */
Test(lock, waiter_sees_removed_container, .init = setup, .fini = teardown, .timeout = 60)
{
	lv_store_handle a;
	cr_assert_eq(lv_store_create(root, "gone", &a, NULL), 0);
	pid_t kid = fork();
	cr_assert_neq(kid, -1);
	if (kid == 0) {
		lv_store_close(&a);
		alarm(10);
		lv_store_handle h;
		lv_error *err = NULL;
		int r = lv_store_open(root, "gone", true, &h, &err);
		_exit(r == -1 && err && err->errnum == ENOENT ? 0 : 1);
	}
	usleep(200 * 1000);
	cr_assert_eq(lv_store_remove(&a, NULL), 0);
	int st;
	cr_assert_eq(waitpid(kid, &st, 0), kid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
