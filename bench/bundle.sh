# shellcheck shell=sh
# bench_bundle DIR [--seccomp FILE] [--memory BYTES] [--cgroups-path PATH] [-- ARG...]
# An OCI bundle for the benchmark, the same for every runtime: DIR/rootfs is busybox-static
# with its applets as symlinks, DIR/config.json what `runc spec` writes (no terminal, no ambient
# capabilities), with ociVersion "1.0.2" because Debian's crun 1.8.1 rejects 1.2.0.
# POSIX sh: sourced by bench/run.sh on the host and pasted into the guest memory test.
bench_bundle() {
	_bd=$1
	shift
	_seccomp="" _mem="" _cgp=""
	while [ $# -gt 0 ]; do
		case $1 in
		--seccomp) _seccomp=$2; shift 2 ;;
		--memory) _mem=$2; shift 2 ;;
		--cgroups-path) _cgp=$2; shift 2 ;;
		--) shift; break ;;
		*) echo "bench_bundle: unknown option $1" >&2; return 2 ;;
		esac
	done
	[ $# -gt 0 ] || set -- /bin/true
	_args=""
	for _a in "$@"; do _args="$_args${_args:+, }\"$_a\""; done
	if [ ! -x "$_bd/rootfs/bin/busybox" ]; then
		mkdir -p "$_bd/rootfs/bin" "$_bd/rootfs/dev" "$_bd/rootfs/proc" "$_bd/rootfs/sys" \
			"$_bd/rootfs/tmp" "$_bd/rootfs/etc"
		cp "${BENCH_BUSYBOX:-/bin/busybox}" "$_bd/rootfs/bin/busybox"
		for _app in true sh sleep cat; do ln -sf busybox "$_bd/rootfs/bin/$_app"; done
		echo 'root:x:0:0:root:/:/bin/sh' >"$_bd/rootfs/etc/passwd"
		echo 'root:x:0:' >"$_bd/rootfs/etc/group"
	fi
	_res='"devices": [{"allow": false, "access": "rwm"}]'
	[ -n "$_mem" ] && _res="$_res, \"memory\": {\"limit\": $_mem}"
	_extra=""
	[ -n "$_cgp" ] && _extra="\"cgroupsPath\": \"$_cgp\","
	[ -n "$_seccomp" ] && _extra="$_extra \"seccomp\": $(cat "$_seccomp"),"
	_caps='"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"'
	cat >"$_bd/config.json" <<EOJ
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$_args],
		"env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		"cwd": "/",
		"capabilities": {"bounding": [$_caps], "effective": [$_caps], "permitted": [$_caps]},
		"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
		"noNewPrivileges": true
	},
	"root": {"path": "rootfs", "readonly": true},
	"hostname": "bench",
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
		 "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
	],
	"linux": {
		$_extra
		"resources": {$_res},
		"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
			{"type": "mount"}],
		"maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
			"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
			"/sys/firmware", "/proc/scsi"],
		"readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
	}
}
EOJ
}
