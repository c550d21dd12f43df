/* Valid documents: parsed values, defaults, round trips, state and features. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "spec/config.h"
#include "spec/features.h"
#include "spec/state.h"

static spec_config *load(const char *file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", SPEC_TEST_DATA, file);
	spec_config *cfg = NULL;
	lv_error *err = NULL;
	int r = spec_config_load(path, file, &cfg, &err);
	cr_assert_eq(r, 0, "%s: %s", file, err ? err->msg : "");
	cr_assert_not_null(cfg);
	return cfg;
}

static char *write_cfg(const spec_config *cfg, size_t *len)
{
	char *json = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_write(cfg, &json, len, &err), 0, "%s", err ? err->msg : "");
	cr_assert_eq(strlen(json), *len);
	return json;
}

/* parse -> write -> parse gives an equal config, and writing again is byte-stable. */
static void assert_round_trip(const spec_config *cfg)
{
	size_t len, len2;
	char *json = write_cfg(cfg, &len);
	spec_config *again = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_parse(json, len, "written", &again, &err), 0, "%s\n%s",
		     err ? err->msg : "", json);
	cr_assert(spec_config_equal(cfg, again), "round trip changed the config:\n%s", json);
	char *json2 = write_cfg(again, &len2);
	cr_assert_str_eq(json, json2);
	free(json);
	free(json2);
	spec_config_free(again);
}

