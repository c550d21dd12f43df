#!/bin/bash
# The VM side of the comparison: qemu -M microvm with Debian's cloud kernel (tests/vm/prepare.sh's
# cached one) and a busybox-only initramfs whose /init runs /bin/true and powers off. Measures
# boot-to-exit time (hyperfine) and qemu's peak RSS (/usr/bin/time, median of the timed boots). KVM when the CPU shows
# vmx/svm and /dev/kvm is usable, TCG otherwise (a PVM /dev/kvm cannot boot a stock kernel).
#   bench/vm.sh WORKDIR RESULTS-DIR VALUES-FILE     (called by bench/run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=$1 res=$2 values=$3
mem=${BENCH_VM_MEM:-256}
mkdir -p "$work/stage/bin" "$work/stage/dev" "$work/stage/proc"
put() { printf '%s\t%s\n' "$1" "$2" >>"$values"; }

eval "$("$repo/tests/vm/prepare.sh")" # KERNEL BASE_INITRD KVER CACHE

cp /bin/busybox "$work/stage/bin/busybox"
ln -sf busybox "$work/stage/bin/true"
ln -sf busybox "$work/stage/bin/sh"
cat >"$work/stage/init" <<'EOF'
#!/bin/sh
/bin/busybox mount -t devtmpfs dev /dev
/bin/true && echo "bench-vm: /bin/true ran" >/dev/ttyS0
/bin/busybox poweroff -f
EOF
chmod 755 "$work/stage/init"
(cd "$work/stage" && find . -mindepth 1 | busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$work/initrd"

accel=tcg cpu=${LIEVE_VM_CPU:-max}
if ! grep -qw -E 'vmx|svm' /proc/cpuinfo; then
	why="the CPU shows no vmx/svm$([ -e /dev/kvm ] && echo ' (this /dev/kvm is PVM, which cannot boot a stock kernel)')"
elif ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	why="/dev/kvm is missing or not usable"
else
	accel=kvm cpu=host why="the CPU shows vmx/svm and /dev/kvm is usable"
fi
tsc_khz=$({ dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p;
	s/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p'; grep -m1 '^cpu MHz' /proc/cpuinfo |
	sed 's/.*: //'; } | awk 'NR == 1 { printf "%d", $1 * 1000 }')
cmdline="console=ttyS0 quiet panic=-1 rdinit=/init tsc_early_khz=$tsc_khz tsc=reliable"
cmdline="$cmdline mitigations=off 8250.nr_uarts=1 pci=off cryptomgr.notests"
# shellcheck disable=SC2054
qemu=(qemu-system-x86_64 -M microvm,pit=on,pic=on,rtc=on,acpi=on -accel "$accel" -cpu "$cpu"
	-smp 1 -m "$mem" -nodefaults -no-user-config -display none -no-reboot
	-serial "file:$work/console.log" -kernel "$KERNEL" -initrd "$work/initrd" -append "$cmdline")
printf '%q ' "${qemu[@]}" >"$res/raw/vm-command.txt"
put vm.accel "$accel"
put vm.accel_why "$why"
put vm.mem "$mem"
put vm.kernel "$KVER"

# One checked boot first: a VM that does not run /bin/true must not be timed.
: >"$work/console.log"
timeout 120 "${qemu[@]}" </dev/null >"$res/raw/vm.log" 2>&1 || { echo "qemu failed" >&2; exit 1; }
grep -q 'bench-vm: /bin/true ran' "$work/console.log" ||
	{ echo "the VM did not run /bin/true" >&2; cat "$work/console.log" >>"$res/raw/vm.log"; exit 1; }

# Each timed boot also records qemu's max RSS (GNU time adds ~1 ms to seconds).
echo "bench: hyperfine: vm" >&2
: >"$work/rss"
cmd=$(printf '%q ' /usr/bin/time -a -o "$work/rss" -f %M timeout 120 "${qemu[@]}")
hyperfine -N --style basic --runs "${BENCH_VM_RUNS:-5}" -n vm "$cmd" \
	--export-json "$res/raw/vm.json" >"$res/raw/vm.txt" 2>&1
put rss.vm "$(sort -n "$work/rss" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
