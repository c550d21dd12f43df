#!/bin/sh
# lieve bug repro: user namespace without a cgroup namespace plus a "cgroup"
# mount (Podman --uidmap on a host whose cgroupns default is "host"):
# lieve: mount "cgroup" on "/sys/fs/cgroup" (type cgroup): Operation not permitted.
# runc falls back to bind-mounting the host's cgroup hierarchy.
# usage: unshare -m --propagation private sh repro-userns-cgroup-mount.sh RUNTIME
set -u
R=$1; d=$(mktemp -d); chmod 755 $d; root=$d/state
mkdir -p $d/rootfs/bin && cp /bin/busybox $d/rootfs/bin/ && ln -s busybox $d/rootfs/bin/sh
mkdir -p $d/rootfs/proc $d/rootfs/dev $d/rootfs/sys
cd $d && runc spec && python3 - <<'PY'
import json; c = json.load(open('config.json'))
c['process'].update(terminal=False, args=['sh', '-c', 'echo ok'])
c['linux']['namespaces'] = [{'type': t} for t in ('pid', 'ipc', 'uts', 'mount', 'network', 'user')]
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['cgroupsPath'] = '/repro-userns-cgroup'
c['mounts'].append({'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup',
                    'options': ['rprivate', 'nosuid', 'noexec', 'nodev', 'relatime', 'ro']})
json.dump(c, open('config.json', 'w'))
PY
$R --root $root run --bundle $d rep </dev/null; echo "run: exit $?"   # runc: ok, 0; lieve: 1
$R --root $root delete --force rep 2>/dev/null
rmdir /sys/fs/cgroup/*/repro-userns-cgroup 2>/dev/null; cd /; rm -rf $d
