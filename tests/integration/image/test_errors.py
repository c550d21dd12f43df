"""Broken images: every blob is verified before use, errors are clear, and
a failed unpack leaves nothing behind."""
import gzip
import json
import os

import pytest

from imgutil import LAYER_GZIP, LAYER_TAR, Layout, entry, sha256, tar_bytes


def simple_layer():
    return tar_bytes([entry("etc", "dir", mode=0o755),
                      entry("etc/hello", data=b"hello\n")])


@pytest.fixture
def layout(tmp_path):
    return Layout(tmp_path / "oci")


def assert_nothing_left(tmp_path):
    """The bundle was created by the failed unpack: it must be gone, and no
    temporary directory may remain anywhere in the test directory."""
    assert not (tmp_path / "bundle").exists()
    stray = [p for p in tmp_path.rglob(".*") if p.name.startswith((".rootfs.", ".lieve-image."))]
    assert not stray


def unpack_fails(lieve, tmp_path, ref):
    r = lieve("unpack", ref, tmp_path / "bundle")
    assert r.returncode == 1, r.stdout + r.stderr
    assert_nothing_left(tmp_path)
    return r.stderr.strip()


def test_valid_image_unpacks(lieve, layout, tmp_path):
    layout.image([simple_layer()])
    r = lieve("unpack", f"{layout.path}:latest", tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "bundle" / "rootfs" / "etc" / "hello").read_text() == "hello\n"
    cfg = json.loads((tmp_path / "bundle" / "config.json").read_text())
    assert cfg["process"]["args"] == ["/bin/sh"]
    assert cfg["root"]["path"] == "rootfs"


def test_digest_mismatch(lieve, layout, tmp_path):
    img = layout.image([simple_layer()])
    d = img["layers"][0]["digest"]
    p = layout.blob_path(d)
    data = bytearray(p.read_bytes())
    data[-1] ^= 0xff
    p.write_bytes(bytes(data))
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert f"layer 0: blob {d}: digest mismatch: content hashes to {sha256(bytes(data))}" in msg


def test_size_mismatch(lieve, layout, tmp_path):
    def grow(m):
        m["layers"][0]["size"] += 7
    img = layout.image([simple_layer()], mutate=grow)
    d = img["layers"][0]["digest"]
    size = img["layers"][0]["size"] - 7  # mutate() grew the descriptor itself
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert (f"blob {d}: size mismatch: descriptor says {size + 7} bytes, "
            f"blob has {size}") in msg


def test_missing_layer_blob(lieve, layout, tmp_path):
    img = layout.image([simple_layer()])
    d = img["layers"][0]["digest"]
    os.unlink(layout.blob_path(d))
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert f"blob {d}: missing (blobs/sha256/{d[7:]} not found)" in msg


def test_missing_config_blob(lieve, layout, tmp_path):
    img = layout.image([simple_layer()])
    d = img["config"]["digest"]
    os.unlink(layout.blob_path(d))
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert f"blob {d}: missing" in msg


def test_manifest_digest_mismatch(lieve, layout, tmp_path):
    img = layout.image([simple_layer()])
    p = layout.blob_path(img["manifest"]["digest"])
    p.write_text(p.read_text().replace('"schemaVersion": 2', '"schemaVersion": 3'))
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert "digest mismatch" in msg


def test_truncated_gzip_layer(lieve, layout, tmp_path):
    raw = tar_bytes([entry("big", data=os.urandom(200000))])
    blob = gzip.compress(raw)[:-5000]
    layout.image([(blob, LAYER_GZIP)], diff_ids=[sha256(raw)])
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert "layer 0" in msg and "truncated" in msg.lower(), msg


def test_unknown_layer_media_type(lieve, layout, tmp_path):
    img = layout.image([(simple_layer(), "application/vnd.example.layer.v1.tar+lz4")],
                       diff_ids=[sha256(simple_layer())])
    d = img["layers"][0]["digest"]
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert msg.endswith(f'layer {d}: unsupported layer media type '
                        f'"application/vnd.example.layer.v1.tar+lz4"'), msg


def test_diff_id_mismatch(lieve, layout, tmp_path):
    wrong = sha256(b"not the layer")
    layout.image([(simple_layer(), LAYER_TAR)], diff_ids=[wrong])
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert f"diff id mismatch: config says {wrong}, content hashes to {sha256(simple_layer())}" in msg


def test_bad_index_json(lieve, layout, tmp_path):
    layout.image([simple_layer()])
    idx = json.loads((layout.path / "index.json").read_text())
    idx["manifests"][0]["digest"] = 42
    (layout.path / "index.json").write_text(json.dumps(idx))
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert msg.endswith("index.json: manifests[0].digest: expected a string, got a number"), msg


def test_unknown_ref_name(lieve, layout, tmp_path):
    layout.image([simple_layer()], ref="one")
    msg = unpack_fails(lieve, tmp_path, f"{layout.path}:two")
    assert msg.endswith('index.json: no image named "two"'), msg


def test_two_images_need_a_name(lieve, layout, tmp_path):
    layout.image([simple_layer()], ref="one")
    layout.image([simple_layer()], ref="two")
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert msg.endswith("index.json: 2 images; choose one with IMAGE:NAME"), msg
    r = lieve("unpack", f"{layout.path}:two", tmp_path / "bundle")
    assert r.returncode == 0, r.stderr


def test_wrong_platform(lieve, layout, tmp_path):
    layout.image([simple_layer()], platform={"os": "linux", "architecture": "s390x"})
    msg = unpack_fails(lieve, tmp_path, str(layout.path))
    assert "image is for linux/s390x, this machine is linux/" in msg
    r = lieve("unpack", "--platform", "linux/s390x", layout.path, tmp_path / "bundle")
    assert r.returncode == 0, r.stderr


def test_platform_from_index(lieve, layout, tmp_path):
    """A multi-platform index: --platform picks the entry."""
    a = layout.image([tar_bytes([entry("which", data=b"s390x")])], ref=None, write_index=False,
                     platform={"os": "linux", "architecture": "s390x"})
    b = layout.image([tar_bytes([entry("which", data=b"arm64")])], ref=None, write_index=False,
                     platform={"os": "linux", "architecture": "arm64", "variant": "v8"})
    a["manifest"]["platform"] = {"os": "linux", "architecture": "s390x"}
    b["manifest"]["platform"] = {"os": "linux", "architecture": "arm64", "variant": "v8"}
    layout.write_index([a["manifest"], b["manifest"]])
    r = lieve("unpack", "--platform", "linux/arm64", layout.path, tmp_path / "bundle")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "bundle" / "rootfs" / "which").read_text() == "arm64"
    r = lieve("unpack", "--platform", "linux/ppc64le", layout.path, tmp_path / "b2")
    assert r.returncode == 1
    assert "no image for platform linux/ppc64le (available: linux/s390x, linux/arm64/v8)" in r.stderr


def test_bundle_rootfs_exists(lieve, layout, tmp_path):
    layout.image([simple_layer()])
    (tmp_path / "bundle" / "rootfs").mkdir(parents=True)
    r = lieve("unpack", layout.path, tmp_path / "bundle")
    assert r.returncode == 1
    assert 'bundle "' in r.stderr and "rootfs: File exists" in r.stderr
    assert sorted(os.listdir(tmp_path / "bundle")) == ["rootfs"]
