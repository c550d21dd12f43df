#!/bin/sh
# Podman 4.3 with its systemd cgroup manager (its default on a systemd host) on pure cgroup v2,
# in the tests/vm systemd guest (systemd as PID 1, D-Bus system bus). Podman passes
# --systemd-cgroup to the runtime (through conmon) and cgroupsPath "machine.slice:libpod:<id>":
# the container's cgroup is the transient scope libpod-<id>.scope in machine.slice, conmon's is
# libpod-conmon-<id>.scope.
# - `run --rm`: output and exit status;
# - `run -d --memory 64m --pids-limit 50 --cpus 0.5`: the limits inside the container
#   (/sys/fs/cgroup, its own cgroup) and as the scope's properties (MemoryMax, TasksMax,
#   CPUQuotaPerSecUSec); `exec` runs in the container's cgroup;
# - `update --memory 128m --cpus 1` (the runtime's `update`): the cgroup files and the
#   scope's properties, which systemd writes again at a daemon-reload: the limits survive one;
# - `pause`/`unpause`: cgroup.freeze and Podman's status;
# - `stop`, `rm`: no libpod-*.scope unit left, no cgroup under machine.slice, the runtime's
#   state directory empty, no conmon left.
# Podman's storage, configuration and run directories are private to the test; machine.slice
# is stopped at the end if it was not active before.
# Run with tests/engines/vm/run.sh --systemd; passes with lieve and with runc.
. /lieve/lib.sh
. /lieve/bin/engines.lib
need podman conmon systemctl
[ "$(cat /proc/1/comm)" = systemd ] || skip "systemd is not PID 1 (tests/engines/vm/run.sh --systemd)"

d=$TMPDIR/podman
slice=machine.slice
mkdir -p "$d/tmp"
podman_config systemd

# libpod-* units: the containers' and conmons' scopes, loaded or failed.
libpod_units() { units_like 'libpod-*'; }
[ -z "$(libpod_units)" ] || fail "libpod units exist before the test: $(libpod_units)"
# Last deferred runs first: conmon and Podman's exit command (`podman container cleanup`, which
# mounts the storage again) are killed, the units and machine.slice stopped, then mounts and
# paths go.
own_path "/run/$RT_NAME" /var/lib/containers /run/containers /run/libpod
defer "umount_under '$d'"
own_units "$slice" 'libpod-*'
defer 'kill_procs_of conmon podman'
state_dir=/run/$RT_NAME
podman_load

# --- run --rm: output, exit status ---------------------------------------------------------
step "podman run --rm (exit 3)"
st=0
out=$(pm run --rm "$IMAGE" sh -c 'cat /proc/self/cgroup; echo out; exit 3' 2>&1) || st=$?
assert_eq "0::/
out" "$out" "podman run --rm output (cgroup namespace root, echo)"
assert_eq 3 "$st" "podman run --rm exit status"
assert_empty_dir "$state_dir" "runtime state after podman run --rm"

# --- run -d with limits: inside, the scope's properties, exec ------------------------------
step "podman run -d --memory 64m --pids-limit 50 --cpus 0.5"
id=$(pm run -d --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE" sleep 1000 2>&1) ||
	fail "podman run -d: $id"
c_gone=0
defer '[ $c_gone = 1 ] || pm rm -f -t 0 "$id" >/dev/null 2>&1'
unit=libpod-$id.scope
cg=$CGROUP_ROOT/$slice/$unit
assert_eq active "$(systemctl is-active "$unit" || true)" "$unit"
assert_eq "CPUQuotaPerSecUSec=500ms
ControlGroup=/$slice/$unit
Delegate=yes
MemoryMax=67108864
Slice=$slice
TasksMax=50" "$(unit_props "$unit" CPUQuotaPerSecUSec ControlGroup Delegate MemoryMax Slice TasksMax)" \
	"$unit properties"
pids=$(cat "$cg/cgroup.procs")
assert_eq sleep "$(for p in $pids; do cat "/proc/$p/comm"; done)" "the processes in $unit"

step "podman exec"
out=$(pm exec "$id" sh -c 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max \
	/sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max' 2>&1) ||
	fail "podman exec: $out"
# The exec'd process is in the container's cgroup: the root of its cgroup namespace.
assert_eq "0::/
67108864
50
50000 100000" "$out" "cgroup, memory.max, pids.max, cpu.max read by exec"

step "podman update --memory 128m --cpus 1"
out=$(pm update --memory 128m --cpus 1 "$id" 2>&1) || fail "podman update: $out"
assert_file_eq "$cg/memory.max" 134217728
assert_file_eq "$cg/cpu.max" "100000 100000"
assert_file_eq "$cg/pids.max" 50
assert_eq "CPUQuotaPerSecUSec=1s
MemoryMax=134217728
TasksMax=50" "$(unit_props "$unit" CPUQuotaPerSecUSec MemoryMax TasksMax)" "$unit properties after update"

# systemd writes a unit's own properties to its cgroup again at a reload: the limits survive
# only if the runtime mirrored them as properties, at create and at update.
step "systemctl daemon-reload"
systemctl daemon-reload
assert_file_eq "$cg/memory.max" 134217728
assert_file_eq "$cg/cpu.max" "100000 100000"
assert_file_eq "$cg/pids.max" 50

step "podman pause, unpause"
pm pause "$id" >/dev/null
assert_file_eq "$cg/cgroup.freeze" 1
wait_for 10 grep -qx 'frozen 1' "$cg/cgroup.events"
pm unpause "$id" >/dev/null
assert_file_eq "$cg/cgroup.freeze" 0
grep -qx 'frozen 0' "$cg/cgroup.events" || fail "$unit still frozen after unpause"

step "podman stop"
# (sleep, PID 1, ignores SIGTERM: Podman warns that it resorts to SIGKILL)
out=$(pm stop -t 1 "$id" 2>&1) || fail "podman stop: $out"
# The scope ends with its last process (the runtime's `delete` comes with `rm`).
wait_for 10 test ! -e "$cg"
assert_eq inactive "$(systemctl is-active "$unit" || true)" "$unit after podman stop"

step "podman rm"
pm rm "$id" >/dev/null
c_gone=1
assert_empty_dir "$state_dir" "runtime state after podman rm"

# --- nothing left --------------------------------------------------------------------------
# conmon runs Podman's exit command (`podman container cleanup`) after the container ended:
# give them time to end, and their scope with them.
_i=0
until [ -z "$(procs_of conmon podman "$RT_NAME")" ] && [ -z "$(libpod_units)" ]; do
	_i=$((_i + 1))
	[ $_i -lt 300 ] || fail "left 30 s after podman rm: processes: $(procs_of conmon podman "$RT_NAME"); units: $(libpod_units)"
	usleep 100000
done
left=$(find "$CGROUP_ROOT/$slice" -mindepth 1 -type d 2>/dev/null || true)
[ -z "$left" ] || fail "cgroups left under /$slice: $left"
step done
pass
