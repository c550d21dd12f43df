#!/bin/sh
# Podman 4.3 (`podman --runtime RUNTIME`, conmon, cgroupfs manager) on pure cgroup v2, the
# resource limits the v1-hybrid development host cannot test:
# - `run --memory 64m --pids-limit 50 --cpus 0.5`: memory.max, pids.max, cpu.max read inside
#   the container (Podman gives it a cgroup namespace: /sys/fs/cgroup is its own cgroup);
# - `run -d --memory 64m`, `update --memory 128m --cpus 1` (the runtime's `update`), `stats`;
# - the container's cgroup <parent>/libpod-<id> is gone after `rm`, the runtime's default state
#   directory (/run/<runtime>: Podman passes no --root) is empty, no conmon is left, no mount.
# Podman's storage, configuration and run directories are private to the test (CONTAINERS_*
# variables), the image comes from `podman load` of the host-made archive.
# Run with tests/engines/vm/run.sh; passes with lieve and with runc (`--lieve /usr/sbin/runc`).
. /lieve/lib.sh
. /lieve/bin/engines.lib
need podman conmon

d=$TMPDIR/podman
parent=lieve-vm-podman
mkdir -p "$d/tmp"
podman_config cgroupfs

# Outside $d: the runtime's default state directory, containers/image's blob-info cache
# (/var/lib/containers/cache whatever storage.conf says), and the cgroups: ours (the
# --cgroup-parent, conmon goes to <parent>/conmon) and podman_probe, which Podman makes in
# the root to see the available controllers. Last deferred runs first.
own_path "/run/$RT_NAME" /var/lib/containers /run/containers /run/libpod
own_cgroup "$parent" podman_probe
defer "umount_under '$d'"
defer 'kill_procs_of conmon'
state_dir=/run/$RT_NAME
podman_load

# --- run --rm with limits, read inside ------------------------------------------------------
step "podman run --rm --memory 64m --pids-limit 50 --cpus 0.5"
out=$(pm run --rm --cgroup-parent "/$parent" --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE" \
	cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max \
	/sys/fs/cgroup/cpu.max 2>&1) || fail "podman run: $out"
assert_eq "0::/
67108864
50
50000 100000" "$out" "cgroup, memory.max, pids.max, cpu.max read inside"
assert_eq conmon "$(ls "$CGROUP_ROOT/$parent" | grep -v '\.' | tr '\n' ' ' | sed 's/ $//')" \
	"cgroups under /$parent after run --rm (the container's must be gone)"
assert_empty_dir "$state_dir" "runtime state after podman run --rm"

# --- run -d, update, stats, rm -------------------------------------------------------------
step "podman run -d --memory 64m"
id=$(pm run -d --cgroup-parent "/$parent" --memory 64m "$IMAGE" sleep 1000 2>&1) ||
	fail "podman run -d: $id"
p2_gone=0
defer '[ $p2_gone = 1 ] || pm rm -f -t 0 "$id" >/dev/null 2>&1'
cg=$CGROUP_ROOT/$parent/libpod-$id
[ -d "$cg" ] || fail "no cgroup /$parent/libpod-$id: $(ls "$CGROUP_ROOT/$parent")"
assert_file_eq "$cg/memory.max" 67108864
assert_file_eq "$cg/cpu.max" "max 100000"

step "podman update --memory 128m --cpus 1"
out=$(pm update --memory 128m --cpus 1 "$id" 2>&1) || fail "podman update: $out"
assert_file_eq "$cg/memory.max" 134217728
assert_file_eq "$cg/cpu.max" "100000 100000"

step "podman stats --no-stream"
out=$(pm stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}' "$id" 2>&1) ||
	fail "podman stats: $out"
# Podman reads the usage and the process count from the container's cgroup (the limit it
# shows is its own config's: Podman 4.3's update does not record the new one).
echo "$out" | grep -Eq '^[1-9][0-9.]*[kMG]?B / [0-9.]+[kMG]?B\|1$' ||
	fail "podman stats: expected 'USAGE / LIMIT|1', got: $out"

step "podman rm -f"
pm rm -f -t 0 "$id" >/dev/null
p2_gone=1
[ ! -e "$cg" ] || fail "cgroup /$parent/libpod-$id left after podman rm -f"
assert_empty_dir "$state_dir" "runtime state after podman rm -f"

# --- nothing left --------------------------------------------------------------------------
# conmon runs Podman's exit command (`podman container cleanup`) after the container ended,
# while `rm` may have returned already: give them time to end.
no_procs() { [ -z "$(procs_of conmon podman "$RT_NAME")" ]; }
_i=0
until no_procs; do
	_i=$((_i + 1))
	[ $_i -lt 300 ] || fail "processes left 30 s after podman rm: $(procs_of conmon podman "$RT_NAME")"
	usleep 100000
done
step "conmon and its exit command gone"
step done
pass
