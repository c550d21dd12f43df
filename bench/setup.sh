#!/bin/bash
# Installs what bench/run.sh needs with apt (only what is missing): the runtimes it compares
# lieve with, the measuring tools, busybox-static for the bundle, qemu for the VM, gnuplot for
# the chart, and lieve's own build dependencies. As root on Debian 12.
set -euo pipefail
want=(crun runc hyperfine busybox-static time gnuplot-nox qemu-system-x86 python3 meson ninja-build
	gcc pkg-config libyajl-dev libseccomp-dev libcap-dev libmnl-dev libarchive-dev libssl-dev
	binutils strace)
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
echo "bench/setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" >&2 ||
	{ apt-get -o DPkg::Lock::Timeout=300 update >&2 &&
	  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" >&2; }
