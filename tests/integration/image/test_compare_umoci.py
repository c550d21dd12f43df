"""umoci is the reference: images built with umoci from the busybox rootfs,
with layers that delete, replace, hardlink, chmod, chown, mknod and set
xattrs, plus hand-made layers with opaque directories and whiteouts in every
order.  `umoci raw unpack` and `lieve image unpack` must give the same tree:
names, types, modes, owners, contents, link targets, devices, xattrs, mtimes
and hardlink groups.  The layer store's overlay view must match it too."""
import json
import os
import shutil
import subprocess

import pytest

from imgutil import LAYER_GZIP, Layout, diff_listings, entry, listing, run, tar_bytes


def modify_layer(root):
    """What the second umoci layer changes."""
    os.unlink(root / "bin" / "ls")                  # whiteout of a symlink
    shutil.rmtree(root / "home")                     # whiteout of a directory
    (root / "etc" / "passwd").chmod(0o600)
    os.chown(root / "etc" / "group", 0, 5)
    d = root / "srv" / "data"
    d.mkdir(parents=True)
    (d / "owned").write_text("owned by user\n")
    os.chown(d / "owned", 1000, 1000)
    (d / "owned").chmod(0o640)
    (d / "setuid").write_text("#!/bin/sh\n")
    (d / "setuid").chmod(0o4755)
    (d / "setgid").mkdir()
    (d / "setgid").chmod(0o2775)
    (root / "tmp").chmod(0o1777)
    (d / "private").mkdir(mode=0o700)
    (d / "a").write_text("linked\n")
    os.link(d / "a", d / "b")                        # hardlink within the layer
    os.link(root / "etc" / "group", d / "group.hl")  # to a file of the base layer
    os.symlink("../data/a", d / "rel")
    os.symlink("/etc/passwd", d / "abs")
    os.symlink("/nowhere", d / "dangling")
    os.mknod(d / "null", 0o666 | 0o020000, os.makedev(1, 3))
    os.mknod(d / "loop", 0o660 | 0o060000, os.makedev(7, 0))
    os.mkfifo(d / "fifo", 0o640)
    os.setxattr(d / "a", "user.comment", b"hello")
    os.setxattr(d / "setgid", "trusted.lieve", b"dir xattr")
    subprocess.run(["setcap", "cap_net_raw+ep", str(d / "setuid")], check=True)
    (root / "etc" / "motd").mkdir()                  # new dir
    os.unlink(root / "bin" / "cat")
    (root / "bin" / "cat").mkdir()                   # symlink replaced by a dir
    os.utime(d / "owned", (1600000000, 1600000000))


def hand_layer():
    """Opaque markers and whiteouts in every order, as other tools write them."""
    return tar_bytes([
        # (no entry for srv/data/fresh: an implicit parent, new in this layer)
        entry("srv/data/fresh/new-before", data=b"before opaque\n"),
        entry("srv/data/.wh..wh..opq"),                 # after a sibling of this layer
        entry("srv/data/fresh/new-after", data=b"after opaque\n"),
        entry("etc/.wh..wh..opq"),                      # before its siblings
        entry("etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/:/bin/sh\n",
              mode=0o644),
        entry("etc/group", data=b"root:x:0:\nuser:x:1000:\n", mode=0o644),
        entry("usr/.wh.sbin"),                           # whiteout of a directory
        entry("bin/.wh.cp"),
        entry("bin/cp", data=b"a file again\n", mode=0o755),  # same layer: stays
        entry("sbin", "dir", mode=0o711),                # existing dir: new mode
        entry("opt/deep/tree/file", data=b"no parent entries\n"),
        entry("opt/deep/.wh..wh..opq"),
        entry("root/hl-src", data=b"hl\n"),
        entry("root/hl-dst", "hardlink", target="root/hl-src"),
        entry("root/hl-base", "hardlink", target="bin/busybox"),  # to a base layer file
    ])


