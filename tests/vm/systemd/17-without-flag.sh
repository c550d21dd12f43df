#!/bin/sh
# A container created with --systemd-cgroup is driven through systemd afterwards even when a
# later command lacks the flag (runc 1.1 takes the driver from the container's state): update
# without it sets the unit property as well as the file, delete --force without it stops the
# scope.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-w17.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path system.slice:lieve-test:w17 --resources '{"pids": {"limit": 42}}' -- sleep 1000
sd_start w17 b
assert_active_scope $unit system.slice /system.slice/$unit "$(init_pid w17)"

lv update --pids-limit 50 w17
assert_file_eq "$cg/pids.max" 50
assert_props $unit TasksMax=50

lv delete --force w17
assert_gone $unit "$cg" w17
pass
