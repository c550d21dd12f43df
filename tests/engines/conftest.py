"""Fixtures for the engines suite: containerd and Podman driving the runtime
under test (lieve by default; `--runtime-binary /usr/sbin/runc` or
$LIEVE_ENGINES_RUNTIME for the oracle).  Run it with tests/engines/run.sh,
which puts the whole session in a private mount namespace.

Session fixtures
  runtime_bin   absolute path of the runtime under test
  host          HostState: private tmp dir, the docker-archive image, tmpfs
                shadows over the engines' default host paths, cgroup and
                process bookkeeping; its teardown fails on leftovers.
  containerd    Containerd: a private daemon (root/state/sockets in the tmp
                dir), the image imported, a private namespace; .ctr(*args),
                .run(*args) = `ctr run --runc-binary RUNTIME ...`.
  podman        Podman: private containers.conf/storage.conf, the image
                loaded; podman(*args) = `podman --runtime RUNTIME ...`.
Function fixtures ctd / pm hand these out and, after each test, remove every
container the test left and check the runtime's state directory is empty."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import host as hostlib  # noqa: E402
from lib.image import IMAGE, write_docker_archive  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PURE_V2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")


def pytest_addoption(parser):
    parser.addoption("--runtime-binary", default=None,
                     help="OCI runtime the engines drive (default: $LIEVE_ENGINES_RUNTIME, "
                          "else $LIEVE_BIN, else build/cli/lieve)")


@pytest.fixture(scope="session")
def runtime_bin(request):
    b = (request.config.getoption("--runtime-binary") or os.environ.get("LIEVE_ENGINES_RUNTIME")
         or os.environ.get("LIEVE_BIN") or os.path.join(REPO, "build", "cli", "lieve"))
    b = shutil.which(b) or b
    b = os.path.abspath(b)
    if not os.access(b, os.X_OK):
        pytest.fail(f"runtime binary {b} is not executable (build lieve or pass --runtime-binary)")
    return b


def runtime_name(runtime_bin):
    return os.path.basename(runtime_bin)


def run(argv, input=None, timeout=60, env=None, check=False):
    """subprocess.run with output through files (a detached container may
    keep a pipe open forever), text mode."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        r = subprocess.run([str(a) for a in argv], input=input, text=True, timeout=timeout,
                           env=env, stdout=out, stderr=err,
                           stdin=None if input is not None else subprocess.DEVNULL)
        out.seek(0)
        err.seek(0)
        r.stdout, r.stderr = out.read(), err.read()
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, argv))}: exit {r.returncode}\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def wait_for(pred, timeout=10, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class HostState:
    def __init__(self, base, runtime_bin):
        self.base = base
        self.runtime_bin = runtime_bin
        self.shadows = {}
        self.cgroup_names = []  # top-level cgroup names to remove at the end
        self.cgroups_before = {}  # name -> set of existing sub-cgroups

    def shadow(self, path):
        if path not in self.shadows:
            self.shadows[path] = hostlib.Shadow(path)
        return self.shadows[path]

    def own_cgroup(self, name):
        """Cgroups named `name` under every hierarchy's root: we remove what
        appears there during the session and did not exist before it."""
        before = set()
        for d in hostlib.cgroup_dirs_named(name):
            before.add(d)
            for sub in os.listdir(d):
                if os.path.isdir(os.path.join(d, sub)):
                    before.add(os.path.join(d, sub))
        self.cgroup_names.append(name)
        self.cgroups_before[name] = before

    def cgroup_leftovers(self):
        problems = []
        for name in self.cgroup_names:
            before = self.cgroups_before[name]
            for d in hostlib.cgroup_dirs_named(name):
                if d not in before:
                    problems += hostlib.remove_cgroup_tree(d)
                    continue
                for sub in os.listdir(d):
                    p = os.path.join(d, sub)
                    if os.path.isdir(p) and p not in before:
                        problems += hostlib.remove_cgroup_tree(p)
        return problems


@pytest.fixture(scope="session")
def host(tmp_path_factory, runtime_bin):
    if not hostlib.in_private_mount_namespace():
        pytest.fail("run the engines suite with tests/engines/run.sh (private mount namespace)")
    hostlib.become_subreaper()
    base = tmp_path_factory.mktemp("engines")
    h = HostState(base, runtime_bin)
    # Podman passes no --root: the runtime's default state directory is used.
    h.shadow(f"/run/{runtime_name(runtime_bin)}")
    # containerd's runc shim calls the runtime with --root /run/containerd/runc/NS.
    h.shadow("/run/containerd")
    # containers/image keeps a blob-info cache there whatever storage.conf says.
    h.shadow("/var/lib/containers/cache")
    h.image_archive = write_docker_archive(str(base / "busybox.tar"))
    yield h
    problems = []
    left = hostlib.kill_descendants()
    if left:
        problems.append(f"processes left after the engines stopped: {left}")
    problems += [f"cgroup left: {p}" for p in h.cgroup_leftovers()]
    hostlib.umount_all_under(str(base))
    shutil.rmtree(base, ignore_errors=True)  # image, engines' storage and state
    for s in reversed(list(h.shadows.values())):
        try:
            s.remove()
        except OSError as e:
            problems.append(f"shadow {s.path}: {e}")
    if problems:
        pytest.fail("; ".join(problems))


# ---------------------------------------------------------------- containerd

CONTAINERD_TOML = """version = 2
root = "{d}/root"
state = "{d}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "{d}/containerd.sock"
[ttrpc]
  address = "{d}/containerd.sock.ttrpc"
[debug]
  address = ""
  level = "info"
[metrics]
  address = ""
"""


class Containerd:
    def __init__(self, d, runtime_bin, host):
        self.dir = d
        self.runtime_bin = runtime_bin
        self.host = host
        self.ns = "lieve-engines-" + uuid.uuid4().hex[:8]
        self.sock = str(d / "containerd.sock")
        self.fifo_dir = str(d / "fifo")
        self.proc = None

    def start(self):
        os.makedirs(self.fifo_dir, exist_ok=True)
        conf = self.dir / "config.toml"
        conf.write_text(CONTAINERD_TOML.format(d=self.dir))
        self.log = open(self.dir / "containerd.log", "w")
        self.host.own_cgroup(self.ns)
        self.proc = subprocess.Popen(["containerd", "--config", str(conf)],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(lambda: self.proc.poll() is not None or
                 run(["ctr", "-a", self.sock, "version"], timeout=10).returncode == 0,
                 timeout=20, what="containerd to answer")
        if self.proc.poll() is not None:
            raise AssertionError(f"containerd exited: {self.log_tail()}")
        self.ctr("images", "import", self.host.image_archive, check=True, timeout=120)

    def log_tail(self, n=30):
        with open(self.dir / "containerd.log", errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def stop(self):
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def ctr(self, *args, input=None, timeout=60, check=False):
        return run(["ctr", "-a", self.sock, "-n", self.ns, *args], input=input,
                   timeout=timeout, check=check)

    def ctr_argv(self, *args):
        return ["ctr", "-a", self.sock, "-n", self.ns, *[str(a) for a in args]]

    def run_argv(self, *args, runtime=None):
        """`ctr run` with the runtime under test.  ctr asks for cpu.shares=1024
        unless told otherwise; on a cgroup v1-hybrid host the cgroup2 tree has
        no cpu controller, so the suite asks for no cpu resource there."""
        extra = [] if PURE_V2 else ["--cpu-shares", "0"]
        return self.ctr_argv("run", "--runc-binary", runtime or self.runtime_bin,
                             "--fifo-dir", self.fifo_dir, *extra, *args)

    def run(self, *args, input=None, timeout=60, check=False):
        return run(self.run_argv(*args), input=input, timeout=timeout, check=check)

    def exec_argv(self, *args):
        return self.ctr_argv("task", "exec", "--fifo-dir", self.fifo_dir, *args)

    def task_status(self, cid):
        r = self.ctr("task", "ls", check=True)
        for line in r.stdout.splitlines()[1:]:
            f = line.split()
            if f and f[0] == cid:
                return f[2]
        return None

    def task_pid(self, cid):
        r = self.ctr("task", "ls", check=True)
        for line in r.stdout.splitlines()[1:]:
            f = line.split()
            if f and f[0] == cid:
                return int(f[1])
        return None

    def remove_all(self):
        for cid in self.ctr("containers", "ls", "-q").stdout.split():
            if self.task_status(cid) not in (None, "STOPPED"):
                self.ctr("task", "kill", "-a", "-s", "KILL", cid)
                try:
                    wait_for(lambda: self.task_status(cid) in (None, "STOPPED"), timeout=10)
                except AssertionError:
                    pass
            self.ctr("task", "delete", "-f", cid)
            self.ctr("containers", "rm", cid)

    def state_dir(self):
        return f"/run/containerd/runc/{self.ns}"


@pytest.fixture(scope="session")
def containerd_daemon(host, runtime_bin):
    if not shutil.which("containerd"):
        pytest.fail("containerd is not installed (tests/engines/install-deps.sh)")
    d = host.base / "containerd"
    d.mkdir()
    c = Containerd(d, runtime_bin, host)
    try:
        c.start()
        yield c
    finally:
        c.remove_all()
        c.stop()


@pytest.fixture
def ctd(containerd_daemon):
    """The session's containerd; every container the test left is removed
    afterwards and the runtime's state directory must then be empty."""
    yield containerd_daemon
    containerd_daemon.remove_all()
    sd = containerd_daemon.state_dir()
    state = sorted(os.listdir(sd)) if os.path.isdir(sd) else []
    for cid in state:  # so that one test's leftover does not fail the next ones
        run([containerd_daemon.runtime_bin, "--root", sd, "delete", "--force", cid])
    assert not state, f"runtime state left in {sd} after every task was deleted: {state}"


# ---------------------------------------------------------------- Podman

CONTAINERS_CONF = """[containers]
netns = "none"
pids_limit = 0
log_driver = "k8s-file"
# root here lacks CAP_SYS_RESOURCE: Podman's defaults (1048576) fail with EPERM
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{d}/events.log"
lock_type = "file"
pull_policy = "never"
tmp_dir = "{d}/libpod-tmp"
static_dir = "{d}/storage/libpod"
volume_path = "{d}/storage/volumes"
runtime_supports_json = ["crun", "runc", "{name}"]

[network]
network_config_dir = "{d}/net"
"""

STORAGE_CONF = """[storage]
driver = "overlay"
graphroot = "{d}/storage"
runroot = "{d}/run"
"""


class Podman:
    def __init__(self, d, runtime_bin, host):
        self.dir = d
        self.runtime_bin = runtime_bin
        self.host = host
        name = runtime_name(runtime_bin)
        (d / "containers.conf").write_text(CONTAINERS_CONF.format(d=d, name=name))
        (d / "storage.conf").write_text(STORAGE_CONF.format(d=d))
        (d / "registries.conf").write_text("unqualified-search-registries = []\n")
        (d / "tmp").mkdir()
        self.env = dict(os.environ, CONTAINERS_CONF=str(d / "containers.conf"),
                        CONTAINERS_STORAGE_CONF=str(d / "storage.conf"),
                        CONTAINERS_REGISTRIES_CONF=str(d / "registries.conf"),
                        TMPDIR=str(d / "tmp"))
        self.ids = set()
        self.cgroup_parent = "lieve-engines-podman-" + uuid.uuid4().hex[:8]
        host.own_cgroup(self.cgroup_parent)

    def argv(self, *args, runtime=None):
        args = [str(a) for a in args]
        if args and args[0] in ("run", "create"):
            # Our own parent, not the shared /libpod_parent: conmon goes to
            # <parent>/conmon, the container to <parent>/libpod-<id>.
            args[1:1] = ["--cgroup-parent", "/" + self.cgroup_parent]
        return ["podman", "--runtime", runtime or self.runtime_bin, *args]

    def __call__(self, *args, input=None, timeout=60, check=False, runtime=None):
        return run(self.argv(*args, runtime=runtime), input=input, timeout=timeout,
                   env=self.env, check=check)

    def ok(self, *args, **kw):
        return self(*args, check=True, **kw).stdout

    def name(self):
        n = "t-" + uuid.uuid4().hex[:10]
        self.ids.add(n)
        return n

    def status(self, name):
        return self.ok("inspect", "-f", "{{.State.Status}}", name).strip()

    def remove_all(self):
        self("rm", "-af", "-t", "0", timeout=120)


@pytest.fixture(scope="session")
def podman_engine(host, runtime_bin):
    for b in ("podman", "conmon"):
        if not shutil.which(b):
            pytest.fail(f"{b} is not installed (tests/engines/install-deps.sh)")
    (host.base / "podman").mkdir()
    p = Podman(host.base / "podman", runtime_bin, host)
    p.ok("load", "-q", "-i", host.image_archive, timeout=120)
    try:
        yield p
    finally:
        p.remove_all()
        p("rmi", "-af", timeout=120)


@pytest.fixture
def pm(podman_engine, host, runtime_bin):
    """The session's Podman; afterwards every container is removed and the
    runtime's default state directory (Podman passes no --root) must be empty."""
    yield podman_engine
    podman_engine.remove_all()
    state = host.shadows[f"/run/{runtime_name(runtime_bin)}"]
    left = state.entries()
    for cid in list(left):  # so that one test's leftover does not fail the next ones
        try:
            wait_for(lambda: run([runtime_bin, "delete", "--force", cid]).returncode == 0,
                     timeout=10, what=f"{runtime_bin} delete --force {cid}")
        except AssertionError as e:
            left.append(str(e))
    assert not left, f"runtime state left in {state.path} after podman rm: {left}"


@pytest.fixture
def recorded_runtime(host, runtime_bin):
    """A wrapper with the runtime's basename (Podman matches
    runtime_supports_json on it) that logs each command line, one a line,
    then execs the runtime: (wrapper path, function returning the lines)."""
    d = host.base / ("wrap-" + uuid.uuid4().hex[:6])
    d.mkdir()
    log = d / "calls.log"
    log.touch()
    w = d / runtime_name(runtime_bin)
    w.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\nexec {runtime_bin} "$@"\n')
    w.chmod(0o755)
    return str(w), lambda: log.read_text().splitlines()


@pytest.fixture
def image():
    return IMAGE


@pytest.fixture
def rt_name(runtime_bin):
    return runtime_name(runtime_bin)
