"""Device nodes, the default /dev set and links, /dev/console."""
import os

import pytest

from rootfs_support import is_runc, tree_listing

STAT = "stat -c '%n %F %t:%T %a %u:%g' "


def test_default_devices_and_links(bundle, ctr):
    out = ctr.ok(bundle, STAT + "/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty;"
                 "for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done;"
                 "stat -c '%n %F' /dev/pts /dev/shm")
    assert out.splitlines() == [
        "/dev/null character special file 1:3 666 0:0",
        "/dev/zero character special file 1:5 666 0:0",
        "/dev/full character special file 1:7 666 0:0",
        "/dev/random character special file 1:8 666 0:0",
        "/dev/urandom character special file 1:9 666 0:0",
        "/dev/tty character special file 5:0 666 0:0",
        "pts/ptmx", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2",
        "/dev/pts directory", "/dev/shm directory",
    ]


def test_configured_devices(bundle, ctr):
    host_dev = tree_listing("/dev")
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o600,
         "uid": 1000, "gid": 1001},
        {"path": "/dev/sub/dir/loop9", "type": "b", "major": 7, "minor": 9, "fileMode": 0o640},
        {"path": "/dev/fifo", "type": "p", "fileMode": 0o620, "uid": 5, "gid": 6},
    ]
    out = ctr.ok(bundle, STAT + "/dev/mynull /dev/sub/dir/loop9 /dev/fifo")
    assert out.splitlines() == [
        "/dev/mynull character special file 1:3 600 1000:1001",
        "/dev/sub/dir/loop9 block special file 7:9 640 0:0",
        "/dev/fifo fifo 0:0 620 5:6",
    ]
    assert tree_listing("/dev") == host_dev


def test_configured_device_overrides_default(bundle, ctr):
    if is_runc():
        pytest.skip("runc 1.1.5 fails to reopen an overridden /dev/null")
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 0o660, "gid": 5}]
    assert ctr.ok(bundle, STAT + "/dev/null") == "/dev/null character special file 1:3 660 0:5\n"


def test_devices_without_dev_tmpfs_go_into_the_rootfs(bundle, ctr):
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if m["destination"] == "/proc"]
    bundle.config["linux"]["maskedPaths"] = []
    bundle.config["linux"]["readonlyPaths"] = []
    out = ctr.ok(bundle, STAT + "/dev/zero")
    assert out == "/dev/zero character special file 1:5 666 0:0\n"
    st = os.lstat(bundle.rootfs / "dev" / "zero")
    assert os.major(st.st_rdev) == 1 and os.minor(st.st_rdev) == 5


def userns(bundle):
    # the container's root is host uid 100000: let it reach the bundle
    p = bundle.rootfs
    while str(p) != "/tmp":
        os.chmod(p, os.stat(p).st_mode | 0o005)
        p = p.parent
    bundle.config["linux"]["namespaces"].append({"type": "user"})
    bundle.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    bundle.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]


def test_userns_devices_are_bind_mounts(bundle, ctr):
    userns(bundle)
    host_dev = tree_listing("/dev")
    out = ctr.ok(bundle, STAT + "/dev/null /dev/zero; echo x > /dev/null; head -c 3 /dev/zero | wc -c;"
                 "grep -c ' /dev/null ' /proc/self/mountinfo; id -u")
    lines = out.splitlines()
    assert lines[0].startswith("/dev/null character special file 1:3 666")
    assert lines[1].startswith("/dev/zero character special file 1:5 666")
    assert lines[2:] == ["3", "1", "0"]
    assert tree_listing("/dev") == host_dev


def test_console(bundle, ctr):
    # lieve sets the console up through --console-socket: tests/integration/test_console*
    out = ctr.ok(bundle, STAT + "/dev/console; grep -c ' /dev/console ' /proc/self/mountinfo",
                 console=True, driver=True)
    first, count = out.splitlines()
    assert first.startswith("/dev/console character special file 88:")
    assert count == "1"


def test_userns_without_netns_binds_sysfs(bundle, ctr):
    """A user namespace may not mount sysfs without its own network namespace:
    the host's /sys is bound instead (as newer runc does), with the options
    applied to everything under it."""
    if is_runc():
        pytest.skip("runc 1.1.5 fails to mount sysfs here")
    userns(bundle)
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"]
                                            if n["type"] != "network"]
    mounts = [line.split() for line in
              ctr.ok(bundle, "grep -E ' /sys[ /]' /proc/self/mountinfo").splitlines()]
    sys_ = [f for f in mounts if f[4] == "/sys"]
    assert sys_ and "sysfs" in sys_[0], mounts
    assert len(mounts) > 2, "the host's submounts of /sys come along"
    for f in mounts:
        if f[4].startswith("/sys") and f[4] != "/sys/firmware":
            assert {"ro", "nosuid", "nodev", "noexec"} <= set(f[5].split(",")), f
