#!/bin/sh
# Run the integration suite as root inside a private mount namespace, so no
# mount a test (or a broken runtime) makes can leak to the host.
#   tests/run-integration.sh [pytest args...]
#   LIEVE_TEST_RUNTIME=runc tests/run-integration.sh -k lifecycle
# Exits with pytest's status.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

if [ "$(id -u)" != 0 ]; then
	echo "run-integration.sh: the integration suite needs root" >&2
	exit 2
fi

# Debian's pytest: its python3 has the packages the suite uses, whatever
# python3 comes first on PATH.
py=/usr/bin/python3
"$py" -c 'import pytest' 2>/dev/null || {
	echo "run-integration.sh: $py has no pytest (apt-get install python3-pytest)" >&2
	exit 2
}

cd "$repo"
# The whole suite unless a test path is given.
default="$repo/tests/integration"
for a in "$@"; do
	case "$a" in
	-*) ;;
	*) [ -e "${a%%::*}" ] && default= ;;
	esac
done
# Tests that must not run in the host's mount namespace check they are not in this one.
LIEVE_ITEST_HOST_MNTNS=$(stat -L -c %i /proc/self/ns/mnt)
export LIEVE_ITEST_HOST_MNTNS
exec unshare --mount --propagation private -- \
	env PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -p no:cacheprovider \
	-v -rfEsxX --tb=short $default "$@"
