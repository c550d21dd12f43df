#!/bin/sh
# containerd 1.6 (`ctr run --runc-binary RUNTIME`, io.containerd.runc.v2 shim) on pure cgroup v2,
# the resource limits the v1-hybrid development host cannot test:
# - `--memory-limit N`: the container's cgroup has memory.max = N, and ctr's default
#   cpu.shares = 1024 is honoured (cpu.weight 39, runc's conversion; on the hybrid host lieve
#   refuses it and the host suite passes --cpu-shares 0);
# - `--cpu-shares 512 --cpus 0.5`: cpu.weight 20, cpu.max "50000 100000"; `ctr task metrics`
#   reads the cgroup (the shim's v2 metrics show the memory limit);
# - the container's cgroup is /<namespace>/<id> (containerd's cgroupsPath, no cgroup namespace
#   with ctr) and is gone once the task is deleted; nothing is left in the runtime's state
#   directory (/run/containerd/runc/<namespace>), no shim or containerd process, no mount.
# Run with tests/engines/vm/run.sh; passes with lieve and with runc (`--lieve /usr/sbin/runc`).
. /lieve/lib.sh
. /lieve/bin/engines.lib
need containerd ctr containerd-shim-runc-v2

d=$TMPDIR/containerd
ns=lieve-vm-ctd
mkdir -p "$d/fifo"

# The shim passes --root /run/containerd/runc/<ns> to the runtime; containers' cgroups go
# under /<ns>. Last deferred runs first: containerd stops, then mounts, cgroups, paths go.
own_path /run/containerd
own_cgroup "$ns"
defer "umount_under '$d'"
defer 'kill_procs_of containerd-shim containerd-shim-runc-v2'

start_containerd

run_() { ctr_ run --runc-binary "$LIEVE" --fifo-dir "$d/fifo" "$@"; }
# Inside the container: its cgroup (from /proc/self/cgroup) and files of it. ctr's default spec
# has no cgroup namespace and mounts no cgroupfs (CRI adds one): --mount asks for it. Without a
# cgroup namespace runc mounts a fresh cgroup2 (the whole hierarchy: the files are under
# /sys/fs/cgroup/<ns>/<id>), lieve (and crun) bind-mount the container's own cgroup (the files
# are at /sys/fs/cgroup): either is read here.
cgmount=type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev
show='cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "$cg"
if [ -e /sys/fs/cgroup/cgroup.procs ] && [ -e /sys/fs/cgroup/memory.max ]; then
	echo "view: own cgroup" >&2; cd /sys/fs/cgroup
else
	echo "view: whole hierarchy" >&2; cd "/sys/fs/cgroup$cg"
fi && cat "$@"'

keep_cgroup2_options

# --- --memory-limit, default cpu.shares ------------------------------------------------------
step "ctr run --rm --memory-limit 67108864 --mount type=cgroup,... (default --cpu-shares 1024)"
out=$(run_ --rm --memory-limit 67108864 --mount "$cgmount" "$IMAGE" c1 sh -c "$show" sh \
	memory.max cpu.weight cpu.max 2>"$TMPDIR/c1.err") ||
	{ on_fail_log; fail "ctr run c1: $out $(cat "$TMPDIR/c1.err")"; }
cat "$TMPDIR/c1.err"
assert_eq "/$ns/c1
67108864
39
max 100000" "$out" "c1's cgroup path, memory.max, cpu.weight, cpu.max read inside"
[ ! -e "$CGROUP_ROOT/$ns/c1" ] || fail "cgroup /$ns/c1 left after ctr run --rm"
assert_empty_dir "/run/containerd/runc/$ns" "runtime state after ctr run --rm"

# --- --cpu-shares, --cpus; metrics; kill and delete ------------------------------------------
step "ctr run -d --cpu-shares 512 --cpus 0.5 --memory-limit 33554432"
out=$(run_ -d --cpu-shares 512 --cpus 0.5 --memory-limit 33554432 "$IMAGE" c2 sleep 1000 2>&1) ||
	{ on_fail_log; fail "ctr run -d c2: $out"; }
c2_gone=0
defer '[ $c2_gone = 1 ] || { ctr_ task delete -f c2; ctr_ containers rm c2; } >/dev/null 2>&1'
task_status() { ctr_ task ls | awk -v c="$1" '$1 == c { print $3 }'; }
wait_for 20 test "$(task_status c2)" = RUNNING
assert_file_eq "$CGROUP_ROOT/$ns/c2/cpu.weight" 20
assert_file_eq "$CGROUP_ROOT/$ns/c2/cpu.max" "50000 100000"
assert_file_eq "$CGROUP_ROOT/$ns/c2/memory.max" 33554432
pid=$(ctr_ task ls | awk '$1 == "c2" { print $2 }')
assert_eq "0::/$ns/c2" "$(cat "/proc/$pid/cgroup")" "c2's init's cgroup"

step "ctr task metrics"
out=$(ctr_ task metrics c2 2>&1) || fail "ctr task metrics c2: $out"
# The shim reads the container's cgroup itself (v2 metrics): usage and the limit.
metric() { echo "$out" | awk -v m="$1" '$1 == m { print $2 }'; }
assert_eq 33554432 "$(metric memory.usage_limit)" "ctr task metrics: memory.usage_limit"
assert_eq 1 "$(metric pids.current)" "ctr task metrics: pids.current"
[ -n "$(metric cpu.usage_usec)" ] || fail "ctr task metrics: no cpu.usage_usec in: $out"

step "ctr task delete -f, containers rm"
ctr_ task delete -f c2 >/dev/null
ctr_ containers rm c2
c2_gone=1
[ ! -e "$CGROUP_ROOT/$ns/c2" ] || fail "cgroup /$ns/c2 left after ctr task delete"
assert_empty_dir "/run/containerd/runc/$ns" "runtime state after ctr task delete"

# --- nothing left --------------------------------------------------------------------------
stop_containerd
left=$(ls "$CGROUP_ROOT/$ns" | grep -v '\.' || true)
[ -z "$left" ] || fail "cgroups left under /$ns: $left"
left=$(mounts_under "$d")
[ -z "$left" ] || fail "mounts left: $left"
step done
pass
