/* The runtime-spec features document (features.md), what `lieve features` prints. */
#ifndef LIEVE_SPEC_FEATURES_H
#define LIEVE_SPEC_FEATURES_H

#include "src/error.h"
#include "spec/types.h"

typedef struct {
	char *oci_version_min, *oci_version_max;
	spec_strv hooks, mount_options;
	spec_strv namespaces, capabilities;
	bool cgroup_v1, cgroup_v2, cgroup_systemd, cgroup_systemd_user, cgroup_rdma;
	bool apparmor, selinux, intel_rdt, intel_rdt_schemata, mount_extensions_idmap;
	bool seccomp_enabled;
	spec_strv seccomp_actions, seccomp_operators, seccomp_archs,
		seccomp_known_flags, seccomp_supported_flags;
	spec_map annotations;
	spec_strv potentially_unsafe_config_annotations;
} spec_features;

int spec_features_write(const spec_features *f, char **json, size_t *len,
			lv_error **err);

#endif
