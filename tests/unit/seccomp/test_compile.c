/* Validation messages, architectures, flags, unknown names, and the stored
 * form of a filter. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "src/log.h"

static void expect_error(spec_seccomp *s, const char *want)
{
	char *msg = t_compile_error(s);
	cr_assert_str_eq(msg, want);
	free(msg);
	t_free(s);
}

Test(validate, unknown_architecture)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->architectures, "SCMP_ARCH_X86_64");
	t_strv_add(&s->architectures, "SCMP_ARCH_FOO");
	expect_error(s, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"");
	s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->architectures, "SCMP_ARCH_x86");
	expect_error(s, "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_x86\"");
	s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->architectures, "SCMP_ARCH_S390X");
	expect_error(s, "linux.seccomp.architectures[0]: \"SCMP_ARCH_S390X\" has another byte order than the native architecture; one filter cannot hold both");
	s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->architectures, "x86");
	expect_error(s, "linux.seccomp.architectures[0]: unknown architecture \"x86\"");
}

Test(validate, arg_index_and_op)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, SPEC_ACT_ERRNO, "getppid");
	t_rule(s, SPEC_ACT_ERRNO, "uname");
	spec_syscall *sc = t_rule(s, SPEC_ACT_ERRNO, "getpgid");
	t_arg(sc, 0, SPEC_OP_EQ, 1, T_NO_VALUE2);
	t_arg(sc, 6, SPEC_OP_EQ, 1, T_NO_VALUE2);
	expect_error(s, "linux.seccomp.syscalls[2].args[1].index: 6 is out of range 0-5");

	s = t_new(SPEC_ACT_ALLOW);
	t_arg(t_rule(s, SPEC_ACT_ERRNO, "getpgid"), 0, 42, 1, T_NO_VALUE2);
	expect_error(s, "linux.seccomp.syscalls[0].args[0].op: unknown operator 42");

	s = t_new(SPEC_ACT_ALLOW);
	t_arg(t_rule(s, SPEC_ACT_ERRNO, "getpgid"), 0, SPEC_OP_EQ, 1, 5);
	expect_error(s, "linux.seccomp.syscalls[0].args[0].valueTwo: only used by SCMP_CMP_MASKED_EQ");
}

Test(validate, actions_and_errno_ret)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_errno(t_rule(s, SPEC_ACT_KILL, "getppid"), 1);
	expect_error(s, "linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL");

	s = t_new(SPEC_ACT_ALLOW);
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), 70000);
	expect_error(s, "linux.seccomp.syscalls[0].errnoRet: 70000 does not fit in the 16 bits of a seccomp return value");

	s = t_new(SPEC_ACT_KILL);
	s->default_errno_ret = (spec_opt_uint){ 1, true };
	expect_error(s, "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL");

	s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, 17, "getppid");
	expect_error(s, "linux.seccomp.syscalls[0].action: unknown seccomp action 17");

	s = t_new(SPEC_ACT_NOTIFY);
	expect_error(s, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
}

Test(validate, notify_rules)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat");
	expect_error(s, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");

	s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = strdup("/run/agent.sock");
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat,write");
	expect_error(s, "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall");

	s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = calloc(1, 200);
	memset(s->listener_path, 'a', 150);
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat");
	char *msg = t_compile_error(s);
	cr_assert(strstr(msg, "is longer than a unix socket path can be"), "%s", msg);
	free(msg);
	t_free(s);
}

Test(validate, flags)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_FOO");
	expect_error(s, "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"");
	/* NEW_LISTENER is the runtime's to set, not the config's. */
	s = t_new(SPEC_ACT_ALLOW);
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_NEW_LISTENER");
	expect_error(s, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");
}

static int call_getppid(void *arg)
{
	(void)arg;
	return syscall(SYS_getppid) < 0 ? errno : 0;
}

Test(flags, each_flag_compiles_and_loads)
{
	const char *names[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" };
	unsigned int want[] = { SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG,
				SECCOMP_FILTER_FLAG_SPEC_ALLOW, 0 /* dropped: nothing notifies */ };
	for (size_t i = 0; i < 4; i++) {
		spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
		t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), EL2HLT);
		t_strv_add(&s->flags, names[i]);
		sc_filter *f = t_compile(s);
		cr_assert_eq(sc_filter_flags(f), want[i], "%s", names[i]);
		int st = t_run(f, call_getppid, NULL);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == EL2HLT, "%s: status %#x", names[i], st);
		sc_filter_free(f);
		t_free(s);
	}
}