Test(valid, runtime_spec_example)
{
	spec_config *c = load("example.json");
	cr_expect_str_eq(c->oci_version, "1.0.1");
	cr_expect_str_eq(c->hostname, "slartibartfast");
	cr_assert_not_null(c->process);
	spec_process *p = c->process;
	cr_expect(p->terminal);
	cr_expect_eq(p->user.uid, 1);
	cr_expect_eq(p->user.gid, 1);
	cr_assert_eq(p->user.additional_gids.n, 2);
	cr_expect_eq(p->user.additional_gids.v[1], 6);
	cr_assert_eq(p->args.n, 1);
	cr_expect_str_eq(p->args.v[0], "sh");
	cr_expect_null(p->args.v[1], "strv is NULL-terminated");
	cr_expect_str_eq(p->env.v[1], "TERM=xterm");
	cr_expect_str_eq(p->cwd, "/");
	cr_assert_not_null(p->capabilities);
	cr_expect_eq(p->capabilities->effective.n, 2);
	cr_expect_str_eq(p->capabilities->ambient.v[0], "CAP_NET_BIND_SERVICE");
	cr_assert_eq(p->rlimits.n, 2);
	cr_expect_str_eq(p->rlimits.v[0].type, "RLIMIT_CORE");
	cr_expect_eq(p->rlimits.v[1].hard, 1024);
	cr_expect_str_eq(p->apparmor_profile, "acme_secure_profile");
	cr_expect(p->oom_score_adj.set);
	cr_expect_eq(p->oom_score_adj.value, 100);
	cr_expect(p->no_new_privileges);
	cr_expect_str_eq(c->root->path, "rootfs");
	cr_expect(c->root->readonly);
	cr_assert_eq(c->mounts.n, 7);
	cr_expect_str_eq(c->mounts.v[2].destination, "/dev/pts");
	cr_expect_str_eq(c->mounts.v[2].options.v[5], "gid=5");
	cr_expect_null(c->mounts.v[0].options.v, "absent array stays NULL");
	cr_assert_not_null(c->hooks);
	cr_assert_eq(c->hooks->prestart.n, 2);
	cr_expect_str_eq(c->hooks->prestart.v[0].args.v[2], "arg2");
	cr_expect(c->hooks->poststart.v[0].timeout.set);
	cr_expect_eq(c->hooks->poststart.v[0].timeout.value, 5);
	cr_expect_null(c->hooks->create_runtime.v);
	cr_expect_str_eq(spec_map_get(&c->annotations, "com.example.key2"), "value2");
	cr_expect_null(spec_map_get(&c->annotations, "nope"));

	spec_linux *l = c->linux_;
	cr_assert_not_null(l);
	cr_assert_eq(l->devices.n, 2);
	cr_expect_str_eq(l->devices.v[0].path, "/dev/fuse");
	cr_expect_eq(l->devices.v[0].file_mode.value, 438);
	cr_expect_eq(l->devices.v[1].major.value, 8);
	cr_expect_eq(l->uid_mappings.v[0].host_id, 1000);
	cr_expect_eq(l->gid_mappings.v[0].size, 32000);
	cr_expect_str_eq(spec_map_get(&l->sysctl, "net.core.somaxconn"), "256");
	cr_expect_str_eq(l->cgroups_path, "/myRuntime/myContainer");
	spec_resources *r = l->resources;
	cr_assert_not_null(r);
	cr_expect_eq(r->network->class_id.value, 1048577);
	cr_expect_str_eq(r->network->priorities.v[1].name, "eth1");
	cr_expect_eq(r->pids->limit, 32771);
	cr_expect_eq(r->hugepage_limits.v[0].limit, 9223372036854772000ull);
	cr_expect_eq(r->memory->kernel.value, -1);
	cr_expect(r->memory->swappiness.set);
	cr_expect_eq(r->memory->swappiness.value, 0);
	cr_expect(r->memory->disable_oom_killer.set);
	cr_expect_not(r->memory->disable_oom_killer.value);
	cr_expect_not(r->memory->use_hierarchy.set);
	cr_expect_str_eq(r->cpu->cpus, "2-3");
	cr_expect_eq(r->cpu->realtime_runtime.value, 950000);
	cr_expect_not(r->cpu->burst.set);
	cr_assert_eq(r->devices.n, 3);
	cr_expect_not(r->devices.v[0].allow);
	cr_expect_not(r->devices.v[0].major.set);
	cr_expect_str_eq(r->devices.v[2].access, "r");
	cr_expect_eq(r->block_io->weight.value, 10);
	cr_expect_eq(r->block_io->weight_device.v[0].leaf_weight.value, 300);
	cr_expect_not(r->block_io->weight_device.v[1].leaf_weight.set);
	cr_expect_eq(r->block_io->throttle_write_iops_device.v[0].rate, 300);
	cr_expect_null(r->block_io->throttle_read_iops_device.v);
	cr_assert_eq(r->rdma.n, 2);
	cr_expect_str_eq(r->rdma.v[0].device, "mlx5_1");
	cr_expect_eq(r->rdma.v[0].hca_objects.value, 10000);
	cr_expect_not(r->rdma.v[1].hca_handles.set);
	cr_expect_str_eq(l->rootfs_propagation, "slave");
	cr_expect_eq(l->seccomp->default_action, SPEC_ACT_ALLOW);
	cr_expect_str_eq(l->seccomp->architectures.v[1], "SCMP_ARCH_X32");
	cr_expect_eq(l->seccomp->syscalls.v[0].action, SPEC_ACT_ERRNO);
	cr_expect_str_eq(l->seccomp->syscalls.v[0].names.v[1], "chmod");
	cr_assert_eq(l->namespaces.n, 7);
	cr_expect_eq(l->namespaces.v[1].type, SPEC_NS_NETWORK);
	cr_expect_eq(l->namespaces.v[6].type, SPEC_NS_CGROUP);
	cr_assert_eq(l->time_offsets.n, 2);
	cr_expect_str_eq(l->time_offsets.v[0].clock, "monotonic");
	cr_expect_eq(l->time_offsets.v[0].nanosecs, 500);
	cr_expect_eq(l->time_offsets.v[1].secs, -3600);
	cr_expect_str_eq(l->masked_paths.v[3], "/proc/sched_debug");
	cr_expect_str_eq(l->readonly_paths.v[0], "/proc/asound");
	cr_expect_str_eq(l->intel_rdt->clos_id, "guaranteed_group");
	cr_expect_str_eq(l->intel_rdt->schemata.v[1], "MB:0=20;1=70");
	cr_expect_eq(l->personality->domain, SPEC_PER_LINUX);
	cr_expect_str_eq(l->net_devices.v[0].host_name, "eth1");
	cr_expect_str_eq(l->net_devices.v[0].name, "ctr1");
	cr_expect_str_eq(l->memory_policy->mode, "MPOL_BIND");
	cr_expect_str_eq(l->memory_policy->flags.v[0], "MPOL_F_STATIC_NODES");
	assert_round_trip(c);
	spec_config_free(c);
}

