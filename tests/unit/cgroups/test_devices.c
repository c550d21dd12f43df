/* The device filter: rule lists from the config, the program's structure,
 * and its meaning, checked by running it through a small interpreter of the
 * instructions the compiler emits. */
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "src/cgroups/cgroup.h"
#include "src/util/cleanup.h"

/* Interprets the subset of eBPF used by cg_dev_compile; fails the test on
 * anything else.  Returns r0. */
static uint64_t run(const struct bpf_insn *p, size_t n, uint32_t ctx[3])
{
	uint64_t r[11] = { 0 };
	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint32_t d32 = (uint32_t)r[i->dst_reg];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			cr_assert_eq(i->src_reg, 1, "loads only from the context");
			cr_assert(i->off == 0 || i->off == 4 || i->off == 8);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = d32 & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = d32 >> i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (uint32_t)r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if (d32 != (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			if (d32 == (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return r[0];
		default:
			cr_assert_fail("unexpected instruction %#x at %zu", i->code, pc);
		}
		cr_assert_lt(pc + 1, n + 1, "jump out of the program");
	}
	cr_assert_fail("fell off the end of the program");
	return 0;
}

static bool allowed(const cg_dev_rule *rules, size_t n, char type, uint32_t maj,
		    uint32_t min, unsigned access)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t count;
	lv_error *err = NULL;
	cr_assert_eq(cg_dev_compile(rules, n, &insns, &count, &err), 0);
	uint32_t ctx[3] = { access << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			    maj, min };
	return run(insns, count, ctx) == 1;
}

enum { RD = CG_DEV_READ, WR = CG_DEV_WRITE, MK = CG_DEV_MKNOD, RWM = 7 };

Test(devices, structure)
{
	cg_dev_rule r = { 'c', 1, 3, RWM, true };
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n;
	lv_error *err = NULL;
	cr_assert_eq(cg_dev_compile(&r, 1, &p, &n, &err), 0);
	/* 7 prologue + 7 for the rule + 2 default deny */
	cr_assert_eq(n, 16);
	cr_expect_eq(p[0].code, BPF_LDX | BPF_MEM | BPF_W);
	cr_expect_eq(p[7].code, BPF_JMP32 | BPF_JNE | BPF_K);
	cr_expect_eq(p[7].dst_reg, 2);
	cr_expect_eq(p[7].imm, BPF_DEVCG_DEV_CHAR);
	cr_expect_eq(p[7].off, 6); /* to the end of the rule's block */
	cr_expect_eq(p[8].imm, 1);
	cr_expect_eq(p[8].off, 5);
	cr_expect_eq(p[9].imm, 3);
	cr_expect_eq(p[12].code, BPF_ALU64 | BPF_MOV | BPF_K);
	cr_expect_eq(p[12].imm, 1);
	cr_expect_eq(p[13].code, BPF_JMP | BPF_EXIT);
	cr_expect_eq(p[14].imm, 0); /* default: deny */
	cr_expect_eq(p[15].code, BPF_JMP | BPF_EXIT);
}

Test(devices, default_deny)
{
	cr_expect_not(allowed(NULL, 0, 'c', 1, 3, RD));
	cg_dev_rule r = { 'c', 1, 3, RD, true };
	cr_expect(allowed(&r, 1, 'c', 1, 3, RD));
	cr_expect_not(allowed(&r, 1, 'c', 1, 3, WR));
	cr_expect_not(allowed(&r, 1, 'c', 1, 3, RD | WR));
	cr_expect_not(allowed(&r, 1, 'b', 1, 3, RD));
	cr_expect_not(allowed(&r, 1, 'c', 1, 5, RD));
}

Test(devices, last_match_wins)
{
	cg_dev_rule r[] = { { 'a', -1, -1, RWM, true }, { 'c', 1, 3, RD, false } };
	cr_expect_not(allowed(r, 2, 'c', 1, 3, RD));
	cr_expect(allowed(r, 2, 'c', 1, 3, WR));
	cr_expect_not(allowed(r, 2, 'c', 1, 3, RD | WR));
	cr_expect(allowed(r, 2, 'c', 1, 5, RD | WR));
	cr_expect(allowed(r, 2, 'b', 8, 0, RWM));
	/* A later allow reopens it. */
	cg_dev_rule r2[] = { { 'a', -1, -1, RWM, true }, { 'c', 1, 3, RD, false },
			     { 'c', 1, -1, RWM, true } };
	cr_expect(allowed(r2, 3, 'c', 1, 3, RD));
	/* Access bits decided separately: read from one rule, write from
	 * another. */
	cg_dev_rule r3[] = { { 'c', 1, 3, RD, true }, { 'c', 1, 3, WR, true } };
	cr_expect(allowed(r3, 2, 'c', 1, 3, RD | WR));
	cr_expect_not(allowed(r3, 2, 'c', 1, 3, RD | WR | MK));
}

Test(devices, wildcards)
{
	cg_dev_rule r[] = { { 'c', 136, -1, RWM, true }, { 'b', -1, -1, MK, true } };
	cr_expect(allowed(r, 2, 'c', 136, 7, RD | WR));
	cr_expect_not(allowed(r, 2, 'c', 137, 7, RD));
	cr_expect(allowed(r, 2, 'b', 259, 1, MK));
	cr_expect_not(allowed(r, 2, 'b', 259, 1, RD));
}

Test(devices, rules_from_spec_with_runc_defaults)
{
	spec_device_rule d[] = { { .allow = false, .access = (char *)"rwm" },
				 { .allow = true, .type = (char *)"b", .major = { 8, true },
				   .minor = { 0, true }, .access = (char *)"rw" } };
	spec_resources r = { 0 };
	r.devices.v = d;
	r.devices.n = 2;
	_cleanup_free_ cg_dev_rule *rules = NULL;
	size_t n;
	lv_error *err = NULL;
	cr_assert_eq(cg_dev_rules_from_spec(NULL, &r, &rules, &n, &err), 0);
	cr_assert_eq(n, 2 + 11);
	cr_expect_eq(rules[0].type, 'a');
	cr_expect_eq(rules[0].major, -1);
	cr_expect_eq(rules[0].access, RWM);
	cr_expect_not(rules[0].allow);
	cr_expect_eq(rules[1].type, 'b');
	cr_expect_eq(rules[1].access, RD | WR);
	/* deny-all, then the defaults: /dev/null yes, /dev/kmsg no, sda rw */
	cr_expect(allowed(rules, n, 'c', 1, 3, RWM));
	cr_expect(allowed(rules, n, 'c', 136, 0, RD | WR));
	cr_expect(allowed(rules, n, 'c', 10, 200, RD | WR));
	cr_expect_not(allowed(rules, n, 'c', 1, 11, RD));
	cr_expect(allowed(rules, n, 'b', 8, 0, RD | WR));
	cr_expect(allowed(rules, n, 'b', 8, 1, MK));
	cr_expect_not(allowed(rules, n, 'b', 8, 1, RD));
}

Test(devices, linux_devices_replace_defaults)
{
	spec_device dev = { .type = (char *)"c", .path = (char *)"/dev/null" };
	spec_linux l = { 0 };
	l.devices.v = &dev;
	l.devices.n = 1;
	_cleanup_free_ cg_dev_rule *rules = NULL;
	size_t n;
	lv_error *err = NULL;
	cr_assert_eq(cg_dev_rules_from_spec(&l, NULL, &rules, &n, &err), 0);
	cr_expect_eq(n, 10);
	cr_expect_not(allowed(rules, n, 'c', 1, 3, RD));
	cr_expect(allowed(rules, n, 'c', 1, 5, RD));
}

Test(devices, bad_rules)
{
	spec_device_rule d = { .allow = true, .type = (char *)"x", .access = (char *)"r" };
	spec_resources r = { 0 };
	r.devices.v = &d;
	r.devices.n = 1;
	cg_dev_rule *rules = NULL;
	size_t n;
	lv_error *err = NULL;
	cr_assert_lt(cg_dev_rules_from_spec(NULL, &r, &rules, &n, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.devices[0].type: invalid device type \"x\" "
				   "(expected a, b or c)");
	lv_err_free(err);
	err = NULL;
	d.type = (char *)"c";
	d.access = (char *)"";
	cr_assert_lt(cg_dev_rules_from_spec(NULL, &r, &rules, &n, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.devices[0].access: cannot be empty");
	lv_err_free(err);
	err = NULL;
	d.access = (char *)"rx";
	cr_assert_lt(cg_dev_rules_from_spec(NULL, &r, &rules, &n, &err), 0);
	cr_expect_str_eq(err->msg, "linux.resources.devices[0].access: invalid \"rx\" "
				   "(expected letters of rwm)");
	lv_err_free(err);
}
