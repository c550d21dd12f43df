#!/bin/bash
# Prepare the parts of the cgroup-v2 test guest that do not change between runs:
#   - the kernel: Debian's current linux-image-*-cloud-amd64, downloaded with apt-get download and
#     unpacked with dpkg-deb -x (never installed on the host); its bzImage is decompressed into an
#     uncompressed vmlinux, which qemu boots through the PVH entry point (faster than the bzImage);
#   - the base initramfs: busybox-static with every applet linked in /bin, the kernel modules the
#     guest needs (with a modules.dep made by busybox depmod) and a /dev/console node.
# Everything lands in tests/vm/.cache (or $LIEVE_VM_CACHE) and every step is skipped when its
# output is already there, so a warm run touches neither apt nor the network.
# Usage: prepare.sh [--refresh]   (--refresh asks apt again which cloud kernel is current)
# Prints KERNEL=... BASE_INITRD=... KVER=... on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${LIEVE_VM_CACHE:-$here/.cache}
refresh=0
case "${1:-}" in
--refresh) refresh=1 ;;
"") ;;
*) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

# Modules loaded or loadable in the guest; their dependencies are added from modules.dep.
# overlay: container rootfs layers; virtio_mmio + virtio_blk: the libraries disk; virtiofs:
# --share-usr; veth, bridge: network tests; loop: image tests. Add a name here when a test needs
# one (the base initramfs rebuilds).
GUEST_MODULES="overlay virtio_mmio virtio_blk virtiofs veth bridge loop"

log() { echo "prepare: $*" >&2; }
die() { echo "prepare: error: $*" >&2; exit 1; }

apt_updated=0
apt_update_once() {
	[ "$apt_updated" = 1 ] && return 0
	log "apt-get update"
	apt-get update -q >/dev/null || die "apt-get update failed"
	apt_updated=1
}

