"""The test image, made locally (no registry is reachable): Debian's
busybox-static with every applet as a link, a passwd/group with a user 1000,
written as a docker-archive tarball that `ctr images import` and
`podman load` both read."""
import hashlib
import io
import json
import os
import subprocess
import tarfile

BUSYBOX = "/bin/busybox"
IMAGE = "localhost/lieve-busybox:latest"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PASSWD = ("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
          "user:x:1000:1000:user:/home/user:/bin/sh\n")
GROUP = "root:x:0:\ntty:x:5:\nnogroup:x:65534:\nuser:x:1000:\n"


def _entry(tar, name, kind, mode, data=None, target=None, uid=0):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.uid, ti.gid, ti.mtime = kind, mode, uid, uid, 0
    if target is not None:
        ti.linkname = target
    if data is not None:
        ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data))
    else:
        tar.addfile(ti)


def layer_tar():
    buf = io.BytesIO()
    applets = subprocess.run([BUSYBOX, "--list-full"], check=True, capture_output=True,
                             text=True).stdout.split()
    dirs = {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "root",
            "home", "run", "var", "var/tmp"}
    dirs |= {os.path.dirname(a) for a in applets}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in sorted(x for x in dirs if x):
            _entry(tar, d, tarfile.DIRTYPE, 0o755)
        _entry(tar, "tmp", tarfile.DIRTYPE, 0o1777)
        _entry(tar, "home/user", tarfile.DIRTYPE, 0o755, uid=1000)
        with open(BUSYBOX, "rb") as f:
            _entry(tar, "bin/busybox", tarfile.REGTYPE, 0o755, data=f.read())
        for a in sorted(set(applets)):
            if a != "bin/busybox":
                _entry(tar, a, tarfile.SYMTYPE, 0o777, target="/bin/busybox")
        _entry(tar, "etc/passwd", tarfile.REGTYPE, 0o644, data=PASSWD.encode())
        _entry(tar, "etc/group", tarfile.REGTYPE, 0o644, data=GROUP.encode())
    return buf.getvalue()


def write_docker_archive(path, ref=IMAGE):
    layer = layer_tar()
    diff_id = hashlib.sha256(layer).hexdigest()
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
        "config": {"Env": [PATH_ENV], "Cmd": ["/bin/sh"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": "2026-01-01T00:00:00Z", "created_by": "lieve tests/engines"}],
    }, sort_keys=True).encode()
    config_id = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{"Config": config_id + ".json", "RepoTags": [ref],
                            "Layers": [diff_id + "/layer.tar"]}]).encode()
    with tarfile.open(path, "w") as tar:
        _entry(tar, diff_id, tarfile.DIRTYPE, 0o755)
        _entry(tar, diff_id + "/layer.tar", tarfile.REGTYPE, 0o644, data=layer)
        _entry(tar, config_id + ".json", tarfile.REGTYPE, 0o644, data=config)
        _entry(tar, "manifest.json", tarfile.REGTYPE, 0o644, data=manifest)
    return path
