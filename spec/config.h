/* The OCI runtime-spec configuration (config.json), Linux parts, v1.2/1.3.
 *
 * Pure data: parsing, validation of types and values, writing back and
 * freeing.  No syscalls.  Field names follow the JSON property names in
 * snake_case; an optional object is a pointer that is NULL when absent.
 * Integers are stored in 64 bits; the parser enforces each field's range.
 */
#ifndef LIEVE_SPEC_CONFIG_H
#define LIEVE_SPEC_CONFIG_H

#include "src/error.h"
#include "spec/types.h"

/* ---- root, mounts ---- */

typedef struct {
	char *path; /* required */
	bool readonly;
} spec_root;

typedef struct {
	uint64_t container_id, host_id, size; /* all required, uint32 range */
} spec_id_mapping;
typedef SPEC_ARRAY(spec_id_mapping) spec_id_mappings;

typedef struct {
	char *destination; /* required */
	char *type;
	char *source;
	spec_strv options;
	spec_id_mappings uid_mappings, gid_mappings;
} spec_mount;

/* ---- process ---- */

typedef struct {
	uint64_t height, width; /* required, uint32 range */
} spec_console_size;

typedef struct {
	char *type; /* required, RLIMIT_* */
	uint64_t soft, hard; /* required */
} spec_rlimit;

typedef struct {
	spec_strv bounding, effective, inheritable, permitted, ambient;
} spec_capabilities;

typedef struct {
	uint64_t uid, gid; /* required, uint32 range */
	spec_opt_uint umask;
	SPEC_ARRAY(uint64_t) additional_gids;
	char *username; /* Windows only; kept for round trips */
} spec_user;

enum spec_sched_policy {
	SPEC_SCHED_OTHER, SPEC_SCHED_FIFO, SPEC_SCHED_RR, SPEC_SCHED_BATCH,
	SPEC_SCHED_ISO, SPEC_SCHED_IDLE, SPEC_SCHED_DEADLINE,
};

typedef struct {
	int policy; /* required, enum spec_sched_policy */
	spec_opt_int nice, priority;
	spec_strv flags; /* SCHED_FLAG_* */
	spec_opt_uint runtime, deadline, period;
} spec_scheduler;

enum spec_ioprio_class { SPEC_IOPRIO_CLASS_RT, SPEC_IOPRIO_CLASS_BE, SPEC_IOPRIO_CLASS_IDLE };

typedef struct {
	int class_; /* required, enum spec_ioprio_class */
	int64_t priority;
} spec_io_priority;

typedef struct {
	char *initial, *final; /* CPU lists, e.g. "0-3,7" */
} spec_cpu_affinity;

typedef struct {
	bool terminal;
	spec_console_size *console_size;
	spec_user user; /* absent in JSON = uid 0, gid 0, as runc */
	spec_strv args;
	char *command_line; /* Windows only */
	spec_strv env;
	char *cwd; /* required, absolute */
	spec_capabilities *capabilities;
	SPEC_ARRAY(spec_rlimit) rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	spec_opt_int oom_score_adj;
	spec_scheduler *scheduler;
	char *selinux_label;
	spec_io_priority *io_priority;
	spec_cpu_affinity *exec_cpu_affinity;
} spec_process;

/* ---- hooks ---- */

typedef struct {
	char *path; /* required, absolute */
	spec_strv args, env;
	spec_opt_int timeout; /* seconds, > 0 */
} spec_hook;
typedef SPEC_ARRAY(spec_hook) spec_hooks_list;

typedef struct {
	spec_hooks_list prestart, create_runtime, create_container, start_container,
		poststart, poststop;
} spec_hooks;

/* ---- linux ---- */

enum spec_ns_type {
	SPEC_NS_PID, SPEC_NS_NETWORK, SPEC_NS_MOUNT, SPEC_NS_IPC, SPEC_NS_UTS,
	SPEC_NS_USER, SPEC_NS_CGROUP, SPEC_NS_TIME,
	SPEC_NS_COUNT
};

typedef struct {
	int type; /* required, enum spec_ns_type */
	char *path;
} spec_namespace;

