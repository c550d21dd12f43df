#!/bin/sh
# Bad input under --systemd-cgroup fails with one clear error line and leaves nothing: no unit,
# no cgroup, no state directory; including failures after the scope exists (a createRuntime hook
# that exits 1, a linux.resources.unified key no controller has).
. /lieve/lib.sh
. /lieve/tests/systemd.lib

nothing_left() {
	[ -z "$(find $CGROUP_ROOT -name "*$1*")" ] || fail "cgroup left: $(find $CGROUP_ROOT -name "*$1*")"
	[ -z "$(systemctl list-units --all --plain --no-legend "*$1*")" ] ||
		fail "unit left: $(systemctl list-units --all --plain --no-legend "*$1*")"
	[ ! -e "$STATE/$1" ] || fail "state directory $STATE/$1 left"
}

# Not slice:prefix:name.
make_bundle a --cgroups-path not-a-systemd-path -- sleep 1000
st=0
lvs run -d --bundle a e15a >a.log 2>&1 </dev/null || st=$?
[ $st != 0 ] || { lvs delete --force e15a; fail "run with cgroupsPath not-a-systemd-path succeeded"; }
assert_eq 1 "$(grep -c . a.log)" "lines of error output: $(cat a.log)"
assert_contains "$(cat a.log)" 'slice:prefix:name' "error"
assert_contains "$(cat a.log)" 'not-a-systemd-path' "error"
nothing_left e15a

# A slice that is no slice.
make_bundle e --cgroups-path not-a-slice:lieve-test:e15e -- sleep 1000
st=0
lvs run -d --bundle e e15e >e.log 2>&1 </dev/null || st=$?
[ $st != 0 ] || { lvs delete --force e15e; fail "run with cgroupsPath not-a-slice:lieve-test:e15e succeeded"; }
assert_eq 1 "$(grep -c . e.log)" "lines of error output: $(cat e.log)"
assert_contains "$(cat e.log)" not-a-slice "error"
nothing_left e15e

# A createRuntime hook fails after the scope exists (the hook says whether it saw it).
make_bundle b --cgroups-path system.slice:lieve-test:e15b -- sleep 1000
bundle_add b hooks '{"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c",
	"/usr/bin/systemctl is-active lieve-test-e15b.scope >'"$TMPDIR"'/hook.out 2>&1; exit 1"]}]}'
st=0
lvs run -d --bundle b e15b >b.log 2>&1 </dev/null || st=$?
[ $st != 0 ] || { lvs delete --force e15b; fail "run with a failing createRuntime hook succeeded"; }
assert_eq active "$(cat hook.out 2>&1)" "lieve-test-e15b.scope as the createRuntime hook saw it"
nothing_left e15b

# A unified key of no controller.
make_bundle c --cgroups-path system.slice:lieve-test:e15c \
	--resources '{"unified": {"lieve.nonexistent": "1"}}' -- sleep 1000
st=0
lvs run -d --bundle c e15c >c.log 2>&1 </dev/null || st=$?
[ $st != 0 ] || { lvs delete --force e15c; fail "run with unified lieve.nonexistent succeeded"; }
assert_contains "$(cat c.log)" 'lieve.nonexistent' "error"
nothing_left e15c

# An annotation naming no valid systemd property.
make_bundle d --cgroups-path system.slice:lieve-test:e15d -- sleep 1000
bundle_add d annotations '{"org.systemd.property.badName": "uint64 1"}'
st=0
lvs run -d --bundle d e15d >d.log 2>&1 </dev/null || st=$?
[ $st != 0 ] || { lvs delete --force e15d; fail "run with annotation org.systemd.property.badName succeeded"; }
assert_contains "$(cat d.log)" 'badName' "error"
nothing_left e15d
pass
