# Sourced by scripts/test.sh (uses its $repo, $build and counted_suite()): the --systemd-cgroup tests of
# the lieve just built, in the tests/vm qemu guest with systemd as PID 1 (~2 min).
# Skipped by LIEVE_SKIP_VM=1; without systemd and dbus on the host tests/vm/systemd/run.sh says
# so and counts nothing.
# shellcheck shell=bash
if [ "${LIEVE_SKIP_VM:-0}" != 1 ]; then
	echo "=== systemd cgroup driver (qemu guest with systemd as PID 1)"
	counted_suite vm-systemd.log tests/vm/systemd/run.sh --lieve "$repo/$build/cli/lieve"
fi
