"""Hostile layers cannot write outside the target: `../` and absolute paths,
symlinks planted by one layer and written through by the next, hardlinks to
outside paths, whiteouts and opaque markers through symlinks.  Each case
runs both into a plain bundle and into the layer store, and checks that a
host directory next to the target is unchanged, byte for byte."""
import os
import subprocess

import pytest

from imgutil import Layout, checksum_dir, entry, tar_bytes


@pytest.fixture
def outside(tmp_path):
    d = tmp_path / "outside"
    (d / "sub").mkdir(parents=True)
    (d / "secret").write_text("secret\n")
    (d / "sub" / "file").write_text("file\n")
    return d


def cases(out):
    """name -> list of layers (each a list of entries).  `out` is the host
    directory that must stay untouched (absolute)."""
    o = str(out)
    rel = "../" * 12 + o.lstrip("/")
    return {
        "dotdot": [[entry(f"../outside/pwned", data=b"x"),
                    entry(f"{rel}/pwned", data=b"x"),
                    entry("a/../../../outside/pwned2", data=b"x")]],
        "absolute": [[entry(f"{o}/pwned", data=b"x"),
                      entry(f"{o}/secret", data=b"overwritten")]],
        "symlink_then_write_next_layer": [
            [entry("abs", "symlink", target=o), entry("rel", "symlink", target=rel)],
            [entry("abs/pwned", data=b"x"), entry("rel/pwned", data=b"x"),
             entry("abs/secret", data=b"overwritten"), entry("rel/sub/file", data=b"x")]],
        "symlink_then_write_same_layer": [
            [entry("abs", "symlink", target=o), entry("abs/pwned", data=b"x"),
             entry("abs/sub", "dir", mode=0o777), entry("abs/sub/new", data=b"x")]],
        "symlink_dir_component": [
            [entry("d", "dir", mode=0o755), entry("d/up", "symlink", target="../../../../../../.."),
             entry("d/up" + o + "/pwned", data=b"x")]],
        "hardlink_outside": [
            [entry("hl", "hardlink", target=f"{o}/secret"),
             entry("hl2", "hardlink", target=f"{rel}/secret")]],
        "hardlink_through_symlink": [
            [entry("abs", "symlink", target=o)],
            [entry("hl", "hardlink", target="abs/secret")]],
        "symlink_over_file_then_write": [
            [entry("f", data=b"in image")],
            [entry("f", "symlink", target=f"{o}/secret")],
            [entry("f", data=b"overwritten")]],
        "whiteout_through_symlink": [
            [entry("abs", "symlink", target=o), entry("rel", "symlink", target=rel)],
            [entry("abs/.wh.secret"), entry("rel/.wh.sub"), entry(".wh.." + o)]],
        "opaque_through_symlink": [
            [entry("abs", "symlink", target=o), entry("rel", "symlink", target=rel)],
            [entry("abs/.wh..wh..opq"), entry("rel/.wh..wh..opq"),
             entry("abs/sub/.wh..wh..opq")]],
        "device_and_chmod_through_symlink": [
            [entry("abs", "symlink", target=o)],
            [entry("abs", "dir", mode=0o777), entry("abs/secret", "chr", devmajor=1, devminor=3)]],
    }


CASES = sorted(cases("/x").keys())


def build(tmp_path, outside, name):
    layout = Layout(tmp_path / "oci")
    layers = [tar_bytes(es) for es in cases(outside)[name]]
    layout.image(layers)
    return layout


def snapshot(tmp_path, outside):
    """The host side: the outside dir, and every name directly in tmp_path."""
    return checksum_dir(outside), sorted(os.listdir(tmp_path))


@pytest.mark.parametrize("name", CASES)
def test_hostile_plain(lieve, tmp_path, outside, name):
    layout = build(tmp_path, outside, name)
    before = snapshot(tmp_path, outside)
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    after_out, names = snapshot(tmp_path, outside)
    assert after_out == before[0], f"{name}: outside changed: {r.stderr}"
    assert set(names) <= set(before[1]) | {"bundle"}
    if r.returncode == 0:
        root = tmp_path / "bundle" / "rootfs"
        # Whatever was written went inside the root.
        for p in root.rglob("pwned*"):
            assert str(p).startswith(str(root))
    else:
        assert r.returncode == 1 and r.stderr.startswith("lieve: unpack"), r.stderr
        assert not (tmp_path / "bundle").exists()


def test_dotdot_is_confined(lieve, tmp_path, outside):
    layout = build(tmp_path, outside, "dotdot")
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    root = tmp_path / "bundle" / "rootfs"
    assert (root / "outside" / "pwned").read_bytes() == b"x"
    assert (root / "outside" / "pwned2").read_bytes() == b"x"


def test_dangling_symlink_parent_refused(lieve, tmp_path, outside):
    """abs -> /HOST/outside does not exist inside the root: writing through it
    is refused rather than creating directories through the link."""
    layout = build(tmp_path, outside, "symlink_then_write_next_layer")
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    assert r.returncode == 1
    assert 'extract "abs/pwned": open directory "abs": No such file or directory' in r.stderr


def test_symlink_write_is_confined(lieve, tmp_path, outside):
    layout = Layout(tmp_path / "oci")
    o = str(outside).lstrip("/")
    layout.image([tar_bytes([entry(o, "dir", mode=0o755), entry("abs", "symlink", target=str(outside))]),
                  tar_bytes([entry("abs/pwned", data=b"x"), entry("abs/secret", data=b"overwritten")])])
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    root = tmp_path / "bundle" / "rootfs"
    # abs -> /tmp/.../outside resolves to ROOT/tmp/.../outside
    inside = root / str(outside).lstrip("/")
    assert (inside / "pwned").read_bytes() == b"x"
    assert (inside / "secret").read_bytes() == b"overwritten"
    assert os.readlink(root / "abs") == str(outside)


def test_hardlink_outside_refused(lieve, tmp_path, outside):
    layout = build(tmp_path, outside, "hardlink_outside")
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    assert r.returncode == 1
    assert 'hardlink "hl" to "' in r.stderr and "No such file or directory" in r.stderr
    assert os.stat(outside / "secret").st_nlink == 1


@pytest.mark.parametrize("name", CASES)
def test_hostile_store(lieve, tmp_path, outside, store, mounts, name):
    layout = build(tmp_path, outside, name)
    before = snapshot(tmp_path, outside)
    r = lieve("unpack", "--store", store, layout.path, tmp_path / "bundle")
    after_out, names = snapshot(tmp_path, outside)
    assert after_out == before[0], f"{name}: outside changed: {r.stderr}"
    assert set(names) <= set(before[1]) | {"bundle", "store"}
    if r.returncode == 0:
        subprocess.run(["umount", tmp_path / "bundle" / "rootfs"], check=True)
    else:
        assert not (tmp_path / "bundle").exists()
        assert not [p for p in (store / "layers").iterdir() if p.name.startswith(".tmp-")]
