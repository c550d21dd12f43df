#!/bin/sh
# blockIO.weight under --systemd-cgroup is also the scope's IOWeight property, so io.weight keeps
# it across `systemctl daemon-reload` (which re-applies every unit's properties to its cgroup:
# without the property it goes back to systemd's "default 100"). Here lieve does more than runc
# 1.1, which writes only the file: the test is skipped for runc.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

[ "${LIEVE##*/}" = runc ] && skip "runc 1.1 does not mirror blockIO.weight as IOWeight"
unit=lieve-test-i18.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path system.slice:lieve-test:i18 --resources '{"blockIO": {"weight": 500}}' -- sleep 1000
sd_start i18 b
assert_active_scope $unit system.slice /system.slice/$unit "$(init_pid i18)"
[ -e "$cg/io.weight" ] || skip "no io.weight in this kernel (CONFIG_BLK_CGROUP_IOCOST)"
# runc's conversion: 10..1000 → 1..10000, 500 → 4950
assert_file_eq "$cg/io.weight" "default 4950"
assert_props $unit IOWeight=4950
systemctl daemon-reload
assert_file_eq "$cg/io.weight" "default 4950"
lvs delete --force i18
assert_gone $unit "$cg" i18
pass
