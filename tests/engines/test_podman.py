"""Podman (with conmon) driving the runtime under test: `podman --runtime RUNTIME`.
conmon calls  --log-format=json --log FILE create --bundle B --pid-file P
[--console-socket S] ID  and  exec --pid-file P --process F --detach [--tty
--console-socket S] ID; Podman itself calls start, kill ID SIG, kill --all
ID SIG, pause, resume, delete --force.  No --root: the runtime's default
state directory is used (the suite hides it under a tmpfs)."""
import os
import re
import subprocess

import pytest

from conftest import PURE_V2, wait_for
from lib.host import run_pty

TRAP_TERM = 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'


def detached(pm, image, *cmd, flags=()):
    n = pm.name()
    pm.ok("run", "-d", "--name", n, *flags, image, *cmd)
    assert pm.status(n) == "running"
    return n


def test_run_rm_output_and_exit_code(pm, image):
    n = pm.name()
    r = pm("run", "--rm", "--name", n, image, "sh", "-c",
           "echo out-$((6*7)); echo err >&2; exit 3")
    assert r.returncode == 3, r.stderr
    assert r.stdout == "out-42\n"
    assert "err" in r.stderr
    assert n not in pm.ok("ps", "-a", "--format", "{{.Names}}").split()


def test_missing_entrypoint_error_surfaces(pm, image, rt_name):
    r = pm("run", "--rm", image, "/nonexistent-entrypoint")
    assert r.returncode == 127, r.stderr  # Podman: command not found
    assert "/nonexistent-entrypoint" in r.stderr
    assert "no such file or directory" in r.stderr.lower()
    if rt_name == "lieve":
        assert re.search(r'create container "[0-9a-f]{64}": exec "/nonexistent-entrypoint": '
                         r"No such file or directory", r.stderr), r.stderr


def test_create_start_stop_restart_rm(pm, image):
    n = pm.name()
    pm.ok("create", "--name", n, image, "sh", "-c", TRAP_TERM)
    assert pm.status(n) == "created"
    pm.ok("start", n)
    assert pm.status(n) == "running"
    wait_for(lambda: "ready" in pm.ok("logs", n), what="the trap to be set")
    pm.ok("stop", "-t", "10", n)  # SIGTERM, answered by the trap at once
    assert pm.status(n) == "exited"
    assert pm.ok("inspect", "-f", "{{.State.ExitCode}}", n).strip() == "42"
    assert "got-term" in pm.ok("logs", n)
    pm.ok("restart", n)
    assert pm.status(n) == "running"
    assert pm.ok("logs", n).count("ready") == 2
    pm.ok("rm", "-f", "-t", "0", n)
    assert n not in pm.ok("ps", "-a", "--format", "{{.Names}}").split()


def test_restart_running(pm, image):
    n = detached(pm, image, "sh", "-c", TRAP_TERM)
    pid1 = pm.ok("inspect", "-f", "{{.State.Pid}}", n).strip()
    pm.ok("restart", "-t", "10", n)
    assert pm.status(n) == "running"
    assert pm.ok("inspect", "-f", "{{.State.Pid}}", n).strip() != pid1


def test_exec_user_workdir_env(pm, image):
    n = detached(pm, image, "sleep", "1000")
    r = pm("exec", "-u", "1000", "-w", "/tmp", "-e", "FOO=bar baz", n,
           "sh", "-c", 'id; pwd; echo "$FOO"; exit 6')
    assert r.returncode == 6, r.stderr
    # Podman sets no supplementary groups for a numeric -u (runc and lieve alike)
    assert r.stdout == "uid=1000(user) gid=1000(user)\n/tmp\nbar baz\n"
    r = pm("exec", "-u", "nobody", n, "id", "-u")
    assert (r.returncode, r.stdout) == (0, "65534\n"), r.stderr
    r = pm("exec", "-i", n, "tr", "a-z", "A-Z", input="piped into exec\n")
    assert (r.returncode, r.stdout) == (0, "PIPED INTO EXEC\n"), r.stderr


def test_exec_missing_binary(pm, image):
    n = detached(pm, image, "sleep", "1000")
    r = pm("exec", n, "/no-such-binary")
    assert r.returncode == 127, r.stderr
    assert "/no-such-binary" in r.stderr
    assert pm.status(n) == "running"


