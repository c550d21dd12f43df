#!/bin/bash
# The --systemd-cgroup tests: tests/vm/systemd/NN-*.sh in the tests/vm qemu guest booted with the
# host's systemd as PID 1 and the D-Bus system bus (tests/vm/run.sh --systemd, which shares the
# host's /usr read-only). See tests/vm/README.md.
#   tests/vm/systemd/run.sh                              # lieve from build/cli/lieve
#   tests/vm/systemd/run.sh --lieve /usr/sbin/runc       # the oracle
#   tests/vm/systemd/run.sh 13-resources                 # some tests (names or paths)
# Other options go to tests/vm/run.sh (--timeout, --keep, --verbose, ...). Prints what
# tests/vm/run.sh prints, ending with `N passed, N failed`; exit status 0 if none failed.
# Without systemd and dbus-daemon on the host it prints why, `0 passed, 0 failed`, and exits 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

[ "$(id -u)" = 0 ] || { echo "systemd/run.sh: needs root (qemu, virtiofsd)" >&2; exit 2; }

opts=() tests=()
while [ $# -gt 0 ]; do
	case $1 in
	--lieve | --add | --timeout | --test-timeout | --smp | --mem | --accel)
		opts+=("$1" "$2"); shift 2 ;;
	-h | --help)
		sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) opts+=("$1"); shift ;;
	*)
		if [ -f "$1" ]; then tests+=("$(realpath "$1")")
		elif [ -f "$here/$1" ]; then tests+=("$here/$1")
		elif [ -f "$here/$1.sh" ]; then tests+=("$here/$1.sh")
		else echo "systemd/run.sh: no test $1" >&2; exit 2
		fi
		shift ;;
	esac
done

# The guest runs the host's systemd and D-Bus units from the host's /usr.
for f in /usr/lib/systemd/systemd /usr/bin/systemctl /usr/bin/busctl /usr/bin/dbus-daemon \
	/usr/lib/systemd/system/dbus.socket /usr/lib/systemd/system/dbus.service; do
	if [ ! -e "$f" ]; then
		echo "vm/systemd: skipped: $f is missing (packages systemd, dbus: scripts/install-deps.sh)"
		echo "0 passed, 0 failed"
		exit 0
	fi
done

# A run takes ~2 min under TCG on a quiet host; the limits leave room for a loaded one and still
# kill a hung guest. Options given override them (tests/vm/run.sh keeps the last).
exec "$repo/tests/vm/run.sh" --systemd --timeout 420 --test-timeout 150 \
	"${opts[@]+"${opts[@]}"}" "${tests[@]+"${tests[@]}"}"