Test(valid, podman)
{
	spec_config *c = load("podman.json");
	cr_expect_eq(c->process->user.umask.value, 18);
	cr_expect(c->process->user.umask.set);
	cr_expect_eq(c->process->user.additional_gids.n, 11);
	cr_expect_not(c->process->terminal);
	cr_expect_not(c->process->oom_score_adj.value);
	cr_expect(c->process->oom_score_adj.set, "oomScoreAdj 0 is set, not absent");
	cr_expect_eq(c->mounts.n, 11);
	cr_expect_str_eq(c->mounts.v[5].destination, "/etc/hostname");
	cr_expect_str_eq(c->mounts.v[5].type, "bind");
	cr_assert_not_null(c->hooks, "present-empty hooks object");
	cr_expect_null(c->hooks->prestart.v);
	cr_expect_str_eq(spec_map_get(&c->annotations, "io.container.manager"), "libpod");
	cr_expect_str_eq(c->linux_->cgroups_path, "machine.slice:libpod:5f1c3a2b9d0e");
	cr_expect_eq(c->linux_->resources->memory->limit.value, 268435456);
	cr_expect_eq(c->linux_->resources->cpu->quota.value, 50000);
	cr_expect_eq(c->linux_->resources->pids->limit, 2048);
	cr_expect_str_eq(c->linux_->namespaces.v[1].path,
			 "/run/netns/netns-6a1d6c0e-7b3a-4f1e-0c36-1d9d4e0d2c11");
	spec_seccomp *s = c->linux_->seccomp;
	cr_expect_eq(s->default_action, SPEC_ACT_ERRNO);
	cr_expect_eq(s->default_errno_ret.value, 38);
	cr_assert_eq(s->syscalls.n, 5);
	cr_expect_eq(s->syscalls.v[0].errno_ret.value, 1);
	cr_expect_eq(s->syscalls.v[3].args.v[0].value, 4294967295u);
	cr_expect_eq(s->syscalls.v[4].args.v[0].op, SPEC_OP_MASKED_EQ);
	cr_expect(s->syscalls.v[4].args.v[0].value_two.set);
	assert_round_trip(c);
	spec_config_free(c);
}

Test(valid, containerd)
{
	spec_config *c = load("containerd.json");
	cr_expect_eq(c->process->user.uid, 65535);
	cr_expect_eq(c->process->oom_score_adj.value, -998);
	cr_expect_eq(c->process->capabilities->bounding.n, 14);
	cr_expect_str_eq(c->mounts.v[7].destination, "/var/lib/kubelet/token");
	cr_expect_eq(c->mounts.v[7].uid_mappings.v[0].host_id, 100000);
	cr_expect_eq(c->mounts.v[7].gid_mappings.v[0].size, 65536);
	cr_expect_str_eq(spec_map_get(&c->annotations, "io.kubernetes.cri.container-type"), "sandbox");
	spec_resources *r = c->linux_->resources;
	cr_expect_eq(r->pids->limit, -1);
	cr_expect_eq(r->devices.n, 6);
	cr_expect(r->devices.v[5].major.set);
	cr_expect_not(r->devices.v[5].minor.set);
	cr_expect_str_eq(spec_map_get(&r->unified, "memory.oom.group"), "1");
	cr_expect_eq(r->hugepage_limits.n, 2);
	cr_expect_str_eq(c->linux_->seccomp->flags.v[0], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
	cr_expect_eq(c->linux_->seccomp->syscalls.v[2].args.n, 2);
	cr_expect_eq(c->linux_->seccomp->syscalls.v[3].args.v[0].op, SPEC_OP_NE);
	assert_round_trip(c);
	spec_config_free(c);
}

/* Unknown properties are ignored; present-empty arrays and maps survive. */
Test(valid, minimal_and_unknown)
{
	spec_config *c = load("minimal.json");
	cr_assert_not_null(c->process->args.v);
	cr_expect_eq(c->process->args.n, 0);
	cr_expect_null(c->process->args.v[0]);
	cr_assert_not_null(c->mounts.v);
	cr_expect_eq(c->mounts.n, 0);
	cr_assert_not_null(c->annotations.v);
	cr_expect_eq(c->annotations.n, 0);
	cr_assert_not_null(c->linux_->namespaces.v);
	cr_expect_null(c->root);
	cr_expect_null(c->hooks);
	size_t len;
	char *json = write_cfg(c, &len);
	cr_expect_not_null(strstr(json, "\"args\": []"), "%s", json);
	cr_expect_not_null(strstr(json, "\"annotations\": {}"), "%s", json);
	cr_expect_null(strstr(json, "unknownFutureField"));
	free(json);
	assert_round_trip(c);
	spec_config_free(c);
}

Test(valid, null_is_absent)
{
	const char doc[] = "{\"ociVersion\": \"1.0.0\", \"linux\": null, \"hostname\": null, \"mounts\": null}";
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_parse(doc, strlen(doc), "config.json", &c, &err), 0);
	cr_expect_null(c->linux_);
	cr_expect_null(c->hostname);
	cr_expect_null(c->mounts.v);
	spec_config_free(c);
}

