"""oci-archive and docker-archive inputs (made with skopeo), zstd layers, and
Docker media types: all unpack to the same tree as the OCI layout."""
import os
import shutil
import subprocess

import pytest

from imgutil import LAYER_ZSTD, Layout, diff_listings, entry, listing, run, sha256, tar_bytes


@pytest.fixture(scope="module")
def image(tmp_path_factory, busybox_rootfs):
    """A two-layer busybox image (the second deletes and adds), as an OCI
    layout, an oci-archive and a docker-archive."""
    work = tmp_path_factory.mktemp("archives")
    oci = work / "oci"
    run("umoci", "init", "--layout", oci)
    run("umoci", "new", "--image", f"{oci}:bb")
    b = work / "b"
    run("umoci", "unpack", "--image", f"{oci}:bb", b)
    os.rmdir(b / "rootfs") if not os.listdir(b / "rootfs") else None
    run("cp", "-a", busybox_rootfs, b / "rootfs")
    run("umoci", "repack", "--image", f"{oci}:bb", b)
    os.unlink(b / "rootfs" / "bin" / "ls")
    (b / "rootfs" / "etc" / "added").write_text("second layer\n")
    run("umoci", "repack", "--image", f"{oci}:bb", b)
    run("umoci", "config", "--image", f"{oci}:bb", "--config.entrypoint", "/bin/echo",
        "--config.cmd", "hi")
    run("skopeo", "copy", f"oci:{oci}:bb", f"oci-archive:{work / 'bb-oci.tar'}:bb")
    run("skopeo", "copy", f"oci:{oci}:bb", f"docker-archive:{work / 'bb-docker.tar'}:bb:latest")
    yield work
    shutil.rmtree(work, ignore_errors=True)


def unpack_listing(lieve, ref, dest):
    r = lieve("unpack", ref, dest)
    assert r.returncode == 0, r.stderr
    return listing(dest / "rootfs", with_mtime=True)


@pytest.mark.parametrize("ref", [
    "oci-archive:{w}/bb-oci.tar",
    "oci-archive:{w}/bb-oci.tar:bb",
    "{w}/bb-oci.tar",
    "docker-archive:{w}/bb-docker.tar",
    "docker-archive:{w}/bb-docker.tar:bb:latest",
    "docker-archive:{w}/bb-docker.tar:bb",
    "{w}/bb-docker.tar",
])
def test_archive_matches_layout(lieve, image, tmp_path, ref):
    want = unpack_listing(lieve, f"{image}/oci:bb", tmp_path / "layout")
    got = unpack_listing(lieve, ref.format(w=image), tmp_path / "archive")
    assert diff_listings(want, got) == []
    assert "bin/ls" not in got and "etc/added" in got
    # The archive's temporary directory is gone.
    assert [p for p in os.listdir(tmp_path / "archive") if p.startswith(".")] == []


def test_archive_config(lieve, image, tmp_path):
    import json
    for kind in ("oci", "docker"):
        r = lieve("unpack", f"{kind}-archive:{image}/bb-{kind}.tar", tmp_path / kind)
        assert r.returncode == 0, r.stderr
        cfg = json.loads((tmp_path / kind / "config.json").read_text())
        assert cfg["process"]["args"] == ["/bin/echo", "hi"]


def test_docker_archive_unknown_tag(lieve, image, tmp_path):
    r = lieve("unpack", f"docker-archive:{image}/bb-docker.tar:other", tmp_path / "b")
    assert r.returncode == 1
    assert r.stderr.strip().endswith('manifest.json: no image tagged "other"')
    assert not (tmp_path / "b").exists()


def test_docker_archive_corrupt_layer(lieve, image, tmp_path):
    """docker-archive layers are checked against the config's diff ids."""
    work = tmp_path / "x"
    work.mkdir()
    run("tar", "-C", work, "-xf", image / "bb-docker.tar")
    layers = [p for p in work.rglob("*.tar") if p.is_file() and not p.is_symlink()]
    biggest = max(layers, key=lambda p: p.stat().st_size)
    data = bytearray(biggest.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside busybox's data, most of the layer
    biggest.write_bytes(bytes(data))
    run("tar", "-C", work, "-cf", tmp_path / "bad.tar", ".")
    r = lieve("unpack", f"docker-archive:{tmp_path / 'bad.tar'}", tmp_path / "b")
    assert r.returncode == 1
    assert "diff id mismatch" in r.stderr, r.stderr
    assert not (tmp_path / "b").exists()


def test_not_an_image(lieve, tmp_path):
    (tmp_path / "empty").mkdir()
    r = lieve("unpack", tmp_path / "empty", tmp_path / "b")
    assert r.returncode == 1
    assert "not an OCI image layout (no oci-layout and index.json) nor a docker archive" in r.stderr


def test_zstd_and_docker_media_types(lieve, tmp_path):
    layout = Layout(tmp_path / "oci")
    l1 = tar_bytes([entry("bin", "dir", mode=0o755), entry("bin/tool", data=b"zstd\n", mode=0o755)])
    l2 = tar_bytes([entry("etc", "dir", mode=0o755), entry("etc/conf", data=b"plain tar\n")])
    l3 = tar_bytes([entry("etc/gz", data=b"docker gzip\n")])
    import gzip
    zst = subprocess.run(["zstd", "-q", "-c"], input=l1, capture_output=True, check=True).stdout
    layout.image([(zst, LAYER_ZSTD),
                  (l2, "application/vnd.docker.image.rootfs.diff.tar"),
                  (gzip.compress(l3), "application/vnd.docker.image.rootfs.diff.tar.gzip")],
                 diff_ids=[sha256(l1), sha256(l2), sha256(l3)])
    r = lieve("unpack", layout.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    root = tmp_path / "b" / "rootfs"
    assert (root / "bin" / "tool").read_text() == "zstd\n"
    assert (root / "etc" / "conf").read_text() == "plain tar\n"
    assert (root / "etc" / "gz").read_text() == "docker gzip\n"
