#!/bin/sh
# The device rules hold in a systemd scope, and still after `systemctl daemon-reload`: with
# linux.resources.devices denying everything, the container can use /dev/null (allowed by
# default, as in runc) but not /dev/vda, a block device created in it (linux.devices) without an
# allow rule.
. /lieve/lib.sh
. /lieve/tests/systemd.lib

unit=lieve-test-d14.scope
cg=$CGROUP_ROOT/system.slice/$unit
forget_cgroup "$cg"
make_bundle b --cgroups-path system.slice:lieve-test:d14 \
	--resources '{"devices": [{"allow": false, "access": "rwm"}]}' -- sleep 1000
sed -i 's|^\t"linux": {|\t"linux": {\n\t\t"devices": [{"path": "/dev/vda", "type": "b", "major": 254, "minor": 0, "fileMode": 432}],|' b/config.json
grep -q '"/dev/vda"' b/config.json || fail "could not add linux.devices to config.json"
sd_start d14 b

# One exec a check (each costs seconds under TCG).
check() {
	out=$(lvs exec d14 sh -c 'echo x >/dev/null && echo null-ok; head -c 1 /dev/vda >/dev/null && echo vda-ok' 2>&1) || true
	assert_contains "$out" null-ok "write to /dev/null $1"
	assert_contains "$out" "Operation not permitted" "reading /dev/vda $1"
	case $out in *vda-ok*) fail "reading /dev/vda worked $1: $out" ;; esac
}
check "after run"
systemctl daemon-reload
check "after daemon-reload"

lvs delete --force d14
assert_gone $unit "$cg" d14
pass