# Host tools: qemu (microvm), busybox-static (guest userspace, cpio, depmod), lz4 & co (vmlinux).
ensure_host_tools() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 \
		|| missing+=(busybox-static)
	command -v lz4 >/dev/null || missing+=(lz4)
	command -v zstd >/dev/null || missing+=(zstd)
	command -v xz >/dev/null || missing+=(xz-utils)
	[ ${#missing[@]} = 0 ] && return 0
	log "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null; then
		apt_update_once
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
	fi
}

# The concrete package behind the linux-image-cloud-amd64 meta-package, remembered in the cache.
kernel_package() {
	local f=$cache/kernel-package name=""
	if [ "$refresh" = 0 ] && [ -s "$f" ]; then
		cat "$f"
		return 0
	fi
	name=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-cloud-amd64$/ { print $2; exit }')
	if [ -z "$name" ]; then
		apt_update_once
		name=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-cloud-amd64$/ { print $2; exit }')
	fi
	[ -n "$name" ] || die "apt-cache knows no linux-image-cloud-amd64"
	echo "$name" >"$f"
	echo "$name"
}

# Same idea as the kernel's scripts/extract-vmlinux: find a compressed stream's magic inside the
# bzImage, decompress from there and keep the first result that is an ELF file.
extract_vmlinux() {
	local img=$1 out=$2 magic cmd off
	for pair in '\x02\x21\x4c\x18:lz4 -dc' '\x28\xb5\x2f\xfd:zstd -dcq' '\x1f\x8b\x08:gzip -dc' \
		'\xfd\x37\x7a\x58\x5a\x00:xz -dcq'; do
		magic=${pair%%:*}
		cmd=${pair#*:}
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | $cmd >"$out" 2>/dev/null || true
			if [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				return 0
			fi
		done
	done
	rm -f "$out"
	return 1
}

prepare_kernel() {
	local pkg=$1 kdir=$2 tmp deb img
	[ -f "$kdir/.done" ] && return 0
	log "downloading $pkg"
	tmp=$(mktemp -d "$cache/kernel-tmp.XXXXXX")
	# apt-get download runs as _apt when it can write the directory; it falls back to root
	# with a warning otherwise, so let it.
	chmod 0777 "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		apt_update_once
		(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
			rm -rf "$tmp"
			die "apt-get download $pkg failed"
		}
	fi
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$tmp/root"
	img=$(ls "$tmp"/root/boot/vmlinuz-*)
	extract_vmlinux "$img" "$tmp/root/boot/vmlinux" || {
		rm -rf "$tmp"
		die "no vmlinux found inside $img"
	}
	# The package ships no modules.dep: it is made by depmod in the postinst.
	busybox depmod -b "$tmp/root" "$(ls "$tmp/root/lib/modules")"
	rm -f "$deb" "$img"
	rm -rf "$kdir"
	mkdir -p "$(dirname "$kdir")"
	mv "$tmp/root" "$kdir"
	rmdir "$tmp"
	touch "$kdir/.done"
}

# Modules named in GUEST_MODULES plus what modules.dep says they need, as paths under
# lib/modules/KVER.
module_closure() {
	local dep=$1
	awk -v want="$GUEST_MODULES" '
		function base(p) { sub(/.*\//, "", p); sub(/\.ko.*$/, "", p); gsub(/-/, "_", p); return p }
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { gsub(/-/, "_", w[i]); wanted[w[i]] = 1 } }
		{
			sub(/:$/, "", $1)
			if (base($1) in wanted) {
				found[base($1)] = 1
				for (i = 1; i <= NF; i++) { f = $i; sub(/:$/, "", f); print f }
			}
		}
		END { for (m in wanted) if (!(m in found)) { print "missing module " m > "/dev/stderr"; exit 1 } }
	' "$dep" | sort -u
}

# A newc cpio entry with no data (directory or device node), written by hand so that building
# the initramfs never needs mknod on the host.
cpio_entry() {
	local ino=$1 name=$2 mode=$3 rmaj=$4 rmin=$5 nsz pad
	nsz=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		"$ino" "$((8#$mode))" 0 0 1 0 0 0 0 "$rmaj" "$rmin" "$nsz" 0 "$name"
	pad=$(((4 - (110 + nsz) % 4) % 4))
	head -c "$pad" /dev/zero
}

prepare_base_initrd() {
	local kdir=$1 out=$2 kver key stage m
	kver=$(ls "$kdir/lib/modules")
	key="v1 $(sha256sum /bin/busybox | cut -c1-16) $kver $GUEST_MODULES $(sha256sum "$0" | cut -c1-16)"
	if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	log "building base initramfs"
	stage=$(mktemp -d "$cache/base-tmp.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,etc,root,mnt,var/tmp,usr/bin,lieve}
	ln -s bin "$stage/sbin"
	cp /bin/busybox "$stage/bin/busybox"
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
	done
	# /usr stays free for --share-usr; only env is expected there by shebang lines.
	ln -s /bin/busybox "$stage/usr/bin/env"
	chmod 1777 "$stage/tmp" "$stage/var/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$stage/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
	printf '127.0.0.1 localhost lieve-vm\n::1 localhost\n' >"$stage/etc/hosts"
	for m in $(module_closure "$kdir/lib/modules/$kver/modules.dep"); do
		mkdir -p "$stage/lib/modules/$kver/$(dirname "$m")"
		cp "$kdir/lib/modules/$kver/$m" "$stage/lib/modules/$kver/$m"
	done
	cp "$kdir/lib/modules/$kver"/modules.{builtin,order} "$stage/lib/modules/$kver/"
	busybox depmod -b "$stage" "$kver"
	(cd "$stage" && find . -mindepth 1 | busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$out.tmp"
	{
		cpio_entry 900001 dev 040755 0 0
		cpio_entry 900002 dev/console 020600 5 1
		cpio_entry 0 'TRAILER!!!' 0 0 0
	} >>"$out.tmp"
	rm -rf "$stage"
	mv "$out.tmp" "$out"
	echo "$key" >"$out.key"
}

main() {
	mkdir -p "$cache"
	# Several worktrees or runs may share one cache (LIEVE_VM_CACHE): one preparer at a time.
	exec 9>"$cache/.lock"
	flock 9
	ensure_host_tools
	local pkg kdir
	pkg=$(kernel_package)
	kdir=$cache/kernel/$pkg
	prepare_kernel "$pkg" "$kdir"
	prepare_base_initrd "$kdir" "$cache/base-initrd.cpio"
	echo "KERNEL=$kdir/boot/vmlinux"
	echo "BASE_INITRD=$cache/base-initrd.cpio"
	echo "KVER=$(ls "$kdir/lib/modules")"
	echo "CACHE=$cache"
}

main
