/* Device access on cgroup v2: an eBPF BPF_PROG_TYPE_CGROUP_DEVICE program.
 *
 * Written as bpf_insn arrays here (a few dozen instructions) rather than
 * through libbpf: there is nothing to relocate and no object file, and the
 * two raw bpf(2) calls are shorter than the library's setup. */
#include "src/cgroups/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "src/util/cleanup.h"

/* runc's AllowedDevices (libcontainer/specconv), in its order. */
static const struct {
	const char *path; /* NULL: a rule without a device node */
	cg_dev_rule rule;
} default_devices[] = {
	{ NULL, { 'c', -1, -1, CG_DEV_MKNOD, true } },
	{ NULL, { 'b', -1, -1, CG_DEV_MKNOD, true } },
	{ "/dev/null", { 'c', 1, 3, 7, true } },
	{ "/dev/random", { 'c', 1, 8, 7, true } },
	{ "/dev/full", { 'c', 1, 7, 7, true } },
	{ "/dev/tty", { 'c', 5, 0, 7, true } },
	{ "/dev/zero", { 'c', 1, 5, 7, true } },
	{ "/dev/urandom", { 'c', 1, 9, 7, true } },
	{ NULL, { 'c', 136, -1, 7, true } }, /* /dev/pts/N */
	{ NULL, { 'c', 5, 2, 7, true } },    /* /dev/ptmx */
	{ NULL, { 'c', 10, 200, 7, true } }, /* /dev/net/tun */
};
#define N_DEFAULT (sizeof(default_devices) / sizeof(default_devices[0]))

static bool redefined(const spec_linux *l, const char *path)
{
	for (size_t i = 0; l && i < l->devices.n; i++)
		if (l->devices.v[i].path && !strcmp(l->devices.v[i].path, path))
			return true;
	return false;
}

int cg_dev_rules_from_spec(const spec_linux *linux_, const spec_resources *r,
			   cg_dev_rule **rules, size_t *n, lv_error **err)
{
	size_t count = (r ? r->devices.n : 0) + N_DEFAULT;
	_cleanup_free_ cg_dev_rule *v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return lv_err(err, ENOMEM, "device rules");
	size_t k = 0;
	for (size_t i = 0; r && i < r->devices.n; i++) {
		const spec_device_rule *d = &r->devices.v[i];
		cg_dev_rule *o = &v[k++];
		const char *t = d->type && d->type[0] ? d->type : "a";
		if (strlen(t) != 1 || !strchr("abc", t[0]))
			return lv_err(err, 0, "linux.resources.devices[%zu].type: invalid "
				      "device type \"%s\" (expected a, b or c)", i, t);
		o->type = t[0];
		o->major = d->major.set ? d->major.value : -1;
		o->minor = d->minor.set ? d->minor.value : -1;
		if (o->major < -1 || o->minor < -1 || o->major > UINT32_MAX ||
		    o->minor > UINT32_MAX)
			return lv_err(err, 0, "linux.resources.devices[%zu]: invalid "
				      "device number %" PRId64 ":%" PRId64, i, o->major, o->minor);
		if (!d->access || !d->access[0])
			return lv_err(err, 0, "linux.resources.devices[%zu].access: "
				      "cannot be empty", i);
		for (const char *a = d->access; *a; a++) {
			if (*a == 'r')
				o->access |= CG_DEV_READ;
			else if (*a == 'w')
				o->access |= CG_DEV_WRITE;
			else if (*a == 'm')
				o->access |= CG_DEV_MKNOD;
			else
				return lv_err(err, 0, "linux.resources.devices[%zu].access: "
					      "invalid \"%s\" (expected letters of rwm)",
					      i, d->access);
		}
		o->allow = d->allow;
	}
	for (size_t i = 0; i < N_DEFAULT; i++) {
		/* A device the config defines itself takes its own rules. */
		if (default_devices[i].path && redefined(linux_, default_devices[i].path))
			continue;
		v[k++] = default_devices[i].rule;
	}
	*rules = steal_ptr(v);
	*n = k;
	return 0;
}

/* ---- the program ---- */

