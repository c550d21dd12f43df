"""Host-side helpers for the engines suite: a private copy of a host path,
mount cleanup, our own descendants, cgroup cleanup and a real pty.

Everything here runs inside the private mount namespace that run.sh creates,
so the tmpfs "shadows" and every mount an engine makes vanish with it."""
import ctypes
import errno
import os
import select
import signal
import subprocess
import time

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36
MNT_DETACH = 2
CGROUP_ROOT = "/sys/fs/cgroup"


def in_private_mount_namespace():
    host = os.environ.get("LIEVE_ENGINES_HOST_MNTNS")
    return host is not None and host != str(os.stat("/proc/self/ns/mnt").st_ino)


def become_subreaper():
    """Shims and conmon daemonize; as a subreaper we inherit them, so a leaked
    one is visible (and killable by pid) at the end of the session."""
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def mount(source, target, fstype, options=""):
    if libc.mount(source.encode(), target.encode(), fstype.encode(), 0,
                  options.encode() or None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"mount {fstype} on {target}: {os.strerror(e)}")


def umount(target):
    if libc.umount2(target.encode(), MNT_DETACH) != 0:
        e = ctypes.get_errno()
        if e not in (errno.EINVAL, errno.ENOENT):
            raise OSError(e, f"umount {target}: {os.strerror(e)}")


def mounts_under(path):
    """Mount points at or below path, deepest first."""
    path = os.path.realpath(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].encode().decode("unicode_escape")
            if mp == path or mp.startswith(path + "/"):
                found.append(mp)
    return sorted(set(found), key=lambda m: m.count("/"), reverse=True)


def umount_all_under(path):
    for _ in range(5):
        mps = mounts_under(path)
        if not mps:
            return
        for mp in mps:
            umount(mp)
    raise RuntimeError(f"mounts left under {path}: {mounts_under(path)}")


class Shadow:
    """A host directory the engines write to by default (a runtime's default
    --root, containers/image's blob cache) hidden under a fresh tmpfs, so the
    test neither reads nor leaves anything there.  A directory that did not
    exist is created for the mount and removed afterwards."""

    def __init__(self, path):
        self.path = path
        self.created = []
        p = path
        while not os.path.exists(p):
            self.created.append(p)
            p = os.path.dirname(p)
        os.makedirs(path, exist_ok=True)
        mount("tmpfs", path, "tmpfs", "mode=0711")

    def entries(self):
        return sorted(os.listdir(self.path))

    def remove(self):
        umount_all_under(self.path)
        for p in self.created:  # deepest first
            os.rmdir(p)


def descendants_of_us():
    """Processes whose parent is this process (orphans reparented to us as
    subreaper included), excluding zombies, which reap() collects."""
    me = os.getpid()
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        if int(rest[1]) == me and rest[0] != "Z":
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                cmd = "?"
            out.append((int(d), cmd))
    return out


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants(grace=3.0):
    """Ends what is left of our own children (by pid); returns what was there."""
    left = descendants_of_us()
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while descendants_of_us() and time.monotonic() < deadline:
        reap()
        time.sleep(0.05)
    for pid, _ in descendants_of_us():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.1)
    reap()
    return left


def cgroup_dirs_named(name):
    """Every cgroup directory called name directly under a hierarchy's root
    (v1 controllers and the cgroup2 tree)."""
    out = []
    for h in sorted(os.listdir(CGROUP_ROOT)):
        p = os.path.join(CGROUP_ROOT, h, name)
        if os.path.isdir(p):
            out.append(p)
    return out


def remove_cgroup_tree(path):
    """rmdir a cgroup and its children, deepest first; a cgroup with live
    processes is an error (we killed everything we started before)."""
    problems = []
    for root, dirs, _ in os.walk(path, topdown=False):
        for d in dirs:
            try:
                os.rmdir(os.path.join(root, d))
            except OSError as e:
                problems.append(f"{os.path.join(root, d)}: {e.strerror}")
    try:
        os.rmdir(path)
    except OSError as e:
        problems.append(f"{path}: {e.strerror}")
    return problems


def run_pty(argv, input=None, timeout=30, env=None, input_after=None, resize_after=None):
    """Runs argv with a new pty as its controlling terminal and stdio.
    input is typed after input_after appeared in the output (or at once).
    The terminal is 37 rows by 101 columns; once resize_after appeared in the
    output it becomes 40 by 120 (SIGWINCH for argv).
    Returns (exit status, output without carriage returns)."""
    master, slave = os.openpty()
    import fcntl
    import struct
    import termios
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 37, 101, 0, 0))
    resized = resize_after is None

    def setctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                         preexec_fn=setctty, close_fds=True)
    os.close(slave)
    out = b""
    sent = input is None
    deadline = time.monotonic() + timeout
    try:
        while True:
            if not sent and (input_after is None or input_after.encode() in out):
                os.write(master, input.encode())
                sent = True
            if not resized and resize_after.encode() in out:
                fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
                resized = True
            left = deadline - time.monotonic()
            if left <= 0:
                p.kill()
                p.wait()
                raise TimeoutError(f"{argv} under a pty: no end after {timeout}s; "
                                   f"output so far: {out!r}")
            r, _, _ = select.select([master], [], [], min(left, 0.2))
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError as e:
                    if e.errno != errno.EIO:
                        raise
                    chunk = b""
                if not chunk:
                    break
                out += chunk
            elif p.poll() is not None:
                # exited, and nothing more to read
                r, _, _ = select.select([master], [], [], 0.2)
                if not r:
                    break
    finally:
        os.close(master)
    rc = p.wait(timeout=10)
    return rc, out.decode(errors="replace").replace("\r", "")
