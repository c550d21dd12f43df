#!/bin/bash
# Set-up command 2: runs every test suite from a clean build directory.
#   unit (Criterion, no root) → integration (pytest, real binary, root, in a
#   private mount namespace) → cgroup v2 guest (qemu, pure cgroup v2).
# Ends with one line `N passed, N failed` over all suites; exit 0 only if all passed.
#   LIEVE_SKIP_VM=1 scripts/test.sh   skips the qemu guest suite (developers' shortcut)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "test.sh: the integration suites need root" >&2; exit 1; }
scripts/install-deps.sh || exit 1

build=build-test
rm -rf "$build"
meson setup "$build" -Dwerror=true >/dev/null || exit 1
ninja -C "$build" || exit 1

passed=0 failed=0
count() { passed=$((passed + $1)); failed=$((failed + $2)); }
# counted_suite LOG CMD...: runs a suite that ends with a line `N passed, N failed` (the guest
# suites), keeps its output in $build/LOG and counts that line; no such line is one failure.
counted_suite() {
	_log=$build/$1
	shift
	"$@" 2>&1 | tee "$_log" | tail -n 40
	_res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$_log" | tail -1)
	if [ -n "$_res" ]; then
		count "$(echo "$_res" | cut -d' ' -f1)" "$(echo "$_res" | cut -d' ' -f3)"
	else
		count 0 1
	fi
}

echo "=== unit tests (Criterion)"
meson test -C "$build" --print-errorlogs --no-rebuild -v 2>&1 | tee "$build/unit.log" |
	grep -E "Synthesis|^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout):"
# Criterion's own counts, plus any meson test (Criterion or not) that failed.
u_ok=$(awk -F'[|:]' '/Synthesis/ {n += $5} END {print n + 0}' "$build/unit.log")
u_fail=$(awk -F'[|:]' '/Synthesis/ {n += $7 + $9} END {print n + 0}' "$build/unit.log")
m_fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$build/unit.log")
grep -q '^Ok:' "$build/unit.log" || m_fail=$((m_fail + 1))
count "$u_ok" $((u_fail + m_fail))

echo "=== integration tests (pytest, root, private mount namespace)"
LIEVE_BIN="$repo/$build/cli/lieve" tests/run-integration.sh -q -rfE -p no:cacheprovider 2>&1 |
	tee "$build/integration.log"
i_ok=$(grep -Eo '[0-9]+ passed' "$build/integration.log" | tail -1 | grep -Eo '[0-9]+')
i_fail=$(grep -Eo '[0-9]+ (failed|error|errors)' "$build/integration.log" | awk '{n += $1} END {print n + 0}')
[ -n "$i_ok" ] || i_fail=$((i_fail + 1))
count "${i_ok:-0}" "$i_fail"

. tests/engines/suite.sh # containerd + Podman driving lieve (LIEVE_SKIP_ENGINES=1 skips)

if [ "${LIEVE_SKIP_VM:-0}" != 1 ]; then
	echo "=== cgroup v2 guest (qemu)"
	counted_suite vm.log tests/vm/run.sh --lieve "$repo/$build/cli/lieve" \
		--add "$repo/$build/tests/unit/cgroups/test-cgroups-host"
fi

. tests/vm/systemd/suite.sh # --systemd-cgroup in the qemu guest with systemd as PID 1 (LIEVE_SKIP_VM=1 skips)

. tests/engines/vm/suite.sh # containerd + Podman on pure cgroup v2 in the qemu guest (LIEVE_SKIP_VM=1 or LIEVE_SKIP_ENGINES=1 skips)
. tests/engines/vm/suite-systemd.sh # the same with their systemd cgroup managers, systemd as PID 1 (same skips)

echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
