#!/bin/sh
# Where the container cgroup goes, as runc places it: no cgroupsPath → /<id> below the parent of
# the runtime's own cgroup (here the root); a relative path below that same parent; an
# absolute one as given. --systemd-cgroup without systemd fails and leaves nothing behind.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

[ "$(cgroup_of $$)" = / ] || skip "the test must run in the root cgroup"

# no cgroupsPath
forget_cgroup "$CGROUP_ROOT/c15a"
make_bundle a -- sleep 1000
start_detached c15a a
assert_eq /c15a "$(cgroup_of "$(init_pid c15a)")" "cgroup without cgroupsPath"
lv delete --force c15a
[ ! -d "$CGROUP_ROOT/c15a" ] || fail "/c15a still exists after delete"

# relative
forget_cgroup "$CGROUP_ROOT/lieve-vm-15"
forget_cgroup "$CGROUP_ROOT/lieve-vm-15/c15b"
make_bundle b --cgroups-path lieve-vm-15/c15b -- sleep 1000
start_detached c15b b
assert_eq /lieve-vm-15/c15b "$(cgroup_of "$(init_pid c15b)")" "cgroup of a relative cgroupsPath"
lv delete --force c15b
[ ! -d "$CGROUP_ROOT/lieve-vm-15/c15b" ] || fail "c15b still exists after delete"

# systemd driver, no systemd
if [ ! -d /run/systemd/system ]; then
	make_bundle c --cgroups-path system.slice:lieve:c15c -- sleep 1000
	st=0
	$LIEVE --root "$STATE" --systemd-cgroup run -d --bundle c c15c >c.log 2>&1 </dev/null || st=$?
	case "$(cat c.log)" in *"not implemented yet"*) skip "$LIEVE run: $(cat c.log)" ;; esac
	[ $st != 0 ] || { lv delete --force c15c; fail "--systemd-cgroup run succeeded without systemd"; }
	case ${LIEVE##*/} in
	lieve*) assert_contains "$(cat c.log)" "systemd cgroup driver: systemd is not running" ;;
	esac
	[ -z "$(find $CGROUP_ROOT -name '*c15c*')" ] || fail "a cgroup was left: $(find $CGROUP_ROOT -name '*c15c*')"
fi
pass
