"""Each mount type and option family, read back from /proc/self/mountinfo inside."""
import os
import subprocess

import pytest

from rootfs_support import is_runc, parse_mountinfo


def add_mount(bundle, dest, type_, source, options=None, **extra):
    m = {"destination": dest, "type": type_, "source": str(source)}
    if options is not None:
        m["options"] = options
    m.update(extra)
    bundle.config["mounts"].append(m)


def test_default_mounts(bundle, ctr, find_mount):
    mi = ctr.mountinfo(bundle)
    assert find_mount(mi, "/")["fstype"] != "tmpfs"
    proc = find_mount(mi, "/proc")
    assert proc["fstype"] == "proc"
    dev = find_mount(mi, "/dev")
    assert dev["fstype"] == "tmpfs" and "nosuid" in dev["opts"]
    assert {"mode=755", "size=65536k"} <= dev["super"]
    assert "relatime" not in dev["opts"] and "noatime" not in dev["opts"]  # strictatime
    pts = find_mount(mi, "/dev/pts")
    assert pts["fstype"] == "devpts" and {"nosuid", "noexec"} <= pts["opts"]
    assert {"gid=5", "mode=620", "ptmxmode=666"} <= pts["super"]
    shm = find_mount(mi, "/dev/shm")
    assert shm["fstype"] == "tmpfs" and shm["source"] == "shm"
    assert {"nosuid", "noexec", "nodev"} <= shm["opts"]
    assert find_mount(mi, "/dev/mqueue")["fstype"] == "mqueue"
    sys_ = find_mount(mi, "/sys")
    assert sys_["fstype"] == "sysfs" and {"ro", "nosuid", "nodev", "noexec"} <= sys_["opts"]


TMPFS_CASES = [
    (["ro"], {"ro"}, set()),
    (["rw"], {"rw"}, set()),
    (["nosuid", "nodev", "noexec"], {"nosuid", "nodev", "noexec"}, set()),
    (["noatime"], {"noatime"}, set()),
    (["relatime"], {"relatime"}, set()),
    (["nodiratime"], {"nodiratime"}, set()),
    (["nosymfollow"], {"nosymfollow"}, set()),
    (["sync"], set(), {"sync"}),
    (["dirsync"], set(), {"dirsync"}),
    (["lazytime"], set(), {"lazytime"}),
    (["mode=700", "size=1m", "nr_inodes=100"], set(), {"mode=700", "size=1024k", "nr_inodes=100"}),
    (["rro"], {"ro"}, set()),
    (["rnosuid", "rnodev", "rnoexec"], {"nosuid", "nodev", "noexec"}, set()),
    (["rnoatime"], {"noatime"}, set()),
    (["rnodiratime"], {"nodiratime"}, set()),
    (["rnosymfollow"], {"nosymfollow"}, set()),
    (["noexec", "exec", "nosuid", "suid", "ro", "rw"], {"rw"}, set()),
]


@pytest.mark.parametrize("options,opts,super_", TMPFS_CASES, ids=lambda v: ",".join(sorted(v)) if isinstance(v, (list, set)) else str(v))
def test_tmpfs_options(bundle, ctr, find_mount, options, opts, super_):
    if is_runc() and any(o.startswith("r") and o not in ("rw", "relatime") for o in options):
        pytest.skip("runc applies the recursive r* attributes to bind mounts only")
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs", options)
    m = find_mount(ctr.mountinfo(bundle), "/mnt/t")
    assert m["fstype"] == "tmpfs"
    assert opts <= m["opts"], m
    assert super_ <= m["super"], m
    if "exec" in options:
        assert not {"noexec", "nosuid"} & m["opts"]


def test_strictatime_beats_noatime(bundle, ctr, find_mount):
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs", ["noatime", "strictatime"])
    m = find_mount(ctr.mountinfo(bundle), "/mnt/t")
    assert not {"noatime", "relatime"} & m["opts"]


def test_readonly_tmpfs_rejects_writes(bundle, ctr):
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs", ["ro"])
    r = ctr.run(bundle, "touch /mnt/t/x")
    assert r.returncode != 0 and "Read-only file system" in r.stderr


def test_nested_destination_created(bundle, ctr, find_mount):
    add_mount(bundle, "/a/b/c", "tmpfs", "tmpfs")
    find_mount(ctr.mountinfo(bundle), "/a/b/c")
    assert (bundle.rootfs / "a" / "b" / "c").is_dir()


@pytest.fixture
def host_dir(tmp_path):
    d = tmp_path / "host"
    d.mkdir()
    (d / "file").write_text("from the host\n")
    return d


