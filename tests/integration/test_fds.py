"""File descriptors: nothing leaks in, --preserve-fds and LISTEN_FDS pass
exactly what they should, and the host's cwd does not follow the process."""
import shutil
import subprocess

import pytest

from lib.util import sh

# Runs a command with fds 3.. open on the given files: `fdwrap(files) + cmd`.
FDWRAP = ('i=3; for f in "$@"; do [ "$f" = -- ] && break; eval "exec $i<\\"\\$f\\""; '
          'i=$((i+1)); done; while [ "$1" != -- ]; do shift; done; shift; exec "$@"')


def fdwrap(files, cmd, env=""):
    return ["/bin/sh", "-c", env + FDWRAP, "fdwrap", *map(str, files), "--", *cmd]


def runtime_argv(runtime, *args):
    c = runtime.cmd(*args)
    if "/" not in c[0]:
        c[0] = shutil.which(c[0])
    return c


def run(cmd, **kw):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=30, **kw)


def test_only_stdio_inside(runtime, bundle, tmp_path):
    """fds the runtime itself was given (not preserved) are not in the container."""
    leak = tmp_path / "leak"
    leak.write_text("secret")
    bundle.config["process"]["args"] = sh("ls /proc/1/fd; true")
    bundle.write()
    cid = runtime.new_id()
    r = run(fdwrap([leak, leak], runtime_argv(runtime, "run", "--bundle", bundle.path, cid)))
    runtime.ids.add(cid)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "1", "2"]


def test_preserve_fds(runtime, bundle, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    a.write_text("alpha\n")
    b.write_text("beta\n")
    c.write_text("gamma\n")
    bundle.config["process"]["args"] = sh("cat <&3; cat <&4; ls /proc/1/fd; true")
    bundle.write()
    cid = runtime.new_id()
    r = run(fdwrap([a, b, c], runtime_argv(runtime, "run", "--preserve-fds", "2",
                                           "--bundle", bundle.path, cid)))
    assert r.returncode == 0, r.stderr
    out = r.stdout.split()
    assert out[:2] == ["alpha", "beta"]
    assert out[2:] == ["0", "1", "2", "3", "4"]  # fd 5 (gamma) was not preserved


def test_listen_fds(runtime, bundle, tmp_path):
    """Socket activation like runc: LISTEN_FDS fds from the caller (whose
    LISTEN_PID is the runtime) are passed, with LISTEN_PID=1 inside."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("first\n")
    b.write_text("second\n")
    bundle.config["process"]["args"] = sh(
        'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4; ls /proc/1/fd; true')
    bundle.write()
    cid = runtime.new_id()
    r = run(fdwrap([a, b], runtime_argv(runtime, "run", "--bundle", bundle.path, cid),
                   env="export LISTEN_FDS=2 LISTEN_PID=$$; "))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "2 1"
    assert lines[1:3] == ["first", "second"]
    assert lines[3:] == ["0", "1", "2", "3", "4"]


def test_listen_fds_for_another_pid_ignored(runtime, bundle, tmp_path):
    a = tmp_path / "a"
    a.write_text("first\n")
    bundle.config["process"]["args"] = sh('echo "[$LISTEN_FDS]"; ls /proc/1/fd; true')
    bundle.write()
    cid = runtime.new_id()
    r = run(fdwrap([a], runtime_argv(runtime, "run", "--bundle", bundle.path, cid),
                   env="export LISTEN_FDS=1 LISTEN_PID=1; "))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["[]", "0", "1", "2"]


def test_no_host_cwd_leak(runtime, bundle, tmp_path):
    hostdir = tmp_path / "host-cwd-marker"
    hostdir.mkdir()
    bundle.config["process"]["cwd"] = "/tmp"
    bundle.config["process"]["args"] = sh(
        "readlink /proc/self/cwd; readlink /proc/1/cwd; readlink /proc/1/root; "
        "for f in /proc/1/fd/*; do readlink $f; done; true")
    bundle.write()
    r = runtime.run(bundle, cwd=hostdir)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == ["/tmp", "/tmp", "/"]
    assert "host-cwd-marker" not in r.stdout
    assert "unreachable" not in r.stdout


@pytest.mark.parametrize("fd", range(3, 10))
def test_cwd_through_leaked_fd_refused(runtime, bundle, fd):
    """CVE-2024-21626: a cwd of /proc/self/fd/N must not reach a directory the
    runtime had open on the host."""
    bundle.config["process"]["cwd"] = f"/proc/self/fd/{fd}"
    bundle.config["process"]["args"] = sh("pwd; readlink /proc/self/cwd; ls; echo END")
    bundle.write()
    r = runtime.run(bundle)
    if r.returncode == 0:
        # it ran: then its cwd must be inside the container
        assert r.stdout.endswith("END\n"), r.stdout
        assert "unreachable" not in r.stdout, r.stdout
        assert "cgroup" not in r.stdout and "memory" not in r.stdout, r.stdout
    else:
        assert r.stderr.strip(), "refused without an error message"
        assert "END" not in r.stdout
