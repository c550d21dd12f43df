/* linux.seccomp → libseccomp → classic BPF, once per container.
 *
 * libseccomp is used only here, to build and export the program; loading
 * happens later with the raw syscall (install.c) so exec never links the
 * compile step into its path. */
#include "src/seccomp/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "src/log.h"
#include "src/seccomp/internal.h"
#include "src/util/cleanup.h"

#define SC_MAX_ARGS 6
#define SC_MAX_RET 0xffffu /* the data bits of a seccomp return value */

static const char *const action_names[] = {
	[SPEC_ACT_KILL] = "SCMP_ACT_KILL",
	[SPEC_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[SPEC_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[SPEC_ACT_TRAP] = "SCMP_ACT_TRAP",
	[SPEC_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[SPEC_ACT_TRACE] = "SCMP_ACT_TRACE",
	[SPEC_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[SPEC_ACT_LOG] = "SCMP_ACT_LOG",
	[SPEC_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const enum scmp_compare ops[] = {
	[SPEC_OP_NE] = SCMP_CMP_NE,
	[SPEC_OP_LT] = SCMP_CMP_LT,
	[SPEC_OP_LE] = SCMP_CMP_LE,
	[SPEC_OP_EQ] = SCMP_CMP_EQ,
	[SPEC_OP_GE] = SCMP_CMP_GE,
	[SPEC_OP_GT] = SCMP_CMP_GT,
	[SPEC_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* linux.seccomp.flags: names and values, in the same order. */
static const char *const known_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
static const uint32_t flag_values[] = {
	SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

const char *const *sc_known_flags(void)
{
	return known_flags;
}

const char *sc_action_name(int action)
{
	if (action < 0 || (size_t)action >= sizeof(action_names) / sizeof(*action_names))
		return NULL;
	return action_names[action];
}

/* The kernel tells which return actions it implements: 0, EOPNOTSUPP, or
 * another errno when seccomp(2) itself is missing or blocked. */
static int kernel_action_errno(uint32_t act)
{
	uint32_t full = act & SECCOMP_RET_ACTION_FULL;
	return sc_sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &full) == 0 ? 0 : errno;
}

/* A NULL program makes the kernel check the flags and then fail to copy the
 * program: EFAULT means the flags are understood, EINVAL that they are not. */
static bool kernel_has_flag(uint32_t flag)
{
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER; /* only valid together */
	return sc_sys_seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

/* Converts an OCI action (+ errnoRet) to libseccomp's 32-bit action.
 * base.act_field and base.ret_field name the JSON in messages. */
static int to_action(int act, const spec_opt_uint *ret, const char *base, const char *act_field,
		     const char *ret_field, uint32_t *out, lv_error **err)
{
	const char *name = sc_action_name(act);
	if (!name)
		return lv_err(err, 0, "%s.%s: unknown seccomp action %d", base, act_field, act);
	if (ret->set && act != SPEC_ACT_ERRNO && act != SPEC_ACT_TRACE)
		return lv_err(err, 0, "%s.%s: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
			      base, ret_field, name);
	if (ret->set && ret->value > SC_MAX_RET)
		return lv_err(err, 0, "%s.%s: %llu does not fit in the 16 bits of a seccomp return value",
			      base, ret_field, (unsigned long long)ret->value);
	/* runc's default for both: EPERM. */
	uint16_t data = ret->set ? (uint16_t)ret->value : EPERM;
	switch (act) {
	case SPEC_ACT_KILL:
	case SPEC_ACT_KILL_THREAD: *out = SCMP_ACT_KILL_THREAD; break;
	case SPEC_ACT_KILL_PROCESS: *out = SCMP_ACT_KILL_PROCESS; break;
	case SPEC_ACT_TRAP: *out = SCMP_ACT_TRAP; break;
	case SPEC_ACT_ERRNO: *out = SCMP_ACT_ERRNO(data); break;
	case SPEC_ACT_TRACE: *out = SCMP_ACT_TRACE(data); break;
	case SPEC_ACT_ALLOW: *out = SCMP_ACT_ALLOW; break;
	case SPEC_ACT_LOG: *out = SCMP_ACT_LOG; break;
	default: *out = SCMP_ACT_NOTIFY; break;
	}
	int e = kernel_action_errno(*out);
	if (e == EOPNOTSUPP)
		return lv_err(err, 0, "%s.%s: %s is not supported by this kernel", base, act_field,
			      name);
	if (e)
		return lv_err(err, e, "%s.%s: ask the kernel about %s with seccomp(2)", base,
			      act_field, name);
	return 0;
}

/* "SCMP_ARCH_X86_64" → libseccomp's token for "x86_64". */
static int add_arch(scmp_filter_ctx ctx, const char *oci, size_t i, uint32_t *added,
		    lv_error **err)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	uint32_t token = 0;
	size_t n = strlen(oci), plen = sizeof(prefix) - 1;
	if (n > plen && n - plen < sizeof(lower) && strncmp(oci, prefix, plen) == 0) {
		bool upper = true;
		for (size_t k = 0; k <= n - plen; k++) {
			char c = oci[plen + k];
			upper = upper && !islower((unsigned char)c);
			lower[k] = (char)tolower((unsigned char)c);
		}
		if (upper)
			token = seccomp_arch_resolve_name(lower);
	}
	if (token == 0)
		return lv_err(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
			      i, oci);
	int r = seccomp_arch_add(ctx, token);
	if (r == -EDOM)
		return lv_err(err, 0, "linux.seccomp.architectures[%zu]: \"%s\" has another byte order than the native architecture; one filter cannot hold both",
			      i, oci);
	if (r < 0 && r != -EEXIST) /* the native one is always there */
		return lv_err(err, -r, "linux.seccomp.architectures[%zu]: add \"%s\"", i, oci);
	*added = r == -EEXIST ? 0 : token;
	return 0;
}

static int flag_index(const char *name)
{
	for (int k = 0; known_flags[k]; k++)
		if (strcmp(known_flags[k], name) == 0)
			return k;
	return -1;
}

bool sc_kernel_supports_flag(const char *name)
{
	int k = flag_index(name);
	return k >= 0 && kernel_has_flag(flag_values[k]);
}

static int parse_flags(const spec_strv *flags, uint32_t *out, lv_error **err)
{
	*out = 0;
	for (size_t i = 0; i < flags->n; i++) {
		int k = flag_index(flags->v[i]);
		if (k < 0)
			return lv_err(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
				      flags->v[i]);
		if (!kernel_has_flag(flag_values[k]))
			return lv_err(err, 0, "linux.seccomp.flags[%zu]: %s is not supported by this kernel",
				      i, flags->v[i]);
		*out |= flag_values[k];
	}
	return 0;
}

static int to_conditions(const spec_syscall *sc, size_t i, struct scmp_arg_cmp *conds,
			 bool *same_index, lv_error **err)
{
	unsigned per_index[SC_MAX_ARGS] = { 0 };
	*same_index = false;
	for (size_t k = 0; k < sc->args.n; k++) {
		const spec_seccomp_arg *a = &sc->args.v[k];
		if (a->index >= SC_MAX_ARGS)
			return lv_err(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].index: %llu is out of range 0-5",
				      i, k, (unsigned long long)a->index);
		if (a->op < 0 || a->op > SPEC_OP_MASKED_EQ)
			return lv_err(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator %d",
				      i, k, a->op);
		if (a->op != SPEC_OP_MASKED_EQ && a->value_two.set && a->value_two.value != 0)
			return lv_err(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].valueTwo: only used by SCMP_CMP_MASKED_EQ",
				      i, k);
		/* MASKED_EQ: value is the mask, valueTwo what the masked argument must equal. */
		conds[k] = (struct scmp_arg_cmp){
			.arg = (unsigned)a->index,
			.op = ops[a->op],
			.datum_a = a->value,
			.datum_b = a->op == SPEC_OP_MASKED_EQ ? a->value_two.value : 0,
		};
		if (++per_index[a->index] > 1)
			*same_index = true;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, const spec_syscall *sc, size_t i, uint32_t act,
		    const struct scmp_arg_cmp *conds, bool same_index, lv_error **err)
{
	for (size_t j = 0; j < sc->names.n; j++) {
		const char *name = sc->names.v[j];
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR) {
			lv_debug("seccomp: skipping unknown syscall \"%s\" (linux.seccomp.syscalls[%zu].names[%zu])",
				 name, i, j);
			continue;
		}
		int r = 0;
		/* libseccomp refuses two conditions on one argument in a rule, so
		 * like runc each condition becomes a rule of its own (an OR). */
		if (same_index) {
			for (size_t k = 0; k < sc->args.n && r == 0; k++)
				r = seccomp_rule_add_array(ctx, act, nr, 1, &conds[k]);
		} else {
			r = seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->args.n, conds);
		}
		if (r < 0)
			return lv_err(err, -r, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"", i, name);
	}
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const spec_seccomp *s, uint32_t def,
			bool *notify, lv_error **err)
{
	char path[64];
	for (size_t i = 0; i < s->syscalls.n; i++) {
		const spec_syscall *sc = &s->syscalls.v[i];
		uint32_t act;
		snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
		if (to_action(sc->action, &sc->errno_ret, path, "action", "errnoRet", &act, err) < 0)
			return -1;
		if (sc->args.n > SC_MAX_ARGS * 8)
			return lv_err(err, 0, "%s.args: %zu conditions, at most %d are supported", path,
				      sc->args.n, SC_MAX_ARGS * 8);
		struct scmp_arg_cmp conds[SC_MAX_ARGS * 8];
		bool same_index;
		if (to_conditions(sc, i, conds, &same_index, err) < 0)
			return -1;
		if (act == SCMP_ACT_NOTIFY) {
			for (size_t j = 0; j < sc->names.n; j++)
				/* init reports the listener fd with write(2) after
				 * installing the filter: it would wait on itself. */
				if (strcmp(sc->names.v[j], "write") == 0)
					return lv_err(err, 0, "%s.names[%zu]: SCMP_ACT_NOTIFY cannot be used for the write syscall",
						      path, j);
			*notify = true;
		}
		if (act == def) { /* libseccomp rejects it; it changes nothing */
			lv_debug("seccomp: %s has the default action, skipped", path);
			continue;
		}
		if (add_rule(ctx, sc, i, act, conds, same_index, err) < 0)
			return -1;
	}
	return 0;
}

/* libseccomp writes the program to an fd; a memfd keeps it off disk. */
static int export_bpf(scmp_filter_ctx ctx, sc_filter *f, lv_error **err)
{
	_cleanup_close_ int fd = memfd_create("lieve-seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return lv_err(err, errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return lv_err(err, -r, "seccomp: export the BPF program");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return lv_err(err, errno, "seccomp: stat the exported program");
	size_t size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return lv_err(err, 0, "seccomp: libseccomp exported %zu bytes, not whole instructions", size);
	f->len = size / sizeof(struct sock_filter);
	f->prog = malloc(size);
	if (!f->prog)
		return lv_err(err, ENOMEM, "seccomp: program of %zu bytes", size);
	ssize_t n = pread(fd, f->prog, size, 0);
	if (n != (ssize_t)size)
		return lv_err(err, n < 0 ? errno : EIO, "seccomp: read back the exported program");
	return 0;
}

static int check_listener(const spec_seccomp *s, bool notify, lv_error **err)
{
	if (notify && (!s->listener_path || !*s->listener_path))
		return lv_err(err, 0, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
	if (s->listener_path && strlen(s->listener_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return lv_err(err, 0, "linux.seccomp.listenerPath: \"%s\" is longer than a unix socket path can be",
			      s->listener_path);
	return 0;
}

static int dup_str(const char *s, char **out, lv_error **err)
{
	if (s && !(*out = strdup(s)))
		return lv_err(err, ENOMEM, "seccomp");
	return 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

int sc_compile(const spec_seccomp *s, sc_filter **out, lv_error **err)
{
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = NULL;
	uint32_t def;
	bool notify = false;

	*out = NULL;
	if (!s)
		return lv_err(err, 0, "linux.seccomp: no section to compile");
	if (s->default_action == SPEC_ACT_NOTIFY)
		return lv_err(err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	if (to_action(s->default_action, &s->default_errno_ret, "linux.seccomp", "defaultAction",
		      "defaultErrnoRet", &def, err) < 0)
		return -1;
	_cleanup_sc_filter_ sc_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return lv_err(err, ENOMEM, "seccomp");
	if (parse_flags(&s->flags, &f->flags, err) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx)
		return lv_err(err, 0, "seccomp: libseccomp cannot start a filter with default action %s",
			      sc_action_name(s->default_action));
	/* A binary tree of syscall numbers instead of a linear list: compiled
	 * once per container, it makes every process's install (init and each
	 * exec) cheaper and each filtered syscall faster. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		return lv_err(err, 0, "seccomp: libseccomp cannot optimise the filter");
	uint32_t arches[SC_MAX_ARCHES] = { seccomp_arch_native() }, token = 0;
	size_t narches = 1;
	for (size_t i = 0; i < s->architectures.n; i++) {
		if (add_arch(ctx, s->architectures.v[i], i, &token, err) < 0)
			return -1;
		if (token && narches < SC_MAX_ARCHES) /* libseccomp refuses duplicates */
			arches[narches++] = token;
	}
	if (add_syscalls(ctx, s, def, &notify, err) < 0)
		return -1;
	if (check_listener(s, notify, err) < 0)
		return -1;
	if (export_bpf(ctx, f, err) < 0)
		return -1;
	if (sc_enosys_wanted(s)) {
		int r = sc_enosys_prepend(f, s, arches, narches);
		if (r < 0)
			return lv_err(err, -r, "seccomp: add the ENOSYS stub");
	}
	if (f->len > BPF_MAXINSNS)
		return lv_err(err, 0, "linux.seccomp: the filter compiles to %zu instructions, the kernel accepts at most %d",
			      f->len, BPF_MAXINSNS);
	f->notify = notify;
	if (dup_str(s->listener_path, &f->listener_path, err) < 0 ||
	    dup_str(s->listener_metadata, &f->listener_metadata, err) < 0)
		return -1;
	*out = steal_ptr(f);
	return 0;
}
