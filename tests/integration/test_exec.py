"""exec: another process in a running container's namespaces, with its own
process settings from flags or from a process.json like containerd writes."""
import json
import shutil
import subprocess

import pytest

from lib import proc

NS = ("mnt", "uts", "ipc", "net", "pid", "cgroup", "user")


@pytest.fixture
def running(runtime, bundle):
    """A running container: (id, host pid of its init)."""
    bundle.config["process"]["args"] = ["/bin/sleep", "600"]
    bundle.write()
    return runtime.started(bundle)


def exec_ok(runtime, *args, **kw):
    return runtime.ok("exec", *args, **kw).stdout


def test_exec_same_namespaces(runtime, running):
    cid, pid = running
    out = exec_ok(runtime, cid, "/bin/sh", "-c",
                  'for n in ' + " ".join(NS) + '; do stat -L -c %i /proc/self/ns/$n; done')
    inside = dict(zip(NS, map(int, out.split())))
    assert inside == proc.ns_inodes(pid, NS)
    assert inside["pid"] != proc.ns_inode("self", "pid")


def test_exec_exit_status_and_io(runtime, running):
    cid, _ = running
    r = runtime("exec", cid, "/bin/sh", "-c", "read x; echo out-$x; echo err >&2; exit 7",
                input="in\n")
    assert r.returncode == 7
    assert r.stdout == "out-in\n"
    assert r.stderr == "err\n"


def test_exec_inherits_config_process(runtime, running):
    """Without flags, exec uses the config's env, cwd and user."""
    cid, _ = running
    out = exec_ok(runtime, cid, "/bin/sh", "-c", 'echo "$TERM"; pwd; id -u')
    assert out.split() == ["xterm", "/", "0"]


def test_exec_process_json(runtime, running, tmp_path):
    cid, pid = running
    p = {
        "terminal": False,
        "user": {"uid": 1000, "gid": 1000, "additionalGids": [5]},
        "args": ["/bin/sh", "-c", 'echo "$FOO"; pwd; id -u; id -g; ulimit -n; '
                 'grep -E "^(Groups|NoNewPrivs|CapBnd)" /proc/self/status'],
        "env": ["PATH=/bin:/usr/bin", "FOO=from-json"],
        "cwd": "/tmp",
        "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
                         "permitted": ["CAP_KILL"]},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 256, "soft": 128}],
        "noNewPrivileges": True,
    }
    pj = tmp_path / "process.json"
    pj.write_text(json.dumps(p))
    out = exec_ok(runtime, "--process", pj, cid).splitlines()
    assert out[:5] == ["from-json", "/tmp", "1000", "1000", "128"]
    status = {l.split(":")[0]: l.split(":")[1].split() for l in out[5:]}
    assert status["Groups"] == ["5"]
    assert status["NoNewPrivs"] == ["1"]
    assert int(status["CapBnd"][0], 16) == 1 << 5


def test_exec_detach_pid_file(runtime, running, tmp_path):
    cid, pid = running
    pidfile = tmp_path / "exec.pid"
    r = runtime("exec", "--detach", "--pid-file", pidfile, cid, "/bin/sleep", "300", timeout=10)
    assert r.returncode == 0, r.stderr
    epid = int(pidfile.read_text())
    assert epid != pid
    proc.wait_for(lambda: proc.cmdline(epid)[:1] == ["/bin/sleep"], what="exec'd sleep")
    assert proc.ns_inodes(epid, NS) == proc.ns_inodes(pid, NS)
    # the container's processes include it: delete --force ends it too
    runtime.ok("delete", "--force", cid)
    proc.wait_exit(epid)
    proc.wait_exit(pid)


def test_exec_tty_console_socket(runtime, running, console_socket):
    cid, _ = running
    r = runtime("exec", "--tty", "--detach", "--console-socket", console_socket.path,
                cid, "/bin/sh")
    assert r.returncode == 0, r.stderr
    console_socket.write("echo tty-$((40+2)); tty\n")
    out = console_socket.read_until("/dev/pts/")
    assert "tty-42" in out
    console_socket.write("exit\n")