typedef struct {
	char *clock; /* "monotonic" or "boottime": the key in timeOffsets */
	int64_t secs;
	uint64_t nanosecs;
} spec_time_offset;

typedef struct {
	char *type; /* required: c, b, u, p */
	char *path; /* required, absolute */
	spec_opt_int major, minor;
	spec_opt_uint file_mode, uid, gid;
} spec_device;

typedef struct {
	bool allow; /* required */
	char *type; /* a, c, b */
	spec_opt_int major, minor;
	char *access; /* r, w, m */
} spec_device_rule;

typedef struct {
	spec_opt_int limit, reservation, swap, kernel, kernel_tcp;
	spec_opt_uint swappiness;
	spec_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
} spec_memory;

typedef struct {
	spec_opt_uint shares;
	spec_opt_int quota;
	spec_opt_uint burst, period;
	spec_opt_int realtime_runtime;
	spec_opt_uint realtime_period;
	char *cpus, *mems;
	spec_opt_int idle;
} spec_cpu;

typedef struct {
	int64_t major, minor; /* required */
	spec_opt_uint weight, leaf_weight;
} spec_weight_device;

typedef struct {
	int64_t major, minor; /* required */
	uint64_t rate;        /* required */
} spec_throttle_device;
typedef SPEC_ARRAY(spec_throttle_device) spec_throttle_devices;

typedef struct {
	spec_opt_uint weight, leaf_weight;
	SPEC_ARRAY(spec_weight_device) weight_device;
	spec_throttle_devices throttle_read_bps_device, throttle_write_bps_device,
		throttle_read_iops_device, throttle_write_iops_device;
} spec_block_io;

typedef struct {
	char *page_size; /* required, e.g. "2MB" */
	uint64_t limit;  /* required */
} spec_hugepage_limit;

typedef struct {
	char *name;
	uint64_t priority;
} spec_net_priority;

typedef struct {
	spec_opt_uint class_id;
	SPEC_ARRAY(spec_net_priority) priorities;
} spec_network;

typedef struct {
	int64_t limit; /* required */
} spec_pids;

typedef struct {
	char *device; /* the key in rdma */
	spec_opt_uint hca_handles, hca_objects;
} spec_rdma;

typedef struct {
	SPEC_ARRAY(spec_device_rule) devices;
	spec_memory *memory;
	spec_cpu *cpu;
	spec_pids *pids;
	spec_block_io *block_io;
	SPEC_ARRAY(spec_hugepage_limit) hugepage_limits;
	spec_network *network;
	SPEC_ARRAY(spec_rdma) rdma;
	spec_map unified;
} spec_resources;

enum spec_seccomp_op {
	SPEC_OP_NE, SPEC_OP_LT, SPEC_OP_LE, SPEC_OP_EQ, SPEC_OP_GE, SPEC_OP_GT,
	SPEC_OP_MASKED_EQ,
};

typedef struct {
	uint64_t index; /* required */
	uint64_t value; /* required */
	spec_opt_uint value_two;
	int op; /* required, enum spec_seccomp_op */
} spec_seccomp_arg;

enum spec_seccomp_action {
	SPEC_ACT_KILL, SPEC_ACT_KILL_PROCESS, SPEC_ACT_KILL_THREAD, SPEC_ACT_TRAP,
	SPEC_ACT_ERRNO, SPEC_ACT_TRACE, SPEC_ACT_ALLOW, SPEC_ACT_LOG, SPEC_ACT_NOTIFY,
};

typedef struct {
	spec_strv names; /* required */
	int action;      /* required, enum spec_seccomp_action */
	spec_opt_uint errno_ret;
	SPEC_ARRAY(spec_seccomp_arg) args;
} spec_syscall;

typedef struct {
	int default_action; /* required, enum spec_seccomp_action */
	spec_opt_uint default_errno_ret;
	spec_strv architectures; /* SCMP_ARCH_* */
	spec_strv flags;         /* SECCOMP_FILTER_FLAG_* */
	char *listener_path;
	char *listener_metadata;
	SPEC_ARRAY(spec_syscall) syscalls;
} spec_seccomp;

