"""Hostile rootfs trees: symlinks aimed outside cannot make a mount or a
mknod land outside the rootfs.  Each test compares a checksum listing of
the host paths it aims at (and the top of /dev) before and after; the
autouse fixture also checks that the test's mount namespace is unchanged."""
import os
import shutil

import pytest

from rootfs_support import assert_error_line, is_runc, tree_listing


@pytest.fixture
def target(tmp_path):
    """A host directory the hostile trees aim at."""
    t = tmp_path / "host-target"
    (t / "dir").mkdir(parents=True)
    (t / "file").write_text("host data\n")
    return t


@pytest.fixture
def guard(target):
    paths = [str(target), "/etc/passwd", "/etc/hostname", "/dev"]
    before = tree_listing(*paths)
    yield
    assert tree_listing(*paths) == before, "a host path changed"


def replace_with_symlink(path, target):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


def no_dev_tmpfs(bundle):
    """Devices are then made in the rootfs's own /dev directory."""
    bundle.config["mounts"] = [m for m in bundle.config["mounts"]
                               if not m["destination"].startswith("/dev")]


def test_proc_symlink_to_root_is_refused(bundle, ctr, guard):
    replace_with_symlink(bundle.rootfs / "proc", "/")
    r = ctr.run(bundle, "true")
    assert_error_line(r, 'mount "proc" on "/proc" (type proc): '
                      "Too many levels of symbolic links")


def test_sys_symlink_outside_is_refused(bundle, ctr, guard, target):
    replace_with_symlink(bundle.rootfs / "sys", str(target))
    r = ctr.run(bundle, "true")
    assert_error_line(r, "(type sysfs): Too many levels of symbolic links")


def test_dev_null_symlink_to_host_passwd(bundle, ctr, guard):
    no_dev_tmpfs(bundle)
    passwd = (bundle.rootfs / "etc" / "passwd").read_text()
    replace_with_symlink(bundle.rootfs / "dev" / "null", "/etc/passwd")
    out = ctr.ok(bundle, "stat -c '%F %t:%T' /dev/null; echo x > /dev/null; head -1 /etc/passwd")
    if not is_runc():
        # runc 1.1.5 keeps the link: the write above lands in the rootfs's passwd
        assert out.splitlines()[0] == "character special file 1:3"
        assert (bundle.rootfs / "etc" / "passwd").read_text() == passwd


def test_dev_symlink_to_host_dir_for_devices(bundle, ctr, guard, target):
    no_dev_tmpfs(bundle)
    replace_with_symlink(bundle.rootfs / "dev" / "sub", str(target))
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/sub/evil", "type": "c", "major": 1, "minor": 3},
        {"path": "/dev/sub/file", "type": "c", "major": 1, "minor": 5}]
    ctr.ok(bundle, "true")
    inside = bundle.rootfs / str(target).lstrip("/")
    assert (inside / "evil").is_char_device()


