/* Large profiles in the shape Docker and Podman render into config.json
 * (~350 names, conditional args, x86_64 + x86 + x32): compile, install,
 * and run a busybox shell under them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define BUSYBOX "/bin/busybox"

struct sh {
	int out; /* write end for the shell's stdout */
};

static int run_sh(void *arg)
{
	struct sh *sh = arg;
	dup2(sh->out, 1);
	char *argv[] = { "sh", "-c", "echo ok; mkdir /proc/x 2>/dev/null; echo $(echo sub)", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	execve(BUSYBOX, argv, envp);
	return 127;
}

static void expect_shell_ok(const sc_filter *f)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	struct sh sh = { p[1] };
	int st = t_run(f, run_sh, &sh);
	close(p[1]);
	char buf[64] = "";
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	cr_assert(WIFEXITED(st), "shell status %#x", st);
	cr_assert_eq(WEXITSTATUS(st), 0, "shell exit %d", WEXITSTATUS(st));
	cr_assert_gt(n, 0);
	cr_assert_str_eq(buf, "ok\nsub\n");
}

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

/* Returns the first failed check's number. */
static int docker_checks(void *arg)
{
	(void)arg;
	if (err_of(syscall(SYS_clone3, NULL, 0)) != ENOSYS) /* errnoRet 38 */
		return 1;
	if (err_of(syscall(SYS_syslog, 3, NULL, 0)) != EPERM) /* default, errnoRet 1 */
		return 2;
	if (err_of(syscall(SYS_personality, 0xffffffffUL)) != 0) /* allowed value */
		return 3;
	if (err_of(syscall(SYS_personality, ADDR_NO_RANDOMIZE)) != EPERM) /* other value */
		return 4;
	if (err_of(syscall(SYS_socket, 40 /* AF_VSOCK */, 1, 0)) != EPERM)
		return 5;
	if (err_of(syscall(SYS_getppid)) != 0)
		return 6;
	return 0;
}

static int podman_checks(void *arg)
{
	(void)arg;
	if (err_of(syscall(SYS_umount2, "/nonexistent", 0)) != EPERM) /* deny list */
		return 1;
	if (err_of(syscall(SYS_syslog, 3, NULL, 0)) != ENOSYS) /* default, errnoRet 38 */
		return 2;
	if (err_of(syscall(SYS_personality, 0xffffffffUL)) != 0) /* split conditions */
		return 3;
	if (err_of(syscall(SYS_personality, 8)) != 0)
		return 4;
	if (err_of(syscall(SYS_personality, ADDR_NO_RANDOMIZE)) != ENOSYS)
		return 5;
	return 0;
}

static void check_profile(const char *file, int (*checks)(void *))
{
	cr_assert_eq(access(BUSYBOX, X_OK), 0, BUSYBOX " (busybox-static) is needed");
	spec_seccomp *s = t_load_json(file);
	size_t names = 0;
	for (size_t i = 0; i < s->syscalls.n; i++)
		names += s->syscalls.v[i].names.n;
	cr_assert_geq(names, 300);
	sc_filter *f = t_compile(s);
	int st = t_run(f, checks, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: check %d failed (status %#x)", file,
		  WEXITSTATUS(st), st);
	expect_shell_ok(f);

	/* And the same from the stored form, as exec loads it. */
	void *data;
	size_t len;
	lv_error *err = NULL;
	sc_filter *g = NULL;
	cr_assert_eq(sc_filter_serialize(f, &data, &len, &err), 0);
	cr_assert_eq(sc_filter_deserialize(data, len, &g, &err), 0);
	expect_shell_ok(g);
	free(data);
	sc_filter_free(g);
	sc_filter_free(f);
	t_free(s);
}

Test(profile, docker_default)
{
	check_profile(SC_TEST_DATA "/docker-default.json", docker_checks);
}

Test(profile, podman_default)
{
	check_profile(SC_TEST_DATA "/podman-default.json", podman_checks);
}
