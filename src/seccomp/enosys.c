/* runc's -ENOSYS stub.  A profile lists the syscalls it knows; one the
 * kernel gained later would get the default action (often EPERM), which
 * tells libc "forbidden" where "not implemented" would make it fall back
 * (clone3 → clone, openat2 → openat).  So, like runc, when the default
 * action does not allow, a short program in front of libseccomp's answers
 * ENOSYS for every syscall numbered above the highest one the profile
 * names, per architecture. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "src/seccomp/internal.h"

#define X32_BIT 0x40000000u
#define NEVER 0xffffffffu /* "jgt #NEVER" never jumps: continue to libseccomp's program */
#define BLOCK 5           /* instructions per architecture */

bool sc_enosys_wanted(const spec_seccomp *s)
{
	switch (s->default_action) {
	/* A tracer should handle new syscalls itself (runc's reasoning). */
	case SPEC_ACT_ALLOW:
	case SPEC_ACT_LOG:
	case SPEC_ACT_TRACE:
		return false;
	case SPEC_ACT_ERRNO:
		return !(s->default_errno_ret.set && s->default_errno_ret.value == ENOSYS);
	default:
		return true;
	}
}

/* The highest number any name in the profile has on arch; -1 when none. */
static int64_t max_nr(const spec_seccomp *s, uint32_t arch)
{
	int64_t max = -1;
	for (size_t i = 0; i < s->syscalls.n; i++)
		for (size_t j = 0; j < s->syscalls.v[i].names.n; j++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls.v[i].names.v[j]);
			if (nr > max)
				max = nr;
		}
	return max;
}

struct block {
	uint32_t arch;
	uint32_t max, x32_max; /* NEVER when the architecture has nothing to bound */
};

static bool has_arch(const uint32_t *arches, size_t n, uint32_t arch)
{
	for (size_t i = 0; i < n; i++)
		if (arches[i] == arch)
			return true;
	return false;
}

static uint32_t bound(int64_t max)
{
	return max < 0 ? NEVER : (uint32_t)max;
}

/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with X32_BIT, so it
 * is a second bound inside the x86_64 block rather than a block of its own. */
static size_t plan(const spec_seccomp *s, const uint32_t *arches, size_t n, struct block *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (arches[i] == SCMP_ARCH_X32)
			continue;
		struct block b = { arches[i], bound(max_nr(s, arches[i])), NEVER };
		if (arches[i] == SCMP_ARCH_X86_64 && has_arch(arches, n, SCMP_ARCH_X32))
			b.x32_max = bound(max_nr(s, SCMP_ARCH_X32));
		if (b.max != NEVER || b.x32_max != NEVER)
			out[k++] = b;
	}
	return k;
}

static struct sock_filter jump(uint32_t k, size_t at, size_t jt, size_t jf, uint16_t op)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, (uint8_t)(jt - at - 1),
					    (uint8_t)(jf - at - 1));
}

int sc_enosys_prepend(sc_filter *f, const spec_seccomp *s, const uint32_t *arches, size_t n)
{
	struct block blocks[SC_MAX_ARCHES];
	if (n > SC_MAX_ARCHES)
		return -E2BIG;
	size_t nb = plan(s, arches, n, blocks);
	if (nb == 0)
		return 0;
	size_t stub = 1 + nb * BLOCK + 1, enosys = stub - 1, main_start = stub;
	struct sock_filter *p = malloc((stub + f->len) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	size_t at = 0;
	p[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					       offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < nb; i++) {
		size_t start = at, next = i + 1 < nb ? start + BLOCK : main_start;
		p[at] = jump(blocks[i].arch, at, at + 1, next, BPF_JEQ);
		at++;
		p[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						       offsetof(struct seccomp_data, nr));
		/* Numbers with X32_BIT go to the x32 bound, the rest to the native one. */
		p[at] = jump(X32_BIT, at, at + 2, at + 1, BPF_JSET);
		at++;
		p[at] = jump(blocks[i].max, at, enosys, main_start, BPF_JGT);
		at++;
		p[at] = jump(blocks[i].arch == SCMP_ARCH_X86_64 ? blocks[i].x32_max : blocks[i].max,
			     at, enosys, main_start, BPF_JGT);
		at++;
	}
	p[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	memcpy(p + at, f->prog, f->len * sizeof(*p));
	free(f->prog);
	f->prog = p;
	f->len += stub;
	return 0;
}
