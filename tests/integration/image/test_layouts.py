"""Layout variants: sha512 blobs, nested indexes (a multi-platform image
behind one ref name), Docker manifest media types."""
import gzip
import hashlib
import json

import pytest

from imgutil import LAYER_GZIP, Layout, entry, host_platform, sha256, tar_bytes


def test_sha512_blobs(lieve, tmp_path):
    lay = Layout(tmp_path / "oci")
    (lay.path / "blobs" / "sha512").mkdir()
    raw = tar_bytes([entry("f", data=b"sha512\n")])
    blob = gzip.compress(raw)

    def put512(data):
        h = hashlib.sha512(data).hexdigest()
        (lay.path / "blobs" / "sha512" / h).write_bytes(data)
        return {"digest": "sha512:" + h, "size": len(data)}

    cfg = {"architecture": host_platform(), "os": "linux", "config": {"Cmd": ["/f"]},
           "rootfs": {"type": "layers", "diff_ids": ["sha512:" + hashlib.sha512(raw).hexdigest()]}}
    c = put512(json.dumps(cfg).encode())
    c["mediaType"] = "application/vnd.oci.image.config.v1+json"
    layer = put512(blob)
    layer["mediaType"] = LAYER_GZIP
    m = put512(json.dumps({"schemaVersion": 2, "config": c, "layers": [layer]}).encode())
    m["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    lay.write_index([m])
    r = lieve("unpack", lay.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "rootfs" / "f").read_text() == "sha512\n"

    # and a corrupted sha512 blob is caught like a sha256 one
    p = lay.path / "blobs" / "sha512" / layer["digest"][7:]
    data = bytearray(p.read_bytes())
    data[-1] ^= 1
    p.write_bytes(bytes(data))
    r = lieve("unpack", lay.path, tmp_path / "b2")
    assert r.returncode == 1
    assert f"blob {layer['digest']}: digest mismatch: content hashes to sha512:" in r.stderr


def test_nested_index_by_platform(lieve, tmp_path):
    lay = Layout(tmp_path / "oci")
    mine = lay.image([tar_bytes([entry("who", data=b"mine")])], ref=None, write_index=False)
    other = lay.image([tar_bytes([entry("who", data=b"other")])], ref=None, write_index=False,
                      platform={"os": "linux", "architecture": "riscv64"})
    mine["manifest"]["platform"] = {"os": "linux", "architecture": host_platform()}
    other["manifest"]["platform"] = {"os": "linux", "architecture": "riscv64"}
    inner = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [other["manifest"], mine["manifest"]]}
    d = lay.blob(json.dumps(inner).encode())
    d["mediaType"] = "application/vnd.oci.image.index.v1+json"
    d["annotations"] = {"org.opencontainers.image.ref.name": "multi"}
    lay.write_index([d])
    r = lieve("unpack", f"{lay.path}:multi", tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "rootfs" / "who").read_text() == "mine"
    r = lieve("unpack", "--platform", "linux/riscv64", f"{lay.path}:multi", tmp_path / "c")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "c" / "rootfs" / "who").read_text() == "other"
    r = lieve("unpack", "--platform", "linux", f"{lay.path}:multi", tmp_path / "e")
    assert r.returncode == 1
    assert r.stderr.strip().endswith(': invalid platform "linux": expected os/arch[/variant]')


def test_docker_media_types_in_layout(lieve, tmp_path):
    lay = Layout(tmp_path / "oci")

    def docker(m):
        m["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json"
        m["config"]["mediaType"] = "application/vnd.docker.container.image.v1+json"
        m["layers"][0]["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    img = lay.image([tar_bytes([entry("d", data=b"docker\n")])], mutate=docker)
    img["manifest"]["mediaType"] = "application/vnd.docker.distribution.manifest.v2+json"
    lay.write_index()
    r = lieve("unpack", lay.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b" / "rootfs" / "d").read_text() == "docker\n"


def test_unknown_config_media_type(lieve, tmp_path):
    lay = Layout(tmp_path / "oci")

    def odd(m):
        m["config"]["mediaType"] = "application/vnd.example.config+json"
    img = lay.image([tar_bytes([entry("x", data=b"x")])], mutate=odd)
    r = lieve("unpack", lay.path, tmp_path / "b")
    assert r.returncode == 1
    assert r.stderr.strip().endswith(
        f'config {img["config"]["digest"]}: unsupported media type '
        '"application/vnd.example.config+json"')


def test_root_entry_metadata(lieve, tmp_path, store, mounts):
    """"./" sets the root's own mode, owner and xattrs (plain and store)."""
    import os
    import subprocess
    lay = Layout(tmp_path / "oci")
    lay.image([tar_bytes([entry("./", "dir", mode=0o750, uid=0, gid=5,
                                xattrs={"user.root": "yes"}),
                          entry("./f", data=b"f")])])
    r = lieve("unpack", lay.path, tmp_path / "b")
    assert r.returncode == 0, r.stderr
    r = lieve("unpack", "--store", store, lay.path, tmp_path / "s")
    assert r.returncode == 0, r.stderr
    try:
        for root in (tmp_path / "b" / "rootfs", tmp_path / "s" / "rootfs"):
            st = os.stat(root)
            assert (oct(st.st_mode & 0o7777), st.st_gid) == ("0o750", 5), root
        assert os.getxattr(tmp_path / "b" / "rootfs", "user.root") == b"yes"
    finally:
        subprocess.run(["umount", tmp_path / "s" / "rootfs"], check=True)