@pytest.mark.parametrize("flags,script,expect", [
    (["--cwd", "/tmp"], "pwd", ["/tmp"]),
    (["--env", "TERM=dumb"], "echo $TERM", ["dumb"]),  # overrides the config
    (["--env", "FOO=bar", "--env", "BAZ=qux"], 'echo "$FOO $BAZ $TERM"', ["bar", "qux", "xterm"]),
    (["--user", "1000:1000"], "id -u; id -g", ["1000", "1000"]),
    (["--user", "1000"], "id -u; id -g", ["1000", "0"]),
    (["--user", "1000:1000", "--additional-gids", "5"], "id -G", ["1000", "5"]),
])
def test_exec_flags(runtime, running, flags, script, expect):
    cid, _ = running
    assert exec_ok(runtime, *flags, cid, "/bin/sh", "-c", script).split() == expect


def test_exec_cap(runtime, running):
    cid, _ = running
    script = "grep CapEff /proc/self/status"
    without = int(exec_ok(runtime, cid, "/bin/sh", "-c", script).split()[1], 16)
    with_cap = int(exec_ok(runtime, "--cap", "CAP_SYS_ADMIN", cid, "/bin/sh", "-c",
                           script).split()[1], 16)
    assert not without & (1 << 21)
    assert with_cap & (1 << 21)
    assert with_cap & without == without


def test_exec_no_new_privs(runtime, bundle):
    bundle.config["process"]["noNewPrivileges"] = False
    bundle.config["process"]["args"] = ["/bin/sleep", "600"]
    bundle.write()
    cid, _ = runtime.started(bundle)
    script = "grep NoNewPrivs /proc/self/status"
    assert exec_ok(runtime, cid, "/bin/sh", "-c", script).split() == ["NoNewPrivs:", "0"]
    assert exec_ok(runtime, "--no-new-privs", cid, "/bin/sh", "-c",
                   script).split() == ["NoNewPrivs:", "1"]


def test_exec_preserve_fds(runtime, running, tmp_path):
    cid, _ = running
    f = tmp_path / "f"
    f.write_text("preserved\n")
    rt = runtime.cmd("exec", "--preserve-fds", "1", cid, "/bin/sh", "-c",
                     "cat <&3; ls /proc/$$/fd; true")
    if "/" not in rt[0]:
        rt[0] = shutil.which(rt[0])
    r = subprocess.run(["/bin/sh", "-c", 'exec 3<"$0"; exec "$@"', str(f), *rt],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["preserved", "0", "1", "2", "3"]


def test_exec_only_stdio_inside(runtime, running, tmp_path):
    cid, _ = running
    out = exec_ok(runtime, cid, "/bin/sh", "-c", "ls /proc/$$/fd; true")
    assert out.split() == ["0", "1", "2"]


def test_exec_missing_binary(runtime, running, host_snapshot):
    cid, pid = running
    r = runtime("exec", cid, "/nonexistent")
    assert r.returncode != 0
    assert "/nonexistent" in r.stderr, r.stderr
    assert runtime.status(cid) == "running"
    assert proc.descendants(pid) == []


def test_exec_stopped_container_fails(runtime, bundle, host_snapshot):
    bundle.config["process"]["args"] = ["/bin/true"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    runtime.wait_status(cid, "stopped")
    before = runtime.state(cid)
    r = runtime("exec", cid, "/bin/sh", "-c", "echo should-not-run")
    assert r.returncode != 0
    assert "should-not-run" not in r.stdout
    assert "stopped" in r.stderr or "not running" in r.stderr, r.stderr
    assert runtime.state(cid) == before
    problems = host_snapshot.problems(cleanup=False, cgroups=False)
    assert not problems, problems


def test_exec_unknown_container_fails(runtime):
    r = runtime("exec", "no-such-container", "/bin/true")
    assert r.returncode != 0
    assert "not exist" in r.stderr or "no-such-container" in r.stderr, r.stderr
