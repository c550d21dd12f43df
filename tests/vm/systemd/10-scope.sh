#!/bin/sh
# --systemd-cgroup with linux.cgroupsPath "system.slice:lieve-test:s10": create makes the
# transient scope lieve-test-s10.scope in system.slice (Delegate=yes) holding the container's
# init; start, exec (landing in the same scope), ps, pause/resume (cgroup.freeze), kill --all;
# once the processes are gone systemd drops the scope, and delete still succeeds, leaving no
# unit, cgroup or state.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-s10.scope
cg=/system.slice/$unit
forget_cgroup "$CGROUP_ROOT$cg"
make_bundle b --cgroups-path system.slice:lieve-test:s10 -- sleep 1000

st=0
lvs create --bundle b s10 >create.log 2>&1 </dev/null || st=$?
[ $st = 0 ] || fail "--systemd-cgroup create exited $st: $(cat create.log)"
defer "lvs delete --force s10 >/dev/null 2>&1"
pid=$(init_pid s10)
[ -n "$pid" ] || fail "no pid in state"
assert_eq created "$(status_of s10)" "status after create"
# The scope exists from create on, holding the container's init.
assert_active_scope $unit system.slice $cg "$pid"

lvs start s10
assert_eq running "$(status_of s10)" "status after start"
assert_active_scope $unit system.slice $cg "$pid"

# exec'd processes join the scope: seen from inside (the cgroup namespace root) and outside.
assert_eq "0::/" "$(lvs exec s10 cat /proc/self/cgroup)" "cgroup of an exec'd process, inside"
lvs exec -d s10 sleep 1001
procs_are() { [ "$(wc -l <"$CGROUP_ROOT$cg/cgroup.procs")" = "$1" ]; }
wait_for 5 procs_are 2
for p in $(cat "$CGROUP_ROOT$cg/cgroup.procs"); do
	assert_eq "$cg" "$(cgroup_of "$p")" "cgroup of pid $p"
done

# ps lists exactly the scope's processes.
assert_eq "$(sorted_pids <"$CGROUP_ROOT$cg/cgroup.procs")" \
	"$(lvs ps --format json s10 | sorted_pids)" "ps --format json vs cgroup.procs"

# pause/resume freeze the scope's cgroup.
lvs pause s10
assert_file_eq "$CGROUP_ROOT$cg/cgroup.freeze" 1
assert_contains "$(cat "$CGROUP_ROOT$cg/cgroup.events")" "frozen 1"
assert_eq paused "$(status_of s10)" "status after pause"
assert_props $unit ActiveState=active
lvs resume s10
assert_file_eq "$CGROUP_ROOT$cg/cgroup.freeze" 0
assert_eq running "$(status_of s10)" "status after resume"

# kill --all: every process dies; the empty scope is stopped and collected by systemd.
lvs kill --all s10 KILL
wait_for 10 is_status s10 stopped
wait_for 10 unit_gone $unit
lvs delete s10
assert_gone $unit "$CGROUP_ROOT$cg" s10
pass
