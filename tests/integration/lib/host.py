"""Checking the host is left as it was: mounts, processes, cgroups, state."""
import os
import subprocess

from . import proc, reaper

# What long-lived (e.g. session-scoped) fixtures legitimately keep: a fixture
# that starts a server or mounts a store registers it here, so the test that
# happened to set the fixture up is not blamed for it.
_expected_pids = set()
_expected_mountpoints = set()


def expect_process(pid):
    """Do not report this pid (or its descendants) as left behind."""
    _expected_pids.add(pid)


def expect_mount(mountpoint):
    """Do not report a mount on this path (or under it) as left behind."""
    _expected_mountpoints.add(str(mountpoint).rstrip("/") or "/")


def _mount_expected(line):
    mp = line.split()[3]
    return any(mp == e or mp.startswith(e + "/") for e in _expected_mountpoints)

CGROUP_ROOT = "/sys/fs/cgroup"


def cgroups_named(cid, root=CGROUP_ROOT, depth=4):
    """Cgroup directories whose name contains cid, in every hierarchy (v1
    controllers like runc uses them here, and the cgroup2 at unified/)."""
    found = []

    def walk(path, d):
        try:
            entries = list(os.scandir(path))
        except OSError:
            return
        for e in entries:
            if not e.is_dir(follow_symlinks=False):
                continue
            if cid in e.name:
                found.append(e.path)
            elif d > 1:
                walk(e.path, d - 1)

    walk(root, depth)
    return found


def _mounts():
    with open("/proc/self/mountinfo") as f:
        return {" ".join(line.split()[1:]) for line in f}  # minus the mount id


class HostSnapshot:
    """What the host looked like before a test, to check nothing was left."""

    def __init__(self, ids=lambda: ()):
        self.mounts = _mounts()
        self.me = os.getpid()
        self.children = set(proc.descendants(self.me))
        self.ids = ids  # the container ids this test used, asked at the end

    def leftover_processes(self):
        """Descendants of the test process started during the test, still alive
        (exited orphans are reaped first)."""
        reaper.reap_orphans()
        skip = set(_expected_pids)
        for p in _expected_pids:
            skip.update(proc.descendants(p))
        return [p for p in proc.descendants(self.me)
                if p not in self.children and p not in skip and proc.alive(p)]

    def problems(self, cleanup=True, cgroups=True):
        out = []
        now = _mounts()
        added = {m for m in now - self.mounts if not _mount_expected(m)}
        removed = {m for m in self.mounts - now if not _mount_expected(m)}
        if added:
            out.append(f"mounts left behind: {sorted(added)}")
        if removed:
            out.append(f"mounts removed: {sorted(removed)}")
        left = self.leftover_processes()
        if left:
            out.append("processes left behind: " +
                       ", ".join(f"{p} {proc.cmdline(p)}" for p in left))
        cgs = [cg for cid in self.ids() for cg in cgroups_named(cid)] if cgroups else []
        if cgs:
            out.append(f"cgroups left behind: {cgs}")
        if cleanup:
            self._clean(left, added, cgs)
        return out

    def _clean(self, pids, mounts, cgs):
        """Undo leftovers (all ours: started by this test, cgroups named after
        its unique ids) so one broken test does not break the next ones."""
        for pid in pids:
            proc.kill_quietly(pid)
        for pid in pids:
            try:
                proc.wait_exit(pid, 2)
            except AssertionError:
                pass
        self.leftover_processes()  # reap
        for m in sorted(mounts, key=lambda m: -len(m.split()[3])):
            subprocess.run(["umount", "-l", m.split()[3]], capture_output=True)
        for cg in sorted(cgs, key=len, reverse=True):
            for sub, _, _ in sorted(os.walk(cg), key=lambda t: -len(t[0])):
                try:
                    with open(os.path.join(sub, "cgroup.procs")) as f:
                        for pid in f.read().split():
                            proc.kill_quietly(int(pid))
                except OSError:
                    pass
                try:
                    proc.wait_for(lambda: _rmdir(sub), 2, what=f"rmdir {sub}")
                except AssertionError:
                    pass


def _rmdir(path):
    try:
        os.rmdir(path)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def assert_nothing_left(rt, cid, snap=None):
    """After a failed operation on cid: no state, no cgroup, no process, no mount."""
    assert not os.path.exists(os.path.join(rt.root, cid)), f"state dir of {cid} left behind"
    assert not cgroups_named(cid), f"cgroups of {cid} left behind: {cgroups_named(cid)}"
    r = rt("state", cid)
    assert r.returncode != 0, f"state {cid} still succeeds: {r.stdout}"
    if snap is not None:
        problems = snap.problems(cleanup=False)
        assert not problems, "; ".join(problems)
