"""Helpers for the image tests: hand-written OCI layouts, tar layers, tree
listings to compare unpacked roots."""
import gzip
import hashlib
import io
import json
import os
import stat
import subprocess
import tarfile


# ---- OCI layouts written by hand ----

def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_bytes(entries):
    """entries: (TarInfo, data-or-None) pairs, written in that order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
    return buf.getvalue()


def entry(name, kind="file", data=b"", mode=0o644, uid=0, gid=0, target=None,
          mtime=1700000000, xattrs=None, devmajor=0, devminor=0):
    ti = tarfile.TarInfo(name)
    ti.mode = mode
    ti.uid, ti.gid = uid, gid
    ti.mtime = mtime
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
             "hardlink": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE,
             "fifo": tarfile.FIFOTYPE}
    ti.type = types[kind]
    if target is not None:
        ti.linkname = target
    ti.devmajor, ti.devminor = devmajor, devminor
    if xattrs:
        ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in xattrs.items()}
    return (ti, data if kind == "file" else None)


LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"


def host_platform():
    m = os.uname().machine
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(m, m)


class Layout:
    """Writes an OCI image layout blob by blob, so tests can break any part."""

    def __init__(self, path):
        self.path = path
        (path / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        (path / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
        self.manifests = []

    def blob(self, data):
        d = sha256(data)
        (self.path / "blobs" / "sha256" / d.split(":")[1]).write_bytes(data)
        return {"digest": d, "size": len(data)}

    def image(self, layers, ref="latest", config=None, media_types=None,
              diff_ids=None, platform=None, write_index=True, mutate=None):
        """layers: list of uncompressed tar bytes (or (bytes, media type) with
        bytes already compressed accordingly)."""
        descs, diffs = [], []
        for i, layer in enumerate(layers):
            if isinstance(layer, tuple):
                raw, mt = layer
            else:
                raw, mt = layer, LAYER_GZIP
            if mt == LAYER_GZIP:
                blob = gzip.compress(raw, mtime=0) if not isinstance(layer, tuple) else raw
            else:
                blob = raw
            desc = self.blob(blob)
            desc["mediaType"] = (media_types or {}).get(i, mt)
            descs.append(desc)
            if not diff_ids:
                diffs.append(sha256(uncompress(blob, mt)))
        plat = platform or {"os": "linux", "architecture": host_platform()}
        cfg = {"architecture": plat["architecture"], "os": plat["os"],
               "config": {"Cmd": ["/bin/sh"]},
               "rootfs": {"type": "layers", "diff_ids": diff_ids or diffs}}
        if config:
            cfg["config"].update(config)
        cdesc = self.blob(json.dumps(cfg).encode())
        cdesc["mediaType"] = "application/vnd.oci.image.config.v1+json"
        manifest = {"schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": cdesc, "layers": descs}
        if mutate:
            mutate(manifest)
        mdesc = self.blob(json.dumps(manifest).encode())
        mdesc["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        if ref:
            mdesc["annotations"] = {"org.opencontainers.image.ref.name": ref}
        self.manifests.append(mdesc)
        if write_index:
            self.write_index()
        return {"manifest": mdesc, "config": cdesc, "layers": descs}

    def write_index(self, manifests=None):
        index = {"schemaVersion": 2, "manifests": manifests or self.manifests}
        (self.path / "index.json").write_text(json.dumps(index))

    def blob_path(self, digest):
        return self.path / "blobs" / "sha256" / digest.split(":")[1]


def uncompress(blob, mt):
    if mt.endswith("gzip"):
        return gzip.decompress(blob)
    if mt.endswith("zstd"):
        return subprocess.run(["zstd", "-dc"], input=blob, capture_output=True,
                              check=True).stdout
    return blob


# ---- images made with umoci from the busybox rootfs ----

def run(*cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{cmd}: {r.stderr}"
    return r


# ---- comparing trees ----

def listing(root, with_mtime=False):
    """Every path below root: type, mode, owner, content digest or link target,
    device number, xattrs (overlay-private ones excluded) and, for hardlinks,
    the group of names sharing the inode."""
    root = str(root)
    out, inodes = {}, {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            rec = {"type": stat.S_IFMT(st.st_mode), "mode": stat.S_IMODE(st.st_mode),
                   "uid": st.st_uid, "gid": st.st_gid}
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    rec["sha256"] = hashlib.sha256(f.read()).hexdigest()
                if st.st_nlink > 1:
                    inodes.setdefault((st.st_dev, st.st_ino), []).append(rel)
                    rec["ino"] = (st.st_dev, st.st_ino)
            elif stat.S_ISLNK(st.st_mode):
                rec["target"] = os.readlink(p)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                rec["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
            if with_mtime and not stat.S_ISDIR(st.st_mode):
                rec["mtime"] = int(st.st_mtime)
            try:
                names = os.listxattr(p, follow_symlinks=False)
            except OSError:
                names = []
            rec["xattrs"] = {n: os.getxattr(p, n, follow_symlinks=False)
                             for n in sorted(names) if not n.startswith("trusted.overlay.")}
            out[rel] = rec
    for rec in out.values():
        ino = rec.pop("ino", None)
        if ino is not None:
            rec["links"] = sorted(inodes[ino])
    return out


def diff_listings(a, b):
    lines = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            lines.append(f"{k}: {a.get(k)} != {b.get(k)}")
    return lines


def checksum_dir(root):
    """A listing of a host directory to prove nothing outside a target changed."""
    return listing(root, with_mtime=True)
