#!/bin/sh
# --systemd-cgroup without linux.cgroupsPath: the scope is <prefix>-<id>.scope in system.slice,
# the prefix being the runtime's name (runc-<id>.scope, lieve-<id>.scope). delete --force of the
# running container leaves no unit, cgroup or state. A foreground `run` without a cgroup
# namespace sees its scope in /proc/self/cgroup, and nothing is left once it returns.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=$PREFIX-c11.scope
cg=/system.slice/$unit
forget_cgroup "$CGROUP_ROOT$cg"
make_bundle a -- sleep 1000
sd_start c11 a
assert_active_scope "$unit" system.slice "$cg" "$(init_pid c11)"
lvs delete --force c11
assert_gone "$unit" "$CGROUP_ROOT$cg" c11

unit=$PREFIX-c11f.scope
cg=/system.slice/$unit
forget_cgroup "$CGROUP_ROOT$cg"
make_bundle f --no-cgroupns -- sh -c 'cat /proc/self/cgroup; exit 3'
st=0
out=$(lvs run --bundle f c11f 2>err </dev/null) || st=$?
assert_eq 3 "$st" "exit status of run (the container's; stderr: $(cat err))"
assert_eq "0::$cg" "$out" "/proc/self/cgroup in the container"
assert_gone "$unit" "$CGROUP_ROOT$cg" c11f
pass
