/* The runtime-spec features document (features.md), as `lieve features` prints it. */
#include "spec/features.h"

#include <string.h>
#include <yajl/yajl_gen.h>

#include "spec/json_engine.h"

#define GEN(x)                                                                 \
	do {                                                                   \
		if ((x) != yajl_gen_status_ok)                                 \
			return -1;                                             \
	} while (0)

static int gen_key(yajl_gen g, const char *k)
{
	return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_strv(yajl_gen g, const char *key, const spec_strv *v)
{
	if (!v->v)
		return 0;
	if (gen_key(g, key) < 0)
		return -1;
	GEN(yajl_gen_array_open(g));
	for (size_t i = 0; i < v->n; i++)
		GEN(yajl_gen_string(g, (const unsigned char *)v->v[i], strlen(v->v[i])));
	GEN(yajl_gen_array_close(g));
	return 0;
}

static int gen_bool(yajl_gen g, const char *key, bool b)
{
	if (gen_key(g, key) < 0)
		return -1;
	GEN(yajl_gen_bool(g, b));
	return 0;
}

static int gen_str(yajl_gen g, const char *key, const char *s)
{
	if (!s)
		return 0;
	if (gen_key(g, key) < 0)
		return -1;
	GEN(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
	return 0;
}

/* { key: { "enabled": b } } */
static int gen_enabled(yajl_gen g, const char *key, bool b)
{
	if (gen_key(g, key) < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_bool(g, "enabled", b) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	return 0;
}

static int gen_linux(yajl_gen g, const spec_features *f)
{
	if (gen_key(g, "linux") < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_strv(g, "namespaces", &f->namespaces) < 0 ||
	    gen_strv(g, "capabilities", &f->capabilities) < 0 || gen_key(g, "cgroup") < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_bool(g, "v1", f->cgroup_v1) < 0 || gen_bool(g, "v2", f->cgroup_v2) < 0 ||
	    gen_bool(g, "systemd", f->cgroup_systemd) < 0 ||
	    gen_bool(g, "systemdUser", f->cgroup_systemd_user) < 0 ||
	    gen_bool(g, "rdma", f->cgroup_rdma) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	if (gen_key(g, "seccomp") < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_bool(g, "enabled", f->seccomp_enabled) < 0 ||
	    gen_strv(g, "actions", &f->seccomp_actions) < 0 ||
	    gen_strv(g, "operators", &f->seccomp_operators) < 0 ||
	    gen_strv(g, "archs", &f->seccomp_archs) < 0 ||
	    gen_strv(g, "knownFlags", &f->seccomp_known_flags) < 0 ||
	    gen_strv(g, "supportedFlags", &f->seccomp_supported_flags) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	if (gen_enabled(g, "apparmor", f->apparmor) < 0 || gen_enabled(g, "selinux", f->selinux) < 0)
		return -1;
	if (gen_key(g, "intelRdt") < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_bool(g, "enabled", f->intel_rdt) < 0 || gen_bool(g, "schemata", f->intel_rdt_schemata) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	if (gen_key(g, "mountExtensions") < 0)
		return -1;
	GEN(yajl_gen_map_open(g));
	if (gen_enabled(g, "idmap", f->mount_extensions_idmap) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	GEN(yajl_gen_map_close(g));
	return 0;
}

static int gen_features(yajl_gen g, const spec_features *f)
{
	GEN(yajl_gen_map_open(g));
	if (gen_str(g, "ociVersionMin", f->oci_version_min) < 0 ||
	    gen_str(g, "ociVersionMax", f->oci_version_max) < 0 ||
	    gen_strv(g, "hooks", &f->hooks) < 0 || gen_strv(g, "mountOptions", &f->mount_options) < 0 ||
	    gen_linux(g, f) < 0)
		return -1;
	if (f->annotations.v) {
		if (gen_key(g, "annotations") < 0)
			return -1;
		GEN(yajl_gen_map_open(g));
		for (size_t i = 0; i < f->annotations.n; i++)
			if (gen_str(g, f->annotations.v[i].key, f->annotations.v[i].value) < 0)
				return -1;
		GEN(yajl_gen_map_close(g));
	}
	if (gen_strv(g, "potentiallyUnsafeConfigAnnotations",
		     &f->potentially_unsafe_config_annotations) < 0)
		return -1;
	GEN(yajl_gen_map_close(g));
	return 0;
}

int spec_features_write(const spec_features *f, char **json, size_t *len, lv_error **err)
{
	yajl_gen g;
	if (!f->oci_version_min || !f->oci_version_max)
		return lv_err(err, 0, "write features: ociVersionMin and ociVersionMax are required");
	/* runc prints `features` with four-space indentation. */
	if (je_gen_begin(&g, "    ", err) < 0)
		return -1;
	int r = gen_features(g, f) < 0 ? lv_err(err, 0, "write features: a string is not valid UTF-8")
				       : je_gen_finish(g, json, len, err);
	yajl_gen_free(g);
	return r;
}
