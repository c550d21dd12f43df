"""Namespaces: new ones, joined ones, user mappings, time offsets, sysctls, loopback."""
import os
import socket
import subprocess

import pytest

from lib import proc
from lib.host import assert_nothing_left
from lib.util import add_caps, set_namespace, sh

HOST_NS = ("mnt", "uts", "ipc", "net", "pid", "cgroup", "user")


def run_ok(runtime, bundle):
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_pid_1_inside(runtime, bundle):
    bundle.config["process"]["args"] = sh("echo $$; cat /proc/1/cmdline | tr '\\0' ' '; echo; "
                                          "ls -d /proc/[0-9]* | wc -l")
    out = run_ok(runtime, bundle).splitlines()
    assert out[0] == "1"
    assert out[1].startswith("/bin/sh -c ")
    # only the shell and the few commands of the pipeline: no host process visible
    assert int(out[2]) <= 4, out


def test_hostname(runtime, bundle):
    bundle.config["hostname"] = "box-one"
    bundle.config["process"]["args"] = sh("hostname")
    host_before = socket.gethostname()
    assert run_ok(runtime, bundle).split() == ["box-one"]
    assert socket.gethostname() == host_before


def test_domainname(runtime, bundle):
    if runtime.is_runc:
        # runc 1.1 silently ignores "domainname" (support came in runc 1.2);
        # lieve must honour it (or refuse it, never ignore it).
        pytest.skip("runc 1.1 ignores linux domainname")
    bundle.config["hostname"] = "box-one"
    bundle.config["domainname"] = "example.test"
    bundle.config["process"]["args"] = sh("hostname; cat /proc/sys/kernel/domainname")
    host_before = open("/proc/sys/kernel/domainname").read()
    assert run_ok(runtime, bundle).split() == ["box-one", "example.test"]
    assert open("/proc/sys/kernel/domainname").read() == host_before


def test_hostname_without_uts_namespace_refused(runtime, bundle):
    bundle.config["linux"]["namespaces"] = [
        n for n in bundle.config["linux"]["namespaces"] if n["type"] != "uts"]
    bundle.config["hostname"] = "nope"
    host_before = socket.gethostname()
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode != 0
    assert "hostname" in r.stderr.lower() or "uts" in r.stderr.lower(), r.stderr
    assert socket.gethostname() == host_before


def test_each_namespace_new(runtime, bundle):
    for t in ("cgroup",):
        set_namespace(bundle.config, t)
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    inside, host = proc.ns_inodes(pid), proc.ns_inodes("self")
    for ns in ("mnt", "uts", "ipc", "net", "pid", "cgroup"):
        assert inside[ns] != host[ns], f"{ns} namespace is the host's"
    # not asked for: shared with the runtime
    assert inside["user"] == host["user"]


def test_unlisted_namespace_is_shared(runtime, bundle):
    bundle.config["linux"]["namespaces"] = [{"type": "mount"}, {"type": "pid"}]
    bundle.config.pop("hostname", None)
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    inside, host = proc.ns_inodes(pid), proc.ns_inodes("self")
    for ns in ("uts", "ipc", "net"):
        assert inside[ns] == host[ns], f"{ns} namespace was not asked for but is new"
    assert inside["mnt"] != host["mnt"] and inside["pid"] != host["pid"]


@pytest.fixture
def netns_holder():
    """A network namespace of our own, held by a sleeping process; killed after."""
    p = subprocess.Popen(["unshare", "--net", "sleep", "600"])
    try:
        proc.wait_for(lambda: proc.ns_inode(p.pid, "net") != proc.ns_inode("self", "net")
                      and proc.cmdline(p.pid)[:1] == ["sleep"], what="unshare --net")
        yield p.pid
    finally:
        p.kill()
        p.wait()


def test_join_network_namespace_by_path(runtime, bundle, netns_holder):
    path = f"/proc/{netns_holder}/ns/net"
    set_namespace(bundle.config, "network", path)
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    assert proc.ns_inode(pid, "net") == proc.ns_inode(netns_holder, "net")
    # the others are still new
    assert proc.ns_inode(pid, "uts") != proc.ns_inode("self", "uts")


