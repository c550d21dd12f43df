/* Invalid documents and the exact error each must produce.  Shared by the
 * Criterion tests and the valgrind leak check (check_invalid.c). */
#ifndef LIEVE_TEST_SPEC_INVALID_CASES_H
#define LIEVE_TEST_SPEC_INVALID_CASES_H

#include <stddef.h>

struct invalid_case {
	const char *name;
	const char *json;
	size_t len;
	const char *expect;
};

#define CASE(n, j, e) { (n), (j), sizeof(j) - 1, (e) }
#define V "\"ociVersion\": \"1.0.0\""
#define PROC(extra) "\"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"/\"" extra "}"
#define LINUX(body) "{" V ", \"linux\": {" body "}}"

static const struct invalid_case config_cases[] = {
	/* not JSON at all */
	CASE("empty", "", "config.json: invalid JSON: parse error: premature EOF"),
	CASE("blank", " \n\t", "config.json: invalid JSON: parse error: premature EOF"),
	CASE("truncated", "{" V ", \"process\": {\"args\": [\"sh\"",
	     "config.json: invalid JSON: parse error: premature EOF"),
	CASE("trailing-garbage", "{" V "} x", "config.json: invalid JSON: parse error: trailing garbage"),
	CASE("bad-literal", "{" V ", \"hostname\": tru}",
	     "config.json: invalid JSON: lexical error: invalid string in json text."),
	CASE("non-utf8", "{" V ", \"hostname\": \"caf\xe9\"}",
	     "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string."),
	CASE("non-utf8-key", "{" V ", \"annotations\": {\"\xc3\x28\": \"x\"}}",
	     "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string."),
	CASE("nul-byte", "{\"ociVersion\":\"1\0\"}", "config.json: invalid JSON: NUL byte at offset 16"),
	CASE("nul-escape", "{\"ociVersion\":\"1\\u0000\"}",
	     "config.json: invalid JSON: \\u0000 in a string at offset 16"),
	CASE("top-array", "[1, 2]", "config.json: expected an object, got an array"),
	CASE("top-string", "\"config\"", "config.json: expected an object, got a string"),
	CASE("top-null", "null", "config.json: expected an object, got null"),

	/* top level */
	CASE("no-version", "{}", "config.json: ociVersion: missing required property"),
	CASE("version-number", "{\"ociVersion\": 1}", "config.json: ociVersion: expected a string, got a number"),
	CASE("version-empty", "{\"ociVersion\": \"\"}", "config.json: ociVersion: expected a non-empty string"),
	CASE("hostname-bool", "{" V ", \"hostname\": true}", "config.json: hostname: expected a string, got a boolean"),
	CASE("mounts-object", "{" V ", \"mounts\": {}}", "config.json: mounts: expected an array, got an object"),
	CASE("mount-no-destination", "{" V ", \"mounts\": [{\"type\": \"proc\", \"source\": \"proc\"}]}",
	     "config.json: mounts[0].destination: missing required property"),
	CASE("mount-option-number", "{" V ", \"mounts\": [{\"destination\": \"/a\", \"options\": [\"ro\", 7]}]}",
	     "config.json: mounts[0].options[1]: expected a string, got a number"),
	CASE("mount-idmap-hostid", "{" V ", \"mounts\": [{\"destination\": \"/a\", \"uidMappings\": "
	     "[{\"containerID\": 0, \"size\": 1}]}]}",
	     "config.json: mounts[0].uidMappings[0].hostID: missing required property"),
	CASE("root-path-null", "{" V ", \"root\": {\"path\": null}}", "config.json: root.path: expected a string, got null"),
	CASE("annotation-number", "{" V ", \"annotations\": {\"a\": 1}}",
	     "config.json: annotations[\"a\"]: expected a string, got a number"),

	/* process */
	CASE("process-array", "{" V ", \"process\": []}", "config.json: process: expected an object, got an array"),
	CASE("args-number", "{" V ", " PROC(", \"args\": [\"sh\", 1]") "}",
	     "config.json: process.args[1]: expected a string, got a number"),
	CASE("args-null", "{" V ", " PROC(", \"args\": [\"sh\", null]") "}",
	     "config.json: process.args[1]: expected a string, got null"),
	CASE("no-cwd", "{" V ", \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}}}",
	     "config.json: process.cwd: missing required property"),
	CASE("relative-cwd", "{" V ", \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"cwd\": \"tmp\"}}",
	     "config.json: process.cwd: expected an absolute path, got \"tmp\""),
	CASE("user-array", "{" V ", \"process\": {\"cwd\": \"/\", \"user\": []}}",
	     "config.json: process.user: expected an object, got an array"),
	CASE("user-no-gid", "{" V ", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1}}}",
	     "config.json: process.user.gid: missing required property"),
	CASE("terminal-string", "{" V ", " PROC(", \"terminal\": \"yes\"") "}",
	     "config.json: process.terminal: expected a boolean, got a string"),
	CASE("uid-huge", "{" V ", \"process\": {\"user\": {\"uid\": 99999999999, \"gid\": 0}, \"cwd\": \"/\"}}",
	     "config.json: process.user.uid: expected an integer from 0 to 4294967295, got 99999999999"),
	CASE("uid-negative", "{" V ", \"process\": {\"user\": {\"uid\": -1, \"gid\": 0}, \"cwd\": \"/\"}}",
	     "config.json: process.user.uid: expected an integer from 0 to 4294967295, got -1"),
	CASE("uid-fraction", "{" V ", \"process\": {\"user\": {\"uid\": 1.5, \"gid\": 0}, \"cwd\": \"/\"}}",
	     "config.json: process.user.uid: expected an integer, got 1.5"),
	CASE("uid-string", "{" V ", \"process\": {\"user\": {\"uid\": \"0\", \"gid\": 0}, \"cwd\": \"/\"}}",
	     "config.json: process.user.uid: expected an integer, got a string"),
	CASE("gid-beyond-uint64", "{" V ", \"process\": {\"user\": {\"uid\": 0, \"gid\": 184467440737095516160}, \"cwd\": \"/\"}}",
	     "config.json: process.user.gid: expected an integer from 0 to 4294967295, got 184467440737095516160"),
	CASE("additional-gid", "{" V ", \"process\": {\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, 4294967296]}, \"cwd\": \"/\"}}",
	     "config.json: process.user.additionalGids[1]: expected an integer from 0 to 4294967295, got 4294967296"),
	CASE("console-width", "{" V ", " PROC(", \"consoleSize\": {\"height\": 1, \"width\": -80}") "}",
	     "config.json: process.consoleSize.width: expected an integer from 0 to 4294967295, got -80"),
	CASE("oom-score-adj", "{" V ", " PROC(", \"oomScoreAdj\": 1001") "}",
	     "config.json: process.oomScoreAdj: expected an integer from -1000 to 1000, got 1001"),
	CASE("rlimit-type", "{" V ", " PROC(", \"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"hard\": 1, \"soft\": 1}]") "}",
	     "config.json: process.rlimits[0].type: expected one of RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, "
	     "RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, "
	     "RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, "
	     "RLIMIT_STACK; got \"RLIMIT_FOO\""),
	CASE("rlimit-no-soft", "{" V ", " PROC(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1}]") "}",
	     "config.json: process.rlimits[0].soft: missing required property"),
	CASE("caps-not-array", "{" V ", " PROC(", \"capabilities\": {\"bounding\": \"CAP_KILL\"}") "}",
	     "config.json: process.capabilities.bounding: expected an array, got a string"),
	CASE("scheduler-policy", "{" V ", " PROC(", \"scheduler\": {\"policy\": \"SCHED_FAST\"}") "}",
	     "config.json: process.scheduler.policy: expected one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, "
	     "SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE; got \"SCHED_FAST\""),
	CASE("ioprio-class", "{" V ", " PROC(", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\", \"priority\": 0}") "}",
	     "config.json: process.ioPriority.class: expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, "
	     "IOPRIO_CLASS_IDLE; got \"IOPRIO_CLASS_NONE\""),
	CASE("enum-quoting", "{" V ", " PROC(", \"ioPriority\": {\"class\": \"a\\n\\\"b\", \"priority\": 0}") "}",
	     "config.json: process.ioPriority.class: expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, "
	     "IOPRIO_CLASS_IDLE; got \"a\\x0a\\\"b\""),

	/* hooks */
	CASE("hook-timeout", "{" V ", \"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}}",
	     "config.json: hooks.prestart[0].timeout: expected an integer from 1 to 2147483647, got 0"),
	CASE("hook-relative", "{" V ", \"hooks\": {\"poststop\": [{\"path\": \"/a\"}, {\"path\": \"cleanup.sh\"}]}}",
	     "config.json: hooks.poststop[1].path: expected an absolute path, got \"cleanup.sh\""),

	/* linux */
	CASE("linux-string", "{" V ", \"linux\": \"yes\"}", "config.json: linux: expected an object, got a string"),
	CASE("ns-type", LINUX("\"namespaces\": [{\"type\": \"foo\"}]"),
	     "config.json: linux.namespaces[0].type: expected one of pid, network, mount, ipc, uts, user, "
	     "cgroup, time; got \"foo\""),
	CASE("ns-duplicate", LINUX("\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"pid\"}]"),
	     "config.json: linux.namespaces[2].type: duplicate namespace type \"pid\""),
	CASE("ns-object", LINUX("\"namespaces\": {}"), "config.json: linux.namespaces: expected an array, got an object"),
	CASE("ns-relative-path", LINUX("\"namespaces\": [{\"type\": \"network\", \"path\": \"netns\"}]"),
	     "config.json: linux.namespaces[0].path: expected an absolute path, got \"netns\""),
	CASE("idmap-size", LINUX("\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 4294967296}]"),
	     "config.json: linux.uidMappings[0].size: expected an integer from 0 to 4294967295, got 4294967296"),
	CASE("device-type", LINUX("\"devices\": [{\"path\": \"/dev/x\", \"type\": \"x\", \"major\": 1, \"minor\": 1}]"),
	     "config.json: linux.devices[0].type: expected one of c, b, u, p; got \"x\""),
	CASE("device-no-major", LINUX("\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"minor\": 1}]"),
	     "config.json: linux.devices[0].major: missing required property"),
	CASE("rule-type", LINUX("\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"z\"}]}"),
	     "config.json: linux.resources.devices[0].type: expected one of a, c, b; got \"z\""),
	CASE("rule-access", LINUX("\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}"),
	     "config.json: linux.resources.devices[0].access: expected a combination of r, w and m, got \"rwx\""),
	CASE("rule-no-allow", LINUX("\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}"),
	     "config.json: linux.resources.devices[0].allow: missing required property"),
	CASE("memory-huge", LINUX("\"resources\": {\"memory\": {\"limit\": 99999999999999999999}}"),
	     "config.json: linux.resources.memory.limit: expected an integer from -9223372036854775808 to "
	     "9223372036854775807, got 99999999999999999999"),
	CASE("swappiness", LINUX("\"resources\": {\"memory\": {\"swappiness\": 101}}"),
	     "config.json: linux.resources.memory.swappiness: expected an integer from 0 to 100, got 101"),
	CASE("pids-exponent", LINUX("\"resources\": {\"pids\": {\"limit\": 1e3}}"),
	     "config.json: linux.resources.pids.limit: expected an integer, got 1e3"),
	CASE("cpu-shares-negative", LINUX("\"resources\": {\"cpu\": {\"shares\": -2}}"),
	     "config.json: linux.resources.cpu.shares: expected an integer from 0 to 18446744073709551615, got -2"),
	CASE("rdma-negative", LINUX("\"resources\": {\"rdma\": {\"mlx5_1\": {\"hcaHandles\": -1}}}"),
	     "config.json: linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected an integer from 0 to 4294967295, got -1"),
	CASE("unified-value", LINUX("\"resources\": {\"unified\": {\"memory.high\": 5}}"),
	     "config.json: linux.resources.unified[\"memory.high\"]: expected a string, got a number"),
	CASE("sysctl-array", LINUX("\"sysctl\": []"), "config.json: linux.sysctl: expected an object, got an array"),
	CASE("propagation", LINUX("\"rootfsPropagation\": \"weird\""),
	     "config.json: linux.rootfsPropagation: expected one of shared, slave, private, unbindable, "
	     "rshared, rslave, rprivate, runbindable; got \"weird\""),
	CASE("seccomp-default", LINUX("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOPE\"}"),
	     "config.json: linux.seccomp.defaultAction: expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, "
	     "SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, "
	     "SCMP_ACT_LOG, SCMP_ACT_NOTIFY; got \"SCMP_ACT_NOPE\""),
	CASE("seccomp-no-default", LINUX("\"seccomp\": {\"syscalls\": []}"),
	     "config.json: linux.seccomp.defaultAction: missing required property"),
	CASE("seccomp-op", LINUX("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
	     "[\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_XX\"}]}]}"),
	     "config.json: linux.seccomp.syscalls[0].args[0].op: expected one of SCMP_CMP_NE, SCMP_CMP_LT, "
	     "SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ; got \"SCMP_CMP_XX\""),
	CASE("seccomp-no-names", LINUX("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
	     "[{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}"),
	     "config.json: linux.seccomp.syscalls[0].names: expected at least one entry"),
	CASE("seccomp-metadata", LINUX("\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}"),
	     "config.json: linux.seccomp.listenerMetadata: set without listenerPath"),
	CASE("personality", LINUX("\"personality\": {\"domain\": \"BSD\"}"),
	     "config.json: linux.personality.domain: expected one of LINUX, LINUX32; got \"BSD\""),
	CASE("time-offset-clock", LINUX("\"timeOffsets\": {\"realtime\": {\"secs\": 1}}"),
	     "config.json: linux.timeOffsets[\"realtime\"]: expected one of monotonic, boottime; got \"realtime\""),
	CASE("net-device", LINUX("\"netDevices\": {\"eth0\": \"eth1\"}"),
	     "config.json: linux.netDevices[\"eth0\"]: expected an object, got a string"),
	CASE("memory-policy", LINUX("\"memoryPolicy\": {\"mode\": \"MPOL_RANDOM\"}"),
	     "config.json: linux.memoryPolicy.mode: expected one of MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, "
	     "MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL; got \"MPOL_RANDOM\""),
	CASE("masked-relative", LINUX("\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]"),
	     "config.json: linux.maskedPaths[1]: expected an absolute path, got \"proc/keys\""),
};

#define N_CONFIG_CASES (sizeof(config_cases) / sizeof(config_cases[0]))

#endif
