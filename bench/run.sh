#!/bin/bash
# lieve against crun, runc, the kernel's floor and a whole VM, side by side, in one run.
# See bench/README.md. Usage: bench/run.sh [--help]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

usage() {
	cat <<EOF
usage: $0 [options]
Builds lieve in release mode (build-release/, LTO, stripped copy) and measures it against
Debian's crun and runc, a minimal clone+pivot_root+exec program (the floor) and a qemu VM.
Writes bench/results/<UTC timestamp>/ (results.md, chart.svg, raw data). As root.
  --runs N       runs per single-container benchmark (default 30; at least 30 counts)
  --rounds N     hyperfine rounds they are split into, command order alternating (default 3)
  --quick        10 runs, fewer repetitions of the batch benchmarks (a smoke run, not a result)
  --no-guest     skip the cgroup v2 guest (memory.peak, smallest memory.max)
  --no-vm        skip the VM comparison
  --no-setup     do not run bench/setup.sh (apt)
  --out DIR      results directory (default bench/results/<timestamp>)
EOF
}

runs=30 rounds=3 batch_runs=3 parallel_runs=6 guest=1 vm=1 setup=1 out=""
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--quick) runs=10 rounds=2 batch_runs=1 parallel_runs=2; shift ;;
	--no-guest) guest=0; shift ;;
	--no-vm) vm=0; shift ;;
	--no-setup) setup=0; shift ;;
	--out) out=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
done
die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
[ "$(id -u)" = 0 ] || die "run as root (runtimes create namespaces and cgroups)"

[ $setup = 1 ] && "$here/setup.sh"
for t in crun runc hyperfine /usr/bin/time busybox python3 meson ninja; do
	command -v "$t" >/dev/null || die "$t is missing (bench/setup.sh installs it)"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
res=${out:-$here/results/$stamp}
mkdir -p "$res/raw" "$res/bin"
res=$(cd "$res" && pwd)
work=$(mktemp -d /tmp/lieve-bench.XXXXXX)
values=$res/values.tsv
: >"$values"
put() { printf '%s\t%s\n' "$1" "$2" >>"$values"; }

# --- cleanup: containers we made, the wrapper's mount point, the scratch directory ----------
ids=()
load_pid=""
cleanup() {
	set +e
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null
	for spec in "${ids[@]+"${ids[@]}"}"; do
		# spec: "RUNTIME-CMD...|ID"
		eval "${spec%|*} delete -f ${spec#*|}" >/dev/null 2>&1
	done
	rmdir "$cg2dir" 2>/dev/null
	rm -rf "$work"
}
cg2dir=$work/cg2
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------------------------------
say "building lieve (release, LTO) in build-release/"
cd "$repo"
if [ ! -f build-release/build.ninja ]; then
	meson setup build-release --buildtype=release -Db_lto=true -Dtests=false -Dman=disabled \
		>"$res/raw/meson-setup.log" 2>&1 || die "meson setup failed: see $res/raw/meson-setup.log"
fi
ninja -C build-release cli/lieve >"$res/raw/ninja.log" 2>&1 || die "build failed: see $res/raw/ninja.log"
strip -o "$res/bin/lieve" build-release/cli/lieve
cc -O2 -Wall -Wextra -Werror -o "$res/bin/floor" "$here/floor.c"
cc -O2 -Wall -Wextra -Werror -o "$res/bin/nsw" "$here/nsw.c"
LIEVE=$res/bin/lieve FLOOR=$res/bin/floor NSW=$res/bin/nsw
CRUN=$(command -v crun) RUNC=$(command -v runc)

# --- the machine ------------------------------------------------------------------------------
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "nproc: $(nproc)"
	echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "cgroups: $(stat -f -c %T /sys/fs/cgroup) at /sys/fs/cgroup$(
		[ -d /sys/fs/cgroup/unified ] && echo ', cgroup2 at /sys/fs/cgroup/unified (v1-hybrid)')"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "lieve: $(git -C "$repo" describe --always --dirty 2>/dev/null) ($($LIEVE --version | head -n1))"
	echo "crun: $($CRUN --version | head -n1)"
	echo "runc: $($RUNC --version | head -n1)"
	echo "hyperfine: $(hyperfine --version)"
	echo "busybox: $(busybox | head -n1)"
} >"$res/machine.txt"
cat "$res/machine.txt" >&2
# The 1-minute load average every 5 s while the benchmark runs (other work skews every figure).
while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done >"$res/raw/load.txt" &
load_pid=$!

# --- bundles ----------------------------------------------------------------------------------
. "$here/bundle.sh"
bench_bundle "$work/true"
bench_bundle "$work/sleep" -- /bin/sleep 1000000
bench_bundle "$work/sleep-seccomp" --seccomp "$here/seccomp-300.json" -- /bin/sleep 1000000
mkdir -p "$cg2dir"

