#!/bin/sh
# Without --systemd-cgroup containers still work in the systemd guest (the runtime's own
# cgroupfs driver, beside systemd's tree): an absolute cgroupsPath is taken as is, none puts the
# container next to the runtime's own cgroup (/system.slice/<id>, as runc does), with the
# resources written; delete removes both.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

assert_eq /system.slice/lieve-vm-runner.service "$(cgroup_of $$)" "cgroup of the test"

forget_cgroup "$CGROUP_ROOT/lieve-vm-20"
make_bundle a --cgroups-path /lieve-vm-20 --resources '{"pids": {"limit": 42}}' -- sleep 1000
start_detached c20a a
assert_eq /lieve-vm-20 "$(cgroup_of "$(init_pid c20a)")" "cgroup with cgroupsPath /lieve-vm-20"
assert_file_eq "$CGROUP_ROOT/lieve-vm-20/pids.max" 42
lv delete --force c20a
[ ! -d "$CGROUP_ROOT/lieve-vm-20" ] || fail "/lieve-vm-20 still exists after delete"

forget_cgroup "$CGROUP_ROOT/system.slice/c20b"
make_bundle b --resources '{"memory": {"limit": 134217728}}' -- sleep 1000
start_detached c20b b
assert_eq /system.slice/c20b "$(cgroup_of "$(init_pid c20b)")" "cgroup without cgroupsPath"
assert_file_eq "$CGROUP_ROOT/system.slice/c20b/memory.max" 134217728
lv pause c20b
assert_file_eq "$CGROUP_ROOT/system.slice/c20b/cgroup.freeze" 1
lv delete --force c20b
[ ! -d "$CGROUP_ROOT/system.slice/c20b" ] || fail "/system.slice/c20b still exists after delete"
pass
