#!/bin/sh
# Installs what the engines suite (tests/engines) needs, from Debian's
# packages: containerd (ctr + the io.containerd.runc.v2 shim), Podman with
# conmon, skopeo/umoci to build the test image locally, tmux for a real pty.
# Idempotent: apt is only called for what is missing.
set -eu
pkgs="containerd podman conmon skopeo umoci busybox-static tmux runc python3 python3-pytest
util-linux"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "engines/install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
