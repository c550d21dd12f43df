# Helpers for the guest tests: `. /lieve/lib.sh` first thing in a test.
# The test runs as root in the guest's root cgroup, cwd and $TMPDIR a fresh scratch directory
# (removed afterwards), $LIEVE the runtime under test. Exit 0 = pass, 77 = skip, else fail.
# `set -eu` is on: a failing command fails the test.
set -eu

: "${LIEVE:?LIEVE is not set}"
CGROUP_ROOT=/sys/fs/cgroup

# --- outcome -------------------------------------------------------------------------------
pass() { echo "PASS${1:+: $*}"; exit 0; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# --- cleanup that runs however the test ends -------------------------------------------------
_lieve_deferred=""
_lieve_run_deferred() {
	_st=$?
	set +e
	eval "$_lieve_deferred"
	exit $_st
}
trap _lieve_run_deferred EXIT
# defer 'CMD ...': run CMD when the test exits, last deferred first.
defer() { _lieve_deferred="$*
$_lieve_deferred"; }

# --- assertions ------------------------------------------------------------------------------
# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "${3:-output}: '$2' not found in: $1" ;;
	esac
}
# assert_file_eq FILE EXPECTED: the whole content of FILE (e.g. a cgroup interface file).
assert_file_eq() {
	[ -e "$1" ] || fail "$1 does not exist"
	assert_eq "$2" "$(cat "$1")" "$1"
}
# assert_status EXPECTED CMD...: run CMD, compare its exit status (output shown on mismatch).
assert_status() {
	_want=$1
	shift
	_st=0
	_out=$("$@" 2>&1) || _st=$?
	[ "$_st" = "$_want" ] || fail "'$*' exited $_st, expected $_want: $_out"
}

# --- cgroups ---------------------------------------------------------------------------------
# cgroup_of PID: the cgroup v2 path of PID as seen from the root ("/a/b").
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; fails the test on timeout.
wait_for() {
	_n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || fail "timed out waiting for: $*"
		usleep 100000
	done
}

# --- OCI bundles -----------------------------------------------------------------------------
_json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# make_bundle DIR [--cgroups-path PATH] [--resources JSON] [--no-cgroupns] [--rw]
#             [--hostname NAME] [-- ARG...]
# Writes DIR/rootfs (busybox-static with its applets in /bin) and DIR/config.json, the
# equivalent of `runc spec` with no terminal: --resources is the JSON object put at
# linux.resources, ARG... the process args (default: sh -c 'true').
make_bundle() {
	_dir=$1
	shift
	_cgpath="" _res="" _cgns=1 _ro=true _host=lieve-test
	while [ $# -gt 0 ]; do
		case $1 in
		--cgroups-path) _cgpath=$2; shift 2 ;;
		--resources) _res=$2; shift 2 ;;
		--no-cgroupns) _cgns=0; shift ;;
		--rw) _ro=false; shift ;;
		--hostname) _host=$2; shift 2 ;;
		--) shift; break ;;
		*) fail "make_bundle: unknown option $1" ;;
		esac
	done
	[ $# -gt 0 ] || set -- sh -c true
	_args=""
	for _a in "$@"; do _args="$_args${_args:+, }$(_json_str "$_a")"; done

	mkdir -p "$_dir/rootfs"
	(
		cd "$_dir/rootfs"
		mkdir -p bin dev etc proc root sys tmp
		cp /bin/busybox bin/busybox
		# Links to /bin/busybox: inside the rootfs that is the copy above.
		/bin/busybox --install -s "$PWD/bin"
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >etc/passwd
		printf 'root:x:0:\nnogroup:x:65534:\n' >etc/group
	)

	_ns='{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}'
	[ $_cgns = 1 ] && _ns="$_ns, {\"type\": \"cgroup\"}"
	_linux_extra=""
	[ -n "$_cgpath" ] && _linux_extra="$_linux_extra
		\"cgroupsPath\": $(_json_str "$_cgpath"),"
	[ -n "$_res" ] && _linux_extra="$_linux_extra
		\"resources\": $_res,"

	cat >"$_dir/config.json" <<EOF
{
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$_args],
		"env": ["PATH=/bin", "TERM=dumb"],
		"cwd": "/",
		"capabilities": {
			"bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
		},
		"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
		"noNewPrivileges": true
	},
	"root": {"path": "rootfs", "readonly": $_ro},
	"hostname": $(_json_str "$_host"),
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		 "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
		 "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		 "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
		 "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs",
		 "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		 "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
		{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}
	],
	"linux": {$_linux_extra
		"namespaces": [$_ns],
		"maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
			"/sys/firmware", "/proc/scsi"],
		"readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
	}
}
EOF
}
