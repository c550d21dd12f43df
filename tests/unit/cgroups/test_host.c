/* The cgroup manager on this host's cgroup2 hierarchy, as root: create,
 * clone3 into it, freeze/thaw, kill, pids, the device filter, destroy.
 *
 * Every cgroup is made under a unique /lieve-test-* name directly below the
 * cgroup2 mount and removed in the fixture's teardown even when a test
 * fails; nothing here writes cgroup.subtree_control of an existing cgroup
 * or touches a v1 controller. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "src/cgroups/cg_internal.h"
#include "src/cgroups/cgroup.h"
#include "src/util/cleanup.h"

static char *mount_point;
static char name[96];   /* "/lieve-test-..." */
static char path[256];  /* mount + name */
static volatile uint64_t *shared; /* counters written by children */

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) != 0 &&
	    access("/sys/fs/cgroup/cgroup.procs", F_OK) != 0)
		cr_skip_test("no cgroup2 hierarchy");
}

static void setup(void)
{
	lv_error *err = NULL;
	if (geteuid() != 0)
		return;
	cr_assert_eq(cg_find_mount(&mount_point, &err), 0, "%s", err ? err->msg : "");
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(name, sizeof(name), "/lieve-test-%d-%ld", (int)getpid(), ts.tv_nsec);
	snprintf(path, sizeof(path), "%s%s", mount_point, name);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(shared, MAP_FAILED);
}

/* Whatever a test left: its processes killed, its cgroups removed. */
static void teardown(void)
{
	if (!path[0] || access(path, F_OK) != 0)
		goto out;
	char cmd[600];
	/* cgroup.kill of the top kills every descendant too. */
	snprintf(cmd, sizeof(cmd), "%s/cgroup.kill", path);
	int fd = open(cmd, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			perror("cgroup.kill");
		close(fd);
	}
	lv_error *err = NULL;
	if (cg_destroy(path, &err) < 0) {
		fprintf(stderr, "teardown: %s\n", err->msg);
		lv_err_free(err);
	}
out:
	free(mount_point);
	mount_point = NULL;
}

TestSuite(host, .init = setup, .fini = teardown);

static cg_plan *plan_for(const char *cgroups_path, spec_resources *r)
{
	static spec_linux l;
	static spec_config cfg;
	l = (spec_linux){ .cgroups_path = (char *)cgroups_path, .resources = r };
	cfg = (spec_config){ .linux_ = &l };
	cg_plan *p = NULL;
	lv_error *err = NULL;
	cr_assert_eq(cg_plan_build(&cfg, "ignored", false, &p, &err), 0, "%s",
		     err ? err->msg : "");
	return p;
}

static int create(const char *cgroups_path, spec_resources *r)
{
	_cleanup_cg_plan_ cg_plan *p = plan_for(cgroups_path, r);
	cr_assert_str_eq(cg_plan_path(p), path);
	int fd = -1;
	lv_error *err = NULL;
	cr_assert_eq(cg_create(p, &fd, &err), 0, "%s", err ? err->msg : "");
	cr_assert_geq(fd, 0);
	return fd;
}

static pid_t spawn_into(int cgfd, void (*fn)(void))
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				.cgroup = (uint64_t)cgfd };
	pid_t pid = (pid_t)syscall(SYS_clone3, &a, sizeof(a));
	cr_assert_geq(pid, 0, "clone3: %s", strerror(errno));
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid;
}

