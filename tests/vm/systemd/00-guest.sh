#!/bin/sh
# The systemd guest itself: systemd is PID 1, it mounted cgroup2 alone at /sys/fs/cgroup (as on a
# unified-hierarchy host), answers on the D-Bus system bus, and runs this test in
# lieve-vm-runner.service. Needs nothing from the runtime.
. /lieve/lib.sh

assert_eq systemd "$(cat /proc/1/comm)" "PID 1"
[ -d /run/systemd/system ] || fail "/run/systemd/system missing: runtimes would not see systemd"
# CGROUP2_SUPER_MAGIC, mounted by systemd with its options, and no v1 hierarchy.
assert_eq 63677270 "$(stat -f -c %t /sys/fs/cgroup)" "filesystem magic of /sys/fs/cgroup"
opts=$(awk '$2 == "/sys/fs/cgroup" { print $4 }' /proc/mounts)
assert_contains "$opts" nsdelegate "cgroup2 mount options"
assert_eq "" "$(awk '$3 == "cgroup" { print $2 }' /proc/mounts)" "cgroup v1 mounts"
assert_eq 1 "$(awk '$2 ~ "^/sys/fs/cgroup" { n++ } END { print n }' /proc/mounts)" \
	"mounts at or below /sys/fs/cgroup"

assert_eq /system.slice/lieve-vm-runner.service "$(cgroup_of $$)" "cgroup of the test"
assert_eq active "$(systemctl is-active dbus.service)" "dbus.service"
[ -S /run/dbus/system_bus_socket ] || fail "no /run/dbus/system_bus_socket"
# What a runtime's systemd driver asks: systemd's version, through the bus.
v=$(busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
	org.freedesktop.systemd1.Manager Version)
assert_contains "$v" 's "252' "systemd's Version over D-Bus"
# Only what lieve-vm.target pulls in was started: no journald, udevd, logind.
for u in systemd-journald.service systemd-udevd.service systemd-logind.service; do
	assert_eq inactive "$(systemctl is-active $u)" "$u"
done
pass
