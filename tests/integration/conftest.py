"""Shared fixtures for the integration suite: the real binary, as root, on the real kernel.

Every test gets its own state root (--root) and bundle; teardown force-deletes
whatever containers are left and removes the directories, even when the test
failed.  The runtime under test is $LIEVE_TEST_RUNTIME (default: the lieve we
just built), so a test can be checked against runc: LIEVE_TEST_RUNTIME=runc.
Run it with tests/run-integration.sh (private mount namespace, Debian's pytest).

Fixtures
  runtime          Runtime: runtime(*args) -> CompletedProcess (stdout/stderr text,
                   collected through files so detached containers cannot hang it);
                   .run(bundle), .create(bundle, *flags) -> id, .started(bundle) ->
                   (id, host pid), .state/.status(id), .ok(*args), .wait_status(id, s),
                   .new_id(), .cmd(*args) for Popen, .is_runc for runc-1.1 branches.
  bundle           Bundle with a private copy of the busybox rootfs and runc's
                   default config: edit .config, then .write().
  busybox_rootfs   the shared (session) rootfs; copy it, never modify it.
  default_config() runc `spec` defaults.
  host_snapshot    autouse: after each test, fails on a leftover mount, process
                   (we are a subreaper: detached containers stay visible) or
                   cgroup named after one of the test's ids, and undoes them.
                   snap.problems(cleanup=False) checks mid-test.  Session fixtures
                   that keep a process or mount register it with
                   lib.host.expect_process(pid) / expect_mount(path).
  console_socket   ConsoleReceiver (lib/console.py): .path for --console-socket,
                   .master(), .write(s), .read_until(s).
  hooks            HookRecorder (lib/hooks.py) on `bundle`: .add(kind, args=,
                   env=, then=, timeout=), .records(), .names().
Helpers: lib/proc.py (/proc of container processes, wait_for polling),
lib/host.py (assert_nothing_left, cgroups_named), lib/util.py (sh, add_caps,
set_namespace, json_log_errors).
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import proc, reaper  # noqa: E402
from lib.console import ConsoleReceiver  # noqa: E402
from lib.hooks import HookRecorder  # noqa: E402
from lib.host import HostSnapshot  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUSYBOX = "/bin/busybox"


def lieve_binary():
    return os.environ.get("LIEVE_BIN", os.path.join(REPO, "build", "cli", "lieve"))


def runtime_binary():
    return os.environ.get("LIEVE_TEST_RUNTIME", lieve_binary())


def default_config(args=("/bin/true",)):
    """runc's `spec` defaults, non-interactive."""
    return {
        "ociVersion": "1.2.0",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": list(args),
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm"],
            "cwd": "/",
            "capabilities": {k: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                             for k in ("bounding", "effective", "permitted")},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": False},
        "hostname": "lieve",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "linux": {
            "namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }


@pytest.fixture(scope="session")
def busybox_rootfs(tmp_path_factory):
    """A minimal rootfs from Debian's busybox-static: every applet as a link."""
    if not os.path.exists(BUSYBOX):
        pytest.fail("busybox-static is not installed (scripts/install-deps.sh installs it)")
    root = tmp_path_factory.mktemp("busybox") / "rootfs"
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root", "home"):
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    applets = subprocess.run([BUSYBOX, "--list-full"], check=True, capture_output=True,
                             text=True).stdout.split()
    for a in applets:
        p = root / a
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
            os.symlink("/bin/busybox", p)
    (root / "etc" / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
        "user:x:1000:1000:user:/home:/bin/sh\n")
    (root / "etc" / "group").write_text("root:x:0:\ntty:x:5:\nnogroup:x:65534:\nuser:x:1000:\n")
    os.chmod(root / "tmp", 0o1777)
    return root


class Bundle:
    def __init__(self, path, config):
        self.path = path
        self.config = config

    @property
    def rootfs(self):
        return self.path / "rootfs"

    def write(self):
        (self.path / "config.json").write_text(json.dumps(self.config, indent=2))
        return self


@pytest.fixture
def bundle(tmp_path, busybox_rootfs):
    """A fresh bundle with a copy of the busybox rootfs and runc's defaults."""
    path = tmp_path / "bundle"
    path.mkdir()
    subprocess.run(["cp", "-a", str(busybox_rootfs), str(path / "rootfs")], check=True)
    return Bundle(path, copy.deepcopy(default_config())).write()


class Runtime:
    """Runs the runtime binary with a private --root; remembers ids for cleanup.

    Output is collected through temporary files, not pipes: a created or
    detached container inherits the runtime's stdio, and a pipe it holds open
    would make waiting for EOF hang."""

    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        self.ids = set()

    @property
    def name(self):
        """"runc", "crun" or "lieve": for the few places where runc 1.1 differs."""
        return os.path.basename(self.binary)

    @property
    def is_runc(self):
        return self.name == "runc"

    def cmd(self, *args, log=None, log_format=None):
        c = [self.binary, "--root", str(self.root)]
        if log:
            c += ["--log", str(log)]
        if log_format:
            c += ["--log-format", log_format]
        return c + [str(a) for a in args]

    def __call__(self, *args, input=None, timeout=30, log=None, log_format=None, **kw):
        c = self.cmd(*args, log=log, log_format=log_format)
        kw.pop("capture_output", None)  # always captured (unless stdout/stderr given)
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            kw.setdefault("stdout", out)
            kw.setdefault("stderr", err)
            if input is None and "stdin" not in kw:
                kw["stdin"] = subprocess.DEVNULL
            r = subprocess.run(c, input=input, text=True, timeout=timeout, **kw)
            out.seek(0)
            err.seek(0)
            r.stdout = out.read() if kw["stdout"] is out else None
            r.stderr = err.read() if kw["stderr"] is err else None
        return r

    def new_id(self):
        cid = "t-" + uuid.uuid4().hex[:12]
        self.ids.add(cid)
        return cid

    def run(self, bundle, cid=None, timeout=30, **kw):
        cid = cid or self.new_id()
        self.ids.add(cid)
        return self("run", "--bundle", bundle.path, cid, timeout=timeout, **kw)

    def state(self, cid):
        r = self("state", cid)
        assert r.returncode == 0, r.stderr
        try:
            return json.loads(r.stdout)
        except ValueError:
            raise AssertionError(f"state {cid}: not JSON: {r.stdout!r}") from None

    def status(self, cid):
        return self.state(cid)["status"]

    def ok(self, *args, **kw):
        """Run a subcommand that must succeed; return its result."""
        r = self(*args, **kw)
        assert r.returncode == 0, f"{' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}"
        return r

    def create(self, bundle, *extra, cid=None, **kw):
        """`create` that must succeed; returns the id."""
        cid = cid or self.new_id()
        self.ids.add(cid)
        self.ok("create", "--bundle", bundle.path, *extra, cid, **kw)
        return cid

    def started(self, bundle, *extra, **kw):
        """create + start: returns (id, host pid of the container's init)."""
        cid = self.create(bundle, *extra, **kw)
        self.ok("start", cid)
        return cid, self.state(cid)["pid"]

    def wait_status(self, cid, status, timeout=5.0):
        return proc.wait_for(lambda: self.status(cid) == status, timeout,
                             what=f"{cid} to be {status}")

    def cleanup(self):
        for cid in sorted(self.ids):
            subprocess.run(self.cmd("delete", "--force", cid), stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


_RUNTIMES = []


@pytest.fixture
def runtime(tmp_path):
    root = tmp_path / "state"
    root.mkdir()
    rt = Runtime(runtime_binary(), root)
    _RUNTIMES.append(rt)
    yield rt
    rt.cleanup()
    leftovers = os.listdir(root) if root.exists() else []
    shutil.rmtree(root, ignore_errors=True)
    assert not leftovers, f"state left behind under --root: {leftovers}"


# --- host hygiene -----------------------------------------------------------

def pytest_configure(config):
    # Subreaper + reaper thread: see lib/reaper.py.
    reaper.start()


@pytest.fixture(autouse=True)
def host_snapshot():
    """Fails the test (at teardown) if it left a mount, a process, or a cgroup
    named after one of its container ids; state dirs are checked by `runtime`.
    Autouse and set up first, so it checks after every other fixture's
    cleanup.  Tests call snap.problems(cleanup=False) to check mid-test."""
    before = len(_RUNTIMES)
    snap = HostSnapshot(lambda: {c for rt in _RUNTIMES[before:] for c in rt.ids})
    yield snap
    problems = snap.problems()
    assert not problems, "; ".join(problems)


# --- fixtures for tests ------------------------------------------------------

@pytest.fixture
def console_socket():
    """A ConsoleReceiver: pass .path as --console-socket; .master() is the pty."""
    c = ConsoleReceiver()
    yield c
    c.close()


@pytest.fixture
def hooks(bundle):
    """A HookRecorder on `bundle`: hooks.add(kind, ...); bundle.write(); hooks.records()."""
    return HookRecorder(bundle)


@pytest.fixture
def is_runc(runtime):
    return runtime.is_runc
