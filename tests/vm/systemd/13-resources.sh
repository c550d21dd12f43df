#!/bin/sh
# linux.resources under --systemd-cgroup land both in the scope's cgroup files and in its unit
# properties, so that systemd keeps them: after `systemctl daemon-reload` (which re-applies every
# unit's properties to its cgroup) the files still carry them. `update` changes file and property.
# runc's conversions: cpu.shares 1024 -> CPUWeight 39; quota/period 50000/100000 ->
# CPUQuotaPerSecUSec 500ms (rounded up to 10 ms steps) and CPUQuotaPeriodUSec 100ms.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-r13.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path system.slice:lieve-test:r13 --resources '{
	"memory": {"limit": 134217728, "reservation": 67108864},
	"pids": {"limit": 42},
	"cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0"}
}' -- sleep 1000
sd_start r13 b
assert_active_scope $unit system.slice /system.slice/$unit "$(init_pid r13)"

files() {
	assert_file_eq "$cg/memory.max" "$1"
	assert_file_eq "$cg/memory.low" 67108864
	assert_file_eq "$cg/pids.max" "$2"
	assert_file_eq "$cg/cpu.weight" 39
	assert_file_eq "$cg/cpu.max" "50000 100000"
	assert_file_eq "$cg/cpuset.cpus" 0
}
props() {
	assert_props $unit "MemoryMax=$1" MemoryLow=67108864 "TasksMax=$2" CPUWeight=39 \
		CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms AllowedCPUs=0
}
files 134217728 42
props 134217728 42

systemctl daemon-reload
files 134217728 42
props 134217728 42

lvs update --memory 268435456 --pids-limit 84 r13
files 268435456 84
props 268435456 84
systemctl daemon-reload
files 268435456 84

lvs delete --force r13
assert_gone $unit "$cg" r13
pass
