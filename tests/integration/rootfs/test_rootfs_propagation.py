"""A mount made on the host side under a bind appears inside or not, as the
bind's propagation option says.  The 'host' is the test's own namespace."""
import os
import subprocess
import time

import pytest


@pytest.fixture
def shared_dir(tmp_path):
    d = tmp_path / "shared"
    (d / "sub").mkdir(parents=True)
    subprocess.run(["mount", "--bind", str(d), str(d)], check=True)
    subprocess.run(["mount", "--make-shared", str(d)], check=True)
    yield d
    subprocess.run(["umount", "-R", str(d)], check=True)


WAIT = ("touch /mnt/s/ready; i=0; while [ ! -e /mnt/s/go ] && [ $i -lt 100 ]; do sleep 0.1;"
        " i=$((i+1)); done; grep -c ' /mnt/s/sub ' /proc/self/mountinfo")


def run_with_host_mount(ctr, bundle, shared_dir, option):
    bundle.config["mounts"].append({"destination": "/mnt/s", "type": "bind",
                                    "source": str(shared_dir), "options": ["rbind", option]})
    p = ctr.popen(bundle, WAIT)
    try:
        for _ in range(100):
            if (shared_dir / "ready").exists():
                break
            time.sleep(0.1)
        assert (shared_dir / "ready").exists(), p.stderr.read() if p.poll() is not None else ""
        subprocess.run(["mount", "-t", "tmpfs", "late", str(shared_dir / "sub")], check=True)
        (shared_dir / "go").touch()
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        if os.path.ismount(shared_dir / "sub"):
            subprocess.run(["umount", str(shared_dir / "sub")], check=True)
    return out, err


@pytest.mark.parametrize("option,seen", [("rslave", "1"), ("rshared", "1"), ("rprivate", "0"),
                                         ("private", "0")])
def test_host_mount_propagates_as_configured(bundle, ctr, shared_dir, option, seen):
    out, err = run_with_host_mount(ctr, bundle, shared_dir, option)
    assert out.strip() == seen, (out, err)
