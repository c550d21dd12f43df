"""Helpers shared by the rootfs integration tests (imported by conftest.py and the tests)."""

import hashlib
import os
import stat
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def driver_binary():
    """The C driver (driver.c): beside the lieve under test, or in build/."""
    env = os.environ.get("LIEVE_ROOTFS_DRIVER", "")
    if env.startswith("/"):
        return env
    lieve = os.environ.get("LIEVE_BIN")
    build = os.path.dirname(os.path.dirname(lieve)) if lieve else os.path.join(REPO, "build")
    return os.path.join(build, "tests", "integration", "rootfs", "rootfs-driver")


def using_driver():
    """LIEVE_ROOTFS_DRIVER=1 (or a path) runs every test through the driver
    instead of the runtime under test (lieve, or $LIEVE_TEST_RUNTIME)."""
    return bool(os.environ.get("LIEVE_ROOTFS_DRIVER"))


def is_runc():
    """runc 1.1.5 (Debian 12), the oracle, differs from us in a few documented places."""
    return os.path.basename(os.environ.get("LIEVE_TEST_RUNTIME", "")) == "runc"


def assert_error_line(r, line):
    """Failed with one line of error ending with `line` (lieve prefixes the
    container; the driver prints exactly the line).  runc words its own."""
    assert r.returncode != 0, r
    if is_runc():
        return
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].endswith(line), r.stderr
    if r.args[0] == driver_binary() and line.startswith(("mount ", '"')):
        assert lines[0] == line


def parse_mountinfo(text):
    """mountinfo lines → list of dicts (mount point, options, fstype, source, super options)."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if len(f) < 10 or "-" not in f:
            continue
        sep = f.index("-", 6)
        out.append({
            "id": f[0], "parent": f[1], "root": f[3], "point": f[4],
            "opts": set(f[5].split(",")), "optional": f[6:sep],
            "fstype": f[sep + 1], "source": f[sep + 2],
            "super": set(f[sep + 3].split(",")) if len(f) > sep + 3 else set(),
        })
    return out


def own_mountinfo():
    with open("/proc/self/mountinfo") as f:
        return sorted((m["point"], m["fstype"], m["source"]) for m in parse_mountinfo(f.read()))


def tree_listing(*paths):
    """Owner, mode, device numbers and content hash of everything under paths (no symlinks followed)."""
    out = []
    for top in paths:
        for dirpath, dirnames, filenames in os.walk(top):
            for name in [""] + dirnames + filenames:
                p = os.path.join(dirpath, name) if name else dirpath
                try:
                    st = os.lstat(p)
                except FileNotFoundError:
                    continue
                digest = ""
                if stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                elif stat.S_ISLNK(st.st_mode):
                    digest = os.readlink(p)
                out.append((p, st.st_mode, st.st_uid, st.st_gid, st.st_rdev, digest))
            if top == "/dev":
                dirnames[:] = []  # the top level of /dev is what we must not touch
    return sorted(out)


class Container:
    def __init__(self, runtime):
        self.runtime = runtime

    def command(self, bundle, no_pivot=False, console=False, cgroup_path=None, driver=False):
        """`driver=True`: a test of a library feature the lifecycle does not use
        yet (or a driver-only knob) always goes through the driver."""
        if driver or using_driver():
            c = [driver_binary()]
            if cgroup_path:
                c += ["--cgroup-path", str(cgroup_path)]
            if no_pivot:
                c.append("--no-pivot")
            if console:
                c.append("--console")
            return c + [str(bundle.path)]
        cid = self.runtime.new_id()
        args = ["run"] + (["--no-pivot"] if no_pivot else []) + ["--bundle", bundle.path, cid]
        return self.runtime.cmd(*args)

    def run(self, bundle, script=None, timeout=30, env=None, **kw):
        """Runs `sh -c script` (or the bundle's args) in the container; returns CompletedProcess."""
        if script is not None:
            bundle.config["process"]["args"] = ["/bin/sh", "-c", script]
        bundle.write()
        return subprocess.run(self.command(bundle, **kw), capture_output=True, text=True,
                              timeout=timeout, cwd=str(bundle.path),
                              env=dict(os.environ, **(env or {})))

    def popen(self, bundle, script, **kw):
        bundle.config["process"]["args"] = ["/bin/sh", "-c", script]
        bundle.write()
        return subprocess.Popen(self.command(bundle, **kw), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=str(bundle.path))

    def ok(self, bundle, script, **kw):
        r = self.run(bundle, script, **kw)
        assert r.returncode == 0, f"rc={r.returncode}\nstdout={r.stdout}\nstderr={r.stderr}"
        return r.stdout

    def mountinfo(self, bundle, **kw):
        return parse_mountinfo(self.ok(bundle, "cat /proc/self/mountinfo", **kw))


def find(mounts, point):
    """The topmost mount at a mount point."""
    found = [m for m in mounts if m["point"] == point]
    assert found, f"no mount at {point}: {[m['point'] for m in mounts]}"
    return found[-1]


