/* The runtime-spec config.json, described field by field for the JSON engine.
 *
 * Property names and their order follow the runtime-spec (config.md,
 * config-linux.md and specs-go), so `lieve spec` writes what runc writes.
 */
#include <stdio.h>
#include <string.h>

#include "spec/config.h"
#include "spec/tables.h"

#define F(T, json, k, member, ...)                                             \
	{ .name = (json), .kind = (k), .off = offsetof(T, member), __VA_ARGS__ }
#define RANGE(lo, hi) .min = (lo), .max = (hi)
#define U32 RANGE(0, UINT32_MAX)
#define TYPE(T, arr, ...) { .size = sizeof(T), JE_FIELDS(arr), __VA_ARGS__ }

/* ---- names ---- */

const char *const spec_ns_names[] = {
	"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};
const char *const spec_action_names[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
	"SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
	"SCMP_ACT_NOTIFY", NULL,
};
const char *const spec_op_names[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
	"SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const char *const sched_policy_names[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
	"SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const sched_flag_names[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
	"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
	"SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const char *const ioprio_names[] = {
	"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
};
static const char *const rlimit_names[] = {
	"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE",
	"RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",
	"RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
	"RLIMIT_SIGPENDING", "RLIMIT_STACK", NULL,
};
static const char *const device_type_names[] = { "c", "b", "u", "p", NULL };
static const char *const rule_type_names[] = { "a", "c", "b", NULL };
static const char *const propagation_names[] = {
	"shared", "slave", "private", "unbindable",
	"rshared", "rslave", "rprivate", "runbindable", NULL,
};
static const char *const seccomp_flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
static const char *const personality_names[] = { "LINUX", "LINUX32", NULL };
static const char *const clock_names[] = { "monotonic", "boottime", NULL };
static const char *const mpol_mode_names[] = {
	"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL,
};
static const char *const mpol_flag_names[] = {
	"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

/* ---- value checks ---- */

static int check_access(const void *value, char *msg, size_t msgsz)
{
	const char *s = *(const char *const *)value;
	if (strspn(s, "rwm") == strlen(s))
		return 0;
	char q[160];
	snprintf(msg, msgsz, "expected a combination of r, w and m, got %s",
		 je_quote(s, q, sizeof(q)));
	return -1;
}

static int check_nonempty(const void *value, char *msg, size_t msgsz)
{
	if (**(const char *const *)value)
		return 0;
	snprintf(msg, msgsz, "expected a non-empty string");
	return -1;
}

/* ---- root, mounts, id mappings ---- */

static const je_field idmap_fields[] = {
	F(spec_id_mapping, "containerID", JE_UINT, container_id, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_id_mapping, "hostID", JE_UINT, host_id, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_id_mapping, "size", JE_UINT, size, .flags = JE_REQ | JE_RANGED, U32),
};
static const je_type idmap_type = TYPE(spec_id_mapping, idmap_fields);

static const je_field root_fields[] = {
	F(spec_root, "path", JE_STR, path, .flags = JE_REQ),
	F(spec_root, "readonly", JE_BOOL, readonly),
};
static const je_type root_type = TYPE(spec_root, root_fields);

static const je_field mount_fields[] = {
	F(spec_mount, "destination", JE_STR, destination, .flags = JE_REQ, .check = check_nonempty),
	F(spec_mount, "type", JE_STR, type),
	F(spec_mount, "source", JE_STR, source),
	F(spec_mount, "options", JE_STRV, options),
	F(spec_mount, "uidMappings", JE_ARRAY, uid_mappings, .sub = &idmap_type),
	F(spec_mount, "gidMappings", JE_ARRAY, gid_mappings, .sub = &idmap_type),
};
static const je_type mount_type = TYPE(spec_mount, mount_fields);

/* ---- process ---- */

static const je_field console_fields[] = {
	F(spec_console_size, "height", JE_UINT, height, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_console_size, "width", JE_UINT, width, .flags = JE_REQ | JE_RANGED, U32),
};
static const je_type console_type = TYPE(spec_console_size, console_fields);

static const je_field user_fields[] = {
	F(spec_user, "uid", JE_UINT, uid, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_user, "gid", JE_UINT, gid, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_user, "umask", JE_OPT_UINT, umask, .flags = JE_RANGED, U32),
	F(spec_user, "additionalGids", JE_UINTV, additional_gids, .flags = JE_RANGED, U32),
	F(spec_user, "username", JE_STR, username),
};
static const je_type user_type = TYPE(spec_user, user_fields);

static const je_field caps_fields[] = {
	F(spec_capabilities, "bounding", JE_STRV, bounding),
	F(spec_capabilities, "effective", JE_STRV, effective),
	F(spec_capabilities, "inheritable", JE_STRV, inheritable),
	F(spec_capabilities, "permitted", JE_STRV, permitted),
	F(spec_capabilities, "ambient", JE_STRV, ambient),
};
static const je_type caps_type = TYPE(spec_capabilities, caps_fields);

static const je_field rlimit_fields[] = {
	F(spec_rlimit, "type", JE_STR, type, .flags = JE_REQ, .names = rlimit_names),
	F(spec_rlimit, "hard", JE_UINT, hard, .flags = JE_REQ),
	F(spec_rlimit, "soft", JE_UINT, soft, .flags = JE_REQ),
};
static const je_type rlimit_type = TYPE(spec_rlimit, rlimit_fields);

static const je_field sched_fields[] = {
	F(spec_scheduler, "policy", JE_ENUM, policy, .flags = JE_REQ, .names = sched_policy_names),
	F(spec_scheduler, "nice", JE_OPT_INT, nice, .flags = JE_RANGED, RANGE(-20, 19)),
	F(spec_scheduler, "priority", JE_OPT_INT, priority, .flags = JE_RANGED, RANGE(INT32_MIN, INT32_MAX)),
	F(spec_scheduler, "flags", JE_STRV, flags, .names = sched_flag_names),
	F(spec_scheduler, "runtime", JE_OPT_UINT, runtime),
	F(spec_scheduler, "deadline", JE_OPT_UINT, deadline),
	F(spec_scheduler, "period", JE_OPT_UINT, period),
};
static const je_type sched_type = TYPE(spec_scheduler, sched_fields);

static const je_field ioprio_fields[] = {
	F(spec_io_priority, "class", JE_ENUM, class_, .flags = JE_REQ, .names = ioprio_names),
	F(spec_io_priority, "priority", JE_INT, priority, .flags = JE_REQ | JE_RANGED, RANGE(0, 7)),
};
static const je_type ioprio_type = TYPE(spec_io_priority, ioprio_fields);

static const je_field affinity_fields[] = {
	F(spec_cpu_affinity, "initial", JE_STR, initial),
	F(spec_cpu_affinity, "final", JE_STR, final),
};
static const je_type affinity_type = TYPE(spec_cpu_affinity, affinity_fields);

static const je_field process_fields[] = {
	F(spec_process, "terminal", JE_BOOL, terminal),
	F(spec_process, "consoleSize", JE_OBJ, console_size, .sub = &console_type),
	/* The spec requires user, but runc takes a process.json without it as
	 * uid 0, gid 0 (its own exec tests rely on that), and so do we. */
	F(spec_process, "user", JE_INLINE, user, .sub = &user_type),
	F(spec_process, "args", JE_STRV, args),
	F(spec_process, "commandLine", JE_STR, command_line),
	F(spec_process, "env", JE_STRV, env),
	F(spec_process, "cwd", JE_STR, cwd, .flags = JE_REQ, .check = je_check_abs_path),
	F(spec_process, "capabilities", JE_OBJ, capabilities, .sub = &caps_type),
	F(spec_process, "rlimits", JE_ARRAY, rlimits, .sub = &rlimit_type),
	F(spec_process, "noNewPrivileges", JE_BOOL, no_new_privileges),
	F(spec_process, "apparmorProfile", JE_STR, apparmor_profile),
	F(spec_process, "oomScoreAdj", JE_OPT_INT, oom_score_adj, .flags = JE_RANGED, RANGE(-1000, 1000)),
	F(spec_process, "scheduler", JE_OBJ, scheduler, .sub = &sched_type),
	F(spec_process, "selinuxLabel", JE_STR, selinux_label),
	F(spec_process, "ioPriority", JE_OBJ, io_priority, .sub = &ioprio_type),
	F(spec_process, "execCPUAffinity", JE_OBJ, exec_cpu_affinity, .sub = &affinity_type),
};
const je_type spec_process_type = TYPE(spec_process, process_fields);

/* ---- hooks ---- */

static const je_field hook_fields[] = {
	F(spec_hook, "path", JE_STR, path, .flags = JE_REQ, .check = je_check_abs_path),
	F(spec_hook, "args", JE_STRV, args),
	F(spec_hook, "env", JE_STRV, env),
	F(spec_hook, "timeout", JE_OPT_INT, timeout, .flags = JE_RANGED, RANGE(1, INT32_MAX)),
};
static const je_type hook_type = TYPE(spec_hook, hook_fields);

static const je_field hooks_fields[] = {
	F(spec_hooks, "prestart", JE_ARRAY, prestart, .sub = &hook_type),
	F(spec_hooks, "createRuntime", JE_ARRAY, create_runtime, .sub = &hook_type),
	F(spec_hooks, "createContainer", JE_ARRAY, create_container, .sub = &hook_type),
	F(spec_hooks, "startContainer", JE_ARRAY, start_container, .sub = &hook_type),
	F(spec_hooks, "poststart", JE_ARRAY, poststart, .sub = &hook_type),
	F(spec_hooks, "poststop", JE_ARRAY, poststop, .sub = &hook_type),
};
static const je_type hooks_type = TYPE(spec_hooks, hooks_fields);

/* ---- linux ---- */

static const je_field ns_fields[] = {
	F(spec_namespace, "type", JE_ENUM, type, .flags = JE_REQ, .names = spec_ns_names),
	F(spec_namespace, "path", JE_STR, path, .check = je_check_abs_path),
};
static const je_type ns_type = TYPE(spec_namespace, ns_fields);

static const je_field time_offset_fields[] = {
	F(spec_time_offset, "secs", JE_INT, secs),
	F(spec_time_offset, "nanosecs", JE_UINT, nanosecs, .flags = JE_RANGED, U32),
};
static const je_type time_offset_type = TYPE(spec_time_offset, time_offset_fields,
	.key_off = offsetof(spec_time_offset, clock), .key_names = clock_names);

/* major and minor are required unless the device is a FIFO. */
static int check_device(const void *obj, je_ctx *ctx, const je_path *path)
{
	const spec_device *d = obj;
	if (strcmp(d->type, "p") == 0)
		return 0;
	if (!d->major.set) {
		je_path fp = { path, "major", 0, false };
		return je_fail(ctx, &fp, "missing required property");
	}
	if (!d->minor.set) {
		je_path fp = { path, "minor", 0, false };
		return je_fail(ctx, &fp, "missing required property");
	}
	return 0;
}

static const je_field device_fields[] = {
	F(spec_device, "path", JE_STR, path, .flags = JE_REQ, .check = je_check_abs_path),
	F(spec_device, "type", JE_STR, type, .flags = JE_REQ, .names = device_type_names),
	F(spec_device, "major", JE_OPT_INT, major),
	F(spec_device, "minor", JE_OPT_INT, minor),
	F(spec_device, "fileMode", JE_OPT_UINT, file_mode, .flags = JE_RANGED, U32),
	F(spec_device, "uid", JE_OPT_UINT, uid, .flags = JE_RANGED, U32),
	F(spec_device, "gid", JE_OPT_UINT, gid, .flags = JE_RANGED, U32),
};
static const je_type device_type = TYPE(spec_device, device_fields, .check = check_device);

static const je_field rule_fields[] = {
	F(spec_device_rule, "allow", JE_BOOL, allow, .flags = JE_REQ),
	F(spec_device_rule, "type", JE_STR, type, .names = rule_type_names),
	F(spec_device_rule, "major", JE_OPT_INT, major),
	F(spec_device_rule, "minor", JE_OPT_INT, minor),
	F(spec_device_rule, "access", JE_STR, access, .check = check_access),
};
static const je_type rule_type = TYPE(spec_device_rule, rule_fields);

static const je_field memory_fields[] = {
	F(spec_memory, "limit", JE_OPT_INT, limit),
	F(spec_memory, "reservation", JE_OPT_INT, reservation),
	F(spec_memory, "swap", JE_OPT_INT, swap),
	F(spec_memory, "kernel", JE_OPT_INT, kernel),
	F(spec_memory, "kernelTCP", JE_OPT_INT, kernel_tcp),
	F(spec_memory, "swappiness", JE_OPT_UINT, swappiness, .flags = JE_RANGED, RANGE(0, 100)),
	F(spec_memory, "disableOOMKiller", JE_OPT_BOOL, disable_oom_killer),
	F(spec_memory, "useHierarchy", JE_OPT_BOOL, use_hierarchy),
	F(spec_memory, "checkBeforeUpdate", JE_OPT_BOOL, check_before_update),
};
static const je_type memory_type = TYPE(spec_memory, memory_fields);

static const je_field cpu_fields[] = {
	F(spec_cpu, "shares", JE_OPT_UINT, shares),
	F(spec_cpu, "quota", JE_OPT_INT, quota),
	F(spec_cpu, "burst", JE_OPT_UINT, burst),
	F(spec_cpu, "period", JE_OPT_UINT, period),
	F(spec_cpu, "realtimeRuntime", JE_OPT_INT, realtime_runtime),
	F(spec_cpu, "realtimePeriod", JE_OPT_UINT, realtime_period),
	F(spec_cpu, "cpus", JE_STR, cpus),
	F(spec_cpu, "mems", JE_STR, mems),
	F(spec_cpu, "idle", JE_OPT_INT, idle),
};
static const je_type cpu_type = TYPE(spec_cpu, cpu_fields);

static const je_field pids_fields[] = {
	F(spec_pids, "limit", JE_INT, limit, .flags = JE_REQ),
};
static const je_type pids_type = TYPE(spec_pids, pids_fields);

static const je_field weight_device_fields[] = {
	F(spec_weight_device, "major", JE_INT, major, .flags = JE_REQ),
	F(spec_weight_device, "minor", JE_INT, minor, .flags = JE_REQ),
	F(spec_weight_device, "weight", JE_OPT_UINT, weight, .flags = JE_RANGED, RANGE(0, UINT16_MAX)),
	F(spec_weight_device, "leafWeight", JE_OPT_UINT, leaf_weight, .flags = JE_RANGED, RANGE(0, UINT16_MAX)),
};
static const je_type weight_device_type = TYPE(spec_weight_device, weight_device_fields);

static const je_field throttle_fields[] = {
	F(spec_throttle_device, "major", JE_INT, major, .flags = JE_REQ),
	F(spec_throttle_device, "minor", JE_INT, minor, .flags = JE_REQ),
	F(spec_throttle_device, "rate", JE_UINT, rate, .flags = JE_REQ),
};
static const je_type throttle_type = TYPE(spec_throttle_device, throttle_fields);

static const je_field blkio_fields[] = {
	F(spec_block_io, "weight", JE_OPT_UINT, weight, .flags = JE_RANGED, RANGE(0, UINT16_MAX)),
	F(spec_block_io, "leafWeight", JE_OPT_UINT, leaf_weight, .flags = JE_RANGED, RANGE(0, UINT16_MAX)),
	F(spec_block_io, "weightDevice", JE_ARRAY, weight_device, .sub = &weight_device_type),
	F(spec_block_io, "throttleReadBpsDevice", JE_ARRAY, throttle_read_bps_device, .sub = &throttle_type),
	F(spec_block_io, "throttleWriteBpsDevice", JE_ARRAY, throttle_write_bps_device, .sub = &throttle_type),
	F(spec_block_io, "throttleReadIOPSDevice", JE_ARRAY, throttle_read_iops_device, .sub = &throttle_type),
	F(spec_block_io, "throttleWriteIOPSDevice", JE_ARRAY, throttle_write_iops_device, .sub = &throttle_type),
};
static const je_type blkio_type = TYPE(spec_block_io, blkio_fields);

static const je_field hugepage_fields[] = {
	F(spec_hugepage_limit, "pageSize", JE_STR, page_size, .flags = JE_REQ),
	F(spec_hugepage_limit, "limit", JE_UINT, limit, .flags = JE_REQ),
};
static const je_type hugepage_type = TYPE(spec_hugepage_limit, hugepage_fields);

static const je_field net_prio_fields[] = {
	F(spec_net_priority, "name", JE_STR, name, .flags = JE_REQ),
	F(spec_net_priority, "priority", JE_UINT, priority, .flags = JE_REQ | JE_RANGED, U32),
};
static const je_type net_prio_type = TYPE(spec_net_priority, net_prio_fields);

static const je_field network_fields[] = {
	F(spec_network, "classID", JE_OPT_UINT, class_id, .flags = JE_RANGED, U32),
	F(spec_network, "priorities", JE_ARRAY, priorities, .sub = &net_prio_type),
};
static const je_type network_type = TYPE(spec_network, network_fields);

static const je_field rdma_fields[] = {
	F(spec_rdma, "hcaHandles", JE_OPT_UINT, hca_handles, .flags = JE_RANGED, U32),
	F(spec_rdma, "hcaObjects", JE_OPT_UINT, hca_objects, .flags = JE_RANGED, U32),
};
static const je_type rdma_type = TYPE(spec_rdma, rdma_fields, .key_off = offsetof(spec_rdma, device));

static const je_field resources_fields[] = {
	F(spec_resources, "devices", JE_ARRAY, devices, .sub = &rule_type),
	F(spec_resources, "memory", JE_OBJ, memory, .sub = &memory_type),
	F(spec_resources, "cpu", JE_OBJ, cpu, .sub = &cpu_type),
	F(spec_resources, "pids", JE_OBJ, pids, .sub = &pids_type),
	F(spec_resources, "blockIO", JE_OBJ, block_io, .sub = &blkio_type),
	F(spec_resources, "hugepageLimits", JE_ARRAY, hugepage_limits, .sub = &hugepage_type),
	F(spec_resources, "network", JE_OBJ, network, .sub = &network_type),
	F(spec_resources, "rdma", JE_KEYED, rdma, .sub = &rdma_type),
	F(spec_resources, "unified", JE_MAP, unified, .check = check_nonempty),
};
static const je_type resources_type = TYPE(spec_resources, resources_fields);

static const je_field seccomp_arg_fields[] = {
	F(spec_seccomp_arg, "index", JE_UINT, index, .flags = JE_REQ | JE_RANGED, U32),
	F(spec_seccomp_arg, "value", JE_UINT, value, .flags = JE_REQ),
	F(spec_seccomp_arg, "valueTwo", JE_OPT_UINT, value_two),
	F(spec_seccomp_arg, "op", JE_ENUM, op, .flags = JE_REQ, .names = spec_op_names),
};
static const je_type seccomp_arg_type = TYPE(spec_seccomp_arg, seccomp_arg_fields);

static const je_field syscall_fields[] = {
	F(spec_syscall, "names", JE_STRV, names, .flags = JE_REQ | JE_NONEMPTY),
	F(spec_syscall, "action", JE_ENUM, action, .flags = JE_REQ, .names = spec_action_names),
	F(spec_syscall, "errnoRet", JE_OPT_UINT, errno_ret, .flags = JE_RANGED, U32),
	F(spec_syscall, "args", JE_ARRAY, args, .sub = &seccomp_arg_type),
};
static const je_type syscall_type = TYPE(spec_syscall, syscall_fields);

static int check_seccomp(const void *obj, je_ctx *ctx, const je_path *path)
{
	const spec_seccomp *s = obj;
	if (s->listener_metadata && !s->listener_path) {
		je_path fp = { path, "listenerMetadata", 0, false };
		return je_fail(ctx, &fp, "set without listenerPath");
	}
	return 0;
}

static const je_field seccomp_fields[] = {
	F(spec_seccomp, "defaultAction", JE_ENUM, default_action, .flags = JE_REQ, .names = spec_action_names),
	F(spec_seccomp, "defaultErrnoRet", JE_OPT_UINT, default_errno_ret, .flags = JE_RANGED, U32),
	F(spec_seccomp, "architectures", JE_STRV, architectures),
	F(spec_seccomp, "flags", JE_STRV, flags, .names = seccomp_flag_names),
	F(spec_seccomp, "listenerPath", JE_STR, listener_path, .check = je_check_abs_path),
	F(spec_seccomp, "listenerMetadata", JE_STR, listener_metadata),
	F(spec_seccomp, "syscalls", JE_ARRAY, syscalls, .sub = &syscall_type),
};
static const je_type seccomp_type = TYPE(spec_seccomp, seccomp_fields, .check = check_seccomp);

static const je_field rdt_fields[] = {
	F(spec_intel_rdt, "closID", JE_STR, clos_id),
	F(spec_intel_rdt, "l3CacheSchema", JE_STR, l3_cache_schema),
	F(spec_intel_rdt, "memBwSchema", JE_STR, mem_bw_schema),
	F(spec_intel_rdt, "schemata", JE_STRV, schemata),
	F(spec_intel_rdt, "enableCMT", JE_BOOL, enable_cmt),
	F(spec_intel_rdt, "enableMBM", JE_BOOL, enable_mbm),
};
static const je_type rdt_type = TYPE(spec_intel_rdt, rdt_fields);

static const je_field personality_fields[] = {
	F(spec_personality, "domain", JE_ENUM, domain, .flags = JE_REQ, .names = personality_names),
	F(spec_personality, "flags", JE_STRV, flags),
};
static const je_type personality_type = TYPE(spec_personality, personality_fields);

static const je_field net_device_fields[] = {
	F(spec_net_device, "name", JE_STR, name),
};
static const je_type net_device_type = TYPE(spec_net_device, net_device_fields,
	.key_off = offsetof(spec_net_device, host_name));

static const je_field mpol_fields[] = {
	F(spec_memory_policy, "mode", JE_STR, mode, .flags = JE_REQ, .names = mpol_mode_names),
	F(spec_memory_policy, "nodes", JE_STR, nodes),
	F(spec_memory_policy, "flags", JE_STRV, flags, .names = mpol_flag_names),
};
static const je_type mpol_type = TYPE(spec_memory_policy, mpol_fields);

/* The runtime MUST generate an error for duplicated namespace types. */
static int check_linux(const void *obj, je_ctx *ctx, const je_path *path)
{
	const spec_linux *l = obj;
	bool seen[SPEC_NS_COUNT] = { false };
	for (size_t i = 0; i < l->namespaces.n; i++) {
		int t = l->namespaces.v[i].type;
		if (!seen[t]) {
			seen[t] = true;
			continue;
		}
		je_path np = { path, "namespaces", 0, false };
		je_path ip = { &np, NULL, i, false };
		je_path tp = { &ip, "type", 0, false };
		return je_fail(ctx, &tp, "duplicate namespace type \"%s\"", spec_ns_names[t]);
	}
	return 0;
}

static const je_field linux_fields[] = {
	F(spec_linux, "uidMappings", JE_ARRAY, uid_mappings, .sub = &idmap_type),
	F(spec_linux, "gidMappings", JE_ARRAY, gid_mappings, .sub = &idmap_type),
	F(spec_linux, "sysctl", JE_MAP, sysctl, .check = check_nonempty),
	F(spec_linux, "resources", JE_OBJ, resources, .sub = &resources_type),
	F(spec_linux, "cgroupsPath", JE_STR, cgroups_path),
	F(spec_linux, "namespaces", JE_ARRAY, namespaces, .sub = &ns_type),
	F(spec_linux, "devices", JE_ARRAY, devices, .sub = &device_type),
	F(spec_linux, "netDevices", JE_KEYED, net_devices, .sub = &net_device_type),
	F(spec_linux, "seccomp", JE_OBJ, seccomp, .sub = &seccomp_type),
	F(spec_linux, "rootfsPropagation", JE_STR, rootfs_propagation, .names = propagation_names),
	F(spec_linux, "maskedPaths", JE_STRV, masked_paths, .check = je_check_abs_path),
	F(spec_linux, "readonlyPaths", JE_STRV, readonly_paths, .check = je_check_abs_path),
	F(spec_linux, "mountLabel", JE_STR, mount_label),
	F(spec_linux, "intelRdt", JE_OBJ, intel_rdt, .sub = &rdt_type),
	F(spec_linux, "personality", JE_OBJ, personality, .sub = &personality_type),
	F(spec_linux, "timeOffsets", JE_KEYED, time_offsets, .sub = &time_offset_type),
	F(spec_linux, "memoryPolicy", JE_OBJ, memory_policy, .sub = &mpol_type),
};
static const je_type linux_type = TYPE(spec_linux, linux_fields, .check = check_linux);

static const je_field config_fields[] = {
	F(spec_config, "ociVersion", JE_STR, oci_version, .flags = JE_REQ, .check = check_nonempty),
	F(spec_config, "process", JE_OBJ, process, .sub = &spec_process_type),
	F(spec_config, "root", JE_OBJ, root, .sub = &root_type),
	F(spec_config, "hostname", JE_STR, hostname),
	F(spec_config, "domainname", JE_STR, domainname),
	F(spec_config, "mounts", JE_ARRAY, mounts, .sub = &mount_type),
	F(spec_config, "hooks", JE_OBJ, hooks, .sub = &hooks_type),
	F(spec_config, "annotations", JE_MAP, annotations, .check = check_nonempty),
	F(spec_config, "linux", JE_OBJ, linux_, .sub = &linux_type),
};
const je_type spec_config_type = TYPE(spec_config, config_fields);
