#!/bin/sh
# A cgroupsPath in a nested slice, "lieve-a-b.slice:p:n12": systemd's slice naming puts the scope
# p-n12.scope at /lieve.slice/lieve-a.slice/lieve-a-b.slice/p-n12.scope. The slices stay active
# after delete (neither runc nor systemd stops them), the scope does not.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=p-n12.scope
cg=/lieve.slice/lieve-a.slice/lieve-a-b.slice/$unit
forget_cgroup "$CGROUP_ROOT$cg"
defer "systemctl stop lieve.slice >/dev/null 2>&1"
make_bundle b --cgroups-path lieve-a-b.slice:p:n12 -- sleep 1000
sd_start n12 b
assert_active_scope $unit lieve-a-b.slice "$cg" "$(init_pid n12)"
assert_props lieve-a-b.slice ActiveState=active Slice=lieve-a.slice
assert_props lieve-a.slice Slice=lieve.slice
lvs delete --force n12
assert_gone $unit "$CGROUP_ROOT$cg" n12
pass