@pytest.fixture(scope="module")
def images(tmp_path_factory, busybox_rootfs):
    """oci layout with tags: base, modified, handmade."""
    work = tmp_path_factory.mktemp("umoci")
    oci = work / "oci"
    run("umoci", "init", "--layout", oci)
    run("umoci", "new", "--image", f"{oci}:base")
    b = work / "b"
    run("umoci", "unpack", "--image", f"{oci}:base", b)
    shutil.rmtree(b / "rootfs")
    run("cp", "-a", busybox_rootfs, b / "rootfs")
    run("umoci", "repack", "--image", f"{oci}:base", b)
    run("umoci", "config", "--image", f"{oci}:base", "--config.cmd", "/bin/sh",
        "--config.env", "FOO=bar", "--config.workingdir", "/srv", "--config.user", "user",
        "--config.label", "org.example.label=yes")
    shutil.rmtree(b)
    run("umoci", "unpack", "--image", f"{oci}:base", b)
    modify_layer(b / "rootfs")
    run("umoci", "repack", "--image", f"{oci}:modified", b)
    shutil.rmtree(b)
    hl = work / "hand.tar"
    hl.write_bytes(hand_layer())
    run("umoci", "raw", "add-layer", "--image", f"{oci}:modified", "--tag", "handmade", hl)
    yield oci
    shutil.rmtree(work, ignore_errors=True)


def umoci_tree(images, tag, dest):
    run("umoci", "raw", "unpack", "--image", f"{images}:{tag}", dest)
    return listing(dest, with_mtime=True)


@pytest.mark.parametrize("tag", ["base", "modified", "handmade"])
def test_unpack_matches_umoci(lieve, images, tmp_path, tag):
    ref = umoci_tree(images, tag, tmp_path / "umoci")
    r = lieve("unpack", f"{images}:{tag}", tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    got = listing(tmp_path / "bundle" / "rootfs", with_mtime=True)
    assert diff_listings(ref, got) == []
    assert len(got) > 250  # busybox applets and the layers' additions


def test_handmade_semantics(lieve, images, tmp_path):
    """The whiteout rules checked directly, not only against umoci."""
    r = lieve("unpack", f"{images}:handmade", tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    root = tmp_path / "bundle" / "rootfs"
    assert sorted(os.listdir(root / "srv" / "data")) == ["fresh"]
    assert sorted(os.listdir(root / "srv" / "data" / "fresh")) == ["new-after", "new-before"]
    assert sorted(os.listdir(root / "etc")) == ["group", "passwd"]
    assert not (root / "usr" / "sbin").exists()
    assert (root / "bin" / "cp").read_text() == "a file again\n"
    assert (root / "opt" / "deep" / "tree" / "file").exists()
    assert oct(os.stat(root / "sbin").st_mode & 0o7777) == "0o711"
    assert os.stat(root / "root" / "hl-base").st_ino == os.stat(root / "bin" / "busybox").st_ino
    assert not any(n.startswith(".wh.") for _, ds, fs in os.walk(root) for n in ds + fs)


@pytest.mark.parametrize("tag", ["base", "modified", "handmade"])
def test_store_overlay_matches_unpack(lieve, images, tmp_path, store, mounts, tag):
    """The overlay of the store's layers shows the same tree as an unpack,
    hardlinks to files of earlier layers included."""
    r = lieve("unpack", f"{images}:{tag}", tmp_path / "plain")
    assert r.returncode == 0, r.stderr
    r = lieve("unpack", "--store", store, f"{images}:{tag}", tmp_path / "ovl")
    assert r.returncode == 0, r.stderr
    try:
        a = listing(tmp_path / "plain" / "rootfs", with_mtime=True)
        b = listing(tmp_path / "ovl" / "rootfs", with_mtime=True)
        assert diff_listings(a, b) == []
    finally:
        subprocess.run(["umount", tmp_path / "ovl" / "rootfs"], check=True)


def test_config_matches_umoci(lieve, images, tmp_path):
    """Entrypoint/Cmd, Env, WorkingDir, User and Labels as umoci converts them."""
    b = tmp_path / "ub"
    run("umoci", "unpack", "--image", f"{images}:base", b)
    ref = json.loads((b / "config.json").read_text())
    r = lieve("unpack", f"{images}:base", tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    got = json.loads((tmp_path / "bundle" / "config.json").read_text())
    for k in ("args", "cwd"):
        assert got["process"][k] == ref["process"][k]
    assert got["process"]["user"]["uid"] == ref["process"]["user"]["uid"] == 1000
    assert got["process"]["user"]["gid"] == ref["process"]["user"]["gid"] == 1000
    assert "FOO=bar" in got["process"]["env"]
    assert got["annotations"]["org.example.label"] == "yes"
    assert got["annotations"]["org.opencontainers.image.os"] == "linux"
