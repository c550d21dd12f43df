"""The suite's own safety net must catch what it claims to catch."""
import os
import subprocess
import time
import uuid

from lib import proc
from lib.host import HostSnapshot, cgroups_named


def test_snapshot_catches_leftover_process():
    snap = HostSnapshot()
    p = subprocess.Popen(["sleep", "30"])
    try:
        problems = snap.problems(cleanup=False)
        assert any("processes left behind" in x and str(p.pid) in x for x in problems), problems
    finally:
        p.kill()
        p.wait()
    assert snap.problems(cleanup=False) == []


def test_snapshot_catches_orphan_of_a_runtime():
    """A process whose parent exited (like a detached container) is reparented
    to us (subreaper) and seen; once it exits it is reaped."""
    snap = HostSnapshot()
    subprocess.run(["sh", "-c", "sleep 30 & echo $! > /dev/null"], check=True)
    orphans = proc.wait_for(lambda: snap.leftover_processes(), what="the orphan")
    assert all(proc.ppid(p) == os.getpid() for p in orphans)
    for p in orphans:
        os.kill(p, 9)
    # the reaper thread reaps it: gone from /proc, not left a zombie
    proc.wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in orphans),
                  what="the orphan to be reaped")
    assert not snap.leftover_processes()


def test_snapshot_catches_leftover_mount(tmp_path):
    snap = HostSnapshot()
    d = tmp_path / "m"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "lieve-test", str(d)], check=True)
    try:
        problems = snap.problems(cleanup=False)
        assert any("mounts left behind" in x and str(d) in x for x in problems), problems
    finally:
        subprocess.run(["umount", str(d)], check=True)
    assert snap.problems(cleanup=False) == []


def test_snapshot_catches_leftover_cgroup():
    cid = "t-" + uuid.uuid4().hex[:12]
    path = f"/sys/fs/cgroup/unified/{cid}"
    snap = HostSnapshot(lambda: {cid})
    os.mkdir(path)
    try:
        assert cgroups_named(cid) == [path]
        problems = snap.problems(cleanup=True)  # and cleans it up
        assert any("cgroups left behind" in x for x in problems), problems
        assert not os.path.exists(path)
    finally:
        if os.path.exists(path):
            os.rmdir(path)


def test_subprocess_exit_status_not_stolen_by_reaper():
    for _ in range(20):
        r = subprocess.run(["sh", "-c", "exit 7"])
        assert r.returncode == 7
    p = subprocess.Popen(["sh", "-c", "exit 5"])
    time.sleep(0.1)  # the reaper runs every 20ms: it must leave p alone
    assert p.wait() == 5