# Every runtime runs under the same wrapper (nsw: a private mount namespace in which the host's
# hybrid cgroup2 mount is moved aside so crun accepts the host) with its own --root.
# name|command prefix
runtimes=(
	"lieve|$NSW $cg2dir $LIEVE --root $work/state-lieve"
	"crun|$NSW $cg2dir $CRUN --root $work/state-crun"
	"runc|$NSW $cg2dir $RUNC --root $work/state-runc"
	"lieve-direct|$LIEVE --root $work/state-lieve-direct"
	"runc-direct|$RUNC --root $work/state-runc-direct"
)
rt_names=() 
declare -A rt_cmd=()
for r in "${runtimes[@]}"; do rt_names+=("${r%%|*}"); rt_cmd[${r%%|*}]=${r#*|}; done

# Sanity: each runtime runs the bundle (a broken runtime would make fast, meaningless numbers).
cd "$work/true"
for n in "${rt_names[@]}"; do
	${rt_cmd[$n]} run bench-check </dev/null >"$work/check.out" 2>&1 ||
		die "$n cannot run the bench bundle: $(cat "$work/check.out")"
done
"$FLOOR" "$work/true/rootfs" /bin/true || die "the floor program fails"

hf() { # hf NAME ARGS...: hyperfine with its JSON kept as raw/NAME.json
	local name=$1
	shift
	say "hyperfine: $name"
	hyperfine --style basic --export-json "$res/raw/$name.json" "$@" >"$res/raw/$name.txt" 2>&1 ||
		die "hyperfine $name failed: $(tail -n 5 "$res/raw/$name.txt")"
}
# hf_rounds NAME RUNS [HYPERFINE-OPTION...] -- LABEL CMD [LABEL CMD...]: RUNS runs of each CMD
# in $rounds hyperfine rounds, the order of the commands reversed every other round, merged
# into raw/NAME.json. On a shared machine the load comes in bursts of seconds to minutes: one
# long hyperfine per command lets a burst land on one runtime only.
hf_rounds() {
	local name=$1 total=$2 r i per files=() opts=() pairs=() list=()
	shift 2
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	pairs=("$@")
	per=$(((total + rounds - 1) / rounds))
	say "hyperfine: $name ($rounds rounds of $per runs)"
	for ((r = 1; r <= rounds; r++)); do
		list=()
		if ((r % 2)); then
			for ((i = 0; i < ${#pairs[@]}; i += 2)); do list+=(-n "${pairs[i]}" "${pairs[i + 1]}"); done
		else
			for ((i = ${#pairs[@]} - 2; i >= 0; i -= 2)); do list+=(-n "${pairs[i]}" "${pairs[i + 1]}"); done
		fi
		hyperfine --style basic "${opts[@]}" --runs "$per" --export-json "$res/raw/$name.r$r.json" \
			"${list[@]}" >"$res/raw/$name.r$r.txt" 2>&1 ||
			die "hyperfine $name failed: $(tail -n 5 "$res/raw/$name.r$r.txt")"
		files+=("$res/raw/$name.r$r.json")
	done
	python3 "$here/hfmerge.py" "$res/raw/$name.json" "${files[@]}"
}

# --- 1. run /bin/true -------------------------------------------------------------------------
args=(floor "$FLOOR $work/true/rootfs /bin/true")
for n in "${rt_names[@]}"; do args+=("$n" "${rt_cmd[$n]} run bench-run"); done
hf_rounds run "$runs" -N --warmup 2 -- "${args[@]}"

# --- 2. create + start + delete, three commands -------------------------------------------------
# The container is /bin/true: delete waits for nothing, -f covers a process not yet gone.
args=()
for n in "${rt_names[@]}"; do
	c=${rt_cmd[$n]}
	args+=("$n" "$c create bench-csd </dev/null && $c start bench-csd && $c delete -f bench-csd")
done
hf_rounds create-start-delete "$runs" --warmup 2 -- "${args[@]}"

# --- 3. exec /bin/true into a running container, without and with the 300-rule profile --------
for b in sleep sleep-seccomp; do
	cd "$work/$b"
	args=()
	for n in "${rt_names[@]}"; do
		c=${rt_cmd[$n]}
		# One id per runtime: lieve and lieve-direct share the cgroup2 tree, runc and runc-direct
		# the v1 one, and a cgroup path defaults to the id.
		$c create "bench-$b-$n" </dev/null >"$work/create.out" 2>&1 && $c start "bench-$b-$n" ||
			die "$n: cannot start the $b container: $(cat "$work/create.out")"
		ids+=("$c|bench-$b-$n")
		args+=("$n" "$c exec bench-$b-$n /bin/true")
	done
	hf_rounds "exec-$b" "$runs" -N --warmup 2 -- "${args[@]}"
	for n in "${rt_names[@]}"; do ${rt_cmd[$n]} delete -f "bench-$b-$n" >/dev/null 2>&1 || true; done
done
ids=()
cd "$work/true"

# --- 4. 100 in sequence, 20 at once -------------------------------------------------------------
for n in "${rt_names[@]}"; do
	printf '%s\n' "for i in \$(seq 100); do $(printf '%s' "${rt_cmd[$n]}") run bench-seq-\$i || exit 1; done" \
		>"$work/seq-$n.sh"
	printf '%s\n' "for i in \$(seq 20); do $(printf '%s' "${rt_cmd[$n]}") run bench-par-\$i & done" \
		'st=0; for j in $(jobs -p); do wait $j || st=1; done; exit $st' >"$work/par-$n.sh"
done
args=()
for n in "${rt_names[@]}"; do args+=("$n" "bash $work/seq-$n.sh"); done
args+=(floor "bash -c 'for i in \$(seq 100); do $FLOOR $work/true/rootfs /bin/true || exit 1; done'")
hf_rounds seq100 "$batch_runs" -N -- "${args[@]}"
printf '%s\n' "for i in \$(seq 20); do $FLOOR $work/true/rootfs /bin/true & done" \
	'st=0; for j in $(jobs -p); do wait $j || st=1; done; exit $st' >"$work/par-floor.sh"
args=()
for n in "${rt_names[@]}"; do args+=("$n" "bash $work/par-$n.sh"); done
args+=(floor "bash $work/par-floor.sh")
hf_rounds par20 "$parallel_runs" -N --warmup 1 -- "${args[@]}"

# --- 5. peak RSS of the runtime process, binary sizes -----------------------------------------
say "peak RSS (/usr/bin/time), binary sizes"
rss() { # rss NAME CMD...: the median of 5 max-RSS readings, KiB
	local name=$1 i
	shift
	for i in 1 2 3 4 5; do
		/usr/bin/time -f %M -o "$work/rss" "$@" </dev/null >/dev/null 2>&1 || die "$name failed under time"
		cat "$work/rss"
	done | sort -n | sed -n 3p
}
put "rss.floor" "$(rss floor "$FLOOR" "$work/true/rootfs" /bin/true)"
for n in "${rt_names[@]}"; do
	# shellcheck disable=SC2086
	put "rss.$n" "$(rss "$n" ${rt_cmd[$n]} run bench-rss)"
done
bsize() { strip -o "$work/stripped" "$1" && stat -c %s "$work/stripped"; }
put size.lieve "$(bsize "$repo/build-release/cli/lieve")"
put size.crun "$(bsize "$CRUN")"
put size.runc "$(bsize "$RUNC")"
put size.floor "$(bsize "$FLOOR")"
put libs.lieve "$(ldd "$LIEVE" | grep -c '=>')"
put libs.crun "$(ldd "$CRUN" | grep -c '=>')"
put libs.runc "$(ldd "$RUNC" | grep -c '=>' || true)"
ldd "$LIEVE" >"$res/raw/ldd-lieve.txt"; ldd "$CRUN" >"$res/raw/ldd-crun.txt"

# --- 6. memory in the cgroup v2 guest -----------------------------------------------------------
if [ $guest = 1 ]; then
	say "cgroup v2 guest: memory.peak and the smallest memory.max (TCG: memory only, no timings)"
	{
		echo '. /lieve/lib.sh'
		cat "$here/bundle.sh"
		cat "$here/guest-memory.sh"
	} >"$work/90-bench-memory.sh"
	"$repo/tests/vm/run.sh" --lieve "$LIEVE" --add "$CRUN" --add "$RUNC" --add "$FLOOR" \
		--timeout 540 --test-timeout 500 "$work/90-bench-memory.sh" >"$res/raw/guest.log" 2>&1 ||
		say "the guest run failed (see raw/guest.log); its figures are missing"
	sed -n 's/^BENCH \([^ ]*\) \(.*\)$/\1\t\2/p' "$res/raw/guest.log" >>"$values"
fi

# --- 7. the same job in a VM ---------------------------------------------------------------------
if [ $vm = 1 ]; then
	say "VM: qemu microvm booting a busybox initramfs that runs /bin/true and powers off"
	"$here/vm.sh" "$work/vm" "$res" "$values" || say "the VM measurement failed (see raw/vm.log)"
fi

{ kill "$load_pid" && wait "$load_pid"; } 2>/dev/null || true
load_pid=""
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$res/machine.txt"
echo "load during (1-min average, sampled every 5 s): $(awk '{ s += $1; if ($1 > m) m = $1 }
	END { if (NR) printf "mean %.2f, max %.2f, %d samples", s / NR, m, NR }' "$res/raw/load.txt")" \
	>>"$res/machine.txt"
python3 "$here/report.py" "$res"
say "results in $res (results.md, chart.svg)"
cat "$res/results.md"
