"""process.terminal: the pty master over --console-socket, its size, and a
foreground `run` proxying a terminal."""
import os
import pty
import select
import time

from lib import proc, reaper
from lib.host import assert_nothing_left
from lib.util import sh


def tty_bundle(bundle, args, size=None):
    bundle.config["process"]["terminal"] = True
    bundle.config["process"]["args"] = args
    if size:
        bundle.config["process"]["consoleSize"] = size
    return bundle.write()


def test_console_socket_interactive(runtime, bundle, console_socket):
    tty_bundle(bundle, ["/bin/sh"])
    cid = runtime.create(bundle, "--console-socket", console_socket.path)
    console_socket.master()  # sent during create, before start
    runtime.ok("start", cid)
    console_socket.write("echo hi-$((1+2))\n")
    console_socket.read_until("hi-3")
    console_socket.write("tty; for i in 0 1 2; do readlink /proc/$$/fd/$i; done; echo END-$((2+2))\n")
    out = console_socket.read_until("END-4\r\n")
    lines = out.split("\r\n")
    end = lines.index("END-4")
    assert lines[end - 4:end] == ["/dev/pts/0"] * 4, out
    console_socket.write("exit 7\n")
    runtime.wait_status(cid, "stopped")


def test_console_size(runtime, bundle, console_socket):
    tty_bundle(bundle, sh("stty size; echo done"), size={"height": 33, "width": 111})
    cid = runtime.create(bundle, "--console-socket", console_socket.path)
    runtime.ok("start", cid)
    out = console_socket.read_until("done")
    assert "33 111" in out, out


def test_console_is_controlling_terminal(runtime, bundle, console_socket):
    """The shell can use job control signals: ^C reaches the foreground job."""
    tty_bundle(bundle, ["/bin/sh"])
    cid = runtime.create(bundle, "--console-socket", console_socket.path)
    runtime.ok("start", cid)
    pid = runtime.state(cid)["pid"]
    console_socket.write("sleep 30; echo after-sleep-$?\n")
    proc.wait_for(lambda: any(proc.cmdline(p)[:1] == ["sleep"] for p in proc.descendants(pid)),
                  what="the foreground sleep")
    console_socket.write("\x03")  # ^C from the terminal: SIGINT to the foreground group
    out = console_socket.read_until("after-sleep-", timeout=10)
    console_socket.write("exit\n")
    runtime.wait_status(cid, "stopped")
    assert "after-sleep-" in out


def test_terminal_without_console_socket_refused(runtime, bundle, host_snapshot):
    tty_bundle(bundle, ["/bin/sh"])
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert "console" in r.stderr.lower() or "tty" in r.stderr.lower(), r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def test_console_socket_without_terminal_refused(runtime, bundle, console_socket, host_snapshot):
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, "--console-socket", console_socket.path, cid)
    assert r.returncode != 0
    assert "console" in r.stderr.lower() or "tty" in r.stderr.lower(), r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def _read_until(fd, needle, timeout=10.0):
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf:
        left = deadline - time.monotonic()
        assert left > 0, f"{needle!r} not seen; got {buf!r}"
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            assert chunk, f"terminal closed before {needle!r}; got {buf!r}"
            buf += chunk
    return buf


def test_run_foreground_terminal_proxies_io(runtime, bundle):
    tty_bundle(bundle, ["/bin/sh"])
    cid = runtime.new_id()
    cmd = runtime.cmd("run", "--bundle", bundle.path, cid)
    with reaper.spawn_lock():
        pid, fd = pty.fork()
        if pid:
            reaper.track(pid)
    if pid == 0:
        try:
            os.execv(cmd[0] if "/" in cmd[0] else _which(cmd[0]), cmd)
        finally:
            os._exit(127)
    try:
        os.write(fd, b"echo $((6*7))x\n")
        _read_until(fd, b"42x")
        os.write(fd, b"tty\n")
        assert b"/dev/pts/" in _read_until(fd, b"/dev/pts/")
        os.write(fd, b"exit 5\n")
        deadline = time.monotonic() + 10
        while True:
            try:
                os.read(fd, 4096)  # drain, or the runtime may block writing
            except OSError:
                pass
            wpid, status = os.waitpid(pid, os.WNOHANG)
            if wpid:
                break
            assert time.monotonic() < deadline, "foreground run did not exit"
            time.sleep(0.01)
        assert os.waitstatus_to_exitcode(status) == 5
        pid = None
    finally:
        os.close(fd)
        if pid:
            proc.kill_quietly(pid)
            os.waitpid(pid, 0)


def _which(name):
    import shutil
    return shutil.which(name)