Test(valid, integer_limits)
{
	const char doc[] = "{\"ociVersion\": \"1\", \"process\": {\"user\": {\"uid\": 4294967295, \"gid\": 0}, "
			   "\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_AS\", \"hard\": 18446744073709551615, "
			   "\"soft\": 0}], \"oomScoreAdj\": -1000}, \"linux\": {\"resources\": {\"memory\": "
			   "{\"limit\": -9223372036854775808}}}}";
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_parse(doc, strlen(doc), "config.json", &c, &err), 0, "%s",
		     err ? err->msg : "");
	cr_expect_eq(c->process->user.uid, 4294967295u);
	cr_expect_eq(c->process->rlimits.v[0].hard, UINT64_MAX);
	cr_expect_eq(c->process->oom_score_adj.value, -1000);
	cr_expect_eq(c->linux_->resources->memory->limit.value, INT64_MIN);
	assert_round_trip(c);
	spec_config_free(c);
}

static const char *runc_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
};

Test(valid, default_config)
{
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_default(false, 1000, 1000, &c, &err), 0);
	cr_expect_str_eq(c->oci_version, SPEC_OCI_VERSION);
	cr_expect_str_eq(c->hostname, "lieve");
	cr_expect(c->process->terminal);
	cr_expect_str_eq(c->process->args.v[0], "sh");
	cr_expect_str_eq(c->process->cwd, "/");
	cr_expect_eq(c->process->capabilities->bounding.n, 3);
	cr_expect_str_eq(c->process->capabilities->ambient.v[2], "CAP_NET_BIND_SERVICE");
	cr_expect_null(c->process->capabilities->inheritable.v);
	cr_expect_str_eq(c->process->rlimits.v[0].type, "RLIMIT_NOFILE");
	cr_expect_eq(c->process->rlimits.v[0].soft, 1024);
	cr_expect(c->process->no_new_privileges);
	cr_expect_str_eq(c->root->path, "rootfs");
	cr_expect(c->root->readonly);
	cr_assert_eq(c->mounts.n, 7);
	cr_expect_str_eq(c->mounts.v[5].type, "sysfs");
	cr_expect_str_eq(c->mounts.v[2].options.v[5], "gid=5");
	cr_assert_eq(c->linux_->namespaces.n, 5);
	cr_expect_eq(c->linux_->namespaces.v[1].type, SPEC_NS_NETWORK);
	cr_expect_null(c->linux_->uid_mappings.v);
	cr_expect_not(c->linux_->resources->devices.v[0].allow);
	cr_assert_eq(c->linux_->masked_paths.n, 10);
	for (size_t i = 0; i < 10; i++)
		cr_expect_str_eq(c->linux_->masked_paths.v[i], runc_masked[i]);
	cr_expect_eq(c->linux_->readonly_paths.n, 5);
	assert_round_trip(c);
	spec_config_free(c);
}

Test(valid, default_rootless)
{
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_default(true, 1234, 5678, &c, &err), 0);
	spec_linux *l = c->linux_;
	cr_assert_eq(l->uid_mappings.n, 1);
	cr_expect_eq(l->uid_mappings.v[0].container_id, 0);
	cr_expect_eq(l->uid_mappings.v[0].host_id, 1234);
	cr_expect_eq(l->uid_mappings.v[0].size, 1);
	cr_expect_eq(l->gid_mappings.v[0].host_id, 5678);
	cr_assert_eq(l->namespaces.n, 5);
	for (size_t i = 0; i < l->namespaces.n; i++)
		cr_expect_neq(l->namespaces.v[i].type, SPEC_NS_NETWORK);
	cr_expect_eq(l->namespaces.v[4].type, SPEC_NS_USER);
	cr_expect_null(l->resources);
	cr_expect_str_eq(c->mounts.v[5].type, "none");
	cr_expect_str_eq(c->mounts.v[5].source, "/sys");
	cr_expect_str_eq(c->mounts.v[5].options.v[0], "rbind");
	cr_expect_eq(c->mounts.v[2].options.n, 5, "no gid= on devpts");
	assert_round_trip(c);
	spec_config_free(c);
}

