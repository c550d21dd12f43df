#!/bin/sh
# linux.resources on pure cgroup v2: every limit read back from the container's cgroup files in
# the form runc writes it (cpu.weight from shares, "QUOTA PERIOD" in cpu.max, io.max lines,
# memory.swap.max = swap - limit, unified keys as given); `ps --format json` lists exactly the
# cgroup's processes; `events --stats` reports the limits; `update` (flags and --resources -)
# changes them live; kill --all + delete leave no cgroup.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

name=lieve-vm-10
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"

# A block device for io.max: a loop device over a small file.
dd if=/dev/zero of=disk bs=1M count=8 2>/dev/null
modprobe loop 2>/dev/null || true
loop=$(losetup -f 2>&1) && losetup "$loop" disk 2>&1 || skip "no loop device: $loop"
defer "losetup -d $loop"
dev=$(cat "/sys/block/${loop#/dev/}/dev")
maj=${dev%:*} min=${dev#*:}

# What this kernel offers in a child cgroup decides the optional parts.
probe=$CGROUP_ROOT/lieve-vm-10-probe
mkdir "$probe"
has_io_weight=0 has_bfq=0 has_swap=0
[ -e "$probe/io.weight" ] && has_io_weight=1
[ -e "$probe/io.bfq.weight" ] && has_bfq=1
[ -e "$probe/memory.swap.max" ] && has_swap=1
rmdir "$probe"

blkio="\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
	\"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}]"
if [ $has_io_weight = 1 ] || [ $has_bfq = 1 ]; then blkio="\"weight\": 500, $blkio"; fi
huge=""
if controller_available hugetlb; then
	huge=', "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]'
fi

make_bundle bundle --cgroups-path "/$name" --resources "{
	\"memory\": {\"limit\": 67108864, \"reservation\": 33554432, \"swap\": 134217728},
	\"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\", \"mems\": \"0\"},
	\"pids\": {\"limit\": 64},
	\"blockIO\": {$blkio},
	\"unified\": {\"memory.high\": \"50331648\"}$huge
}" -- sh -c 'sleep 1000 & echo started; wait'
start_detached c10 bundle
wait_for 10 grep -q started "$TMPDIR/c10.log"

assert_file_eq "$cg/memory.max" 67108864
assert_file_eq "$cg/memory.low" 33554432
[ $has_swap = 1 ] && assert_file_eq "$cg/memory.swap.max" 67108864
assert_file_eq "$cg/memory.high" 50331648
assert_file_eq "$cg/cpu.weight" 39
assert_file_eq "$cg/cpu.max" "50000 100000"
assert_file_eq "$cg/cpuset.cpus" 0
assert_file_eq "$cg/cpuset.mems" 0
assert_file_eq "$cg/pids.max" 64
assert_file_eq "$cg/io.max" "$maj:$min rbps=1048576 wbps=max riops=max wiops=100"
if [ $has_bfq = 1 ]; then
	assert_file_eq "$cg/io.bfq.weight" "default 500"
elif [ $has_io_weight = 1 ]; then
	assert_file_eq "$cg/io.weight" "default 4950"
fi
[ -n "$huge" ] && assert_file_eq "$cg/hugetlb.2MB.max" 4194304

# ps: exactly the processes of the cgroup (sh and its sleep).
pids=$(sorted_pids <"$cg/cgroup.procs")
assert_eq 2 "$(echo "$pids" | wc -l | tr -d ' ')" "processes in $cg"
assert_eq "$pids" "$(lv ps --format json c10 | sorted_pids)" "ps --format json"

# events --stats: runc's stats document with the limits.
stats=$(lv events --stats c10)
assert_contains "$stats" '"type":"stats"'
assert_contains "$stats" '"id":"c10"'
assert_contains "$stats" '"pids":{"current":2,"limit":64}'
assert_contains "$stats" '"usage":{"limit":67108864,'

# update with runc's flags: only what is given changes (memory.swap.max keeps its value, as
# with runc).
lv update --memory 100663296 --pids-limit 32 --cpu-quota 20000 c10
assert_file_eq "$cg/memory.max" 100663296
assert_file_eq "$cg/pids.max" 32
assert_file_eq "$cg/cpu.max" "20000 100000"
[ $has_swap = 1 ] && assert_file_eq "$cg/memory.swap.max" 67108864
assert_file_eq "$cg/memory.low" 33554432
# update --resources -: a linux.resources document on stdin.
echo '{"pids": {"limit": 16}, "cpu": {"shares": 2048}}' | lv update --resources - c10
assert_file_eq "$cg/pids.max" 16
assert_file_eq "$cg/cpu.weight" 79
assert_file_eq "$cg/cpu.max" "20000 100000"

lv kill --all c10 KILL
wait_for 10 cgroup_empty "$cg"
wait_for 10 is_status c10 stopped
lv delete c10
[ ! -d "$cg" ] || fail "$cg still exists after delete"
pass