def test_exec_it(pm, image):
    n = detached(pm, image, "sleep", "1000")
    rc, out = run_pty(pm.argv("exec", "-it", n, "sh"), env=pm.env,
                      input="tty; echo pong-$((6*7)); exit 5\n")
    assert rc == 5, out
    assert "/dev/pts/0" in out and "pong-42" in out


def test_run_it(pm, image):
    rc, out = run_pty(pm.argv("run", "-it", "--rm", image, "sh"), env=pm.env,
                      input="tty; stty size; echo pong-$((6*7)); exit 9\n")
    assert rc == 9, out
    assert "/dev/pts/0" in out and "pong-42" in out
    assert "\n37 101\n" in out  # conmon passes the terminal's size on


def test_run_i_pipe(pm, image):
    r = pm("run", "-i", "--rm", image, "sh", "-c", "tr a-z A-Z; echo done",
           input="hello through a pipe\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "HELLO THROUGH A PIPE\ndone\n"


def test_top(pm, image):
    n = detached(pm, image, "sleep", "1000")
    pm.ok("exec", "-d", n, "sleep", "999")
    out = wait_for(lambda: (lambda o: o if "sleep 999" in o else None)(
        pm.ok("top", n, "pid", "args")), what="the exec'd process in top")
    lines = out.splitlines()
    assert lines[0].split() == ["PID", "COMMAND"]
    rows = [line.strip().split(None, 1) for line in lines[1:]]
    assert ["1", "sleep 1000"] in rows
    assert any(r[1] == "sleep 999" for r in rows)


def test_pause_unpause(pm, image):
    n = detached(pm, image, "sh", "-c", "while :; do date +%s%N > /tmp/tick; sleep 0.05; done")
    pm.ok("pause", n)
    assert pm.status(n) == "paused"
    pid = pm.ok("inspect", "-f", "{{.State.Pid}}", n).strip()
    with open(f"/proc/{pid}/status") as f:
        assert re.search(r"State:\s+[SD]", f.read())
    pm.ok("unpause", n)
    assert pm.status(n) == "running"
    t1 = pm.ok("exec", n, "cat", "/tmp/tick")
    wait_for(lambda: pm.ok("exec", n, "cat", "/tmp/tick") != t1, what="the loop to tick")


def test_kill(pm, image):
    n = detached(pm, image, "sh", "-c", TRAP_TERM)
    wait_for(lambda: "ready" in pm.ok("logs", n), what="the trap to be set")
    pm.ok("kill", "-s", "TERM", n)
    assert pm.ok("wait", n).strip() == "42"
    assert "got-term" in pm.ok("logs", n)
    n = detached(pm, image, "sleep", "1000")
    pm.ok("kill", n)  # SIGKILL
    assert pm.ok("wait", n).strip() == "137"


def test_stop_shared_pid_namespace_kills_all(pm, image):
    """With --pid=container:X the container is not its own pid namespace: when
    its init exits, its other processes live on in its cgroup, and the
    runtime's `delete --force` (Podman's cleanup) must kill them, as runc's
    destroy() does, before removing the cgroup."""
    n = detached(pm, image, "sleep", "1000")
    try:
        m = detached(pm, image, "sh", "-c", "sleep 997 & sleep 996",
                     flags=("--pid", f"container:{n}"))
        out = wait_for(lambda: (lambda o: o if "sleep 997" in o else None)(
            pm.ok("top", n, "pid", "args")), what="the second container's processes")
        assert "sleep 996" in out
        pm.ok("stop", "-t", "1", m)
        assert pm.status(m) == "exited"
        out = pm.ok("top", n, "pid", "args")
        assert "sleep 997" not in out and "sleep 996" not in out, out
        assert pm.status(n) == "running"
        pm.ok("rm", m)
        pm.ok("rm", "-f", "-t", "0", n)
    finally:
        # Whatever failed: the end of n's pid namespace ends m's processes.
        pm("kill", n)
        pm("rm", "-af", "-t", "0")


def test_read_only(pm, image):
    r = pm("run", "--rm", "--read-only", image, "sh", "-c",
           "touch /x 2>&1; touch /tmp/ok && echo tmp-writable")
    assert r.returncode == 0, r.stderr
    assert "Read-only file system" in r.stdout
    assert "tmp-writable" in r.stdout


def test_user(pm, image):
    r = pm("run", "--rm", "--user", "1000:1000", image, "id")
    assert (r.returncode, r.stdout) == (0, "uid=1000(user) gid=1000(user) groups=1000(user)\n")
    r = pm("run", "--rm", "--user", "nobody", image, "sh", "-c", "id -u; touch /root/x")
    assert r.returncode != 0
    assert r.stdout == "65534\n"
    assert "Permission denied" in r.stderr


def test_cap_drop(pm, image):
    r = pm("run", "--rm", "--cap-drop", "ALL", image, "grep", "^CapEff", "/proc/self/status")
    assert (r.returncode, r.stdout.split()) == (0, ["CapEff:", "0000000000000000"]), r.stderr
    r = pm("run", "--rm", "--cap-drop", "CHOWN", image, "chown", "1000", "/tmp")
    assert r.returncode != 0
    assert "Operation not permitted" in r.stderr
    r = pm("run", "--rm", image, "chown", "1000", "/tmp")  # the default set has CHOWN
    assert r.returncode == 0, r.stderr


def test_runtime_in_state(pm, image, runtime_bin):
    n = detached(pm, image, "sleep", "1000")
    assert pm.ok("inspect", "-f", "{{.OCIRuntime}}", n).strip() in (runtime_bin,
                                                                  runtime_bin.split("/")[-1])
    conmon = subprocess.run(["pgrep", "-af", f"conmon.*{n}"], capture_output=True, text=True)
    assert f"-r {runtime_bin}" in conmon.stdout or f"--runtime {runtime_bin}" in conmon.stdout


@pytest.mark.skipif(not PURE_V2, reason="needs pure cgroup v2 (tests/vm guest); this host is "
                    "v1-hybrid with a controller-less cgroup2")
def test_resource_limits(pm, image):
    r = pm("run", "--rm", "--memory", "64m", "--pids-limit", "50", "--cpus", "0.5", image,
           "cat", "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/pids.max",
           "/sys/fs/cgroup/cpu.max")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(64 << 20), "50", "50000", "100000"]