Test(flags, known_and_supported)
{
	const char *const *known = sc_known_flags();
	size_t n = 0;
	for (; known[n]; n++)
		cr_assert(sc_kernel_supports_flag(known[n]), "%s on a 6.18 kernel", known[n]);
	cr_assert_eq(n, 4);
	cr_assert_not(sc_kernel_supports_flag("SECCOMP_FILTER_FLAG_FOO"));
}

Test(flags, notify_adds_new_listener_and_tsync_esrch)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = strdup("/run/agent.sock");
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat");
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_TSYNC");
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	sc_filter *f = t_compile(s);
	cr_assert(sc_filter_wants_notify(f));
	cr_assert_eq(sc_filter_flags(f),
		     SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
			     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
	sc_filter_free(f);
	t_free(s);
}

static char *logged;

static void capture(enum lv_log_level level, const char *msg, void *data)
{
	(void)data;
	if (level == LV_LOG_DEBUG && !logged)
		logged = strdup(msg);
}

Test(names, unknown_syscall_is_skipped_with_a_debug_message)
{
	lv_log_set_sink(capture, NULL, LV_LOG_DEBUG);
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "no_such_syscall_xyz,getppid"), ENOANO);
	sc_filter *f = t_compile(s);
	cr_assert_str_eq(logged, "seccomp: skipping unknown syscall \"no_such_syscall_xyz\" (linux.seccomp.syscalls[0].names[0])");
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), ENOANO);
	sc_filter_free(f);
	t_free(s);
	lv_log_set_sink(NULL, NULL, LV_LOG_ERROR);
}

Test(names, syscalls_of_other_architectures_are_accepted)
{
	/* i386-only names resolve to pseudo numbers on x86_64; libseccomp adds
	 * them for the architectures that have them. */
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, SPEC_ACT_ERRNO, "socketcall,_llseek,ugetrlimit,getppid");
	sc_filter *f = t_compile(s);
	cr_assert_eq(WEXITSTATUS(t_run(f, call_getppid, NULL)), EPERM);
	sc_filter_free(f);
	t_free(s);
}

/* --- architectures: i386 syscalls through int 0x80 --- */

#define I386_GETPID 20
#define I386_GETPPID 64

static long int80(long nr)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static int i386_getppid(void *arg)
{
	(void)arg;
	long r = int80(I386_GETPPID);
	return r < 0 ? (int)-r : 0;
}

static int i386_getpid(void *arg)
{
	(void)arg;
	return int80(I386_GETPID) == getpid() ? 0 : 1;
}

static sc_filter *arch_filter(const char *arch)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	if (arch)
		t_strv_add(&s->architectures, arch);
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), EUNATCH);
	sc_filter *f = t_compile(s);
	t_free(s);
	return f;
}

Test(arch, x86_covers_int80_syscalls)
{
	sc_filter *native = arch_filter(NULL);
	sc_filter *x86 = arch_filter("SCMP_ARCH_X86");
	size_t n1, n2;
	const struct sock_filter *p1 = sc_filter_program(native, &n1);
	const struct sock_filter *p2 = sc_filter_program(x86, &n2);
	cr_assert(n1 != n2 || memcmp(p1, p2, n1 * sizeof(*p1)) != 0);

	/* Without SCMP_ARCH_X86, an i386 call is a bad architecture: killed. */
	int st = t_run(native, i386_getppid, NULL);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %#x", st);
	/* With it, the i386 getppid is filtered and the i386 getpid allowed. */
	st = t_run(x86, i386_getppid, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == EUNATCH, "status %#x", st);
	st = t_run(x86, i386_getpid, NULL);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	sc_filter_free(native);
	sc_filter_free(x86);
}

Test(arch, native_and_foreign_architectures_load)
{
	const char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
				 "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE",
				 "SCMP_ARCH_RISCV64", "SCMP_ARCH_MIPSEL64N32" };
	for (size_t i = 0; i < sizeof(arches) / sizeof(*arches); i++) {
		sc_filter *f = arch_filter(arches[i]);
		int st = t_run(f, call_getppid, NULL);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == EUNATCH, "%s: status %#x", arches[i], st);
		sc_filter_free(f);
	}
}