def test_bind_ro_applies(bundle, ctr, find_mount, host_dir):
    add_mount(bundle, "/mnt/h", "bind", host_dir, ["rbind", "ro"])
    out = ctr.run(bundle, "cat /mnt/h/file; touch /mnt/h/new; grep ' /mnt/h ' /proc/self/mountinfo")
    assert "from the host" in out.stdout
    assert "Read-only file system" in out.stderr
    assert " ro," in out.stdout or " ro " in out.stdout
    assert not (host_dir / "new").exists()


def test_bind_rw_and_attrs(bundle, ctr, find_mount, host_dir):
    add_mount(bundle, "/mnt/h", "none", host_dir, ["bind", "nosuid", "nodev", "noexec", "noatime"])
    m = find_mount(ctr.mountinfo(bundle), "/mnt/h")
    assert {"rw", "nosuid", "nodev", "noexec", "noatime"} <= m["opts"]


def test_bind_file_creates_file(bundle, ctr, host_dir):
    add_mount(bundle, "/etc/injected", "bind", host_dir / "file", ["bind", "ro"])
    out = ctr.ok(bundle, "cat /etc/injected; stat -c %F /etc/injected")
    assert out == "from the host\nregular file\n"
    assert (bundle.rootfs / "etc" / "injected").is_file()


def test_relative_bind_source_is_relative_to_bundle(bundle, ctr):
    (bundle.path / "rel").mkdir()
    (bundle.path / "rel" / "f").write_text("rel\n")
    add_mount(bundle, "/mnt/r", "bind", "rel", ["bind"])
    assert ctr.ok(bundle, "cat /mnt/r/f") == "rel\n"


@pytest.fixture
def host_dir_with_submount(host_dir):
    sub = host_dir / "sub"
    sub.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(sub)], check=True)
    yield host_dir
    subprocess.run(["umount", str(sub)], check=True)


def test_rbind_ro_is_top_only_rro_is_recursive(bundle, ctr, find_mount, host_dir_with_submount):
    add_mount(bundle, "/mnt/ro", "bind", host_dir_with_submount, ["rbind", "ro"])
    add_mount(bundle, "/mnt/rro", "bind", host_dir_with_submount, ["rbind", "rro"])
    add_mount(bundle, "/mnt/nonrec", "bind", host_dir_with_submount, ["bind"])
    mi = ctr.mountinfo(bundle)
    assert "ro" in find_mount(mi, "/mnt/ro")["opts"]
    assert "rw" in find_mount(mi, "/mnt/ro/sub")["opts"]
    assert "ro" in find_mount(mi, "/mnt/rro")["opts"]
    assert "ro" in find_mount(mi, "/mnt/rro/sub")["opts"]
    assert not [m for m in mi if m["point"] == "/mnt/nonrec/sub"]


def test_recursive_attrs_on_rbind(bundle, ctr, find_mount, host_dir_with_submount):
    add_mount(bundle, "/mnt/h", "bind", host_dir_with_submount,
              ["rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnosymfollow"])
    mi = ctr.mountinfo(bundle)
    for p in ("/mnt/h", "/mnt/h/sub"):
        assert {"nosuid", "nodev", "noexec", "noatime", "nosymfollow"} <= find_mount(mi, p)["opts"]


@pytest.mark.parametrize("opt,field", [("rshared", "shared:"), ("rslave", None),
                                       ("rprivate", None), ("runbindable", "unbindable")])
def test_bind_propagation_option(bundle, ctr, find_mount, host_dir, opt, field):
    add_mount(bundle, "/mnt/h", "bind", host_dir, ["rbind", opt])
    m = find_mount(ctr.mountinfo(bundle), "/mnt/h")
    if field:
        assert any(o.startswith(field) for o in m["optional"]), m
    else:
        assert not any(o.startswith(("shared:", "unbindable")) for o in m["optional"]), m


def test_cgroup_type_mounts_cgroup2(bundle, ctr, find_mount):
    if is_runc():
        pytest.skip("runc mounts type cgroup as v1 controllers on this v1-hybrid host")
    bundle.config["linux"]["namespaces"].append({"type": "cgroup"})
    add_mount(bundle, "/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"])
    m = find_mount(ctr.mountinfo(bundle), "/sys/fs/cgroup")
    assert m["fstype"] == "cgroup2"
    assert {"ro", "nosuid", "noexec", "nodev"} <= m["opts"]


