#!/bin/sh
# pause/resume: the container's cgroup is frozen (cgroup.freeze 1, "frozen 1" in cgroup.events,
# state "paused") and a counting process stops counting; resume thaws it and counting goes on.
# delete --force of a paused container leaves no cgroup.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

name=lieve-vm-11
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"
make_bundle bundle --cgroups-path "/$name" -- \
	sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/count.new; mv /tmp/count.new /tmp/count; done'
start_detached c11 bundle
pid=$(init_pid c11)
[ -n "$pid" ] || fail "no pid in state"
count=/proc/$pid/root/tmp/count
wait_for 10 test -s "$count"

lv pause c11
assert_file_eq "$cg/cgroup.freeze" 1
assert_contains "$(cat "$cg/cgroup.events")" "frozen 1"
assert_eq paused "$(status_of c11)" "status after pause"
a=$(cat "$count")
usleep 500000
assert_eq "$a" "$(cat "$count")" "count while paused"

lv resume c11
assert_file_eq "$cg/cgroup.freeze" 0
assert_contains "$(cat "$cg/cgroup.events")" "frozen 0"
assert_eq running "$(status_of c11)" "status after resume"
counting() { [ "$(cat "$count" 2>/dev/null)" != "$a" ]; }
wait_for 5 counting

# A paused container can still be force-deleted, cgroup and all.
lv pause c11
lv delete --force c11
[ ! -d "$cg" ] || fail "$cg still exists after delete --force"
pass
