#!/bin/sh
# ExecStart of lieve-vm-runner.service in systemd mode (tests/vm/run.sh --systemd): waits until
# systemd answers on the D-Bus system bus (what runtimes' systemd cgroup drivers talk to), runs
# the tests and says so on the console; the unit's SuccessAction/FailureAction power off.
. /lieve/env

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# dbus.service is up (After=), but systemd takes the name org.freedesktop.systemd1 on the bus
# only once it has seen dbus.service start.
i=0
until busctl --system status org.freedesktop.systemd1 >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then
		echo "@@lieve-vm: init: systemd did not appear on the D-Bus system bus in 30 s"
		echo "@@lieve-vm: poweroff $(uptime_s)"
		exit 1
	fi
	usleep 100000
done

echo "@@lieve-vm: ready $(uptime_s)"
/bin/sh /lieve/runner.sh
echo "@@lieve-vm: poweroff $(uptime_s)"
