#!/bin/sh
# Installs everything lieve needs to build, test and benchmark, from Debian's
# packages, or only the packages named as arguments (a suite's own script).
# Idempotent: apt is only called for what is missing.
set -eu
pkgs="$*"
[ -n "$pkgs" ] || pkgs="gcc meson ninja-build pkg-config libyajl-dev libseccomp-dev libcap-dev libmnl-dev
libarchive-dev libssl-dev libcriterion-dev scdoc busybox-static python3 python3-pytest
valgrind iproute2 util-linux runc umoci skopeo qemu-system-x86 lz4 zstd xz-utils
e2fsprogs cpio kmod containerd podman conmon tmux libsystemd-dev systemd dbus"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
