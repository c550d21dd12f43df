"""maskedPaths, readonlyPaths, root.readonly and rootfsPropagation."""
import pytest

from rootfs_support import is_runc


def test_default_masked_and_readonly(bundle, ctr, find_mount):
    mi = ctr.mountinfo(bundle)
    for p in ("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys"):
        assert "ro" in find_mount(mi, p)["opts"]
    assert find_mount(mi, "/sys/firmware")["fstype"] == "tmpfs"
    assert find_mount(mi, "/proc/keys")["root"] == "/null"
    r = ctr.run(bundle, "cat /proc/keys | wc -c; ls -A /sys/firmware | wc -l;"
                "touch /sys/firmware/x; echo 1 > /proc/sys/vm/drop_caches")
    assert r.stdout.splitlines() == ["0", "0"]
    assert r.stderr.count("Read-only file system") == 2, r.stderr


def test_custom_masked_and_readonly_paths(bundle, ctr):
    secret = bundle.rootfs / "secret"
    secret.mkdir()
    (secret / "key").write_text("hunter2\n")
    (bundle.rootfs / "etc" / "token").write_text("t0ken\n")
    data = bundle.rootfs / "data"
    data.mkdir()
    (data / "f").write_text("keep\n")
    bundle.config["linux"]["maskedPaths"] = ["/secret", "/etc/token", "/does/not/exist"]
    bundle.config["linux"]["readonlyPaths"] = ["/data", "/also/missing"]
    r = ctr.run(bundle, "ls -A /secret; cat /etc/token; echo rc=$?; echo x > /etc/token;"
                "cat /data/f; echo bad > /data/f; touch /data/new; touch /secret/x")
    assert r.stdout == "rc=0\nkeep\n", r
    assert r.stderr.count("Read-only file system") == 3, r.stderr
    assert (data / "f").read_text() == "keep\n" and not (data / "new").exists()
    assert (secret / "key").read_text() == "hunter2\n"
    assert (bundle.rootfs / "etc" / "token").read_text() == "t0ken\n"


def test_root_readonly(bundle, ctr, find_mount):
    bundle.config["root"]["readonly"] = True
    r = ctr.run(bundle, "touch /x; touch /dev/shm/ok && echo shm-ok")
    assert "Read-only file system" in r.stderr
    assert r.stdout == "shm-ok\n"
    mi = ctr.mountinfo(bundle)
    assert "ro" in find_mount(mi, "/")["opts"]
    assert "rw" in find_mount(mi, "/dev")["opts"]
    assert not (bundle.rootfs / "x").exists()


@pytest.mark.parametrize("prop,field", [("rshared", "shared:"), ("shared", "shared:"),
                                        ("rprivate", None), ("private", None),
                                        ("rslave", None), ("runbindable", "unbindable")])
def test_rootfs_propagation(bundle, ctr, find_mount, prop, field):
    if is_runc() and field:
        pytest.skip("Debian's runc does not apply a shared/unbindable rootfsPropagation to /")
    bundle.config["linux"]["rootfsPropagation"] = prop
    root = find_mount(ctr.mountinfo(bundle), "/")
    if field:
        assert any(o.startswith(field) for o in root["optional"]), root
    else:
        assert not any(o.startswith(("shared:", "unbindable")) for o in root["optional"]), root
