"""create/start/state/kill/delete/run/list: the container lifecycle, as runc does it."""
import json
import os
import signal
import subprocess

import pytest

from lib import proc
from lib.host import cgroups_named
from lib.util import sh

# A container that keeps running until told, and says which signal it got.
SIGNAL_RECORDER = sh(
    "trap 'echo TERM > /tmp/sig; exit 0' TERM; trap 'echo USR1 > /tmp/sig; exit 0' USR1; "
    "trap 'echo HUP > /tmp/sig; exit 0' HUP; "
    "echo > /tmp/ready; while :; do sleep 0.02; done")


def wait_ready(bundle):
    proc.wait_for(lambda: (bundle.rootfs / "tmp" / "ready").exists(), 10,
                  what="the container to be ready")


def test_create_start_stop_delete(runtime, bundle, tmp_path):
    """created (pid = pid file) -> running -> stopped (found out, not told) -> deleted."""
    bundle.config["process"]["args"] = sh("read line; exit 0")
    bundle.write()
    pidfile = tmp_path / "pid"
    r_stdin, w_stdin = os.pipe()
    try:
        cid = runtime.create(bundle, "--pid-file", pidfile, stdin=r_stdin)
    finally:
        os.close(r_stdin)
    try:
        st = runtime.state(cid)
        assert st["status"] == "created"
        assert st["id"] == cid
        assert st["bundle"] == str(bundle.path)
        assert "ociVersion" in st and "created" in st
        pid = st["pid"]
        assert pid > 0 and int(pidfile.read_text()) == pid
        assert proc.alive(pid), "the created container's init is not alive"
        # created: the user's process has not run yet
        assert proc.cmdline(pid)[:1] != ["/bin/sh"]

        runtime.ok("start", cid)
        st = runtime.state(cid)
        assert (st["status"], st["pid"]) == ("running", pid)
        proc.wait_for(lambda: proc.cmdline(pid)[:1] == ["/bin/sh"], what="exec of /bin/sh")
        assert proc.ns_inode(pid, "pid") != proc.ns_inode("self", "pid")
    finally:
        os.write(w_stdin, b"bye\n")
        os.close(w_stdin)
    # nobody tells the runtime: it must find out by itself
    runtime.wait_status(cid, "stopped")
    assert not proc.alive(pid)

    runtime.ok("delete", cid)
    r = runtime("state", cid)
    assert r.returncode != 0
    assert "not exist" in r.stderr or "no such" in r.stderr.lower(), r.stderr
    assert not os.listdir(runtime.root)
    assert not cgroups_named(cid)


@pytest.mark.parametrize("script,status", [
    ("echo ran; exit 0", 0),
    ("echo ran; exit 3", 3),
    ("echo ran; kill -KILL $$", 128 + signal.SIGKILL),
    ("echo ran; kill -TERM $$", 128 + signal.SIGTERM),
])
def test_run_exit_status(runtime, bundle, script, status):
    """The foreground run exits with the container's status, 128+N for a signal."""
    bundle.config["process"]["args"] = sh(script)
    # pid 1 of a pid namespace cannot be killed from inside: share the host's
    bundle.config["linux"]["namespaces"] = [
        n for n in bundle.config["linux"]["namespaces"] if n["type"] != "pid"]
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode == status, r.stderr
    assert r.stdout == "ran\n"
    assert not os.listdir(runtime.root), "run left its state behind"


