# shellcheck shell=sh disable=SC2034,SC2164,SC2044
# Memory figures that need pure cgroup v2, run in the tests/vm guest by bench/run.sh, which
# pastes lib.sh's sourcing and bench/bundle.sh in front of this file. Prints "BENCH KEY VALUE"
# lines: the container cgroup's memory.peak after `run /bin/true` (median of 3, bytes), whether
# `run /bin/true` succeeds under memory.max = 1 MiB, and the smallest memory.max (64 KiB steps)
# under which it does. TCG: the guest's timings mean nothing, its memory figures do.
# For the floor program, which makes no cgroup, a shell joins the cgroup and execs it.

cg=$CGROUP_ROOT
grep -qw memory "$cg/cgroup.subtree_control" || skip "no memory controller in the guest"
BENCH_BUSYBOX=/bin/busybox
B=$TMPDIR/b
bench_bundle "$B"
cd "$B"

# drop_cg DIR: kill what is left in DIR and its children, remove them all.
drop_cg() {
	[ -d "$1" ] || return 0
	for _d in $(find "$1" -depth -type d); do
		echo 1 >"$_d/cgroup.kill" 2>/dev/null || true
		_n=50
		while ! rmdir "$_d" 2>/dev/null; do
			_n=$((_n - 1))
			[ $_n -gt 0 ] || { echo "cannot remove $_d"; return 1; }
			usleep 100000
		done
	done
}

# try RT CGROUP [LIMIT]: `run /bin/true` with the container in CGROUP (under $cg), memory.max
# LIMIT if given; the floor program joins CGROUP through a shell. Status of the run.
try() {
	_rt=$1 _cgp=$2 _lim=${3:-}
	if [ "$_rt" = floor ]; then
		mkdir -p "$cg$_cgp"
		[ -n "$_lim" ] && echo "$_lim" >"$cg$_cgp/memory.max"
		timeout 60 sh -c 'echo $$ >"$1/cgroup.procs" && exec /lieve/bin/floor "$2/rootfs" /bin/true' \
			sh "$cg$_cgp" "$B" >"$TMPDIR/out" 2>&1
		return
	fi
	if [ -n "$_lim" ]; then
		bench_bundle "$B" --cgroups-path "$_cgp" --memory "$_lim"
	else
		bench_bundle "$B" --cgroups-path "$_cgp"
	fi
	_st=0
	timeout 60 "/lieve/bin/$_rt" --root "$TMPDIR/state-$_rt" run bench-mem </dev/null \
		>"$TMPDIR/out" 2>&1 || _st=$?
	"/lieve/bin/$_rt" --root "$TMPDIR/state-$_rt" delete -f bench-mem >/dev/null 2>&1 || true
	return $_st
}

# The cgroup the runtimes create sits under a parent of ours: after `run` the runtime removes
# its cgroup, the parent keeps the peak of everything charged below it.
for rt in floor lieve crun runc; do
	peaks=""
	for i in 1 2 3; do
		p=$cg/bench-peak-$rt-$i
		mkdir "$p"
		defer "drop_cg $p"
		if [ $rt = floor ]; then
			try floor "/bench-peak-$rt-$i" || { cat "$TMPDIR/out"; fail "$rt: run failed"; }
		else
			echo +memory >"$p/cgroup.subtree_control"
			try "$rt" "/bench-peak-$rt-$i/c" || { cat "$TMPDIR/out"; fail "$rt: run failed"; }
		fi
		peaks="$peaks $(cat "$p/memory.peak")"
		drop_cg "$p"
	done
	echo "BENCH peak.$rt $(printf '%s\n' $peaks | sort -n | sed -n 2p)"
done

for rt in floor lieve crun runc; do
	c=/bench-min-$rt
	defer "drop_cg $cg$c"
	ok() { _s=0; try "$rt" "$c" "$1" || _s=$?; drop_cg "$cg$c"; return $_s; }
	if ok 1048576; then echo "BENCH max1m.$rt pass"; else echo "BENCH max1m.$rt fail"; fi
	lo=0 hi=$((64 * 1048576))
	ok $hi || { echo "BENCH minmax.$rt >64MiB"; continue; }
	while [ $((hi - lo)) -gt 65536 ]; do
		mid=$(((lo + hi) / 2 / 65536 * 65536))
		if ok $mid; then hi=$mid; else lo=$mid; fi
	done
	echo "BENCH minmax.$rt $hi"
done
pass