/* --- the stored form --- */

Test(store, round_trip_is_identical_and_works)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = strdup("/run/agent.sock");
	s->listener_metadata = strdup("meta \"quoted\"");
	t_strv_add(&s->flags, "SECCOMP_FILTER_FLAG_LOG");
	t_strv_add(&s->architectures, "SCMP_ARCH_X86");
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), EDOTDOT);
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat");
	sc_filter *f = t_compile(s);
	void *data;
	size_t len;
	lv_error *err = NULL;
	cr_assert_eq(sc_filter_serialize(f, &data, &len, &err), 0);
	sc_filter *g = NULL;
	cr_assert_eq(sc_filter_deserialize(data, len, &g, &err), 0, "%s", err ? err->msg : "");
	size_t n1, n2;
	const struct sock_filter *p1 = sc_filter_program(f, &n1);
	const struct sock_filter *p2 = sc_filter_program(g, &n2);
	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(p1, p2, n1 * sizeof(*p1)), 0);
	cr_assert_eq(sc_filter_flags(f), sc_filter_flags(g));
	cr_assert(sc_filter_wants_notify(g));
	cr_assert_str_eq(sc_filter_listener_path(g), "/run/agent.sock");
	cr_assert_str_eq(sc_filter_listener_metadata(g), "meta \"quoted\"");
	free(data);
	sc_filter_free(f);
	sc_filter_free(g);
	t_free(s);

	/* A non-notifying filter without listener fields, run from the copy. */
	s = t_new(SPEC_ACT_ALLOW);
	t_errno(t_rule(s, SPEC_ACT_ERRNO, "getppid"), EDOTDOT);
	f = t_compile(s);
	cr_assert_eq(sc_filter_serialize(f, &data, &len, &err), 0);
	cr_assert_eq(sc_filter_deserialize(data, len, &g, &err), 0);
	cr_assert_null(sc_filter_listener_path(g));
	cr_assert_null(sc_filter_listener_metadata(g));
	cr_assert_eq(WEXITSTATUS(t_run(g, call_getppid, NULL)), EDOTDOT);
	free(data);
	sc_filter_free(f);
	sc_filter_free(g);
	t_free(s);
}

static void expect_bad_state(const void *data, size_t len, const char *want)
{
	sc_filter *g = NULL;
	lv_error *err = NULL;
	cr_assert_lt(sc_filter_deserialize(data, len, &g, &err), 0);
	cr_assert_null(g);
	cr_assert_str_eq(err->msg, want);
	lv_err_free(err);
}

Test(store, corrupt_data_is_rejected)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	t_rule(s, SPEC_ACT_ERRNO, "getppid");
	sc_filter *f = t_compile(s);
	void *data;
	size_t len, n;
	lv_error *err = NULL;
	cr_assert_eq(sc_filter_serialize(f, &data, &len, &err), 0);
	sc_filter_program(f, &n);
	cr_assert_eq(len, 32 + n * 8);
	expect_bad_state(data, 10, "deserialise seccomp filter: 10 bytes, shorter than the header");
	char msg[128];
	snprintf(msg, sizeof(msg), "deserialise seccomp filter: %zu bytes, expected %zu", len - 1, len);
	expect_bad_state(data, len - 1, msg);
	((char *)data)[0] ^= 1;
	expect_bad_state(data, len, "deserialise seccomp filter: not a version 1 lieve seccomp filter");
	free(data);
	sc_filter_free(f);
	t_free(s);
}

Test(install, notifying_filter_needs_a_place_for_the_fd)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	s->listener_path = strdup("/run/agent.sock");
	t_rule(s, SPEC_ACT_NOTIFY, "mkdirat");
	sc_filter *f = t_compile(s);
	lv_error *err = NULL;
	cr_assert_lt(sc_install(f, NULL, &err), 0);
	cr_assert_str_eq(err->msg, "install seccomp filter: it notifies but the caller takes no listener fd");
	lv_err_free(err);
	sc_filter_free(f);
	t_free(s);
}
