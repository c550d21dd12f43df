"""containerd's io.containerd.runc.v2 shim driving the runtime under test
(`ctr run --runc-binary RUNTIME`).  The shim calls
  --root /run/containerd/runc/NS --log B/log.json --log-format json
  create --bundle B --pid-file B/init.pid [--console-socket S] ID,
  start, kill [--all] ID SIG, exec --process F [--console-socket S] --detach
  --pid-file P ID, pause, resume, ps --format json ID, delete [--force] ID."""
import os
import re
import subprocess
import uuid

import pytest

from conftest import run, wait_for
from lib.host import run_pty

TRAP_TERM = 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'


def alive(pid):
    """A process (not a zombie) with that pid exists."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def cid():
    return "c-" + uuid.uuid4().hex[:10]


def detached(ctd, image, *cmd, extra=()):
    c = cid()
    r = ctd.run("-d", *extra, image, c, *cmd)
    assert r.returncode == 0, r.stderr
    wait_for(lambda: ctd.task_status(c) == "RUNNING", what=f"task {c} RUNNING")
    return c


def test_run_rm_output_and_exit_code(ctd, image):
    c = cid()
    r = ctd.run("--rm", image, c, "sh", "-c", "echo out-$((6*7)); echo err >&2; exit 3")
    assert r.returncode == 3, r.stderr
    assert r.stdout == "out-42\n"
    assert "err" in r.stderr
    assert c not in ctd.ctr("containers", "ls", "-q").stdout.split()


def test_run_rm_stdin(ctd, image):
    # ctr never closes the task's stdin on EOF (no CloseIO): read one line
    r = ctd.run("--rm", image, cid(), "sh", "-c", 'read l; echo "$l" | tr a-z A-Z',
                input="hello engines\n", timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "HELLO ENGINES\n"


def test_run_tty(ctd, image):
    # ctr sets the size after the task started, and may lose that first
    # resize: wait for a size, resizing the terminal (SIGWINCH to ctr) once
    rc, out = run_pty(ctd.run_argv("--rm", "-t", image, cid(), "sh", "-c",
                                   "tty; [ -t 0 ] && echo stdin-is-tty; echo wait-size; i=0; "
                                   'until [ -n "$(stty size 2>/dev/null)" ] || [ $i = 100 ]; '
                                   "do sleep 0.05; i=$((i+1)); done; stty size; exit 5"),
                      resize_after="wait-size")
    assert rc == 5, out
    assert "/dev/pts/0\nstdin-is-tty\n" in out
    assert re.search(r"\n(37 101|40 120)\n", out), out  # ctr passes the size on


def test_missing_entrypoint_error_surfaces(ctd, image, rt_name):
    c = cid()
    r = ctd.run("--rm", image, c, "/nonexistent-entrypoint")
    assert r.returncode != 0
    assert "OCI runtime create failed" in r.stderr
    assert "/nonexistent-entrypoint" in r.stderr
    assert "no such file or directory" in r.stderr.lower()
    if rt_name == "lieve":
        assert (f'create container "{c}": exec "/nonexistent-entrypoint": '
                "No such file or directory") in r.stderr


def test_detached_exec(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    r = run(ctd.exec_argv("--exec-id", "e1", c, "sh", "-c", "echo $$; id -u; pwd; exit 7"))
    assert r.returncode == 7, r.stderr
    pid, uid, cwd = r.stdout.split()
    assert pid != "1" and uid == "0" and cwd == "/"
    r = run(ctd.exec_argv("--exec-id", "e2", "--user", "1000", "--cwd", "/tmp", c,
                          "sh", "-c", "id; pwd"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "uid=1000(user) gid=1000(user) groups=1000(user)\n/tmp\n"
    r = run(ctd.exec_argv("--exec-id", "e3", c, "sh", "-c", 'read l; echo "$l" | tr a-z A-Z'),
            input="piped\n", timeout=20)
    assert (r.returncode, r.stdout) == (0, "PIPED\n"), r.stderr


def test_exec_tty(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    rc, out = run_pty(ctd.exec_argv("-t", "--exec-id", "t1", c, "sh", "-c",
                                    "tty; [ -t 1 ] && echo out-is-tty; exit 4"))
    assert rc == 4, out
    assert "/dev/pts/0" in out and "out-is-tty" in out


def test_exec_missing_binary_error(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    r = run(ctd.exec_argv("--exec-id", "bad", c, "/no-such-binary"))
    assert r.returncode != 0
    assert "/no-such-binary" in r.stderr
    assert ctd.task_status(c) == "RUNNING"


def test_exec_missing_cwd_fails(ctd, image):
    """runc creates a missing cwd for the container's init only; an exec into
    a directory that does not exist fails (and creates nothing)."""
    c = detached(ctd, image, "sleep", "1000")
    r = run(ctd.exec_argv("--exec-id", "w", "--cwd", "/nonexistent-dir", c, "true"))
    assert r.returncode != 0
    assert "/nonexistent-dir" in r.stderr
    assert run(ctd.exec_argv("--exec-id", "t", c, "test", "-e", "/nonexistent-dir")).returncode == 1


@pytest.mark.parametrize("ns", ["network", "ipc", "uts"])
def test_with_ns(ctd, image, ns):
    """--with-ns TYPE:/proc/PID/ns/X: the runtime joins a namespace by path."""
    c = detached(ctd, image, "sleep", "1000")
    short = {"network": "net"}.get(ns, ns)
    path = f"/proc/{ctd.task_pid(c)}/ns/{short}"
    r = ctd.run("--rm", "--with-ns", f"{ns}:{path}", image, cid(), "readlink",
                f"/proc/self/ns/{short}")
    assert (r.returncode, r.stdout.strip()) == (0, os.readlink(path)), r.stderr


def test_task_ps(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    pid = ctd.task_pid(c)
    e = run(ctd.exec_argv("-d", "--exec-id", "bg", c, "sleep", "999"))
    assert e.returncode == 0, e.stderr

    def pids():
        r = ctd.ctr("task", "ps", c, check=True)
        return [int(line.split()[0]) for line in r.stdout.splitlines()[1:] if line.strip()]
    ps = wait_for(lambda: (lambda p: p if len(p) == 2 else None)(pids()), what="2 processes")
    assert pid in ps
    other = [p for p in ps if p != pid][0]
    with open(f"/proc/{other}/cmdline", "rb") as f:
        assert f.read().split(b"\0")[:2] == [b"sleep", b"999"]


def test_pause_resume(ctd, image):
    c = detached(ctd, image, "sh", "-c", "while :; do date +%s%N > /tmp/tick; sleep 0.05; done")
    ctd.ctr("task", "pause", c, check=True)
    assert ctd.task_status(c) == "PAUSED"
    pid = ctd.task_pid(c)
    with open(f"/proc/{pid}/status") as f:
        # frozen tasks sleep in the freezer
        assert re.search(r"State:\s+[SD]", f.read())
    r = run(ctd.exec_argv("--exec-id", "p1", c, "cat", "/tmp/tick"))
    assert r.returncode != 0  # no exec into a paused container
    ctd.ctr("task", "resume", c, check=True)
    assert ctd.task_status(c) == "RUNNING"
    r1 = run(ctd.exec_argv("--exec-id", "r1", c, "cat", "/tmp/tick"), check=True).stdout
    wait_for(lambda: run(ctd.exec_argv("--exec-id", "r2-" + uuid.uuid4().hex[:4], c, "cat",
                                       "/tmp/tick")).stdout != r1, what="the loop to tick")


def test_kill_default_signal(ctd, image):
    """`ctr task kill` sends SIGTERM to init; the foreground `ctr run` exits
    with the status the trap chose."""
    c = cid()
    out = ctd.dir / f"{c}.out"
    with open(out, "w") as f:
        p = subprocess.Popen(ctd.run_argv("--rm", image, c, "sh", "-c", TRAP_TERM),
                             stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready" in out.read_text(), what="the trap to be set")
        ctd.ctr("task", "kill", c, check=True)
        assert p.wait(timeout=20) == 42
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert out.read_text() == "ready\ngot-term\n"


def test_state_under_shim_root(ctd, image):
    """The shim passes --root /run/containerd/runc/NS: the runtime keeps the
    container's state there while it exists, and removes it on delete."""
    c = detached(ctd, image, "sleep", "1000")
    assert os.path.isdir(os.path.join(ctd.state_dir(), c))
    ctd.ctr("task", "kill", "-s", "KILL", c, check=True)
    wait_for(lambda: ctd.task_status(c) == "STOPPED", what="STOPPED")
    ctd.ctr("task", "delete", c, check=True)
    assert not os.path.exists(os.path.join(ctd.state_dir(), c))


