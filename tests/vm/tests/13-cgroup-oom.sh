#!/bin/sh
# A process going over memory.max is OOM-killed inside the container's cgroup (memory.events
# oom_kill), the container's init survives, and `events` reports {"type":"oom"}.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

name=lieve-vm-13
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"
# No swap (swap == limit), so going over the limit can only end in the OOM killer.
make_bundle bundle --cgroups-path "/$name" \
	--resources '{"memory": {"limit": 33554432, "swap": 33554432}}' -- \
	sh -c 'echo ready; while [ ! -e /tmp/go ]; do usleep 50000; done; dd if=/dev/zero of=/dev/null bs=64M count=1; echo "dd exited $?"; sleep 1000'
start_detached c13 bundle
wait_for 10 grep -q ready "$TMPDIR/c13.log"
pid=$(init_pid c13)

lv events c13 >events.out 2>&1 &
events_pid=$!
defer "kill $events_pid 2>/dev/null"
usleep 500000

touch "/proc/$pid/root/tmp/go"
wait_for 20 grep -q "dd exited" "$TMPDIR/c13.log"
assert_contains "$(cat "$TMPDIR/c13.log")" "dd exited 137" "dd killed by SIGKILL"
oom_kill=$(sed -n 's/^oom_kill //p' "$cg/memory.events")
[ "$oom_kill" -ge 1 ] || fail "memory.events: $(cat "$cg/memory.events")"
kill -0 "$pid" || fail "the container's init died too"
oom_event() { grep -q '"type":"oom"' events.out; }
wait_for 10 oom_event
assert_contains "$(cat events.out)" '"id":"c13"'

lv delete --force c13
[ ! -d "$cg" ] || fail "$cg still exists after delete --force"
pass
