#!/bin/bash
# containerd and Podman driving the runtime on pure cgroup v2: the engines' guest tests
# (tests/engines/vm/engines-*.sh) run in the tests/vm qemu guest, with the host's /usr shared
# read-only (the engines installed by tests/engines/install-deps.sh) and the test image made
# here by tests/engines/lib/image.py. See tests/engines/vm/README.md.
#   tests/engines/vm/run.sh                              # lieve from build/cli/lieve
#   tests/engines/vm/run.sh --lieve /usr/sbin/runc       # the oracle
#   tests/engines/vm/run.sh containerd                   # one test (engines-containerd.sh)
#   tests/engines/vm/run.sh --systemd                    # systemd-*.sh: the engines' systemd
#                                                        # cgroup managers, systemd as PID 1
# Other options go to tests/vm/run.sh (--timeout, --keep, --verbose, ...). Prints what
# tests/vm/run.sh prints, ending with `N passed, N failed`; exit status 0 if none failed.
# Without any engine on the host it prints why, `0 passed, 0 failed`, and exits 0 (a skip).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

[ "$(id -u)" = 0 ] || { echo "engines/vm/run.sh: needs root (qemu, virtiofsd)" >&2; exit 2; }

opts=() args=() tests=() systemd=0
while [ $# -gt 0 ]; do
	case $1 in
	--lieve | --add | --timeout | --test-timeout | --smp | --mem | --accel)
		opts+=("$1" "$2"); shift 2 ;;
	--systemd) systemd=1; opts+=("$1"); shift ;;
	-h | --help)
		sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) opts+=("$1"); shift ;;
	*) args+=("$1"); shift ;;
	esac
done
# The tests of a mode: engines-*.sh in the busybox guest (cgroupfs managers), systemd-*.sh in the
# systemd guest (the engines' systemd managers).
prefix=engines
[ $systemd = 0 ] || prefix=systemd
for a in "${args[@]+"${args[@]}"}"; do
	if [ -f "$a" ]; then tests+=("$(realpath "$a")")
	elif [ -f "$here/$prefix-$a.sh" ]; then tests+=("$here/$prefix-$a.sh")
	elif [ -f "$here/$a" ]; then tests+=("$here/$a")
	else echo "engines/vm/run.sh: no test $a" >&2; exit 2
	fi
done
[ ${#tests[@]} -gt 0 ] || tests=("$here"/$prefix-*.sh)

# The guest finds the engines in the host's /usr: without any, there is nothing to run.
have=""
command -v containerd >/dev/null && command -v ctr >/dev/null &&
	command -v containerd-shim-runc-v2 >/dev/null && have="$have containerd"
command -v podman >/dev/null && command -v conmon >/dev/null && have="$have podman"
if [ -z "$have" ]; then
	echo "engines/vm: skipped: neither containerd nor podman+conmon is installed" \
		"(tests/engines/install-deps.sh)"
	echo "0 passed, 0 failed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lieve-engines-vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PYTHONDONTWRITEBYTECODE=1 python3 -c 'import sys
sys.path.insert(0, sys.argv[1])
from lib.image import write_docker_archive
write_docker_archive(sys.argv[2])' "$repo/tests/engines" "$tmp/lieve-busybox.tar"

# Not exec: the trap removes the image afterwards. The whole run takes ~2 min under TCG on a
# quiet host (a test ~45-75 s; with --systemd ~3 min, a test ~70-100 s): the limits leave room
# for a loaded one, and still kill a hung guest. Options given override them (tests/vm/run.sh
# keeps the last).
limits=(--timeout 420 --test-timeout 180)
[ $systemd = 0 ] || limits=(--timeout 720 --test-timeout 300)
"$repo/tests/vm/run.sh" --share-usr --add "$tmp/lieve-busybox.tar" --add "$here/engines.lib" \
	"${limits[@]}" "${opts[@]+"${opts[@]}"}" "${tests[@]}"