typedef struct {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	spec_strv schemata;
	bool enable_cmt, enable_mbm;
} spec_intel_rdt;

enum spec_personality_domain { SPEC_PER_LINUX, SPEC_PER_LINUX32 };

typedef struct {
	int domain; /* required, enum spec_personality_domain */
	spec_strv flags;
} spec_personality;

typedef struct {
	char *host_name; /* the key in netDevices */
	char *name;
} spec_net_device;

typedef struct {
	char *mode; /* required, MPOL_* */
	char *nodes;
	spec_strv flags;
} spec_memory_policy;

typedef struct {
	SPEC_ARRAY(spec_namespace) namespaces;
	spec_id_mappings uid_mappings, gid_mappings;
	SPEC_ARRAY(spec_time_offset) time_offsets;
	SPEC_ARRAY(spec_device) devices;
	char *cgroups_path;
	spec_resources *resources;
	char *rootfs_propagation; /* shared, slave, private, unbindable, r* forms */
	spec_seccomp *seccomp;
	spec_map sysctl;
	spec_strv masked_paths, readonly_paths;
	char *mount_label;
	spec_intel_rdt *intel_rdt;
	spec_personality *personality;
	SPEC_ARRAY(spec_net_device) net_devices;
	spec_memory_policy *memory_policy;
} spec_linux;

typedef struct spec_config {
	char *oci_version; /* required */
	spec_root *root;
	SPEC_ARRAY(spec_mount) mounts;
	spec_process *process;
	char *hostname;
	char *domainname;
	spec_hooks *hooks;
	spec_map annotations;
	spec_linux *linux_; /* `linux` is a predefined macro under GNU C */
} spec_config;

/* Parses a config document.  `label` names the source in messages
 * ("config.json"), so errors read `config.json: process.args[1]: expected a
 * string, got a number`.  Unknown properties are ignored. */
int spec_config_parse(const char *json, size_t len, const char *label,
		      spec_config **out, lv_error **err);
int spec_config_load(const char *path, const char *label, spec_config **out,
		     lv_error **err);

/* A process document, as `exec --process FILE` receives it. */
int spec_process_parse(const char *json, size_t len, const char *label,
		       spec_process **out, lv_error **err);

/* Reads a process document from a file (at most 64 MiB). */
int spec_process_load(const char *path, const char *label, spec_process **out,
		      lv_error **err);
/* Writes a process document, indented like the config. */
int spec_process_write(const spec_process *proc, char **json, size_t *len,
		       lv_error **err);
bool spec_process_equal(const spec_process *a, const spec_process *b);

/* Writes the config as indented JSON (the format `lieve spec` prints).
 * The returned buffer is NUL-terminated and owned by the caller. */
int spec_config_write(const spec_config *cfg, char **json, size_t *len,
		      lv_error **err);

void spec_config_free(spec_config *cfg);
void spec_process_free(spec_process *proc);
static inline void spec_config_freep(spec_config **c) { spec_config_free(*c); }
#define _cleanup_config_ __attribute__((cleanup(spec_config_freep)))
static inline void spec_process_freep(spec_process **p) { spec_process_free(*p); }
#define _cleanup_process_ __attribute__((cleanup(spec_process_freep)))

/* Structural equality, used by round-trip tests and `update`. */
bool spec_config_equal(const spec_config *a, const spec_config *b);

/* The default configuration `lieve spec` writes (runc's defaults).
 * `rootless` adds a user namespace mapping uid/gid (the caller's ids: spec/
 * makes no syscalls, so the caller passes getuid()/getgid()) to root and drops
 * what an unprivileged user cannot do, as `runc spec --rootless` does.
 * uid and gid are ignored when rootless is false. */
int spec_config_default(bool rootless, uint32_t uid, uint32_t gid, spec_config **out,
			lv_error **err);

/* Enum names as they appear in JSON, for messages and writers. */
const char *spec_ns_type_name(int type);
const char *spec_seccomp_action_name(int action);
const char *spec_seccomp_op_name(int op);

#define SPEC_OCI_VERSION "1.2.0"

#endif