#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),       \
			    .off = (o), .imm = (i) })
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JMP32_IMM(op, d, i, o) INSN(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r2 type, r3 requested access, r4 major, r5 minor, r6 the
 * requested access bits no rule has decided yet. */
enum { R0, R1, R2, R3, R4, R5, R6 };

static int bpf_type(char t)
{
	return t == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
}

/* One rule's block; its conditional jumps skip to the block's end, whose
 * length is only known once the block is written, so they are patched. */
static size_t emit_rule(const cg_dev_rule *r, struct bpf_insn *o)
{
	size_t k = 0, jumps[8], nj = 0;
	if (r->type != 'a') {
		jumps[nj++] = k;
		o[k++] = JMP32_IMM(BPF_JNE, R2, bpf_type(r->type), 0);
	}
	if (r->major >= 0) {
		jumps[nj++] = k;
		o[k++] = JMP32_IMM(BPF_JNE, R4, (int32_t)r->major, 0);
	}
	if (r->minor >= 0) {
		jumps[nj++] = k;
		o[k++] = JMP32_IMM(BPF_JNE, R5, (int32_t)r->minor, 0);
	}
	if (r->allow) {
		/* These bits are granted; done when none is left. */
		o[k++] = ALU32_IMM(BPF_AND, R6, (int32_t)(~r->access & 7));
		jumps[nj++] = k;
		o[k++] = JMP32_IMM(BPF_JNE, R6, 0, 0);
		o[k++] = MOV64_IMM(R0, 1);
	} else {
		/* Any undecided bit this rule covers is refused. */
		o[k++] = MOV32_REG(R1, R6);
		o[k++] = ALU32_IMM(BPF_AND, R1, (int32_t)r->access);
		jumps[nj++] = k;
		o[k++] = JMP32_IMM(BPF_JEQ, R1, 0, 0);
		o[k++] = MOV64_IMM(R0, 0);
	}
	o[k++] = EXIT();
	for (size_t i = 0; i < nj; i++)
		o[jumps[i]].off = (int16_t)(k - jumps[i] - 1);
	return k;
}

int cg_dev_compile(const cg_dev_rule *rules, size_t n, struct bpf_insn **insns,
		   size_t *n_insns, lv_error **err)
{
	/* prologue 7 + at most 8 per rule + epilogue 2 */
	_cleanup_free_ struct bpf_insn *o = calloc(7 + 8 * n + 2, sizeof(*o));
	if (!o)
		return lv_err(err, ENOMEM, "compile device rules");
	size_t k = 0;
	/* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
	 * access_type = access << 16 | type */
	o[k++] = LDX_W(R2, R1, 0);
	o[k++] = ALU32_IMM(BPF_AND, R2, 0xffff);
	o[k++] = LDX_W(R3, R1, 0);
	o[k++] = ALU32_IMM(BPF_RSH, R3, 16);
	o[k++] = LDX_W(R4, R1, 4);
	o[k++] = LDX_W(R5, R1, 8);
	o[k++] = MOV32_REG(R6, R3);
	/* The last rule that matches decides, so test from the end. */
	for (size_t i = n; i-- > 0;) {
		const cg_dev_rule *r = &rules[i];
		if (!strchr("abc", r->type) || r->access == 0 || r->access > 7)
			return lv_err(err, 0, "device rule %zu: invalid rule", i);
		k += emit_rule(r, o + k);
	}
	o[k++] = MOV64_IMM(R0, 0);
	o[k++] = EXIT();
	*insns = steal_ptr(o);
	*n_insns = k;
	return 0;
}

/* ---- loading and attaching ---- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int prog_load(const struct bpf_insn *insns, size_t n, lv_error **err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t) "Apache-2.0";
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int e = errno;
	/* Only a refused program is worth a second load, with the verifier's
	 * log for the message. */
	char log[4096] = "";
	if (e == EACCES || e == EINVAL) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		_cleanup_close_ int again = sys_bpf(BPF_PROG_LOAD, &a);
	}
	char *nl = strrchr(log, '\n');
	if (nl && nl[1] == '\0')
		*nl = '\0';
	nl = strrchr(log, '\n');
	return lv_err(err, e, "load the device filter (%zu instructions)%s%s", n,
		      log[0] ? ", verifier: " : "", nl ? nl + 1 : log);
}

static int prog_id(int prog_fd, uint32_t *id)
{
	struct bpf_prog_info info;
	memset(&info, 0, sizeof(info));
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)prog_fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return -1;
	*id = info.id;
	return 0;
}

/* Detaches every device program on the cgroup except `keep`. */
static int detach_others(int cgroup_fd, uint32_t keep, lv_error **err)
{
	uint32_t ids[64];
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgroup_fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 64;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return lv_err(err, errno, "query the device filters of the cgroup");
	for (uint32_t i = 0; i < a.query.prog_cnt && i < 64; i++) {
		if (ids[i] == keep)
			continue;
		union bpf_attr g;
		memset(&g, 0, sizeof(g));
		g.prog_id = ids[i];
		_cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return lv_err(err, errno, "open device filter %u", ids[i]);
		}
		union bpf_attr d;
		memset(&d, 0, sizeof(d));
		d.target_fd = (uint32_t)cgroup_fd;
		d.attach_bpf_fd = (uint32_t)fd;
		d.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &d) < 0 && errno != ENOENT)
			return lv_err(err, errno, "detach the old device filter %u", ids[i]);
	}
	return 0;
}

int cg_dev_apply(int cgroup_fd, const cg_dev_rule *rules, size_t n, lv_error **err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t count;
	if (cg_dev_compile(rules, n, &insns, &count, err) < 0)
		return -1;
	_cleanup_close_ int prog = prog_load(insns, count, err);
	if (prog < 0)
		return -1;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return lv_err(err, errno, "attach the device filter");
	/* The new filter is in place before the old one goes, so there is no
	 * moment without one. */
	uint32_t id;
	if (prog_id(prog, &id) < 0)
		return lv_err(err, errno, "identify the device filter");
	return detach_others(cgroup_fd, id, err);
}