static void count_forever(void)
{
	pid_t g = fork();
	if (g < 0)
		_exit(3);
	shared[2] = (uint64_t)(g ? g : getpid());
	volatile uint64_t *c = &shared[g ? 0 : 1];
	for (;;)
		(*c)++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void wait_empty(void)
{
	bool populated = true;
	lv_error *err = NULL;
	for (int i = 0; i < 200 && populated; i++) {
		cr_assert_eq(cg_populated(path, &populated, &err), 0, "%s", err ? err->msg : "");
		if (populated)
			sleep_ms(10);
	}
	cr_assert_not(populated, "cgroup still populated");
}

Test(host, create_freeze_kill_destroy)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	pid_t child = spawn_into(fd, count_forever);
	for (int i = 0; i < 500 && (!shared[0] || !shared[1]); i++)
		sleep_ms(10);
	cr_assert(shared[0] && shared[1], "children did not start counting");

	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	lv_error *err = NULL;
	cr_assert_eq(cg_pids(path, &pids, &n, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(n, 2);
	bool has_child = pids[0] == child || pids[1] == child;
	bool has_grand = pids[0] == (pid_t)shared[2] || pids[1] == (pid_t)shared[2];
	cr_expect(has_child && has_grand, "pids %d %d, want %d and %d", pids[0], pids[1],
		  child, (int)shared[2]);

	cr_assert_eq(cg_freeze(path, true, &err), 0, "%s", err ? err->msg : "");
	bool frozen = false;
	cr_assert_eq(cg_is_frozen(path, &frozen, &err), 0);
	cr_expect(frozen);
	uint64_t a0 = shared[0], a1 = shared[1];
	sleep_ms(200);
	cr_expect_eq(shared[0], a0, "counting went on while frozen");
	cr_expect_eq(shared[1], a1, "the grandchild counted while frozen");

	cr_assert_eq(cg_freeze(path, false, &err), 0, "%s", err ? err->msg : "");
	sleep_ms(100);
	cr_expect_gt(shared[0], a0, "no counting after thaw");
	cr_assert_eq(cg_is_frozen(path, &frozen, &err), 0);
	cr_expect_not(frozen);

	_cleanup_close_ int watch = -1;
	cr_assert_eq(cg_events_watch(path, &watch, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(cg_kill(path, SIGKILL, &err), 0, "%s", err ? err->msg : "");
	int st;
	cr_assert_eq(waitpid(child, &st, 0), child);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	wait_empty();
	struct pollfd pfd = { .fd = watch, .events = POLLIN };
	cr_expect_eq(poll(&pfd, 1, 2000), 1, "no cgroup.events change seen");

	cr_assert_eq(cg_destroy(path, &err), 0, "%s", err ? err->msg : "");
	cr_expect_neq(access(path, F_OK), 0);
	cr_expect_eq(cg_destroy(path, &err), 0, "a missing cgroup is not an error");
}

static void sleep_forever(void)
{
	for (;;)
		pause();
}

Test(host, kill_with_other_signal_signals_everyone)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	pid_t child = spawn_into(fd, sleep_forever);
	lv_error *err = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	for (int i = 0; i < 100 && n == 0; i++) {
		free(pids);
		pids = NULL;
		cr_assert_eq(cg_pids(path, &pids, &n, &err), 0);
	}
	cr_assert_eq(cg_kill(path, SIGTERM, &err), 0, "%s", err ? err->msg : "");
	int st;
	cr_assert_eq(waitpid(child, &st, 0), child);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	bool frozen = true;
	cr_assert_eq(cg_is_frozen(path, &frozen, &err), 0);
	cr_expect_not(frozen, "kill left the cgroup frozen");
}

Test(host, enter_and_stats)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0)
		sleep_forever();
	lv_error *err = NULL;
	cr_assert_eq(cg_enter(path, child, &err), 0, "%s", err ? err->msg : "");
	char f[64], want[160];
	snprintf(f, sizeof(f), "/proc/%d/cgroup", (int)child);
	_cleanup_free_ char *content = NULL;
	cr_assert_eq(cg_read("/", f + 1, &content), 0);
	snprintf(want, sizeof(want), "0::%s\n", name);
	cr_expect(strstr(content, want), "%s has %s", f, content);
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(path, "c1", &json, &err), 0, "%s", err ? err->msg : "");
	cr_expect(strstr(json, "\"pids\":{\"current\":1}"), "%s", json);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void open_devices(void)
{
	/* exit code: bit 0 /dev/null rw failed, bit 1 /dev/kmsg was allowed */
	int code = 0, fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		code |= 1;
	else
		close(fd);
	fd = open("/dev/kmsg", O_RDONLY);
	if (fd >= 0 || errno != EPERM)
		code |= 2;
	_exit(code);
}

static int exit_code(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "child died by signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

Test(host, default_device_filter)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	cr_expect_eq(exit_code(spawn_into(fd, open_devices)), 0,
		     "/dev/null must open, /dev/kmsg must be EPERM");
}

static void read_null(void)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		_exit(0);
	_exit(errno == EPERM ? 1 : 2);
}

static void write_null(void)
{
	int fd = open("/dev/null", O_WRONLY);
	_exit(fd >= 0 ? 0 : errno == EPERM ? 1 : 2);
}