/* The writer's layout is runc's: tabs, runtime-spec property order. */
Test(valid, default_written_like_runc)
{
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_default(false, 0, 0, &c, &err), 0);
	size_t len;
	char *json = write_cfg(c, &len);
	const char head[] = "{\n\t\"ociVersion\": \"" SPEC_OCI_VERSION "\",\n\t\"process\": {\n"
			    "\t\t\"terminal\": true,\n\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n"
			    "\t\t},\n\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n";
	cr_expect_eq(strncmp(json, head, strlen(head)), 0, "%s", json);
	const char *order[] = { "\"ociVersion\"", "\"process\"", "\"root\"", "\"hostname\"",
				"\"mounts\"", "\"linux\"", "\"resources\"", "\"namespaces\"",
				"\"maskedPaths\"", "\"readonlyPaths\"" };
	const char *prev = json;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *at = strstr(json, order[i]);
		cr_assert_not_null(at, "%s missing", order[i]);
		cr_expect_gt(at, prev - (i == 0), "%s out of order", order[i]);
		prev = at;
	}
	cr_expect_null(strstr(json, "domainname"), "absent fields are omitted");
	free(json);
	spec_config_free(c);
}

Test(valid, process_document)
{
	const char doc[] = "{\"terminal\": false, \"user\": {\"uid\": 1000, \"gid\": 1000}, "
			   "\"args\": [\"/bin/ls\", \"-l\"], \"env\": [\"A=1\"], \"cwd\": \"/tmp\", "
			   "\"capabilities\": {\"bounding\": [\"CAP_KILL\"]}, \"noNewPrivileges\": true, "
			   "\"consoleSize\": {\"height\": 24, \"width\": 80}, "
			   "\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"nice\": 5}, "
			   "\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 4}, "
			   "\"execCPUAffinity\": {\"initial\": \"0\", \"final\": \"0-3\"}}";
	spec_process *p = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_process_parse(doc, strlen(doc), "process.json", &p, &err), 0, "%s",
		     err ? err->msg : "");
	cr_expect_eq(p->user.uid, 1000);
	cr_expect_str_eq(p->args.v[1], "-l");
	cr_expect_str_eq(p->cwd, "/tmp");
	cr_expect_eq(p->console_size->width, 80);
	cr_expect_eq(p->scheduler->policy, SPEC_SCHED_BATCH);
	cr_expect_eq(p->scheduler->nice.value, 5);
	cr_expect_eq(p->io_priority->class_, SPEC_IOPRIO_CLASS_BE);
	cr_expect_eq(p->io_priority->priority, 4);
	cr_expect_str_eq(p->exec_cpu_affinity->final, "0-3");
	char *json = NULL;
	size_t len;
	cr_assert_eq(spec_process_write(p, &json, &len, &err), 0);
	spec_process *again = NULL;
	cr_assert_eq(spec_process_parse(json, len, "written", &again, &err), 0, "%s", json);
	cr_expect(spec_process_equal(p, again));
	free(json);
	spec_process_free(again);
	spec_process_free(p);
}

