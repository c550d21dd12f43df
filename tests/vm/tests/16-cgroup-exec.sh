#!/bin/sh
# exec into a container with a cgroup namespace, on a cgroup2 mounted with nsdelegate (as
# systemd and this guest mount it): the exec'd process lands in the container's cgroup and sees
# it as its root. With nsdelegate, a process can clone a child into a cgroup (CLONE_INTO_CGROUP)
# only from its own cgroup namespace; a runtime that joins the container's cgroup namespace
# before cloning gets ENOENT. Also a second container joining the first one's cgroup namespace
# by path.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

grep -q "nsdelegate" /proc/self/mountinfo || skip "cgroup2 is not mounted with nsdelegate here"
name=lieve-vm-16
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"
forget_cgroup "$cg-b"
make_bundle bundle --cgroups-path "/$name" -- sleep 60
start_detached c16 bundle
pid=$(init_pid c16)
[ -n "$pid" ] || fail "no pid in state"

lv exec --detach --pid-file exec.pid c16 sleep 30 || fail "exec --detach failed"
xpid=$(cat exec.pid)
assert_eq "/$name" "$(cgroup_of "$xpid")" "the exec'd process's cgroup (host view)"
assert_eq "0::/" "$(lv exec c16 cat /proc/self/cgroup)" "/proc/self/cgroup inside"
assert_eq "$(readlink /proc/$pid/ns/cgroup)" "$(readlink /proc/$xpid/ns/cgroup)" "cgroup namespace"

# A container that joins c16's cgroup namespace by path (created through an intermediate).
make_bundle bundle-b --cgroups-path "/$name-b" -- sleep 60
sed -i "s|{\"type\": \"cgroup\"}|{\"type\": \"cgroup\", \"path\": \"/proc/$pid/ns/cgroup\"}|" \
	bundle-b/config.json
grep -q "/proc/$pid/ns/cgroup" bundle-b/config.json || fail "bundle-b: no cgroup namespace path"
start_detached c16b bundle-b
pidb=$(init_pid c16b)
assert_eq "$(readlink /proc/$pid/ns/cgroup)" "$(readlink /proc/$pidb/ns/cgroup)" "joined cgroup namespace"
assert_eq "/$name-b" "$(cgroup_of "$pidb")" "the second container's cgroup"
lv delete --force c16b
lv delete --force c16
[ ! -d "$cg" ] && [ ! -d "$cg-b" ] || fail "cgroups left after delete"
pass
