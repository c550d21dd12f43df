# Sourced by scripts/test.sh (uses its $repo, $build and count()): the --systemd-cgroup tests of
# the lieve just built, in the tests/vm qemu guest with systemd as PID 1 (~2 min).
# Skipped by LIEVE_SKIP_VM=1; without systemd and dbus on the host tests/vm/systemd/run.sh says
# so and counts nothing.
# shellcheck shell=bash
if [ "${LIEVE_SKIP_VM:-0}" != 1 ]; then
	echo "=== systemd cgroup driver (qemu guest with systemd as PID 1)"
	tests/vm/systemd/run.sh --lieve "$repo/$build/cli/lieve" 2>&1 |
		tee "$build/vm-systemd.log" | tail -n 40
	sv=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$build/vm-systemd.log" | tail -1)
	if [ -n "$sv" ]; then
		count "$(echo "$sv" | cut -d' ' -f1)" "$(echo "$sv" | cut -d' ' -f3)"
	else
		count 0 1
	fi
fi