def test_join_uts_namespace_of_another_container(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    first, pid1 = runtime.started(bundle)
    set_namespace(bundle.config, "uts", f"/proc/{pid1}/ns/uts")
    bundle.config.pop("hostname")  # setting it in a joined namespace is refused by runc
    bundle.write()
    second, pid2 = runtime.started(bundle)
    assert proc.ns_inode(pid2, "uts") == proc.ns_inode(pid1, "uts")
    assert proc.ns_inode(pid2, "ipc") != proc.ns_inode(pid1, "ipc")


def test_join_cgroup_namespace_of_another_container(runtime, bundle):
    """Init joins a cgroup namespace given by path itself, once cloned into its cgroup (on a
    cgroup2 with nsdelegate the runtime could not place it there from inside that namespace;
    tests/vm/tests/16-cgroup-exec.sh checks that case)."""
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    set_namespace(bundle.config, "cgroup")
    bundle.write()
    first, pid1 = runtime.started(bundle)
    set_namespace(bundle.config, "cgroup", f"/proc/{pid1}/ns/cgroup")
    bundle.write()
    second, pid2 = runtime.started(bundle)
    assert proc.ns_inode(pid2, "cgroup") == proc.ns_inode(pid1, "cgroup")
    assert proc.ns_inode(pid2, "cgroup") != proc.ns_inode("self", "cgroup")


def test_join_cgroup_namespace_with_a_new_user_namespace(runtime, bundle):
    """With a new user namespace the cgroup namespace (owned by the host's) is joined before
    it exists: init, inside it, would not be allowed to."""
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    set_namespace(bundle.config, "cgroup")
    bundle.write()
    first, pid1 = runtime.started(bundle)
    _open_path_to_others(bundle.rootfs)
    set_namespace(bundle.config, "cgroup", f"/proc/{pid1}/ns/cgroup")
    set_namespace(bundle.config, "user")
    bundle.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    bundle.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    bundle.write()
    second, pid2 = runtime.started(bundle)
    assert proc.ns_inode(pid2, "cgroup") == proc.ns_inode(pid1, "cgroup")
    assert proc.ns_inode(pid2, "user") != proc.ns_inode("self", "user")


def _open_path_to_others(path):
    """Let a mapped (unprivileged on the host) root traverse to the bundle:
    pytest makes its temporary directories 0700."""
    p = path
    while str(p) not in ("/", "/tmp"):
        os.chmod(p, os.stat(p).st_mode | 0o001)
        p = p.parent


def test_user_namespace_mappings(runtime, bundle):
    _open_path_to_others(bundle.rootfs)
    set_namespace(bundle.config, "user")
    bundle.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    bundle.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    bundle.config["process"]["args"] = sh(
        "cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; "
        "echo > /tmp/ready; exec sleep 60")
    bundle.write()
    out = bundle.path / "out"
    with open(out, "w") as f:
        cid, pid = runtime.started(bundle, stdout=f)
    proc.wait_for(lambda: (bundle.rootfs / "tmp" / "ready").exists(), what="ready")
    lines = out.read_text().split("\n")
    assert lines[0].split() == ["0", "100000", "65536"]
    assert lines[1].split() == ["0", "200000", "65536"]
    assert lines[2:4] == ["0", "0"]
    st = proc.status(pid)
    assert st["Uid"].split()[0] == "100000"
    assert st["Gid"].split()[0] == "200000"
    assert proc.ns_inode(pid, "user") != proc.ns_inode("self", "user")


def test_time_namespace_offsets(runtime, bundle):
    if runtime.is_runc:
        pytest.skip("runc 1.1 has no time namespace support (added in runc 1.2)")
    set_namespace(bundle.config, "time")
    bundle.config["linux"]["timeOffsets"] = {"boottime": {"secs": 864000, "nanosecs": 0},
                                            "monotonic": {"secs": 3600, "nanosecs": 0}}
    bundle.config["process"]["args"] = sh("cat /proc/uptime; cat /proc/self/timens_offsets")
    host_uptime = float(open("/proc/uptime").read().split()[0])
    out = run_ok(runtime, bundle).splitlines()
    inside = float(out[0].split()[0])
    assert inside >= host_uptime + 864000 - 5
    offsets = {l.split()[0]: l.split()[1:] for l in out[1:]}
    assert offsets["monotonic"] == ["3600", "0"]
    assert offsets["boottime"] == ["864000", "0"]


def test_sysctl_namespaced_applied(runtime, bundle):
    host_value = open("/proc/sys/net/ipv4/ip_forward").read()
    want = "0" if host_value.strip() == "1" else "1"
    bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": want,
                                        "kernel.msgmax": "4096"}
    bundle.config["process"]["args"] = sh(
        "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax")
    assert run_ok(runtime, bundle).split() == [want, "4096"]
    assert open("/proc/sys/net/ipv4/ip_forward").read() == host_value


@pytest.mark.parametrize("key,value,remove_ns", [
    ("vm.swappiness", "13", None),             # not namespaced at all
    ("net.ipv4.ip_forward", "1", "network"),   # namespaced, but the host's netns
    ("kernel.msgmax", "4096", "ipc"),          # namespaced, but the host's ipc ns
])
def test_sysctl_not_in_container_namespace_refused(runtime, bundle, host_snapshot, key, value,
                                                    remove_ns):
    path = "/proc/sys/" + key.replace(".", "/")
    before = open(path).read()
    if remove_ns:
        bundle.config["linux"]["namespaces"] = [
            n for n in bundle.config["linux"]["namespaces"] if n["type"] != remove_ns]
    bundle.config["linux"]["sysctl"] = {key: value}
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert key in r.stderr, r.stderr
    assert open(path).read() == before, f"the host's {key} was changed"
    assert_nothing_left(runtime, cid, host_snapshot)


def test_loopback_up_in_new_netns(runtime, bundle):
    add_caps(bundle.config, "CAP_NET_RAW")
    bundle.config["process"]["args"] = sh("ip link show lo; ping -c1 -W2 127.0.0.1")
    out = run_ok(runtime, bundle)
    first = out.splitlines()[0]
    assert "lo:" in first and ",UP" in first, out
    assert "1 packets received" in out, out
    # only lo in a new network namespace
    assert out.count("link/") == 1
