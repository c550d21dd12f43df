"""Make the test process a child subreaper, like containerd's shim, and reap
the orphans that get reparented to it.

Why: after `create`, `run -d` or `exec -d` the runtime exits and the
container's processes would be reparented to the host's init, out of sight
of the leftover-process check.  As a subreaper we see them; but then we must
reap them as a shim does: a dying pid-namespace init waits until every
process of its namespace is reaped, so an unreaped exec'd process keeps the
container "running" forever.

Our own subprocess children are never reaped here (that would steal their
exit status from subprocess): Popen records them under the same lock the
reaper holds while it reaps."""
import ctypes
import os
import subprocess
import threading

_lock = threading.Lock()
_ours = set()
_started = False


def _children():
    kids = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return kids
    for t in tasks:
        try:
            with open(f"/proc/self/task/{t}/children") as f:
                kids.extend(int(p) for p in f.read().split())
        except OSError:
            pass
    return kids


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
        return data[data.rindex(")") + 2] == "Z"
    except OSError:
        return False


def reap_orphans():
    """Reap every zombie child that is not one of our own subprocesses."""
    with _lock:
        for pid in _children():
            if pid in _ours:
                continue
            if _zombie(pid):
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        # forget our children that are gone (reaped by their Popen)
        _ours.intersection_update({p for p in _ours if os.path.exists(f"/proc/{p}")})


def _loop(stop):
    while not stop.wait(0.02):
        reap_orphans()


def track(pid):
    """Register a child forked outside subprocess (e.g. pty.fork): call under spawn_lock()."""
    _ours.add(pid)


def spawn_lock():
    return _lock


def start():
    global _started
    if _started:
        return
    PR_SET_CHILD_SUBREAPER = 36
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")

    orig = subprocess.Popen._execute_child

    def _execute_child(self, *a, **kw):
        with _lock:
            try:
                return orig(self, *a, **kw)
            finally:
                if getattr(self, "pid", None):
                    _ours.add(self.pid)

    subprocess.Popen._execute_child = _execute_child
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop,), daemon=True, name="reaper").start()
    _started = True
