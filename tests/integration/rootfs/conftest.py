"""Fixtures for the rootfs integration tests.

Every test runs a container through one helper, `ctr.run(bundle, script)`:
`lieve run` (or $LIEVE_TEST_RUNTIME, e.g. runc) through the shared `runtime`
fixture; with LIEVE_ROOTFS_DRIVER=1 the C driver built from driver.c (the
rootfs API alone, a minimal stand-in for `lieve run`).  Tests of library
features the lifecycle does not call (yet) always use the driver.  Run:

    tests/run-integration.sh tests/integration/rootfs
    LIEVE_TEST_RUNTIME=runc tests/run-integration.sh tests/integration/rootfs

Each test also checks that the test's own mount namespace has exactly the
mounts it had before (nothing leaked out of the container), and the
host-safety tests compare a checksum listing of host paths before/after.
"""
import os

import pytest

from rootfs_support import Container, driver_binary, find, own_mountinfo


@pytest.fixture(scope="session", autouse=True)
def _privileged_private_namespace():
    if os.geteuid() != 0:
        pytest.skip("the rootfs integration tests need root")
    # unshare(1) execs us in the new namespace: our parent is still outside it
    if os.readlink("/proc/self/ns/mnt") == os.readlink(f"/proc/{os.getppid()}/ns/mnt"):
        pytest.fail("run the rootfs tests inside `unshare -m --propagation private`")
    if not os.access(driver_binary(), os.X_OK):
        pytest.fail(f"{driver_binary()} is not built (ninja -C build)")


@pytest.fixture(autouse=True)
def _no_mount_leaks():
    before = own_mountinfo()
    yield
    assert own_mountinfo() == before, "the test's mount namespace changed"


@pytest.fixture
def ctr(runtime):
    return Container(runtime)


@pytest.fixture
def find_mount():
    return find
