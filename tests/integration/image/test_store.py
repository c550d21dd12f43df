"""The layer store: each layer extracted once into layers/sha256/<diff id>,
whiteouts in overlayfs' form, reused by every later unpack, safe under
concurrent use."""
import os
import stat
import subprocess

import pytest

from imgutil import Layout, entry, sha256, tar_bytes


def layers():
    return [
        tar_bytes([entry("bin", "dir", mode=0o755), entry("bin/a", data=b"a\n"),
                   entry("bin/b", data=b"b\n"), entry("etc", "dir", mode=0o755),
                   entry("etc/old", data=b"old\n"), entry("var", "dir", mode=0o755),
                   entry("var/x", data=b"x\n")]),
        tar_bytes([entry("bin/.wh.b"), entry("etc/.wh..wh..opq"),
                   entry("etc/new", data=b"new\n"), entry("var/.wh.x"),
                   entry("var/x", "dir", mode=0o755),  # whiteout, then a dir of the same name
                   entry("var/x/inner", data=b"inner\n")]),
    ]


@pytest.fixture
def layout(tmp_path):
    lay = Layout(tmp_path / "oci")
    lay.image(layers())
    return lay


def extractions(store):
    p = store / "extractions"
    return int(p.read_text()) if p.exists() else 0


def layer_dir(store, raw):
    return store / "layers" / "sha256" / sha256(raw)[7:]


def umount(path):
    subprocess.run(["umount", str(path)], check=True)


def test_second_unpack_extracts_nothing(lieve, layout, tmp_path, store, mounts):
    r = lieve("unpack", "--store", store, layout.path, tmp_path / "b1")
    assert r.returncode == 0, r.stderr
    assert extractions(store) == 2
    dirs = [layer_dir(store, raw) for raw in layers()]
    before = [(os.stat(d).st_ino, os.stat(d).st_mtime_ns) for d in dirs]
    r = lieve("unpack", "--store", store, layout.path, tmp_path / "b2")
    assert r.returncode == 0, r.stderr
    assert extractions(store) == 2
    assert [(os.stat(d).st_ino, os.stat(d).st_mtime_ns) for d in dirs] == before
    # Both containers see the image, and their upper dirs are separate.
    (tmp_path / "b1" / "rootfs" / "bin" / "a").write_text("changed in b1\n")
    assert (tmp_path / "b2" / "rootfs" / "bin" / "a").read_text() == "a\n"
    assert (tmp_path / "b1" / ".overlay" / "upper" / "bin" / "a").exists()
    assert layer_dir(store, layers()[0]).joinpath("bin", "a").read_text() == "a\n"
    umount(tmp_path / "b1" / "rootfs")
    umount(tmp_path / "b2" / "rootfs")


def test_overlay_whiteout_form(lieve, layout, tmp_path, store, mounts):
    r = lieve("unpack", "--store", store, layout.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    top = layer_dir(store, layers()[1])
    wh = os.lstat(top / "bin" / "b")
    assert stat.S_ISCHR(wh.st_mode) and wh.st_rdev == os.makedev(0, 0)
    assert os.getxattr(top / "etc", "trusted.overlay.opaque") == b"y"
    # A directory replacing a whiteout of the same layer is opaque too.
    assert os.getxattr(top / "var" / "x", "trusted.overlay.opaque") == b"y"
    names = [n for _, ds, fs in os.walk(top) for n in ds + fs]
    assert not [n for n in names if n.startswith(".wh.")]
    root = tmp_path / "b" / "rootfs"
    assert sorted(os.listdir(root / "bin")) == ["a"]
    assert sorted(os.listdir(root / "etc")) == ["new"]
    assert sorted(os.listdir(root / "var" / "x")) == ["inner"]
    umount(root)


def test_concurrent_unpacks_share_layers(lieve, layout, tmp_path, store, mounts):
    procs = [subprocess.Popen(lieve_cmd(lieve, "unpack", "--store", store, layout.path,
                                        tmp_path / f"b{i}"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert extractions(store) == 2
    assert not [p for p in (store / "layers").iterdir() if p.name.startswith(".tmp-")]
    for i in range(4):
        assert (tmp_path / f"b{i}" / "rootfs" / "etc" / "new").read_text() == "new\n"
        umount(tmp_path / f"b{i}" / "rootfs")


def lieve_cmd(lieve, *args):
    return [lieve.cmd[0], "--root", str(lieve.root)] + lieve.cmd[1:] + [str(a) for a in args]


def test_failed_layer_leaves_no_temp(lieve, tmp_path, store, mounts):
    lay = Layout(tmp_path / "oci")
    good, bad = layers()
    lay.image([good, bad], diff_ids=[sha256(good), sha256(b"wrong")])
    r = lieve("unpack", "--store", store, lay.path, tmp_path / "b")
    assert r.returncode == 1
    assert "layer 1" in r.stderr and "diff id mismatch" in r.stderr
    assert not (tmp_path / "b").exists()
    assert sorted(p.name for p in (store / "layers" / "sha256").iterdir()) == [sha256(good)[7:]]
    assert not [p for p in (store / "layers").iterdir() if p.name.startswith(".tmp-")]
    assert not [m for m in open("/proc/self/mountinfo") if str(tmp_path) in m]


def test_stale_temp_dirs_are_removed(lieve, layout, tmp_path, store, mounts):
    """A lieve killed mid-extraction leaves layers/.tmp-*: the next one to
    take the lock removes it."""
    (store / "layers" / ".tmp-dead12" / "half").mkdir(parents=True)
    r = lieve("unpack", "--store", store, layout.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert not (store / "layers" / ".tmp-dead12").exists()
    umount(tmp_path / "b" / "rootfs")
