#!/bin/sh
# linux.resources under --systemd-cgroup land both in the scope's cgroup files and in its unit
# properties, so that systemd keeps them: after `systemctl daemon-reload` (which re-applies every
# unit's properties to its cgroup) the files still carry them. `update` changes file and property.
# runc's conversions: cpu.shares 1024 -> CPUWeight 39; quota/period 50000/100000 ->
# CPUQuotaPerSecUSec 500ms (rounded up to 10 ms steps) and CPUQuotaPeriodUSec 100ms; memory.swap
# (memory + swap) 256M with limit 128M -> memory.swap.max and MemorySwapMax 128M.
# events --stats reads the scope's cgroup.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-r13.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path system.slice:lieve-test:r13 --resources '{
	"memory": {"limit": 134217728, "reservation": 67108864, "swap": 268435456},
	"pids": {"limit": 42},
	"cpu": {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0"}
}' -- sleep 1000
sd_start r13 b
assert_active_scope $unit system.slice /system.slice/$unit "$(init_pid r13)"

# files MEMORY PIDS QUOTA: the cgroup files; props MEMORY PIDS QUOTA-PER-SEC: the properties.
files() {
	assert_file_eq "$cg/memory.max" "$1"
	assert_file_eq "$cg/memory.low" 67108864
	assert_file_eq "$cg/memory.swap.max" 134217728
	assert_file_eq "$cg/pids.max" "$2"
	assert_file_eq "$cg/cpu.weight" 39
	assert_file_eq "$cg/cpu.max" "$3 100000"
	assert_file_eq "$cg/cpuset.cpus" 0
}
props() {
	assert_props $unit "MemoryMax=$1" MemoryLow=67108864 MemorySwapMax=134217728 "TasksMax=$2" \
		CPUWeight=39 "CPUQuotaPerSecUSec=$3" CPUQuotaPeriodUSec=100ms AllowedCPUs=0
}
files 134217728 42 50000
props 134217728 42 500ms
ev=$(lvs events --stats r13 | tr -d ' \t\n')
assert_contains "$ev" '"pids":{"current":1,"limit":42}' "events --stats"

systemctl daemon-reload
files 134217728 42 50000
props 134217728 42 500ms

# memory.swap.max stays 128M: update --memory alone keeps the swap limit as it is.
lvs update --memory 268435456 --pids-limit 84 --cpu-quota 20000 r13
props 268435456 84 200ms
systemctl daemon-reload
files 268435456 84 20000

lvs delete --force r13
assert_gone $unit "$cg" r13
pass