Test(host, custom_filter_and_replacement)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	lv_error *err = NULL;
	cg_dev_rule deny_read[] = { { 'a', -1, -1, 7, true }, { 'c', 1, 3, CG_DEV_READ, false } };
	cr_assert_eq(cg_dev_apply(fd, deny_read, 2, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(exit_code(spawn_into(fd, read_null)), 1, "read of /dev/null not refused");
	cr_expect_eq(exit_code(spawn_into(fd, write_null)), 0, "write of /dev/null refused");
	cg_dev_rule allow[] = { { 'a', -1, -1, 7, true } };
	cr_assert_eq(cg_dev_apply(fd, allow, 1, &err), 0, "%s", err ? err->msg : "");
	cr_expect_eq(exit_code(spawn_into(fd, read_null)), 0,
		     "the replaced filter still refuses");
}

Test(host, failed_create_removes_what_it_made)
{
	need_root();
	char nested[160];
	snprintf(nested, sizeof(nested), "%s/sub", name);
	spec_kv kv[] = { { (char *)"foo.bar", (char *)"1" } };
	spec_resources r = { 0 };
	r.unified = (spec_map){ kv, 1 };
	_cleanup_cg_plan_ cg_plan *p = plan_for(nested, &r);
	int fd = -1;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_create(p, &fd, &err), 0);
	char want[600];
	snprintf(want, sizeof(want), "cgroup \"%s/sub\": unified resource \"foo.bar\": no "
		 "such cgroup file", path);
	cr_expect_str_eq(err->msg, want);
	cr_expect_eq(fd, -1);
	cr_expect_neq(access(path, F_OK), 0, "%s left behind", path);
}

Test(host, populated_cgroup_not_reused)
{
	need_root();
	_cleanup_close_ int fd = create(name, NULL);
	pid_t child = spawn_into(fd, sleep_forever);
	_cleanup_cg_plan_ cg_plan *p = plan_for(name, NULL);
	int fd2 = -1;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_create(p, &fd2, &err), 0);
	char want[600];
	snprintf(want, sizeof(want), "cgroup \"%s\" already exists and has processes in it", path);
	cr_expect_str_eq(err->msg, want);
	cr_expect_eq(access(path, F_OK), 0, "the busy cgroup was removed");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

Test(host, unavailable_controller)
{
	need_root();
	_cleanup_free_ char *ctrls = NULL;
	cr_assert_eq(cg_read(mount_point, "cgroup.controllers", &ctrls), 0);
	if (cg_word_in(ctrls, "memory"))
		cr_skip_test("the memory controller is available on %s", mount_point);
	spec_memory m = { .limit = { 1 << 20, true } };
	spec_resources r = { .memory = &m };
	spec_linux l = { .cgroups_path = name, .resources = &r };
	spec_config cfg = { .linux_ = &l };
	cg_plan *p = NULL;
	_cleanup_error_ lv_error *err = NULL;
	cr_assert_lt(cg_plan_build(&cfg, "c1", false, &p, &err), 0);
	char want[600];
	snprintf(want, sizeof(want), "linux.resources.memory: the \"memory\" controller is not "
		 "available in the cgroup2 hierarchy at %s", mount_point);
	cr_expect_str_eq(err->msg, want);
	cr_expect_neq(access(path, F_OK), 0);
}

/* Needs the memory, pids and cpu controllers: skipped on the v1-hybrid host,
 * run in the cgroup v2 guest (tests/vm/tests/19-cgroup-unit.sh). */
