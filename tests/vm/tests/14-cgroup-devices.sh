#!/bin/sh
# The device filter (eBPF on cgroup v2): a device node the rules do not allow cannot be opened
# even when it is there (here the block device /dev/loop0, bind-mounted in; /dev/kmsg would not
# do, dmesg_restrict refuses it anyway); runc's default devices (/dev/null) can; a rule in
# linux.resources.devices opens /dev/loop0 for reading only.
. /lieve/lib.sh
. /lieve/tests/cgroup.lib

name=lieve-vm-14
cg=$CGROUP_ROOT/$name
forget_cgroup "$cg"
modprobe loop 2>/dev/null || true
[ -b /dev/loop0 ] || skip "no /dev/loop0"
dev=$(cat /sys/block/loop0/dev)
maj=${dev%:*} min=${dev#*:}
# The node itself allows root to read and write: only the cgroup can refuse.
true </dev/loop0 && true >/dev/loop0 || fail "/dev/loop0 cannot be opened on the host"

# bundle DIR DEVICES-JSON
bundle() {
	make_bundle "$1" --cgroups-path "/$name" --resources "{\"devices\": $2}" -- sh -c 'if true </dev/loop0; then echo loop-read-ok; fi; if true >/dev/loop0; then echo loop-write-ok; fi; if echo x >/dev/null; then echo null-ok; fi'
	# Last in the list: after the tmpfs on /dev.
	sed -i 's|"options": \["nosuid", "nodev"\]}|&, {"destination": "/dev/loop0", "type": "bind", "source": "/dev/loop0", "options": ["bind"]}|' \
		"$1/config.json"
}
run_fg() {
	_st=0
	lv run --bundle "$1" "$2" >"$TMPDIR/$2.log" 2>&1 </dev/null || _st=$?
	case "$(cat "$TMPDIR/$2.log")" in
	*"not implemented yet"*) skip "$LIEVE run: $(cat "$TMPDIR/$2.log")" ;;
	esac
	cat "$TMPDIR/$2.log"
}

bundle denied '[{"allow": false, "access": "rwm"}]'
out=$(run_fg denied c14a)
assert_contains "$out" "null-ok"
assert_contains "$out" "can't open /dev/loop0: Operation not permitted"
case $out in *loop-read-ok*|*loop-write-ok*) fail "/dev/loop0 opened: $out" ;; esac
[ ! -d "$cg" ] || fail "$cg still exists after run"

bundle allowed "[{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"b\", \"major\": $maj, \"minor\": $min, \"access\": \"r\"}]"
out=$(run_fg allowed c14b)
assert_contains "$out" "loop-read-ok"
assert_contains "$out" "null-ok"
assert_contains "$out" "can't create /dev/loop0: Operation not permitted"
case $out in *loop-write-ok*) fail "/dev/loop0 opened for writing: $out" ;; esac
[ ! -d "$cg" ] || fail "$cg still exists after run"
pass
