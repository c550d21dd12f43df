# Sourced by scripts/test.sh (uses its $repo, $build and counted_suite()): Podman and containerd with
# their systemd cgroup managers driving the lieve just built (`--systemd-cgroup`: transient
# scopes over D-Bus), in the tests/vm qemu guest booted with systemd as PID 1 (~3-5 min).
# Skipped by LIEVE_SKIP_VM=1 or LIEVE_SKIP_ENGINES=1; without containerd and Podman on the host
# tests/engines/vm/run.sh says so and counts nothing.
# shellcheck shell=bash
if [ "${LIEVE_SKIP_VM:-0}" != 1 ] && [ "${LIEVE_SKIP_ENGINES:-0}" != 1 ]; then
	echo "=== engines with systemd cgroups (Podman and containerd in the qemu guest, systemd as PID 1)"
	counted_suite engines-vm-systemd.log tests/engines/vm/run.sh --systemd --lieve "$repo/$build/cli/lieve"
fi
