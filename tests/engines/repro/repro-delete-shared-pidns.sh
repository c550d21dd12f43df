#!/bin/sh
# lieve bug repro: delete of a stopped container whose processes outlive init
# (no private pid namespace) fails: rmdir cgroup EBUSY. runc kills them first.
# usage: unshare -m --propagation private sh repro-delete-shared-pidns.sh RUNTIME
set -u
R=$1; d=$(mktemp -d); root=$d/state
mkdir -p $d/rootfs/bin && cp /bin/busybox $d/rootfs/bin/ && for a in sh sleep; do ln -s busybox $d/rootfs/bin/$a; done
mkdir -p $d/rootfs/proc $d/rootfs/dev $d/rootfs/sys
cd $d && runc spec && python3 - <<'PY'
import json; c = json.load(open('config.json'))
c['process'].update(terminal=False, args=['sh', '-c', 'sleep 997 & exec sleep 996'])
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['cgroupsPath'] = '/repro-shared-pidns'
json.dump(c, open('config.json', 'w'))
PY
$R --root $root run -d --bundle $d rep </dev/null >/dev/null 2>&1; sleep 0.3
$R --root $root kill rep KILL; sleep 0.3           # init dies; "sleep 997" lives on
$R --root $root delete rep; echo "delete: exit $?"  # runc: 0; lieve: 1, EBUSY
left=$(cat /sys/fs/cgroup/unified/repro-shared-pidns/cgroup.procs 2>/dev/null)
[ -n "$left" ] && { echo "left in the cgroup: $left"; kill -9 $left; sleep 0.2; $R --root $root delete --force rep; }
rmdir /sys/fs/cgroup/*/repro-shared-pidns 2>/dev/null; cd /; rm -rf $d