Test(valid, enum_names)
{
	cr_expect_str_eq(spec_ns_type_name(SPEC_NS_TIME), "time");
	cr_expect_str_eq(spec_ns_type_name(SPEC_NS_PID), "pid");
	cr_expect_null(spec_ns_type_name(SPEC_NS_COUNT));
	cr_expect_null(spec_ns_type_name(-1));
	cr_expect_str_eq(spec_seccomp_action_name(SPEC_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
	cr_expect_str_eq(spec_seccomp_action_name(SPEC_ACT_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS");
	cr_expect_null(spec_seccomp_action_name(99));
	cr_expect_str_eq(spec_seccomp_op_name(SPEC_OP_MASKED_EQ), "SCMP_CMP_MASKED_EQ");
	cr_expect_str_eq(spec_seccomp_op_name(SPEC_OP_NE), "SCMP_CMP_NE");
	cr_expect_null(spec_seccomp_op_name(7));
}

Test(valid, equal_detects_differences)
{
	spec_config *a = load("example.json"), *b = load("example.json");
	cr_expect(spec_config_equal(a, b));
	b->linux_->resources->memory->swap.value++;
	cr_expect_not(spec_config_equal(a, b));
	b->linux_->resources->memory->swap.value--;
	free(b->linux_->time_offsets.v[0].clock);
	b->linux_->time_offsets.v[0].clock = strdup("boottime");
	cr_expect_not(spec_config_equal(a, b), "keyed entries compare their keys");
	spec_config_free(b);
	b = load("example.json");
	b->process->args.n = 0;
	cr_expect_not(spec_config_equal(a, b));
	b->process->args.n = 1;
	cr_expect_not(spec_config_equal(a, NULL));
	spec_config_free(a);
	spec_config_free(b);
}

Test(valid, write_rejects_invalid_utf8)
{
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_default(false, 0, 0, &c, &err), 0);
	free(c->hostname);
	c->hostname = strdup("bad\xff");
	char *json = NULL;
	size_t len;
	cr_expect_lt(spec_config_write(c, &json, &len, &err), 0);
	cr_expect_null(json);
	cr_expect_str_eq(err->msg, "write JSON: a string is not valid UTF-8 or an enum value is out of range");
	lv_err_free(err);
	spec_config_free(c);
}

Test(state, round_trip)
{
	spec_kv ann[] = { { "k1", "v1" }, { "k2", "v2" } };
	spec_state st = { .oci_version = "1.2.0", .id = "c1", .status = "running", .pid = 4422,
			  .bundle = "/containers/redis", .annotations = { ann, 2 } };
	char *json = NULL;
	size_t len;
	lv_error *err = NULL;
	cr_assert_eq(spec_state_write(&st, true, &json, &len, &err), 0);
	cr_expect_eq(strncmp(json, "{\n  \"ociVersion\": \"1.2.0\",\n  \"id\": \"c1\",\n", 40), 0, "%s", json);
	spec_state *back = NULL;
	cr_assert_eq(spec_state_parse(json, len, "state", &back, &err), 0, "%s", err ? err->msg : "");
	cr_expect_str_eq(back->id, "c1");
	cr_expect_str_eq(back->status, "running");
	cr_expect_eq(back->pid, 4422);
	cr_expect_str_eq(back->bundle, "/containers/redis");
	cr_expect_str_eq(spec_map_get(&back->annotations, "k2"), "v2");
	free(json);
	spec_state_free(back);

	/* A stopped container has no pid; compact output has no newlines. */
	st.status = "stopped";
	st.pid = 0;
	st.annotations = (spec_map){ NULL, 0 };
	cr_assert_eq(spec_state_write(&st, false, &json, &len, &err), 0);
	cr_expect_str_eq(json, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"stopped\","
			       "\"bundle\":\"/containers/redis\"}");
	free(json);
}

static yajl_val get(yajl_val root, const char *a, const char *b, const char *c)
{
	const char *path[] = { a, b, c, NULL };
	return yajl_tree_get(root, path, yajl_t_any);
}

static size_t arr_len(yajl_val v)
{
	cr_assert(v && YAJL_IS_ARRAY(v));
	return v->u.array.len;
}

static const char *str(yajl_val v)
{
	cr_assert(v && YAJL_IS_STRING(v));
	return v->u.string;
}

static yajl_val arr_at(yajl_val v, size_t i)
{
	cr_assert_gt(arr_len(v), i);
	return v->u.array.values[i];
}

Test(features, valid_json_with_expected_keys)
{
	char *hooks[] = { "prestart", "createRuntime", NULL };
	char *ns[] = { "pid", "time", NULL };
	char *acts[] = { "SCMP_ACT_ALLOW", NULL };
	char *empty[] = { NULL };
	spec_kv ann[] = { { "org.opencontainers.runc.version", "1.1.5" } };
	spec_features f = {
		.oci_version_min = "1.0.0", .oci_version_max = "1.2.0",
		.hooks = { hooks, 2 }, .mount_options = { empty, 0 },
		.namespaces = { ns, 2 }, .cgroup_v2 = true, .cgroup_systemd = true,
		.seccomp_enabled = true, .seccomp_actions = { acts, 1 }, .apparmor = true,
		.mount_extensions_idmap = true, .annotations = { ann, 1 },
		.potentially_unsafe_config_annotations = { empty, 0 },
	};
	char *json = NULL;
	size_t len;
	lv_error *err = NULL;
	cr_assert_eq(spec_features_write(&f, &json, &len, &err), 0);
	char ebuf[256];
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	cr_assert_not_null(root, "%s: %s", ebuf, json);
	cr_expect_str_eq(str(get(root, "ociVersionMin", NULL, NULL)), "1.0.0");
	cr_expect_str_eq(str(get(root, "ociVersionMax", NULL, NULL)), "1.2.0");
	cr_expect_eq(arr_len(get(root, "hooks", NULL, NULL)), 2);
	cr_expect_eq(arr_len(get(root, "mountOptions", NULL, NULL)), 0);
	cr_expect_str_eq(str(arr_at(get(root, "linux", "namespaces", NULL), 1)), "time");
	cr_expect_null(get(root, "linux", "capabilities", NULL), "absent list omitted");
	cr_expect(YAJL_IS_FALSE(get(root, "linux", "cgroup", "v1")));
	cr_expect(YAJL_IS_TRUE(get(root, "linux", "cgroup", "v2")));
	cr_expect(YAJL_IS_TRUE(get(root, "linux", "cgroup", "systemd")));
	cr_expect(YAJL_IS_FALSE(get(root, "linux", "cgroup", "rdma")));
	cr_expect(YAJL_IS_TRUE(get(root, "linux", "seccomp", "enabled")));
	cr_expect_eq(arr_len(get(root, "linux", "seccomp", "actions")), 1);
	cr_expect(YAJL_IS_TRUE(get(root, "linux", "apparmor", "enabled")));
	cr_expect(YAJL_IS_FALSE(get(root, "linux", "selinux", "enabled")));
	cr_expect(YAJL_IS_FALSE(get(root, "linux", "intelRdt", "enabled")));
	const char *idmap[] = { "linux", "mountExtensions", "idmap", "enabled", NULL };
	cr_expect(YAJL_IS_TRUE(yajl_tree_get(root, idmap, yajl_t_any)));
	cr_expect_str_eq(str(get(root, "annotations", "org.opencontainers.runc.version", NULL)), "1.1.5");
	cr_expect_not_null(get(root, "potentiallyUnsafeConfigAnnotations", NULL, NULL));
	yajl_tree_free(root);
	free(json);
}

Test(features, requires_versions)
{
	spec_features f = { .oci_version_min = "1.0.0" };
	char *json = NULL;
	size_t len;
	lv_error *err = NULL;
	cr_expect_lt(spec_features_write(&f, &json, &len, &err), 0);
	cr_expect_str_eq(err->msg, "write features: ociVersionMin and ociVersionMax are required");
	lv_err_free(err);
}

Test(valid, duplicate_keys_last_wins)
{
	const char doc[] = "{\"ociVersion\": \"1\", \"hostname\": \"a\", \"hostname\": \"b\", "
			   "\"annotations\": {\"k\": \"1\", \"k\": \"2\"}}";
	spec_config *c = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_config_parse(doc, strlen(doc), "config.json", &c, &err), 0);
	cr_expect_str_eq(c->hostname, "b");
	cr_expect_str_eq(spec_map_get(&c->annotations, "k"), "2");
	spec_config_free(c);
}

/* runc's own `exec --process` tests send a process without "user". */
Test(valid, process_without_user)
{
	const char doc[] = "{\"terminal\": false, \"args\": [\"/bin/true\"], \"cwd\": \"/\"}";
	spec_process *p = NULL;
	lv_error *err = NULL;
	cr_assert_eq(spec_process_parse(doc, strlen(doc), "process.json", &p, &err), 0, "%s",
		     err ? err->msg : "");
	cr_expect_eq(p->user.uid, 0);
	cr_expect_eq(p->user.gid, 0);
	cr_expect_null(p->user.additional_gids.v);
	char *json = NULL;
	size_t len;
	cr_assert_eq(spec_process_write(p, &json, &len, &err), 0);
	cr_expect_not_null(strstr(json, "\"user\": {\n\t\t\"uid\": 0,\n\t\t\"gid\": 0\n\t}"), "%s", json);
	free(json);
	spec_process_free(p);
}
