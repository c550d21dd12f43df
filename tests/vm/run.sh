#!/bin/bash
# Run the cgroup v2 tests (tests/vm/tests/*.sh) inside one qemu microvm guest.
# See tests/vm/README.md. Usage: tests/vm/run.sh --help
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
	cat <<EOF
usage: $0 [options] [TEST...]
Boots one cgroup-v2 guest and runs TEST... (names or paths; default: every tests/vm/tests/*.sh,
or with --systemd every tests/vm/systemd/[0-9]*.sh).
  --lieve PATH         runtime binary to test (default: build/cli/lieve, rebuilt with ninja first)
  --add PATH           also copy host binary PATH (and its shared libraries) to /lieve/bin
  --share-usr          mount the host's /usr read-only at /usr in the guest (virtiofs)
  --systemd            boot the host's systemd as PID 1 with the D-Bus system bus (implies
                       --share-usr); tests run in lieve-vm-runner.service
  --timeout SECS       kill the guest after SECS seconds (default 290)
  --test-timeout SECS  kill a test after SECS seconds (default 120)
  --smp N --mem MIB    guest CPUs (default 2) and memory (default 1024)
  --accel kvm|tcg      default: kvm if the CPU shows vmx/svm and /dev/kvm is usable, else tcg
  --verbose            show the whole console, kernel boot included
  --keep               keep the scratch directory (initramfs, console log)
  --prepare            only download/build the kernel and base initramfs
  --refresh            ask apt again for the current cloud kernel
EOF
}

lieve="" share_usr=0 systemd=0 timeout=290 test_timeout=120 smp=2 mem=1024 accel="" verbose=0 keep=0
prepare_only=0 refresh="" adds=() tests=()
while [ $# -gt 0 ]; do
	case $1 in
	--lieve) lieve=$2; shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	--share-usr) share_usr=1; shift ;;
	--systemd) systemd=1 share_usr=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--test-timeout) test_timeout=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--verbose) verbose=1; shift ;;
	--keep) keep=1; shift ;;
	--prepare) prepare_only=1; shift ;;
	--refresh) refresh=--refresh; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; tests+=("$@"); break ;;
	-*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) tests+=("$1"); shift ;;
	esac
done

die() { echo "run.sh: error: $*" >&2; exit 2; }

prep=$("$here/prepare.sh" $refresh) || die "prepare failed"
eval "$prep" # KERNEL BASE_INITRD KVER CACHE
[ $prepare_only = 1 ] && { echo "$prep"; exit 0; }

# --- what goes into the guest ---------------------------------------------------------------
if [ -z "$lieve" ]; then
	[ -f "$repo/build/build.ninja" ] || die "no build/ (meson setup build) and no --lieve PATH"
	ninja -C "$repo/build" cli/lieve >/dev/null || die "ninja -C build cli/lieve failed"
	lieve=$repo/build/cli/lieve
fi
[ -x "$lieve" ] || die "$lieve is not an executable"

# The systemd guest has tests of its own (tests/vm/systemd/NN-*.sh, next to their run.sh).
if [ $systemd = 1 ]; then testdir=$here/systemd pattern='[0-9]*.sh'; else testdir=$here/tests pattern='*.sh'; fi
test_files=()
if [ ${#tests[@]} = 0 ]; then
	for f in "$testdir"/$pattern; do [ -e "$f" ] && test_files+=("$f"); done
else
	for t in "${tests[@]}"; do
		if [ -f "$t" ]; then test_files+=("$(realpath "$t")")
		elif [ -f "$testdir/$t" ]; then test_files+=("$testdir/$t")
		elif [ -f "$testdir/$t.sh" ]; then test_files+=("$testdir/$t.sh")
		else die "no test $t"
		fi
	done
fi
[ ${#test_files[@]} -gt 0 ] || die "no tests to run"
names=()
for f in "${test_files[@]}"; do names+=("$(basename "$f")"); done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lieve-vm.XXXXXX")
qemu_pidfile=$tmp/qemu.pid
virtiofsd_pid=""
kill_qemu() {
	local pid
	if [ -s "$qemu_pidfile" ]; then
		pid=$(cat "$qemu_pidfile")
		# Only our qemu: its command line names our scratch directory (PIDs get reused).
		if tr "\\0" " " 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$tmp/initrd"; then
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
}
stop_virtiofsd() {
	if [ -n "$virtiofsd_pid" ] && kill -0 "$virtiofsd_pid" 2>/dev/null; then
		kill -TERM "$virtiofsd_pid" 2>/dev/null
		wait "$virtiofsd_pid" 2>/dev/null || true
	fi
	virtiofsd_pid=""
}
cleanup() {
	kill_qemu
	stop_virtiofsd
	if [ $keep = 1 ]; then echo "run.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stage=$tmp/stage
mkdir -p "$stage/lieve/bin" "$stage/lieve/tests"
install -m 0755 "$here/guest/init" "$stage/init"
install -m 0755 "$here/guest/runner.sh" "$stage/lieve/runner.sh"
install -m 0644 "$here/guest/lib.sh" "$stage/lieve/lib.sh"
cp -r "$here/tests/." "$stage/lieve/tests/"
if [ $systemd = 1 ]; then
	# Units and helpers (systemd.lib) of the systemd guest, not its host-side scripts.
	cp -r "$here/guest/systemd" "$stage/lieve/systemd"
	install -m 0755 "$here/guest/systemd-runner.sh" "$stage/lieve/systemd-runner.sh"
	find "$here/systemd" -maxdepth 1 -type f -name '*.lib' -exec cp {} "$stage/lieve/tests/" \;
fi
for f in "${test_files[@]}"; do cp "$f" "$stage/lieve/tests/"; done

# Host binaries run in the guest with the host's own shared libraries at the same paths (the
# guest has no other libc), so lieve needs no static build. The libraries (~45 MB with
# libarchive's ICU) go on a read-only ext4 disk, cached per set of libraries: the kernel would
# take seconds to unpack them from the initramfs under TCG, a disk is read only where touched.
declare -A libs=()
add_binary() {
	local src=$1 lib
	cp -L "$src" "$stage/lieve/bin/$(basename "$src")"
	for lib in $(ldd "$src" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
		libs[$lib]=1
	done
}
add_binary "$lieve"
for a in "${adds[@]+"${adds[@]}"}"; do add_binary "$a"; done

libs_disk=""
if [ ${#libs[@]} -gt 0 ]; then
	key=$(for l in "${!libs[@]}"; do stat -L -c '%n %s %Y' "$l"; done | sort | sha256sum | cut -c1-16)
	libs_disk=$CACHE/libs-$key.img
	if [ ! -f "$libs_disk" ]; then
		mkdir "$tmp/libs"
		for l in "${!libs[@]}"; do
			mkdir -p "$tmp/libs$(dirname "$l")"
			cp -L "$l" "$tmp/libs$l"
		done
		kib=$(du -sk "$tmp/libs" | cut -f1)
		truncate -s $((kib * 5 / 4 + 8192))K "$tmp/libs.img"
		mkfs.ext4 -q -F -L lieve-libs -m 0 -O ^has_journal -d "$tmp/libs" "$tmp/libs.img" ||
			die "mkfs.ext4 of the libraries disk failed"
		mv "$tmp/libs.img" "$libs_disk"
		rm -rf "$tmp/libs"
	fi
	# Disks of library sets not used for a week go (host library upgrades make new ones).
	touch "$libs_disk"
	find "$CACHE" -maxdepth 1 -name 'libs-*.img' -mtime +7 -delete
fi

cat >"$stage/lieve/env" <<EOF
LIEVE=/lieve/bin/$(basename "$lieve")
LIEVE_VM_TESTS="${names[*]}"
LIEVE_VM_TEST_TIMEOUT=$test_timeout
LIEVE_VM_SHARE_USR=$share_usr
LIEVE_VM_SYSTEMD=$systemd
LIEVE_VM_LIBS_DISK=$([ -n "$libs_disk" ] && echo 1 || echo 0)
PATH=/lieve/bin:/bin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin
EOF

# Concatenated newc archives are one initramfs to the kernel: the cached base plus this run.
(cd "$stage" && find . -mindepth 1 | busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$tmp/run.cpio"
cat "$BASE_INITRD" "$tmp/run.cpio" >"$tmp/initrd"

# --- the machine ------------------------------------------------------------------------------
if [ -z "$accel" ]; then
	accel=tcg
	# /dev/kvm here may be PVM, which boots only PVM-aware kernels: trust it only with vmx/svm.
	if grep -qw -E 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; fi
fi
case $accel in
kvm) cpu=host ;;
tcg) cpu=${LIEVE_VM_CPU:-max} ;;
*) die "--accel kvm|tcg" ;;
esac

# Without tsc_early_khz the guest often hangs calibrating the TSC on microvm under TCG.
tsc_khz=$({ dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p;
	s/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p'; grep -m1 '^cpu MHz' /proc/cpuinfo |
	sed 's/.*: //'; } | awk 'NR == 1 { printf "%d", $1 * 1000 }')
[ -n "$tsc_khz" ] && [ "$tsc_khz" -gt 0 ] || die "cannot tell the host TSC frequency"

cmdline="console=ttyS0 quiet panic=-1 rdinit=/init cgroup_no_v1=all tsc_early_khz=$tsc_khz"
cmdline="$cmdline tsc=reliable mitigations=off 8250.nr_uarts=1 pci=off cryptomgr.notests"
[ $systemd = 1 ] && cmdline="$cmdline systemd.unified_cgroup_hierarchy=1"
[ $verbose = 1 ] && cmdline=${cmdline/ quiet/ loglevel=7}

machine=microvm,pit=on,pic=on,rtc=on,acpi=on
qemu_args=(-accel "$accel" -cpu "$cpu" -smp "$smp" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot
	-chardev stdio,id=con0,signal=off -serial chardev:con0
	-kernel "$KERNEL" -initrd "$tmp/initrd" -append "$cmdline" -pidfile "$qemu_pidfile")

if [ -n "$libs_disk" ]; then
	qemu_args+=(-drive "file=$libs_disk,if=none,format=raw,readonly=on,id=libs"
		-device virtio-blk-device,drive=libs)
fi
if [ $share_usr = 1 ]; then
	virtiofsd=/usr/lib/qemu/virtiofsd
	[ -x $virtiofsd ] || die "$virtiofsd missing (Debian package qemu-system-common)"
	mkdir "$tmp/usr"
	machine=$machine,memory-backend=mem
	qemu_args+=(-object "memory-backend-memfd,id=mem,size=${mem}M,share=on"
		-global virtio-mmio.force-legacy=false
		-chardev "socket,id=vfs,path=$tmp/usr.sock"
		-device vhost-user-fs-device,chardev=vfs,tag=hostusr)
fi

# virtiofsd serves one connection: one per boot.
start_virtiofsd() {
	[ $share_usr = 1 ] || return 0
	rm -f "$tmp/usr.sock"
	# The share is read-only on the host side too: virtiofsd serves a read-only bind mount of
	# /usr made in a mount namespace of its own (no mount appears on the host).
	unshare -m --propagation private sh -c 'mount --bind /usr "$1" && mount -o remount,bind,ro "$1" &&
		exec "$3" --socket-path="$2" -o source="$1" -o cache=auto -o log_level=err' \
		sh "$tmp/usr" "$tmp/usr.sock" "$virtiofsd" </dev/null >"$tmp/virtiofsd.log" 2>&1 &
	virtiofsd_pid=$!
	for _ in $(seq 50); do [ -S "$tmp/usr.sock" ] && break; sleep 0.1; done
	[ -S "$tmp/usr.sock" ] || die "virtiofsd did not create its socket: $(cat "$tmp/virtiofsd.log")"
}

echo "lieve-vm: $(basename "$KERNEL" ) $KVER, accel $accel, ${smp} cpu, ${mem} MiB, lieve $lieve" \
	"${#names[@]} test(s)$([ $systemd = 1 ] && echo ", systemd $(dpkg-query -W -f '${Version}' systemd 2>/dev/null) as PID 1")"

log=$tmp/console.log
: >"$log"
show() {
	local line ready=0 off=0 name status secs
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log"
		case $line in
		"@@lieve-vm: ready "*)
			ready=1
			echo "lieve-vm: guest ready at ${line##* } s guest uptime," \
				"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s after launch" ;;
		"@@lieve-vm: begin "*) echo "=== RUN   ${line#@@lieve-vm: begin }" ;;
		"@@lieve-vm: result "*)
			read -r _ _ name status secs <<<"$line"
			echo "--- ${status^^}: $name (${secs}s)" ;;
		"@@lieve-vm: summary "*) ;;
		"@@lieve-vm: poweroff"*) off=1 ;;
		"@@lieve-vm: "*) echo "lieve-vm: ${line#@@lieve-vm: }" ;;
		*) if [ $ready = 1 ] && [ $off = 0 ] || [ $verbose = 1 ]; then printf '%s\n' "$line"; fi ;;
		esac
	done
}

# A guest that never gets ready hung while booting (seen rarely under TCG on a loaded host):
# that is the machine, not a test, so it is booted once more. LIEVE_VM_BOOT_TIMEOUT: seconds.
boot_timeout=${LIEVE_VM_BOOT_TIMEOUT:-90}
for attempt in 1 2; do
	: >"$log"
	rm -f "$tmp/qemu.rc" "$tmp/boot-hung" "$qemu_pidfile"
	start_virtiofsd
	t0=$(date +%s.%N)
	# In the background with `wait`, so that a signal to this script runs cleanup() at once.
	{
		timeout --kill-after=5 "$timeout" qemu-system-x86_64 -M "$machine" "${qemu_args[@]}" \
			</dev/null 2>&1
		echo $? >"$tmp/qemu.rc"
	} 2>/dev/null | show & # (qemu's stderr is in the pipe; bash's "Killed" notice is not)
	launched=$!
	(
		for _ in $(seq $((boot_timeout * 5))); do
			grep -q '^@@lieve-vm: ready' "$log" && exit 0
			kill -0 $launched 2>/dev/null || exit 0
			sleep 0.2
		done
		: >"$tmp/boot-hung"
		kill_qemu
	) &
	watchdog=$!
	wait $launched || true
	kill $watchdog 2>/dev/null || true
	wait $watchdog 2>/dev/null || true
	[ -e "$tmp/boot-hung" ] || break
	echo "lieve-vm: the guest was not ready after ${boot_timeout}s (attempt $attempt); last console lines:"
	tail -n 5 "$log" | sed 's/^/  | /'
	stop_virtiofsd
done
qemu_rc=$(cat "$tmp/qemu.rc" 2>/dev/null || echo missing)
t1=$(date +%s.%N)
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

# --- verdict ----------------------------------------------------------------------------------
clean=1
if [ -e "$tmp/boot-hung" ]; then
	echo "lieve-vm: the guest hung while booting, twice"
	clean=0
elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	echo "lieve-vm: guest killed after ${timeout}s (--timeout)"
	clean=0
elif [ "$qemu_rc" != 0 ]; then
	echo "lieve-vm: qemu exited with status $qemu_rc"
	clean=0
fi
if ! grep -q '^@@lieve-vm: poweroff' "$log"; then
	echo "lieve-vm: the guest did not power off cleanly; last console lines:"
	grep -v '^@@lieve-vm: ' "$log" | tail -n 30 | sed 's/^/  | /'
	clean=0
fi
if [ -n "$virtiofsd_pid" ]; then
	# virtiofsd ends when qemu closes the socket; give it a moment, then cleanup() ends it.
	for _ in $(seq 20); do kill -0 "$virtiofsd_pid" 2>/dev/null || break; sleep 0.1; done
fi

passed=0 failed=0 skipped=0 skipped_names=()
for n in "${names[@]}"; do
	st=$(awk -v n="$n" '$1 == "@@lieve-vm:" && $2 == "result" && $3 == n { s = $4 } END { print s }' "$log")
	case $st in
	pass) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)); skipped_names+=("$n") ;;
	fail) failed=$((failed + 1)) ;;
	*) failed=$((failed + 1)); echo "--- FAIL: $n (no result: the guest stopped first)" ;;
	esac
done
echo "lieve-vm: qemu ran ${elapsed}s"
[ $skipped -gt 0 ] && echo "skipped: $skipped (${skipped_names[*]})"
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $clean = 1 ]
