/* Argument conditions: each operator, probed on both sides of its value.
 * getpgid(arg) has no side effects; a filter hit answers EBADSLT, a miss
 * reaches the kernel (ESRCH for these pids, or success for 0). */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define HIT EBADSLT
#define V 0x100000000ull /* above 32 bits: the comparison must be 64-bit */

static int call_getpgid(void *arg)
{
	long r = syscall(SYS_getpgid, *(uint64_t *)arg);
	return r < 0 && errno == HIT ? 1 : 0;
}

static bool hits(const sc_filter *f, uint64_t arg)
{
	int st = t_run(f, call_getpgid, &arg);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "status %#x", st);
	return WEXITSTATUS(st) == 1;
}

static sc_filter *cond(int op, uint64_t value, uint64_t value_two)
{
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	spec_syscall *sc = t_rule(s, SPEC_ACT_ERRNO, "getpgid");
	t_errno(sc, HIT);
	t_arg(sc, 0, op, value, value_two);
	sc_filter *f = t_compile(s);
	t_free(s);
	return f;
}

struct probe {
	int op;
	bool below, at, above; /* hit for V-1, V, V+1 */
};

Test(args, each_operator)
{
	const struct probe probes[] = {
		{ SPEC_OP_NE, true, false, true },  { SPEC_OP_LT, true, false, false },
		{ SPEC_OP_LE, true, true, false },  { SPEC_OP_EQ, false, true, false },
		{ SPEC_OP_GE, false, true, true },  { SPEC_OP_GT, false, false, true },
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(*probes); i++) {
		sc_filter *f = cond(probes[i].op, V, T_NO_VALUE2);
		cr_assert_eq(hits(f, V - 1), probes[i].below, "op %d below", probes[i].op);
		cr_assert_eq(hits(f, V), probes[i].at, "op %d at", probes[i].op);
		cr_assert_eq(hits(f, V + 1), probes[i].above, "op %d above", probes[i].op);
		sc_filter_free(f);
	}
}

Test(args, masked_eq_value_is_the_mask)
{
	/* (arg & 0xff00) == 0x1200 */
	sc_filter *f = cond(SPEC_OP_MASKED_EQ, 0xff00, 0x1200);
	cr_assert(hits(f, 0x1200));
	cr_assert(hits(f, 0x12ff));
	cr_assert(hits(f, V | 0x1234)); /* bits outside the mask do not matter */
	cr_assert(!hits(f, 0x1300));
	cr_assert(!hits(f, 0x34));
	sc_filter_free(f);
}

Test(args, masked_eq_without_value_two_compares_with_zero)
{
	sc_filter *f = cond(SPEC_OP_MASKED_EQ, 0x7e020000, T_NO_VALUE2);
	cr_assert(hits(f, 0x11));
	cr_assert(!hits(f, 0x20000));
	sc_filter_free(f);
}

static int call_getpriority(void *arg)
{
	uint64_t *a = arg;
	long r = syscall(SYS_getpriority, a[0], a[1]);
	return r < 0 && errno == HIT ? 1 : 0;
}

static bool hits2(const sc_filter *f, uint64_t a0, uint64_t a1)
{
	uint64_t a[2] = { a0, a1 };
	int st = t_run(f, call_getpriority, a);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) <= 1, "status %#x", st);
	return WEXITSTATUS(st) == 1;
}

Test(args, conditions_on_different_indexes_are_and)
{
	/* getpriority(which, who) is harmless with any arguments. */
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	spec_syscall *sc = t_rule(s, SPEC_ACT_ERRNO, "getpriority");
	t_errno(sc, HIT);
	t_arg(sc, 0, SPEC_OP_EQ, 1, T_NO_VALUE2);
	t_arg(sc, 1, SPEC_OP_GE, 100000, T_NO_VALUE2);
	sc_filter *f = t_compile(s);
	cr_assert(hits2(f, 1, 200000));
	cr_assert(!hits2(f, 1, 5));
	cr_assert(!hits2(f, 0, 200000));
	sc_filter_free(f);
	t_free(s);
}

Test(args, conditions_on_one_index_become_separate_rules)
{
	/* runc's handling: libseccomp rejects two conditions on arg0 in one
	 * rule, so each is a rule of its own and either one matches. */
	spec_seccomp *s = t_new(SPEC_ACT_ALLOW);
	spec_syscall *sc = t_rule(s, SPEC_ACT_ERRNO, "getpgid");
	t_errno(sc, HIT);
	t_arg(sc, 0, SPEC_OP_EQ, 1111, T_NO_VALUE2);
	t_arg(sc, 0, SPEC_OP_EQ, 2222, T_NO_VALUE2);
	t_arg(sc, 0, SPEC_OP_GT, V, T_NO_VALUE2);
	sc_filter *f = t_compile(s);
	cr_assert(hits(f, 1111));
	cr_assert(hits(f, 2222));
	cr_assert(hits(f, V + 5));
	cr_assert(!hits(f, 3333));
	sc_filter_free(f);
	t_free(s);
}
