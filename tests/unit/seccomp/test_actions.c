/* Every OCI action, observed from inside a process that runs under it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

/* Exits with the errno of getppid(), 0 when it succeeded. */
static int call_getppid(void *arg)
{
	(void)arg;
	long r = syscall(SYS_getppid);
	return r < 0 ? errno : 0;
}

static sc_filter *one_rule(int action, const char *names, long errno_ret)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	spec_syscall *sc = t_rule(s, action, names);
	if (errno_ret >= 0)
		t_errno(sc, (uint64_t)errno_ret);
	sc_filter *f = t_compile(s);
	t_free(s);
	return f;
}

Test(actions, errno_default_is_eperm)
{
	sc_filter *f = one_rule(SPEC_ACT_ERRNO, "getppid", -1);
	int st = t_run(f, call_getppid, NULL);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), EPERM);
	sc_filter_free(f);
}

Test(actions, errno_ret)
{
	sc_filter *f = one_rule(SPEC_ACT_ERRNO, "getppid", EXDEV);
	int st = t_run(f, call_getppid, NULL);
	cr_assert(WIFEXITED(st));
	cr_assert_eq(WEXITSTATUS(st), EXDEV);
	sc_filter_free(f);
}

static int call_uname(void *arg)
{
	(void)arg;
	struct utsname u;
	return uname(&u) < 0 ? errno : 0;
}

Test(actions, errno_only_hits_the_named_syscall)
{
	sc_filter *f = one_rule(SPEC_ACT_ERRNO, "uname", ENOTBLK);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), 0);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_uname, NULL)), ENOTBLK);
	sc_filter_free(f);
}

Test(actions, allow_and_log_let_the_call_through)
{
	/* With a default of ERRNO, only the allowed/logged calls succeed. */
	int actions[] = { SPEC_ACT_ALLOW, SPEC_ACT_LOG };
	for (size_t i = 0; i < 2; i++) {
		spec_seccomp *s = t_new(SPEC_ACT_ERRNO);
		s->default_errno_ret = (spec_opt_uint){ ENOLINK, true };
		t_rule(s, actions[i], "getppid");
		t_rule(s, SPEC_ACT_ALLOW, "exit_group");
		sc_filter *f = t_compile(s);
		int st = t_run(f, call_getppid, NULL);
		cr_assert(WIFEXITED(st), "action %zu: status %#x", i, st);
		cr_assert_eq(WEXITSTATUS(st), 0);
		cr_assert_eq(WEXITSTATUS(t_run(f, call_uname, NULL)), ENOLINK);
		sc_filter_free(f);
		t_free(s);
	}
}

Test(actions, kill_kills_with_sigsys)
{
	int actions[] = { SPEC_ACT_KILL, SPEC_ACT_KILL_THREAD, SPEC_ACT_KILL_PROCESS };
	for (size_t i = 0; i < 3; i++) {
		sc_filter *f = one_rule(actions[i], "getppid", -1);
		int st = t_run(f, call_getppid, NULL);
		cr_assert(WIFSIGNALED(st), "action %zu: status %#x", i, st);
		cr_assert_eq(WTERMSIG(st), SIGSYS);
		sc_filter_free(f);
	}
}

static void *thread_getppid(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return NULL;
}

/* A thread calls getppid; the main thread survives only under KILL_THREAD. */
static int getppid_in_thread(void *arg)
{
	(void)arg;
	pthread_t t;
	if (pthread_create(&t, NULL, thread_getppid, NULL) != 0)
		return 99;
	pthread_join(t, NULL);
	return 42;
}

Test(actions, kill_thread_versus_kill_process)
{
	sc_filter *thread = one_rule(SPEC_ACT_KILL_THREAD, "getppid", -1);
	sc_filter *legacy = one_rule(SPEC_ACT_KILL, "getppid", -1);
	sc_filter *process = one_rule(SPEC_ACT_KILL_PROCESS, "getppid", -1);
	int st = t_run(thread, getppid_in_thread, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 42, "KILL_THREAD: status %#x", st);
	st = t_run(legacy, getppid_in_thread, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 42, "KILL: status %#x", st);
	st = t_run(process, getppid_in_thread, NULL);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "KILL_PROCESS: status %#x", st);
	sc_filter_free(thread);
	sc_filter_free(legacy);
	sc_filter_free(process);
}

static volatile sig_atomic_t trapped_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	trapped_nr = si->si_code == 1 /* SYS_SECCOMP */ ? si->si_syscall : -2;
}

static int trap_getppid(void *arg)
{
	(void)arg;
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	return trapped_nr == SYS_getppid ? 0 : 1;
}

Test(actions, trap_raises_sigsys_to_a_handler)
{
	sc_filter *f = one_rule(SPEC_ACT_TRAP, "getppid", -1);
	int st = t_run(f, trap_getppid, NULL);
	cr_assert(WIFEXITED(st), "status %#x", st);
	cr_assert_eq(WEXITSTATUS(st), 0, "the handler did not see getppid");
	/* Without a handler, TRAP kills by SIGSYS. */
	st = t_run(f, call_getppid, NULL);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %#x", st);
	sc_filter_free(f);
}

Test(actions, trace_without_tracer_is_enosys)
{
	sc_filter *f = one_rule(SPEC_ACT_TRACE, "getppid", 1234);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), ENOSYS);
	sc_filter_free(f);
}

/* The tracer sees PTRACE_EVENT_SECCOMP with errnoRet as the message. */
static unsigned long traced_msg(const sc_filter *f)
{
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		lv_error *err = NULL;
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_install(f, NULL, &err) < 0)
			_exit(200);
		_exit(call_getppid(NULL));
	}
	int st;
	unsigned long msg = 0;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSTOPPED(st));
	cr_assert_eq(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL), 0);
	cr_assert_eq(ptrace(PTRACE_CONT, pid, 0, 0), 0);
	for (;;) {
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		if (!WIFSTOPPED(st))
			break;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	return msg;
}

Test(actions, trace_passes_errno_ret_to_the_tracer)
{
	sc_filter *f = one_rule(SPEC_ACT_TRACE, "getppid", 1234);
	cr_assert_eq(traced_msg(f), 1234);
	sc_filter_free(f);
	f = one_rule(SPEC_ACT_TRACE, "getppid", -1);
	cr_assert_eq(traced_msg(f), EPERM, "runc's default message is EPERM");
	sc_filter_free(f);
}

Test(actions, default_action_and_default_errno_ret)
{
	spec_seccomp *s = t_new(SPEC_ACT_ERRNO);
	s->default_errno_ret = (spec_opt_uint){ ENOMSG, true };
	t_rule(s, SPEC_ACT_ALLOW, "exit_group");
	sc_filter *f = t_compile(s);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), ENOMSG);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_uname, NULL)), ENOMSG);
	sc_filter_free(f);
	s->default_errno_ret.set = false;
	f = t_compile(s);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), EPERM);
	sc_filter_free(f);
	t_free(s);
}

Test(actions, default_kill)
{
	spec_seccomp *s = t_new(SPEC_ACT_KILL_PROCESS);
	t_rule(s, SPEC_ACT_ALLOW, "exit_group,getppid");
	sc_filter *f = t_compile(s);
	int st = t_run(f, call_getppid, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	st = t_run(f, call_uname, NULL);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %#x", st);
	sc_filter_free(f);
	t_free(s);
}

Test(actions, rule_with_the_default_action_is_skipped)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, SPEC_ACT_ALLOW, "getppid");
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "uname"), EBADE);
	sc_filter *f = t_compile(s);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), 0);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_uname, NULL)), EBADE);
	sc_filter_free(f);
	t_free(s);
}
