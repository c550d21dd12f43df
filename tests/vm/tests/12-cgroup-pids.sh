#!/bin/sh
# pids.limit is enforced: forks beyond it fail with EAGAIN ("can't fork" from busybox sh, which
# then exits: a child shell does the forking, the container's init lives on),
# pids.current never passes pids.max, and pids.events counts the refusals.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

name=lieve-vm-12
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"
make_bundle bundle --cgroups-path "/$name" --resources '{"pids": {"limit": 5}}' -- \
	sh -c 'sh -c "i=0; while [ \$i -lt 10 ]; do sleep 1000 & i=\$((i + 1)); done"; echo forked; sleep 1000'
start_detached c12 bundle
wait_for 10 grep -q forked "$TMPDIR/c12.log"

assert_file_eq "$cg/pids.max" 5
[ "$(cat "$cg/pids.current")" -le 5 ] || fail "pids.current $(cat "$cg/pids.current") > 5"
assert_contains "$(cat "$TMPDIR/c12.log")" "can't fork"
max_events=$(sed -n 's/^max //p' "$cg/pids.events")
[ "$max_events" -gt 0 ] || fail "pids.events: $(cat "$cg/pids.events")"

lv delete --force c12
[ ! -d "$cg" ] || fail "$cg still exists after delete --force"
pass