def test_kill_all(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    assert run(ctd.exec_argv("-d", "--exec-id", "bg", c, "sleep", "998")).returncode == 0
    wait_for(lambda: len(ctd.ctr("task", "ps", c).stdout.splitlines()) == 3,
             what="two processes")
    pids = [int(line.split()[0]) for line in ctd.ctr("task", "ps", c).stdout.splitlines()[1:]]
    ctd.ctr("task", "kill", "-a", "-s", "KILL", c, check=True)
    wait_for(lambda: ctd.task_status(c) == "STOPPED", what="STOPPED")
    wait_for(lambda: not any(alive(p) for p in pids), what="every process of the container gone")
    ctd.ctr("task", "delete", c, check=True)


def test_delete_force_running(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    pid = ctd.task_pid(c)
    r = ctd.ctr("task", "delete", c)
    assert r.returncode != 0  # a running task needs -f
    ctd.ctr("task", "delete", "-f", c, check=True)
    assert ctd.task_status(c) is None
    wait_for(lambda: not alive(pid), what="init gone")
    ctd.ctr("containers", "rm", c, check=True)


def test_metrics(ctd, image):
    c = detached(ctd, image, "sleep", "1000")
    r = ctd.ctr("task", "metrics", c, check=True)
    assert c in r.stdout
    assert "METRIC" in r.stdout and "VALUE" in r.stdout
    assert re.search(r"(memory\.usage_in_bytes|memory\.usage)\s+\d+", r.stdout), r.stdout


HOST_NETDEVS = sorted(os.listdir("/sys/class/net"))

OPTIONS = [
    ("read-only", ["--read-only"], "touch /x 2>&1; touch /tmp/y 2>&1",
     "touch: /x: Read-only file system\ntouch: /tmp/y: Read-only file system"),
    ("privileged", ["--privileged"], "grep CapEff /proc/self/status",
     "CapEff:\t" + open("/proc/self/status").read().split("CapEff:\t")[1].split()[0]),
    ("default-caps", [], "grep CapEff /proc/self/status", "CapEff:\t00000000a80425fb"),
    ("cap-add", ["--cap-add", "CAP_SYS_ADMIN"], "grep CapEff /proc/self/status",
     "CapEff:\t00000000a82425fb"),
    ("cap-drop", ["--cap-drop", "CAP_CHOWN"], "chown 1 /tmp 2>&1",
     "chown: /tmp: Operation not permitted"),
    ("seccomp", ["--seccomp"], "grep Seccomp: /proc/self/status", "Seccomp:\t2"),
    ("no-new-privs", [], "grep NoNewPrivs /proc/self/status", "NoNewPrivs:\t1"),
    ("allow-new-privs", ["--allow-new-privs"], "grep NoNewPrivs /proc/self/status",
     "NoNewPrivs:\t0"),
    ("cwd-env", ["--cwd", "/etc", "--env", "A=b c"], 'pwd; echo "$A"', "/etc\nb c"),
    ("bind-ro", ["--mount", "type=bind,src=/etc,dst=/hostetc,options=rbind:ro"],
     "test -f /hostetc/hostname && touch /hostetc/x 2>&1",
     "touch: /hostetc/x: Read-only file system"),
    ("net-host", ["--net-host"], "ls /sys/class/net", "\n".join(HOST_NETDEVS)),
    ("own-netns", [], "ls /sys/class/net", "lo"),
]


@pytest.mark.parametrize("name,flags,script,expected", OPTIONS, ids=[o[0] for o in OPTIONS])
def test_run_options(ctd, image, name, flags, script, expected):
    r = ctd.run("--rm", *flags, image, cid(), "sh", "-c", script)
    assert r.stdout.strip() == expected, r.stderr


# Resource limits (--memory-limit, --cpu-shares, --cpus, metrics) are tested on pure
# cgroup v2 in the qemu guest: tests/engines/vm/engines-containerd.sh.