@pytest.mark.parametrize("cgroupns", ["private", "host"])
def test_uidmap(pm, image, cgroupns):
    """A user namespace (Podman chowns the image's layer for it).  Without a
    cgroup namespace the cgroup filesystem cannot be mounted from inside the
    user namespace: runc then bind-mounts the host's hierarchy instead."""
    r = pm("run", "--rm", "--cgroupns", cgroupns, "--uidmap", "0:100000:65536",
           "--gidmap", "0:100000:65536", image, "sh", "-c",
           "id -u; cat /proc/self/uid_map; touch /tmp/x && stat -c %u /tmp/x; "
           "ls /sys/fs/cgroup >/dev/null && echo cgroup-visible")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "0", "100000", "65536", "0", "cgroup-visible"]


def test_exec_missing_workdir_fails(pm, image):
    """runc creates a missing cwd for the container's init only; an exec into
    a directory that does not exist fails (and creates nothing)."""
    n = detached(pm, image, "sleep", "1000")
    r = pm("exec", "-w", "/nonexistent-dir", n, "true")
    assert r.returncode != 0
    assert "/nonexistent-dir" in r.stderr
    assert pm("exec", n, "test", "-e", "/nonexistent-dir").returncode == 1


@pytest.mark.parametrize("ns,flag", [("net", "--network"), ("ipc", "--ipc"), ("uts", "--uts"),
                                     ("pid", "--pid")])
def test_join_namespace_of_container(pm, image, ns, flag):
    """--X container:N: the runtime joins N's namespace by path."""
    n = detached(pm, image, "sleep", "1000")
    pid = pm.ok("inspect", "-f", "{{.State.Pid}}", n).strip()
    want = os.readlink(f"/proc/{pid}/ns/{ns}")
    r = pm("run", "--rm", flag, f"container:{n}", image, "readlink", f"/proc/self/ns/{ns}")
    assert (r.returncode, r.stdout.strip()) == (0, want), r.stderr
    r = pm("run", "--rm", image, "readlink", f"/proc/self/ns/{ns}")
    assert r.stdout.strip() != want
