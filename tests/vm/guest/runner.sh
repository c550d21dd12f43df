#!/bin/sh
# Runs the tests named in $LIEVE_VM_TESTS one after the other, each in a fresh scratch directory
# with a time limit, and reports to the host through marker lines on the console:
#   @@lieve-vm: begin NAME
#   @@lieve-vm: result NAME pass|fail|skip SECONDS
#   @@lieve-vm: summary PASSED FAILED SKIPPED
# Exit status 0 passes, 77 skips, anything else fails. A test that leaves a cgroup behind fails:
# the runner kills what is in it and removes it, so the next test starts clean. In systemd mode
# (run by systemd-runner.sh) also a systemd unit left behind fails, and empty slices do not.
. /lieve/env
export LIEVE

uptime_s() { cut -d' ' -f1 /proc/uptime; }

cgroups_now() { find /sys/fs/cgroup -mindepth 1 -type d | sort; }

# Deepest first, so that parents are empty when their turn comes.
remove_cgroups() {
	for cg in $(echo "$1" | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-); do
		[ -d "$cg" ] || continue
		echo 1 >"$cg/cgroup.kill" 2>/dev/null
		i=0
		until rmdir "$cg" 2>/dev/null; do
			i=$((i + 1))
			[ $i -lt 50 ] || { echo "runner: cannot remove $cg"; break; }
			usleep 20000
		done
	done
}

# systemd mode: systemd keeps a slice (and its cgroup) active after its last unit is gone, and
# no runtime stops the slices that a cgroupsPath like "a-b.slice:p:n" made it create. Such empty
# slices, made of nothing but slices, are stopped here and not held against the test. Anything
# else stays a leftover (a container's scope above all): systemd units are killed and stopped
# through systemd (removing their cgroups behind its back would confuse it), the rest is printed
# for remove_cgroups.
systemd_leftovers() {
	_units="" _others=""
	for cg in $1; do
		case ${cg##*/} in
		*.slice)
			if [ -z "$(find "$cg" -mindepth 1 -type d ! -name '*.slice')" ] &&
				[ -z "$(cat $(find "$cg" -name cgroup.procs) 2>/dev/null)" ]; then
				continue
			fi
			_units="$_units ${cg##*/}" _others="$_others $cg" ;;
		*.scope | *.service) _units="$_units ${cg##*/}" _others="$_others $cg" ;;
		*) _others="$_others $cg" ;;
		esac
	done
	for u in $_units; do
		systemctl kill --signal=SIGKILL "$u" >/dev/null 2>&1
		timeout 20 systemctl stop "$u" >/dev/null 2>&1
	done
	# The empty slices last: stopping a slice stops what is in it.
	for cg in $1; do
		case ${cg##*/} in *.slice) [ -d "$cg" ] && timeout 20 systemctl stop "${cg##*/}" >/dev/null 2>&1 ;; esac
	done
	for cg in $_others; do echo "$cg"; done
}

# systemd mode: scopes and services systemd still knows (loaded: active, failed, ...) whether or
# not they have a cgroup; a failed container scope has none but is no less left behind.
units_now() {
	systemctl list-units --all --plain --no-legend --type=scope,service 2>/dev/null |
		awk '$2 != "not-found" { print $1 }' | sort
}

passed=0 failed=0 skipped=0
baseline=$(cgroups_now)
[ "${LIEVE_VM_SYSTEMD:-0}" = 1 ] && baseline_units=$(units_now)
for t in $LIEVE_VM_TESTS; do
	echo "@@lieve-vm: begin $t"
	t0=$(uptime_s)
	dir=$(mktemp -d /tmp/lieve-test.XXXXXX)
	# A session of its own, so that whatever the test leaves running (a background job, a
	# runtime process) can be killed with it afterwards.
	TMPDIR=$dir setsid /bin/sh -c 'echo $$ >"$TMPDIR/.sid"; cd "$TMPDIR" &&
		exec timeout -s KILL "$1" /bin/sh "$2"' sh "$LIEVE_VM_TEST_TIMEOUT" "/lieve/tests/$t" \
		</dev/null 2>&1 &
	wait $!
	rc=$?
	sid=$(cat "$dir/.sid" 2>/dev/null)
	[ -n "$sid" ] && kill -KILL -- "-$sid" 2>/dev/null
	t1=$(uptime_s)
	case $rc in
	0) status=pass ;;
	77) status=skip ;;
	137) status=fail; echo "runner: $t killed (time limit ${LIEVE_VM_TEST_TIMEOUT}s or SIGKILL)" ;;
	*) status=fail; echo "runner: $t exited with status $rc" ;;
	esac
	left=$(cgroups_now | grep -vxF "$baseline")
	[ -n "$left" ] && [ "${LIEVE_VM_SYSTEMD:-0}" = 1 ] && left=$(systemd_leftovers "$left")
	if [ -n "$left" ]; then
		echo "runner: $t left cgroups behind:" $left
		remove_cgroups "$left"
		status=fail
	fi
	if [ "${LIEVE_VM_SYSTEMD:-0}" = 1 ]; then
		left=$(units_now | grep -vxF "$baseline_units")
		if [ -n "$left" ]; then
			echo "runner: $t left systemd units behind:" \
				$(systemctl list-units --all --plain --no-legend $left | awk '{ print $1 "(" $3 "/" $4 ")" }')
			for u in $left; do
				systemctl kill --signal=SIGKILL "$u" >/dev/null 2>&1
				timeout 20 systemctl stop "$u" >/dev/null 2>&1
				systemctl reset-failed "$u" >/dev/null 2>&1
			done
			status=fail
		fi
	fi
	rm -rf "$dir" 2>/dev/null || { umount -R "$dir" 2>/dev/null; rm -rf "$dir"; }
	case $status in
	pass) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
	echo "@@lieve-vm: result $t $status $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
done
echo "@@lieve-vm: summary $passed $failed $skipped"