Test(host, resources_written_and_updated)
{
	need_root();
	_cleanup_free_ char *ctrls = NULL;
	cr_assert_eq(cg_read(mount_point, "cgroup.controllers", &ctrls), 0);
	if (!cg_word_in(ctrls, "memory") || !cg_word_in(ctrls, "pids") || !cg_word_in(ctrls, "cpu"))
		cr_skip_test("memory, pids and cpu controllers needed (have: %s)", ctrls);
	spec_memory m = { .limit = { 64 << 20, true }, .reservation = { 32 << 20, true } };
	spec_cpu c = { .shares = { 1024, true }, .quota = { 50000, true }, .period = { 100000, true } };
	spec_pids p = { .limit = 42 };
	spec_kv kv[] = { { (char *)"memory.high", (char *)"50331648" } };
	spec_resources r = { .memory = &m, .cpu = &c, .pids = &p };
	r.unified = (spec_map){ kv, 1 };
	_cleanup_close_ int fd = create(name, &r);
	struct { const char *file, *want; } files[] = {
		{ "memory.max", "67108864\n" }, { "memory.low", "33554432\n" },
		{ "memory.high", "50331648\n" }, { "pids.max", "42\n" },
		{ "cpu.weight", "39\n" }, { "cpu.max", "50000 100000\n" },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		_cleanup_free_ char *got = NULL;
		cr_assert_eq(cg_read(path, files[i].file, &got), 0, "read %s", files[i].file);
		cr_expect_str_eq(got, files[i].want, "%s", files[i].file);
	}
	spec_pids p2 = { .limit = 7 };
	spec_cpu c2 = { .quota = { 20000, true } };
	spec_resources u = { .pids = &p2, .cpu = &c2 };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(path, &u, &err), 0, "%s", err ? err->msg : "");
	_cleanup_free_ char *pm = NULL, *cm = NULL, *mm = NULL;
	cr_assert_eq(cg_read(path, "pids.max", &pm), 0);
	cr_expect_str_eq(pm, "7\n");
	cr_assert_eq(cg_read(path, "cpu.max", &cm), 0);
	cr_expect_str_eq(cm, "20000 100000\n");
	cr_assert_eq(cg_read(path, "memory.max", &mm), 0);
	cr_expect_str_eq(mm, "67108864\n", "update changed what it was not given");
	_cleanup_free_ char *json = NULL;
	cr_assert_eq(cg_stats_json(path, "c1", &json, &err), 0, "%s", err ? err->msg : "");
	cr_expect(strstr(json, "\"usage\":{\"limit\":67108864,"), "%s", json);
	cr_expect(strstr(json, "\"pids\":{\"limit\":7}"), "%s", json);
}

/* A memory hog above memory.max is OOM-killed and counted (guest only). */
static void hog(void)
{
	size_t n = 256 << 20;
	volatile char *p = malloc(n); /* volatile: the writes must happen */
	if (!p)
		_exit(2);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	_exit(0);
}

Test(host, oom_counted)
{
	need_root();
	_cleanup_free_ char *ctrls = NULL;
	cr_assert_eq(cg_read(mount_point, "cgroup.controllers", &ctrls), 0);
	if (!cg_word_in(ctrls, "memory"))
		cr_skip_test("memory controller needed");
	spec_memory m = { .limit = { 32 << 20, true }, .swap = { 32 << 20, true } };
	spec_resources r = { .memory = &m };
	_cleanup_close_ int fd = create(name, &r);
	uint64_t before = 99, after = 0;
	lv_error *err = NULL;
	cr_assert_eq(cg_oom_count(path, &before, &err), 0);
	cr_expect_eq(before, 0);
	pid_t pid = spawn_into(fd, hog);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	_cleanup_free_ char *ev = NULL, *max = NULL;
	cg_read(path, "memory.events", &ev);
	cg_read(path, "memory.max", &max);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		  "the hog was not OOM-killed: status %#x, memory.max %s memory.events %s", st,
		  max ? max : "?", ev ? ev : "?");
	cr_assert_eq(cg_oom_count(path, &after, &err), 0);
	cr_expect_eq(after, 1);
}

/* A controller the cgroup was made without is enabled down its path by
 * update (guest only: on the hybrid host pids is not on cgroup2). */
Test(host, update_enables_missing_controller)
{
	need_root();
	_cleanup_free_ char *ctrls = NULL;
	cr_assert_eq(cg_read(mount_point, "cgroup.controllers", &ctrls), 0);
	if (!cg_word_in(ctrls, "pids"))
		cr_skip_test("pids controller needed");
	char child[300];
	snprintf(child, sizeof(child), "%s/c", path);
	cr_assert_eq(mkdir(path, 0755), 0);
	cr_assert_eq(mkdir(child, 0755), 0);
	_cleanup_free_ char *before = NULL;
	cr_assert_eq(cg_read(child, "cgroup.controllers", &before), 0);
	cr_assert_not(cg_word_in(before, "pids"), "pids already there: %s", before);
	spec_pids p = { .limit = 9 };
	spec_resources r = { .pids = &p };
	lv_error *err = NULL;
	cr_assert_eq(cg_update(child, &r, &err), 0, "%s", err ? err->msg : "");
	_cleanup_free_ char *max = NULL;
	cr_assert_eq(cg_read(child, "pids.max", &max), 0);
	cr_expect_str_eq(max, "9\n");
}
