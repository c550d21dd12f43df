"""Fixtures for the image tests: the `lieve image` command, OCI layouts made
by hand (hostile and broken ones), images made with umoci, tree listings to
compare unpacked roots, and mount cleanup.

Overlay mounts need a private mount namespace: each test module runs in
one of its own (see private_mount_ns), so whatever a test leaves mounted
disappears with it; tests still unmount everything they mounted in their
teardown, and remove their directories.
"""
import ctypes
import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def lieve_binary():
    """As the shared tests/integration/conftest.py chooses it."""
    return os.environ.get("LIEVE_BIN", os.path.join(REPO, "build", "cli", "lieve"))

CLONE_NEWNS = 0x00020000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18


_libc = ctypes.CDLL(None, use_errno=True)


def _check(r, what):
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


@pytest.fixture(scope="module", autouse=True)
def private_mount_ns():
    """Each test module runs in a private mount namespace of its own (what
    `unshare -m --propagation private` gives a command), entered here and
    left at the end of the module: mounts made by the tests can never reach
    the host, and vanish with the namespace; tests of other areas run in
    the namespace they started in."""
    if os.geteuid() != 0:
        pytest.skip("image integration tests run as root")
    cwd = os.getcwd()
    orig = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    try:
        _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
        yield
    finally:
        _check(_libc.setns(orig, CLONE_NEWNS), "setns back")
        os.close(orig)
        os.chdir(cwd)


# ---- the command under test ----

def image_command():
    """[binary, "image"]: `lieve image` ($LIEVE_IMAGE_BIN overrides the binary:
    e.g. a sanitizer build)."""
    return [os.environ.get("LIEVE_IMAGE_BIN", lieve_binary()), "image"]


class Lieve:
    def __init__(self, root):
        self.cmd = image_command()
        self.root = root

    def __call__(self, *args, timeout=120, **kw):
        c = [self.cmd[0]]
        c += ["--root", str(self.root)]
        c += self.cmd[1:] + [str(a) for a in args]
        return subprocess.run(c, capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture
def lieve(tmp_path):
    root = tmp_path / "image-state"
    root.mkdir()
    return Lieve(root)


@pytest.fixture
def store(tmp_path):
    """A fresh layer store; never the default /var/lib/lieve."""
    return tmp_path / "store"


def unmount_below(path):
    for _ in range(3):
        below = [m for m in current_mounts() if m.startswith(str(path))]
        if not below:
            break
        for m in sorted(below, key=len, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)


@pytest.fixture
def mounts(tmp_path):
    """Teardown: unmount everything mounted below tmp_path, deepest first, and
    fail the test if a mount was left."""
    yield
    left = [m for m in current_mounts() if m.startswith(str(tmp_path))]
    unmount_below(tmp_path)
    assert not left, f"mounts left behind: {left}"


@pytest.fixture(autouse=True)
def clean_tmp(tmp_path):
    """Every test ends with nothing mounted and nothing on disk, pass or fail."""
    yield
    unmount_below(tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)


def current_mounts():
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4].replace("\\040", " ") for line in f]


