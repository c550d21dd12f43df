#!/bin/sh
# lieve bug repro: exec with a process.cwd that does not exist creates it;
# runc fails ("chdir to cwd ... no such file or directory") and creates nothing
# (runc makes a missing cwd for the container's init only).
# usage: unshare -m --propagation private sh repro-exec-missing-cwd.sh RUNTIME
set -u
R=$1; d=$(mktemp -d); root=$d/state
mkdir -p $d/rootfs/bin && cp /bin/busybox $d/rootfs/bin/ && for a in sh sleep true test; do ln -s busybox $d/rootfs/bin/$a; done
mkdir -p $d/rootfs/proc $d/rootfs/dev $d/rootfs/sys
cd $d && runc spec && python3 - <<'PY'
import json; c = json.load(open('config.json'))
c['process'].update(terminal=False, args=['sleep', '100'])
c['root']['readonly'] = False
json.dump(c, open('config.json', 'w'))
PY
$R --root $root run -d --bundle $d rep </dev/null >/dev/null 2>&1
$R --root $root exec --cwd /nonexistent-dir rep true; echo "exec: exit $? (runc: 255)"
$R --root $root exec rep test -e /nonexistent-dir; echo "created: $([ $? = 0 ] && echo yes || echo no) (runc: no)"
$R --root $root delete --force rep; cd /; rm -rf $d
