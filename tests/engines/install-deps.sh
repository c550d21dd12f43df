#!/bin/sh
# Installs what the engines suite (tests/engines) needs, from Debian's
# packages: containerd (ctr + the io.containerd.runc.v2 shim), Podman with
# conmon, skopeo/umoci to build the test image locally, tmux for a real pty.
# Idempotent: apt is only called for what is missing.
exec "$(dirname "$0")/../../scripts/install-deps.sh" containerd podman conmon skopeo umoci \
	busybox-static tmux runc python3 python3-pytest util-linux
