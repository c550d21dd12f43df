#!/bin/sh
# Runs the engines suite (containerd and Podman driving an OCI runtime) as
# root inside a private mount namespace, so no mount an engine, a shim or the
# runtime makes can leak to the host.
#   tests/engines/run.sh [--runtime-binary PATH] [pytest args...]
#   LIEVE_ENGINES_RUNTIME=/usr/sbin/runc tests/engines/run.sh -k podman
# Default runtime: $LIEVE_BIN, else build/cli/lieve.  Exits with pytest's status.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$(dirname "$here")")
if [ "$(id -u)" != 0 ]; then
	echo "engines/run.sh: the engines suite needs root" >&2
	exit 2
fi
py=/usr/bin/python3
"$py" -c 'import pytest' 2>/dev/null || {
	echo "engines/run.sh: $py has no pytest (tests/engines/install-deps.sh)" >&2
	exit 2
}
for b in containerd ctr podman conmon; do
	command -v "$b" >/dev/null || {
		echo "engines/run.sh: $b is missing (tests/engines/install-deps.sh)" >&2
		exit 2
	}
done
cd "$repo"
# The whole suite unless a test path is given.
default="$here"
prev=
for a in "$@"; do
	case "$prev" in --runtime-binary|-k|-m|-p) prev=; continue ;; esac
	case "$a" in
	-*) ;;
	*) [ -e "${a%%::*}" ] && default= ;;
	esac
	prev=$a
done
# One session at a time on a host: a session mounts its tmpfs shadows on
# /run/lieve, /run/containerd, ... creating them if missing and removing them
# at the end, which would pull them from under a concurrent session.
if [ -z "${LIEVE_ENGINES_LOCKED:-}" ]; then
	export LIEVE_ENGINES_LOCKED=1
	exec flock -o -w 900 /run/lock "$here/run.sh" "$@"
fi
LIEVE_ENGINES_HOST_MNTNS=$(stat -L -c %i /proc/self/ns/mnt)
export LIEVE_ENGINES_HOST_MNTNS
exec unshare --mount --propagation private -- \
	env PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -p no:cacheprovider \
	-v -rfEsxX --tb=short $default "$@"
