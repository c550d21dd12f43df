#!/bin/sh
# `$LIEVE run` on a busybox bundle with a cgroupsPath and resources: the container's process is
# in that cgroup with the limits set, sees it as its cgroup namespace root, and the cgroup is
# gone once run returns. Skipped while lieve's run says "not implemented yet".
. /lieve/lib.sh

name=lieve-vm-01
cg=$CGROUP_ROOT/$name
make_bundle bundle --cgroups-path "/$name" \
	--resources '{"pids": {"limit": 42}, "memory": {"limit": 134217728}}' \
	-- sh -c 'sed -n "s/^0:://p" /proc/self/cgroup; cat /sys/fs/cgroup/pids.max; echo running; sleep 60'
defer "[ -d $cg ] && { echo 1 >$cg/cgroup.kill; sleep 0.5; rmdir $cg; }"

$LIEVE --root "$TMPDIR/state" run --bundle bundle ctr-01 >out 2>&1 &
run_pid=$!
defer "kill -KILL $run_pid 2>/dev/null"

# Wait for the container (or for run to give up).
i=0
while ! grep -q running out 2>/dev/null && kill -0 $run_pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "container did not start in 15s: $(cat out)"
	usleep 100000
done
if ! grep -q running out; then
	st=0
	wait $run_pid || st=$?
	case "$(cat out)" in *"not implemented yet"*) skip "$LIEVE run: $(cat out)" ;; esac
	fail "$LIEVE run exited $st before the container ran: $(cat out)"
fi

# Seen from the host: the limits, and the container's process in the cgroup.
assert_file_eq "$cg/pids.max" 42
assert_file_eq "$cg/memory.max" 134217728
pid=$(head -n1 "$cg/cgroup.procs")
[ -n "$pid" ] || fail "$cg/cgroup.procs is empty"
assert_eq "/$name" "$(cgroup_of "$pid")" "cgroup of the container process"
# Seen from inside: its cgroup namespace root, with the same limit.
assert_eq "/
42
running" "$(cat out)" "container output"

kill -KILL "$pid"
st=0
wait $run_pid || st=$?
assert_eq 137 "$st" "exit status of run after SIGKILL to the container"
[ ! -d "$cg" ] || fail "$cg still exists after run returned"
pass