def test_tmp_dotdot_symlink_mount(bundle, ctr, guard, target):
    escape = "lieve-rootfs-escape-test"
    assert not os.path.exists("/" + escape)
    replace_with_symlink(bundle.rootfs / "tmp", "/../../../../" + escape)
    bundle.config["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})
    out = ctr.ok(bundle, "echo pwned > /tmp/file; cat /tmp/file")
    assert out == "pwned\n"
    assert (bundle.rootfs / escape).is_dir()
    assert not os.path.exists("/" + escape)


def test_destination_symlink_to_host_path(bundle, ctr, guard, target, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (bundle.rootfs / "mnt").mkdir(exist_ok=True)
    os.symlink(str(target), bundle.rootfs / "mnt" / "evil")
    os.symlink(str(target / "file"), bundle.rootfs / "mnt" / "evilfile")
    (tmp_path / "srcfile").write_text("bound\n")
    bundle.config["mounts"] += [
        {"destination": "/mnt/evil", "type": "bind", "source": str(src), "options": ["rbind"]},
        {"destination": "/mnt/evilfile", "type": "bind", "source": str(tmp_path / "srcfile"),
         "options": ["bind"]},
        {"destination": "/mnt/evil/dir", "type": "tmpfs", "source": "tmpfs"}]
    out = ctr.ok(bundle, "cat /mnt/evilfile; touch /mnt/evil/x")
    assert out == "bound\n"
    assert (src / "x").exists()


def test_destination_with_dotdot(bundle, ctr, guard, target):
    bundle.config["mounts"].append({"destination": "/../../../.." + str(target / "dir"),
                                    "type": "tmpfs", "source": "tmpfs"})
    out = ctr.ok(bundle, f"grep -c ' {target}/dir ' /proc/self/mountinfo")
    assert out == "1\n"


def test_masked_and_readonly_symlinks_to_host(bundle, ctr, guard, target):
    os.symlink(str(target), bundle.rootfs / "masked")
    os.symlink(str(target / "file"), bundle.rootfs / "maskedfile")
    os.symlink(str(target / "dir"), bundle.rootfs / "ro")
    bundle.config["linux"]["maskedPaths"] += ["/masked", "/maskedfile"]
    bundle.config["linux"]["readonlyPaths"] += ["/ro"]
    ctr.ok(bundle, "true")


def test_destination_resolving_to_root_is_refused(bundle, ctr, guard):
    if is_runc():
        pytest.skip("runc mounts over the rootfs itself")
    replace_with_symlink(bundle.rootfs / "tmp", "/")
    bundle.config["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"})
    assert_error_line(ctr.run(bundle, "true"), 'mount "tmpfs" on "/tmp" (type tmpfs): the '
                      "destination resolves to the container's root")


def test_proc_writes_go_through_a_verified_procfs(bundle, ctr):
    """rootfs_proc_fd(), through the driver (lieve's init does not call it yet)."""
    env = {"DRIVER_OOM_SCORE_ADJ": "123"}
    assert ctr.ok(bundle, "cat /proc/self/oom_score_adj", env=env, driver=True) == "123\n"


def test_fake_proc_is_not_written(bundle, ctr):
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if m["type"] != "proc"]
    bundle.config["linux"]["maskedPaths"] = []
    bundle.config["linux"]["readonlyPaths"] = []
    fake = bundle.rootfs / "proc" / "self"
    fake.mkdir(parents=True)
    (fake / "oom_score_adj").write_text("0\n")
    r = ctr.run(bundle, "true", env={"DRIVER_OOM_SCORE_ADJ": "999"}, driver=True)
    assert_error_line(r, '"/proc" is not a procfs')
    assert (fake / "oom_score_adj").read_text() == "0\n"


@pytest.mark.parametrize("dest,via", [("/proc/sys/kernel/core_pattern", None),
                                      ("/etc/evil", "/proc/sys/vm/drop_caches")])
def test_no_mount_over_procfs_entries(bundle, ctr, guard, tmp_path, dest, via):
    (tmp_path / "fake").write_text("|/tmp/pwn\n")
    if via:
        os.symlink(via, bundle.rootfs / dest.lstrip("/"))
    bundle.config["mounts"].append({"destination": dest, "type": "bind",
                                    "source": str(tmp_path / "fake"), "options": ["bind"]})
    r = ctr.run(bundle, "true")
    assert_error_line(r, f'mount "{tmp_path}/fake" on "{dest}" (type bind): '
                            "the destination is inside /proc")


def test_only_procfs_on_proc(bundle, ctr, guard, target):
    bundle.config["mounts"][0] = {"destination": "/proc", "type": "bind",
                                  "source": str(target), "options": ["rbind"]}
    r = ctr.run(bundle, "true")
    assert_error_line(r, f'mount "{target}" on "/proc" (type bind): '
                            "only a procfs may be mounted on /proc")


def test_lxcfs_style_proc_files_allowed(bundle, ctr, tmp_path):
    (tmp_path / "uptime").write_text("1.00 2.00\n")
    bundle.config["mounts"].append({"destination": "/proc/uptime", "type": "bind",
                                    "source": str(tmp_path / "uptime"), "options": ["bind", "ro"]})
    assert ctr.ok(bundle, "cat /proc/uptime") == "1.00 2.00\n"
