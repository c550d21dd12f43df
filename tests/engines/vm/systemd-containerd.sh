#!/bin/sh
# containerd 1.6 with the runc shim's systemd cgroup driver (`ctr run --runc-systemd-cgroup`:
# the shim option SystemdCgroup=true, the runtime gets --systemd-cgroup) on pure cgroup v2, in
# the tests/vm systemd guest (systemd as PID 1, D-Bus system bus). cgroupsPath is
# "lieve-ctd.slice:ctd:<id>" (ctr --cgroup): the container's cgroup is the transient scope
# ctd-<id>.scope in lieve-ctd.slice, a nested slice (/lieve.slice/lieve-ctd.slice).
# - `run --rm --memory-limit`: output and exit status, the cgroup and memory.max read inside;
#   the scope is gone afterwards;
# - `run -d --memory-limit`: memory.max, the scope's Slice, MemoryMax and CPUWeight (ctr's
#   default cpu shares 1024), the task in the scope; `task exec` runs in the scope; `task kill`,
#   `task delete`, `containers rm`: no ctd-*.scope unit left, no cgroup, the runtime's state
#   directory empty; containerd stopped: no shim or runtime process, no mount.
# The slices are stopped at the end (they were not active before).
# Run with tests/engines/vm/run.sh --systemd; passes with lieve and with runc.
. /lieve/lib.sh
. /lieve/bin/engines.lib
need containerd ctr containerd-shim-runc-v2 systemctl
[ "$(cat /proc/1/comm)" = systemd ] || skip "systemd is not PID 1 (tests/engines/vm/run.sh --systemd)"

d=$TMPDIR/containerd
ns=lieve-vm-ctd
slice=lieve-ctd.slice
slice_cg=/lieve.slice/lieve-ctd.slice
mkdir -p "$d/fifo"

ctd_units() { units_like 'ctd-*'; }
[ -z "$(ctd_units)" ] || fail "ctd units exist before the test: $(ctd_units)"
# Last deferred runs first: containerd stops, then the units and slices, mounts, paths go.
own_path /run/containerd
defer "umount_under '$d'"
own_units lieve.slice 'ctd-*'
defer 'kill_procs_of containerd-shim containerd-shim-runc-v2'

start_containerd

# run_ ID ARGS...: ctr run with the systemd driver, the container's scope ctd-ID.scope.
run_() {
	_id=$1
	shift
	ctr_ run --runc-binary "$LIEVE" --runc-systemd-cgroup --cgroup "$slice:ctd:$_id" \
		--fifo-dir "$d/fifo" "$@"
}
# Inside the container: its cgroup and files of it, through a cgroup mount (ctr's spec has none
# and no cgroup namespace). runc mounts the whole hierarchy there, lieve the container's own
# cgroup (see engines-containerd.sh): either is read.
cgmount=type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev
show='cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "$cg"
if [ -e /sys/fs/cgroup/cgroup.procs ] && [ -e /sys/fs/cgroup/memory.max ]; then
	echo "view: own cgroup" >&2; cd /sys/fs/cgroup
else
	echo "view: whole hierarchy" >&2; cd "/sys/fs/cgroup$cg"
fi && cat "$@" && exit 3'
keep_cgroup2_options

# --- run --rm --------------------------------------------------------------------------------
step "ctr run --rm --runc-systemd-cgroup --memory-limit 67108864 (exit 3)"
st=0
out=$(run_ c1 --rm --memory-limit 67108864 --mount "$cgmount" "$IMAGE" c1 sh -c "$show" sh \
	memory.max 2>"$TMPDIR/c1.err") || st=$?
cat "$TMPDIR/c1.err"
assert_eq "$slice_cg/ctd-c1.scope
67108864" "$out" "c1's cgroup and memory.max read inside"
assert_eq 3 "$st" "ctr run --rm exit status"
assert_eq "" "$(ctd_units)" "ctd units after ctr run --rm"
[ ! -e "$CGROUP_ROOT$slice_cg/ctd-c1.scope" ] || fail "cgroup of ctd-c1.scope left after ctr run --rm"
assert_empty_dir "/run/containerd/runc/$ns" "runtime state after ctr run --rm"

# --- run -d: the scope, exec, kill, delete ----------------------------------------------------
step "ctr run -d --runc-systemd-cgroup --memory-limit 33554432"
out=$(run_ c2 -d --memory-limit 33554432 "$IMAGE" c2 sleep 1000 2>&1) ||
	{ on_fail_log; fail "ctr run -d c2: $out"; }
c2_gone=0
defer '[ $c2_gone = 1 ] || { ctr_ task delete -f c2; ctr_ containers rm c2; } >/dev/null 2>&1'
task_status() { ctr_ task ls | awk -v c="$1" '$1 == c { print $3 }'; }
# `run -d` returns once the task started: one `task ls` for its status and pid.
set -- $(ctr_ task ls | awk '$1 == "c2" { print $2, $3 }')
pid=${1:-} status=${2:-}
assert_eq RUNNING "$status" "c2's status after ctr run -d"
unit=ctd-c2.scope
cg=$CGROUP_ROOT$slice_cg/$unit
assert_eq "CPUWeight=39
ControlGroup=$slice_cg/$unit
Delegate=yes
MemoryMax=33554432
Slice=$slice" "$(unit_props $unit CPUWeight ControlGroup Delegate MemoryMax Slice)" "$unit properties"
assert_file_eq "$cg/memory.max" 33554432
assert_file_eq "$cg/cpu.weight" 39
assert_eq "$slice_cg/$unit" "$(cgroup_of "$pid")" "c2's init's cgroup"

step "ctr task exec"
out=$(ctr_ task exec --exec-id e1 c2 cat /proc/self/cgroup 2>&1) || fail "ctr task exec: $out"
assert_eq "0::$slice_cg/$unit" "$out" "the exec'd process's cgroup"

step "ctr task kill, task delete, containers rm"
ctr_ task kill -s KILL c2
# Reaped by the shim first (cheap to watch), then the task is STOPPED.
wait_for 20 test ! -e "/proc/$pid"
wait_for 20 test "$(task_status c2)" = STOPPED
# (ctr warns about the exit status 137)
out=$(ctr_ task delete c2 2>&1) || fail "ctr task delete c2: $out"
ctr_ containers rm c2
c2_gone=1
assert_eq "" "$(ctd_units)" "ctd units after ctr task delete"
[ ! -e "$cg" ] || fail "cgroup of $unit left after ctr task delete"
assert_empty_dir "/run/containerd/runc/$ns" "runtime state after ctr task delete"

# --- nothing left --------------------------------------------------------------------------
stop_containerd
left=$(find "$CGROUP_ROOT$slice_cg" -mindepth 1 -type d 2>/dev/null || true)
[ -z "$left" ] || fail "cgroups left under $slice_cg: $left"
left=$(mounts_under "$d")
[ -z "$left" ] || fail "mounts left: $left"
step done
pass