def test_run_output_and_stdin(runtime, bundle):
    bundle.config["process"]["args"] = sh("read x; echo got $x; echo err >&2")
    bundle.write()
    r = runtime.run(bundle, input="hello\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "got hello\n"
    assert r.stderr.strip() == "err"


def test_run_detached(runtime, bundle):
    bundle.config["process"]["args"] = sh("echo > /tmp/ready; sleep 60")
    bundle.write()
    cid = runtime.new_id()
    r = runtime("run", "-d", "--bundle", bundle.path, cid, timeout=10)
    assert r.returncode == 0, r.stderr
    wait_ready(bundle)
    st = runtime.state(cid)
    assert st["status"] == "running"
    assert proc.alive(st["pid"])
    runtime.ok("kill", cid, "KILL")
    runtime.wait_status(cid, "stopped")
    runtime.ok("delete", cid)
    assert not os.listdir(runtime.root)


def test_run_forwards_signals(runtime, bundle):
    """SIGTERM to a foreground `run` reaches the container's process."""
    bundle.config["process"]["args"] = sh(
        "trap 'exit 42' TERM; echo ready; while :; do sleep 0.02; done")
    bundle.write()
    cid = runtime.new_id()
    p = subprocess.Popen(runtime.cmd("run", "--bundle", bundle.path, cid),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "ready\n"
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 42, p.stderr.read()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()


@pytest.mark.parametrize("sigargs,expect", [
    ((), "TERM"),          # default is SIGTERM
    (("SIGUSR1",), "USR1"),
    (("USR1",), "USR1"),
    (("1",), "HUP"),
    (("KILL",), None),
    (("9",), None),
])
def test_kill(runtime, bundle, sigargs, expect):
    bundle.config["process"]["args"] = SIGNAL_RECORDER
    bundle.write()
    cid, pid = runtime.started(bundle)
    wait_ready(bundle)
    runtime.ok("kill", cid, *sigargs)
    runtime.wait_status(cid, "stopped")
    sig = bundle.rootfs / "tmp" / "sig"
    if expect is None:
        assert not sig.exists(), "SIGKILL ran a trap"
    else:
        assert sig.read_text().strip() == expect


def test_kill_invalid_signal(runtime, bundle):
    bundle.config["process"]["args"] = SIGNAL_RECORDER
    bundle.write()
    cid, pid = runtime.started(bundle)
    wait_ready(bundle)
    r = runtime("kill", cid, "SIGNOPE")
    assert r.returncode != 0
    assert "SIGNOPE" in r.stderr or "signal" in r.stderr.lower(), r.stderr
    assert runtime.status(cid) == "running"


def test_kill_all(runtime, bundle):
    """kill --all signals every process of the container, not only init."""
    bundle.config["process"]["args"] = sh(
        "sleep 100 & sleep 100 & echo > /tmp/ready; wait")
    bundle.write()
    cid, pid = runtime.started(bundle)
    wait_ready(bundle)
    kids = proc.wait_for(lambda: len(proc.descendants(pid)) >= 2 and proc.descendants(pid),
                         what="the sleeps")
    runtime.ok("kill", "--all", cid, "KILL")
    for p in [pid] + kids:
        proc.wait_exit(p)
    runtime.wait_status(cid, "stopped")


def test_kill_stopped_fails(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/true"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    runtime.wait_status(cid, "stopped")
    r = runtime("kill", cid, "KILL")
    assert r.returncode != 0
    assert runtime.status(cid) == "stopped"


def test_delete_running_needs_force(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    r = runtime("delete", cid)
    assert r.returncode != 0
    assert "running" in r.stderr, r.stderr
    assert runtime.state(cid)["status"] == "running"
    assert proc.alive(pid)

    runtime.ok("delete", "--force", cid)
    proc.wait_exit(pid)
    assert runtime("state", cid).returncode != 0
    assert not os.listdir(runtime.root)
    assert not cgroups_named(cid)


def test_delete_force_created(runtime, bundle):
    cid = runtime.create(bundle)
    pid = runtime.state(cid)["pid"]
    runtime.ok("delete", "--force", cid)
    proc.wait_exit(pid)
    assert not os.listdir(runtime.root)
    assert not cgroups_named(cid)


def test_delete_unknown_fails(runtime):
    r = runtime("delete", "no-such-container")
    assert r.returncode != 0
    assert "not exist" in r.stderr or "no such" in r.stderr.lower(), r.stderr


def test_start_running_or_stopped_fails(runtime, bundle):
    bundle.config["process"]["args"] = sh("read x")
    bundle.write()
    r_stdin, w_stdin = os.pipe()
    try:
        cid = runtime.create(bundle, stdin=r_stdin)
    finally:
        os.close(r_stdin)
    try:
        runtime.ok("start", cid)
        before = runtime.state(cid)
        r = runtime("start", cid)
        assert r.returncode != 0
        assert "running" in r.stderr, r.stderr
        assert runtime.state(cid) == before
    finally:
        os.close(w_stdin)  # EOF: read fails, the shell exits
    runtime.wait_status(cid, "stopped")
    before = runtime.state(cid)
    r = runtime("start", cid)
    assert r.returncode != 0
    assert "stopped" in r.stderr, r.stderr
    assert runtime.state(cid) == before


def test_create_existing_id_fails(runtime, bundle, tmp_path):
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid = runtime.create(bundle)
    before = runtime.state(cid)
    r = runtime("create", "--bundle", bundle.path, "--pid-file", tmp_path / "pid2", cid)
    assert r.returncode != 0
    assert "exist" in r.stderr, r.stderr
    assert runtime.state(cid) == before
    assert proc.alive(before["pid"])
    assert not (tmp_path / "pid2").exists()
    runtime.ok("start", cid)  # still a working container
    assert runtime.status(cid) == "running"


def test_list(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    a = runtime.create(bundle)
    b, bpid = runtime.started(bundle)

    q = runtime.ok("list", "-q").stdout.split()
    assert sorted(q) == sorted([a, b])

    table = runtime.ok("list").stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "PID", "STATUS"]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert rows[a][2] == "created"
    assert rows[b][1:3] == [str(bpid), "running"]
    assert rows[b][3] == str(bundle.path)

    js = json.loads(runtime.ok("list", "--format", "json").stdout)
    byid = {c["id"]: c for c in js}
    assert set(byid) == {a, b}
    assert byid[a]["status"] == "created"
    assert (byid[b]["status"], byid[b]["pid"]) == ("running", bpid)
    assert byid[b]["bundle"] == str(bundle.path)


def test_list_empty(runtime):
    assert runtime.ok("list", "-q").stdout.strip() == ""
    assert json.loads(runtime.ok("list", "-f", "json").stdout or "null") in (None, [])


@pytest.mark.parametrize("bad", ["../../etc", "a/b", "..", ""])
def test_invalid_id_refused(runtime, bundle, bad, host_snapshot):
    victim = runtime.root.parent.parent / "etc"
    existed = victim.exists()
    r = runtime("create", "--bundle", bundle.path, bad)
    assert r.returncode != 0
    assert r.stderr.strip(), "no error message"
    assert not os.listdir(runtime.root), os.listdir(runtime.root)
    assert victim.exists() == existed
    problems = host_snapshot.problems(cleanup=False)
    assert not problems, problems


def test_state_unknown_fails(runtime):
    r = runtime("state", "nope")
    assert r.returncode != 0
    assert "nope" in r.stderr or "not exist" in r.stderr, r.stderr


def test_foreground_run_killed_from_outside(runtime, bundle):
    """`kill ID KILL` on a foreground run: run exits 128+9 (pid ns init killed)."""
    bundle.config["process"]["args"] = sh("echo > /tmp/ready; while :; do sleep 0.02; done")
    bundle.write()
    cid = runtime.new_id()
    p = subprocess.Popen(runtime.cmd("run", "--bundle", bundle.path, cid),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(bundle)
        runtime.ok("kill", cid, "KILL")
        assert p.wait(timeout=10) == 128 + signal.SIGKILL, p.stderr.read()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stderr.close()
    assert not os.listdir(runtime.root), "run left its state behind"


def test_kill_created_container(runtime, bundle):
    bundle.config["process"]["args"] = sh("echo > /tmp/user-process-ran")
    bundle.write()
    cid = runtime.create(bundle)
    pid = runtime.state(cid)["pid"]
    runtime.ok("kill", cid, "KILL")
    proc.wait_exit(pid)
    runtime.wait_status(cid, "stopped")
    runtime.ok("delete", cid)
    assert not (bundle.rootfs / "tmp" / "user-process-ran").exists()


def test_relative_bundle_and_annotations(runtime, bundle):
    bundle.config["annotations"] = {"org.lieve.test": "yes", "empty": ""}
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid = runtime.new_id()
    runtime.ok("create", "--bundle", ".", cid, cwd=bundle.path)
    st = runtime.state(cid)
    assert st["bundle"] == str(bundle.path)  # absolute, whatever was given
    assert st["annotations"] == {"org.lieve.test": "yes", "empty": ""}


def test_run_detached_pid_file(runtime, bundle, tmp_path):
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid = runtime.new_id()
    runtime.ok("run", "-d", "--pid-file", tmp_path / "pid", "--bundle", bundle.path, cid)
    pid = int((tmp_path / "pid").read_text())
    assert runtime.state(cid)["pid"] == pid
    proc.wait_for(lambda: proc.cmdline(pid)[:1] == ["/bin/sleep"], what="sleep")


def test_delete_created_without_force(runtime, bundle):
    """Like runc: a created container (never started) is deleted without --force."""
    bundle.config["process"]["args"] = sh("echo > /tmp/user-process-ran")
    bundle.write()
    cid = runtime.create(bundle)
    pid = runtime.state(cid)["pid"]
    runtime.ok("delete", cid)
    proc.wait_exit(pid)
    assert runtime("state", cid).returncode != 0
    assert not (bundle.rootfs / "tmp" / "user-process-ran").exists()
    assert not cgroups_named(cid)


def test_killed_behind_the_runtimes_back_is_stopped(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/sleep", "600"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    os.kill(pid, signal.SIGKILL)
    runtime.wait_status(cid, "stopped")
    runtime.ok("delete", cid)
    assert not cgroups_named(cid)


def test_cli_details_like_runc(runtime, bundle, tmp_path):
    """Small runc behaviours tools rely on."""
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    bundle.write()
    cid = runtime.new_id()
    # a relative --pid-file is relative to the caller's cwd
    runtime.ok("create", "--bundle", bundle.path, "--pid-file", "rel.pid", cid, cwd=tmp_path)
    st = runtime.state(cid)
    assert int((tmp_path / "rel.pid").read_text()) == st["pid"]
    assert {"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created",
            "owner"} <= set(st)
    assert st["rootfs"] == str(bundle.rootfs)
    runtime.ok("kill", cid, "0")          # signal 0: a liveness probe
    assert runtime("kill", cid, "99").returncode != 0
    assert runtime("kill", cid, "TERM", "extra").returncode != 0
    assert runtime.status(cid) == "created"
    # deleting what is not there, with --force, is not an error (cleanup loops)
    assert runtime("delete", "--force", "never-existed").returncode == 0
    assert runtime("delete", "never-existed").returncode != 0
