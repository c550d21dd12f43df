"""Reading /proc of container processes from the host, and polling."""
import os
import signal
import time


def wait_for(pred, timeout=5.0, interval=0.005, what="condition"):
    """Poll pred() until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
        interval = min(interval * 2, 0.1)


def status(pid):
    """/proc/<pid>/status as a dict of str -> str."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def ns_inode(pid, ns):
    """The inode of /proc/<pid>/ns/<ns> (pid may be "self")."""
    return os.stat(f"/proc/{pid}/ns/{ns}").st_ino


def ns_inodes(pid, names=("mnt", "uts", "ipc", "net", "pid", "cgroup", "user")):
    return {n: ns_inode(pid, n) for n in names}


def read(pid, name):
    with open(f"/proc/{pid}/{name}") as f:
        return f.read()


def ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split after the last ')'
    return int(data[data.rindex(")") + 2:].split()[1])


def state_letter(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    return data[data.rindex(")") + 2]


def alive(pid):
    """True if pid exists and is not a zombie."""
    return state_letter(pid) not in (None, "Z", "X")


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def children(pid):
    return [p for p in all_pids() if ppid(p) == pid]


def descendants(pid):
    tree = {}
    for p in all_pids():
        tree.setdefault(ppid(p), []).append(p)
    out, todo = [], list(tree.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def wait_exit(pid, timeout=5.0):
    """Wait until pid is gone or a zombie."""
    wait_for(lambda: not alive(pid), timeout, what=f"pid {pid} to exit")


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
