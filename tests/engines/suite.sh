# Sourced by scripts/test.sh (uses its $repo, $build and count()): the
# engines suite, containerd and Podman driving the lieve just built.
#   LIEVE_SKIP_ENGINES=1 scripts/test.sh   skips it
# shellcheck shell=bash
if [ "${LIEVE_SKIP_ENGINES:-0}" != 1 ]; then
	echo "=== engines (containerd and Podman driving lieve; private mount namespace)"
	tests/engines/install-deps.sh || echo "engines: install-deps failed" >&2
	LIEVE_BIN="$repo/$build/cli/lieve" tests/engines/run.sh -q 2>&1 |
		tee "$build/engines.log" | tail -n 25
	e_ok=$(grep -Eo '[0-9]+ passed' "$build/engines.log" | tail -1 | grep -Eo '[0-9]+')
	e_fail=$(grep -Eo '[0-9]+ (failed|error|errors|xpassed)' "$build/engines.log" |
		awk '{n += $1} END {print n + 0}')
	[ -n "$e_ok" ] || e_fail=$((e_fail + 1))
	count "${e_ok:-0}" "$e_fail"
fi
