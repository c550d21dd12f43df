#!/bin/sh
# The cgroup manager's root tests (tests/unit/cgroups/test_host.c) on pure cgroup v2, where
# the controllers exist: resources written and updated, OOM counted, freeze, kill, device
# filter. Needs the test binary in the guest:
#   tests/vm/run.sh --add build/tests/unit/cgroups/test-cgroups-host 19-cgroup-unit
. /lieve/lib.sh

bin=/lieve/bin/test-cgroups-host
[ -x $bin ] || skip "run with --add build/tests/unit/cgroups/test-cgroups-host"
out=$($bin --verbose -j1 2>&1) || fail "$out"
echo "$out" | grep -E '^\[(PASS|SKIP|FAIL)'
# Here nothing may be skipped but the hybrid-host-only test.
skipped=$(echo "$out" | grep '^\[SKIP\]' | grep -v unavailable_controller || true)
[ -z "$skipped" ] || fail "skipped on cgroup v2: $skipped"
pass
