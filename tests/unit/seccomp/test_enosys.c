/* runc's -ENOSYS stub: syscalls numbered past everything the profile names
 * fail with ENOSYS when the default action would deny them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define FUTURE 1000 /* no architecture has a syscall this high yet */
#define X32_BIT 0x40000000L
#define I386_GETPPID 64

static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static long int80(long nr)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static int docker_checks(void *arg)
{
	(void)arg;
	if (err_of(syscall(FUTURE)) != ENOSYS)
		return 1;
	if (err_of(syscall(450 /* set_mempolicy_home_node: unlisted, below the top */, 0, 0, 0, 0)) != EPERM)
		return 2;
	if (int80(FUTURE) != -ENOSYS) /* i386, in the profile's architectures */
		return 3;
	if (int80(I386_GETPPID) != getppid())
		return 4;
	if (err_of(syscall(X32_BIT | FUTURE)) != ENOSYS) /* x32 */
		return 5;
	return 0;
}

Test(enosys, docker_profile)
{
	spec_seccomp *s = t_load_json(SC_TEST_DATA "/docker-default.json");
	sc_filter *f = t_compile(s);
	int st = t_run(f, docker_checks, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "check %d failed (status %#x)",
		  WEXITSTATUS(st), st);
	sc_filter_free(f);
	t_free(s);
}

static int future(void *arg)
{
	(void)arg;
	return err_of(syscall(FUTURE));
}

static int call_uname(void *arg)
{
	(void)arg;
	return err_of(syscall(SYS_uname, NULL));
}

Test(enosys, kill_default_answers_enosys_past_the_profile)
{
	spec_seccomp *s = t_new(SPEC_ACT_KILL_PROCESS);
	t_rule(s, SPEC_ACT_ALLOW, "exit_group,getppid");
	sc_filter *f = t_compile(s);
	int st = t_run(f, future, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == ENOSYS, "status %#x", st);
	st = t_run(f, call_uname, NULL); /* below exit_group: the default */
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %#x", st);
	sc_filter_free(f);
	t_free(s);
}

static sc_filter *with_default(int def, long def_ret)
{
	spec_seccomp *s = t_new(def);
	if (def_ret >= 0)
		s->default_errno_ret = (spec_opt_uint){ (uint64_t)def_ret, true };
	/* A rule whose action differs from every default tried here. */
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), EIO);
	t_rule(s, SPEC_ACT_ALLOW, "exit_group");
	sc_filter *f = t_compile(s);
	t_free(s);
	return f;
}

static bool has_enosys_return(int def, long def_ret)
{
	sc_filter *f = with_default(def, def_ret);
	size_t n;
	const struct sock_filter *p = sc_filter_program(f, &n);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found = found || (p[i].code == (BPF_RET | BPF_K) &&
				  p[i].k == (SECCOMP_RET_ERRNO | ENOSYS));
	sc_filter_free(f);
	return found;
}

Test(enosys, only_when_the_default_denies)
{
	cr_assert(has_enosys_return(SPEC_ACT_ERRNO, EPERM));
	cr_assert(has_enosys_return(SPEC_ACT_ERRNO, -1));
	cr_assert(has_enosys_return(SPEC_ACT_TRAP, -1));
	cr_assert(has_enosys_return(SPEC_ACT_KILL, -1));
	cr_assert(has_enosys_return(SPEC_ACT_KILL_THREAD, -1));
	cr_assert(has_enosys_return(SPEC_ACT_KILL_PROCESS, -1));
	cr_assert_not(has_enosys_return(SPEC_ACT_ALLOW, -1));
	cr_assert_not(has_enosys_return(SPEC_ACT_LOG, -1));
	cr_assert_not(has_enosys_return(SPEC_ACT_TRACE, -1));
	/* The stub is one block for the native architecture: 7 instructions. */
	sc_filter *eperm = with_default(SPEC_ACT_ERRNO, EPERM);
	sc_filter *enosys = with_default(SPEC_ACT_ERRNO, ENOSYS);
	size_t a, b;
	sc_filter_program(eperm, &a);
	sc_filter_program(enosys, &b);
	cr_assert_eq(a, b + 7);
	sc_filter_free(eperm);
	sc_filter_free(enosys);
}

Test(enosys, trap_default_answers_enosys_past_the_profile)
{
	sc_filter *f = with_default(SPEC_ACT_TRAP, -1);
	int st = t_run(f, future, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == ENOSYS, "status %#x", st);
	st = t_run(f, call_uname, NULL);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %#x", st);
	sc_filter_free(f);
}

Test(enosys, errno_enosys_default_needs_no_stub)
{
	spec_seccomp *s = t_new(SPEC_ACT_ERRNO);
	s->default_errno_ret = (spec_opt_uint){ ENOSYS, true };
	t_rule(s, SPEC_ACT_ALLOW, "exit_group");
	sc_filter *f = t_compile(s);
	cr_assert_eq(WEXITSTATUS(t_run(f, future, NULL)), ENOSYS);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_uname, NULL)), ENOSYS);
	sc_filter_free(f);
	t_free(s);
}
