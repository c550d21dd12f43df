#!/bin/sh
# Annotations org.systemd.property.NAME = "GVARIANT-TEXT" become properties of the transient
# scope, as runc does: TimeoutStopUSec "uint64 123456789" -> 2min 3.456789s; a NAME ending in
# Sec (after a lower-case letter) is given in seconds and converted to NAMEUSec (runc's rule):
# RuntimeMaxSec "uint64 3600" -> RuntimeMaxUSec 1h. Other annotations are no concern of the
# driver. The cgroupsPath ":lieve-test:p16" has an empty slice part: system.slice.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-p16.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path :lieve-test:p16 -- sleep 1000
bundle_add b annotations '{"org.systemd.property.TimeoutStopUSec": "uint64 123456789",
	"org.systemd.property.RuntimeMaxSec": "uint64 3600",
	"org.example.other": "ignored"}'
sd_start p16 b
assert_active_scope $unit system.slice /system.slice/$unit "$(init_pid p16)"
assert_props $unit "TimeoutStopUSec=2min 3.456789s" RuntimeMaxUSec=1h
lvs delete --force p16
assert_gone $unit "$cg" p16
pass