def test_cgroup2_type(bundle, ctr, find_mount):
    add_mount(bundle, "/mnt/cg", "cgroup2", "cgroup2", ["nosuid"])
    assert find_mount(ctr.mountinfo(bundle), "/mnt/cg")["fstype"] == "cgroup2"


def test_overlay(bundle, ctr, find_mount, tmp_path):
    lower, upper, work = (tmp_path / n for n in ("lower", "upper", "work"))
    for d in (lower, upper, work):
        d.mkdir()
    (lower / "l").write_text("lower\n")
    add_mount(bundle, "/merged", "overlay", "overlay",
              [f"lowerdir={lower}", f"upperdir={upper}", f"workdir={work}"])
    out = ctr.ok(bundle, "cat /merged/l; echo up > /merged/u; grep ' /merged ' /proc/self/mountinfo")
    assert out.startswith("lower\n") and " overlay " in out
    assert (upper / "u").read_text() == "up\n"


def test_tmpcopyup(bundle, ctr, find_mount):
    d = bundle.rootfs / "opt" / "data"
    (d / "sub").mkdir(parents=True)
    (d / "f").write_text("seed\n")
    os.chmod(d / "f", 0o604)  # the container's root has no CAP_DAC_OVERRIDE
    os.chown(d / "f", 1000, 1000)
    add_mount(bundle, "/opt/data", "tmpfs", "tmpfs", ["tmpcopyup", "mode=755"])
    out = ctr.ok(bundle, "cat /opt/data/f; stat -c '%a %u %g' /opt/data/f; ls -d /opt/data/sub;"
                 "echo new > /opt/data/f; grep ' /opt/data ' /proc/self/mountinfo")
    assert out.startswith("seed\n604 1000 1000\n/opt/data/sub\n"), out
    assert " tmpfs " in out
    assert (d / "f").read_text() == "seed\n"  # the rootfs copy is untouched


def test_tmpcopyup_symlinks(bundle, ctr):
    if is_runc():
        pytest.skip("runc does not copy symlinks up")
    d = bundle.rootfs / "opt" / "data"
    d.mkdir(parents=True)
    (d / "f").write_text("seed\n")
    os.symlink("f", d / "link")
    add_mount(bundle, "/opt/data", "tmpfs", "tmpfs", ["tmpcopyup"])
    assert ctr.ok(bundle, "readlink /opt/data/link; cat /opt/data/link") == "f\nseed\n"


def test_remount_changes_flags(bundle, ctr, find_mount):
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs", ["nosuid"])
    add_mount(bundle, "/mnt/t", "tmpfs", "tmpfs", ["remount", "ro", "noexec"])
    m = find_mount(ctr.mountinfo(bundle), "/mnt/t")
    assert {"ro", "noexec"} <= m["opts"]
    assert "nosuid" not in m["opts"]  # mount(2) MS_REMOUNT semantics: the flags given, only
    assert len([x for x in ctr.mountinfo(bundle) if x["point"] == "/mnt/t"]) == 1


def test_mqueue_and_proc_elsewhere(bundle, ctr, find_mount):
    add_mount(bundle, "/mnt/mq", "mqueue", "mqueue", ["nodev"])
    mi = ctr.mountinfo(bundle)
    assert find_mount(mi, "/mnt/mq")["fstype"] == "mqueue"


def test_no_pivot(bundle, ctr, find_mount):
    mi = ctr.mountinfo(bundle, no_pivot=True)
    assert find_mount(mi, "/proc")["fstype"] == "proc"
    assert ctr.ok(bundle, "cat /etc/group | head -1", no_pivot=True) == "root:x:0:\n"


@pytest.fixture
def own_cgroup():
    """A child cgroup of the host's cgroup2 hierarchy, removed afterwards."""
    base = "/sys/fs/cgroup/unified" if os.path.ismount("/sys/fs/cgroup/unified") else "/sys/fs/cgroup"
    path = os.path.join(base, f"lieve-rootfs-test-{os.getpid()}")
    os.mkdir(path)
    yield path
    os.rmdir(path)


def test_cgroup_without_namespace_binds_own_cgroup(bundle, ctr, find_mount, own_cgroup):
    add_mount(bundle, "/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "ro"])
    # through the driver: lieve does not pass its cgroup path to the plan yet
    mi = parse_mountinfo(ctr.ok(bundle, "cat /proc/self/mountinfo", cgroup_path=own_cgroup,
                                driver=True))
    m = find_mount(mi, "/sys/fs/cgroup")
    assert m["fstype"] == "cgroup2"
    assert m["root"] == "/" + os.path.basename(own_cgroup)
    assert {"ro", "nosuid", "noexec", "nodev"} <= m["opts"]
