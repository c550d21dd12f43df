# Sourced by scripts/test.sh (uses its $repo, $build and counted_suite()): containerd and Podman
# driving the lieve just built on pure cgroup v2, in the tests/vm qemu guest (~2 min).
# Skipped by LIEVE_SKIP_VM=1 or LIEVE_SKIP_ENGINES=1; without containerd and Podman on the host
# tests/engines/vm/run.sh says so and counts nothing.
# shellcheck shell=bash
if [ "${LIEVE_SKIP_VM:-0}" != 1 ] && [ "${LIEVE_SKIP_ENGINES:-0}" != 1 ]; then
	echo "=== engines on cgroup v2 (containerd and Podman in the qemu guest)"
	counted_suite engines-vm.log tests/engines/vm/run.sh --lieve "$repo/$build/cli/lieve"
fi
