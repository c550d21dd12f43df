#!/bin/sh
# The guest itself: pure cgroup v2 at /sys/fs/cgroup with the controllers a runtime uses, and a
# child cgroup whose pids limit the kernel enforces. Needs nothing from lieve.
. /lieve/lib.sh

# CGROUP2_SUPER_MAGIC
assert_eq 63677270 "$(stat -f -c %t /sys/fs/cgroup)" "filesystem magic of /sys/fs/cgroup"
# cgroup_no_v1=all: no v1 hierarchy is mounted, and none can be.
assert_eq "" "$(awk '$3 == "cgroup" { print $2 }' /proc/mounts)" "cgroup v1 mounts"
if mount -t cgroup -o pids none /mnt 2>/dev/null; then
	umount /mnt
	fail "a cgroup v1 pids hierarchy could be mounted"
fi

controllers=" $(cat $CGROUP_ROOT/cgroup.controllers) "
subtree=" $(cat $CGROUP_ROOT/cgroup.subtree_control) "
for c in cpu cpuset io memory pids hugetlb; do
	assert_contains "$controllers" " $c " "cgroup.controllers"
	assert_contains "$subtree" " $c " "root cgroup.subtree_control"
done

cg=$CGROUP_ROOT/lieve-smoke
mkdir "$cg"
defer rmdir "$cg"
assert_contains " $(cat $cg/cgroup.controllers) " " pids " "$cg/cgroup.controllers"

echo 3 >"$cg/pids.max"
assert_file_eq "$cg/pids.max" 3
echo 64M >"$cg/memory.max"
assert_file_eq "$cg/memory.max" 67108864

# A shell joins the cgroup, reports where it is, then forks more than pids.max allows: itself
# plus two children fit, the third fork must fail (and abort the shell).
out=$(sh -c "echo \$\$ >$cg/cgroup.procs
	sed -n 's/^0:://p' /proc/self/cgroup
	sleep 30 >/dev/null 2>&1 & sleep 30 >/dev/null 2>&1 & sleep 30 >/dev/null 2>&1 &
	echo third-fork-ok" 2>&1) || true
assert_contains "$out" "/lieve-smoke" "cgroup of the process"
case "$out" in *third-fork-ok*) fail "fork beyond pids.max succeeded: $out" ;; esac
assert_eq "max 1" "$(cat "$cg/pids.events")" "$cg/pids.events"
assert_file_eq "$cg/pids.current" 2

# cgroup.kill ends the two sleeps left behind; the cgroup empties and can go.
echo 1 >"$cg/cgroup.kill"
wait_for 5 test ! -s "$cg/cgroup.procs"
assert_file_eq "$cg/pids.current" 0
pass
