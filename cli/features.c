/* `lieve features`: what this build supports, as the runtime-spec's
 * features document. */
#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lieve-config.h"
#include "spec/config.h"
#include "spec/features.h"
#include "src/util/cleanup.h"

/* The option names the rootfs module accepts.  For now runc's list (runc
 * 1.1 `features`), to be replaced by the rootfs module's own table. */
static const char *const mount_options[] = {
	"acl", "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
	"exec", "iversion", "lazytime", "loud", "mand", "noacl", "noatime", "nodev",
	"nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind",
	"rdev", "rdiratime", "relatime", "remount", "rexec", "rnoatime", "rnodev",
	"rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid",
	"rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
	"rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw",
	"shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync",
	"tmpcopyup", "unbindable", NULL,
};

static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
				     "startContainer", "poststart", "poststop", NULL };

static const char *const operators[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					 "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
					 "SCMP_CMP_NE", NULL };

static const char *const candidate_archs[] = {
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
	"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PARISC",
	"SCMP_ARCH_PARISC64", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE",
	"SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH",
	"SCMP_ARCH_SHEB", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
};

static const struct {
	const char *name;
	unsigned flag;
} seccomp_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
};

/* A list under construction; the strings are owned when `owned`. */
typedef struct {
	char **v;
	size_t n;
	bool owned;
} list;

static int push(list *l, const char *s, bool dup)
{
	char **grown = realloc(l->v, (l->n + 2) * sizeof(char *));
	if (!grown)
		return -1;
	l->v = grown;
	l->v[l->n] = dup ? strdup(s) : (char *)s;
	if (!l->v[l->n])
		return -1;
	l->v[++l->n] = NULL;
	return 0;
}

static void list_free(list *l)
{
	for (size_t i = 0; l->owned && i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static spec_strv as_strv(const list *l)
{
	return (spec_strv){ l->v, l->n };
}

static spec_strv static_strv(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return (spec_strv){ (char **)v, n };
}

/* Every capability libcap knows, in number order, as CAP_NAME. */
static int capabilities(list *l)
{
	l->owned = true;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		char *name = cap_to_name(c);
		if (!name)
			return -1;
		if (strncmp(name, "cap_", 4)) {
			cap_free(name);
			continue;
		}
		for (char *p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		int r = push(l, name, true);
		cap_free(name);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int archs(list *l)
{
	for (size_t i = 0; i < sizeof(candidate_archs) / sizeof(candidate_archs[0]); i++) {
		char lower[32];
		const char *s = candidate_archs[i] + strlen("SCMP_ARCH_");
		size_t j = 0;
		for (; s[j] && j < sizeof(lower) - 1; j++)
			lower[j] = (char)tolower((unsigned char)s[j]);
		lower[j] = '\0';
		if (seccomp_arch_resolve_name(lower) != 0 && push(l, candidate_archs[i], false) < 0)
			return -1;
	}
	return 0;
}

static int actions(list *l)
{
	unsigned api = seccomp_api_get();
	for (int a = SPEC_ACT_KILL; a <= SPEC_ACT_NOTIFY; a++) {
		/* libseccomp API level 3 brought LOG and KILL_PROCESS, 5 NOTIFY. */
		if ((a == SPEC_ACT_LOG || a == SPEC_ACT_KILL_PROCESS) && api < 3)
			continue;
		if (a == SPEC_ACT_NOTIFY && api < 5)
			continue;
		if (push(l, spec_seccomp_action_name(a), false) < 0)
			return -1;
	}
	return 0;
}

/* A flag the kernel knows makes seccomp(2) fail on the NULL program with
 * EFAULT; an unknown one with EINVAL. */
static int seccomp_flag_lists(list *known, list *supported)
{
	for (size_t i = 0; i < sizeof(seccomp_flags) / sizeof(seccomp_flags[0]); i++) {
		if (push(known, seccomp_flags[i].name, false) < 0)
			return -1;
		long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, seccomp_flags[i].flag, NULL);
		if (r < 0 && errno == EFAULT && push(supported, seccomp_flags[i].name, false) < 0)
			return -1;
	}
	return 0;
}

static int namespaces(list *l)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		if (push(l, spec_ns_type_name(t), false) < 0)
			return -1;
	return 0;
}

static int build_and_print(lv_error **err)
{
	list caps = { 0 }, arch = { 0 }, acts = { 0 }, known = { 0 }, supp = { 0 }, ns = { 0 };
	int ret = -1;
	_cleanup_free_ char *json = NULL;
	const struct scmp_version *v = seccomp_version();
	char seccomp_ver[32];
	snprintf(seccomp_ver, sizeof(seccomp_ver), "%u.%u.%u", v->major, v->minor, v->micro);
	spec_kv annotations[] = {
		{ (char *)"io.github.seccomp.libseccomp.version", seccomp_ver },
		{ (char *)"org.lieve.version", (char *)LIEVE_VERSION },
	};
	if (capabilities(&caps) < 0 || archs(&arch) < 0 || actions(&acts) < 0 ||
	    seccomp_flag_lists(&known, &supp) < 0 || namespaces(&ns) < 0) {
		lv_err(err, ENOMEM, "features");
		goto out;
	}
	/* An empty supported list must still print as [] rather than vanish. */
	if (!supp.v && !(supp.v = calloc(1, sizeof(char *)))) {
		lv_err(err, ENOMEM, "features");
		goto out;
	}
	spec_features f = {
		.oci_version_min = (char *)"1.0.0",
		.oci_version_max = (char *)SPEC_OCI_VERSION,
		.hooks = static_strv(hooks),
		.mount_options = static_strv(mount_options),
		.namespaces = as_strv(&ns),
		.capabilities = as_strv(&caps),
		.cgroup_v2 = true,
#ifdef LIEVE_HAVE_SDBUS
		.cgroup_systemd = true,
		.cgroup_systemd_user = true,
#endif
		.seccomp_enabled = true,
		.seccomp_actions = as_strv(&acts),
		.seccomp_operators = static_strv(operators),
		.seccomp_archs = as_strv(&arch),
		.seccomp_known_flags = as_strv(&known),
		.seccomp_supported_flags = as_strv(&supp),
		.annotations = { annotations, 2 },
	};
	size_t len;
	if (spec_features_write(&f, &json, &len, err) < 0)
		goto out;
	ret = cli_write_stdout(json, err);
	if (ret == 0 && (len == 0 || json[len - 1] != '\n'))
		ret = cli_write_stdout("\n", err);
out:
	list_free(&caps);
	list_free(&arch);
	list_free(&acts);
	list_free(&known);
	list_free(&supp);
	list_free(&ns);
	return ret;
}

int cmd_features(const lv_context *ctx, int argc, char **argv, lv_error **err)
{
	static const cli_cmd_info info = {
		"features", "show the enabled features", "",
		"Show the enabled features.\n"
		"   The result is parsable as a JSON.\n"
		"   See https://github.com/opencontainers/runtime-spec/blob/main/features.md for the type definition.",
	};
	static const cli_opt none[] = { { 0 } };
	(void)ctx;
	cli_args args;
	int r = cli_parse_checked(&info, none, argc, argv, &args, 0, CLI_EXACT, err);
	if (r != CLI_PARSED)
		return r == CLI_HELP ? 0 : CLI_EXIT_FAILURE;
	cli_args_free(&args);
	return build_and_print(err) < 0 ? CLI_EXIT_FAILURE : 0;
}
