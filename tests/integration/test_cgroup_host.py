"""cgroups on this kind of host: whatever cgroup2 hierarchy is mounted (on a
v1-hybrid machine the controller-less one at /sys/fs/cgroup/unified) holds
the container, so pause, kill --all and ps work; a resource whose controller
that hierarchy lacks is a clear error, never a silent skip.  Resource limits
themselves are tested in the pure cgroup v2 guest (tests/vm)."""
import json
import os

import pytest

from lib.util import json_log_errors, sh


def cgroup2_mount():
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            if fields[sep + 1] == "cgroup2":
                return fields[4]
    return None


def controllers(mount):
    with open(os.path.join(mount, "cgroup.controllers")) as f:
        return f.read().split()


@pytest.fixture
def lieve_only(runtime):
    if runtime.is_runc:
        pytest.skip("runc 1.1 uses the v1 controllers on this host")


def test_container_cgroup_in_the_mounted_cgroup2(runtime, bundle, lieve_only):
    mount = cgroup2_mount()
    bundle.config["process"]["args"] = sh("sleep 30 & sleep 30")
    bundle.write()
    cid, pid = runtime.started(bundle)
    with open(f"/proc/{pid}/cgroup") as f:
        v2 = [l.strip().split(":", 2)[2] for l in f if l.startswith("0::")][0]
    procs = open(os.path.join(mount, v2.lstrip("/"), "cgroup.procs")).read().split()
    assert str(pid) in procs
    r = runtime("ps", "--format", "json", cid)
    assert r.returncode == 0, r.stderr
    assert sorted(json.loads(r.stdout)) == sorted(int(p) for p in procs)
    assert len(procs) == 2  # sh execs its last command
    runtime.ok("pause", cid)
    assert runtime.state(cid)["status"] == "paused"
    assert open(os.path.join(mount, v2.lstrip("/"), "cgroup.freeze")).read().strip() == "1"
    runtime.ok("resume", cid)
    assert runtime.state(cid)["status"] == "running"
    runtime.ok("kill", "--all", cid, "KILL")
    runtime.wait_status(cid, "stopped")
    runtime.ok("delete", cid)
    assert not os.path.exists(os.path.join(mount, v2.lstrip("/")))


@pytest.mark.parametrize("resources,controller", [
    ({"memory": {"limit": 67108864}}, "memory"),
    ({"pids": {"limit": 64}}, "pids"),
    ({"cpu": {"quota": 50000, "period": 100000}}, "cpu"),
])
def test_missing_controller_is_a_clear_error(runtime, bundle, lieve_only, host_snapshot,
                                             resources, controller):
    mount = cgroup2_mount()
    if controller in controllers(mount):
        pytest.skip(f"the {controller} controller is available here")
    bundle.config["linux"]["resources"] = resources
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode == 1
    assert f'the "{controller}" controller is not available in the cgroup2 hierarchy at {mount}' \
        in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.path.isdir("/run/systemd/system"), reason="systemd runs here")
@pytest.mark.parametrize("cgroups_path", [None, "system.slice:lieve-test:x", "not-systemd"])
def test_systemd_driver_without_systemd(runtime, bundle, lieve_only, tmp_path, cgroups_path):
    """The systemd driver itself is tested in the systemd guest (tests/vm/systemd);
    here, without systemd, --systemd-cgroup is one clear error and leaves nothing."""
    if cgroups_path:
        bundle.config["linux"]["cgroupsPath"] = cgroups_path
    bundle.write()
    cid = runtime.new_id()
    log = tmp_path / "log.json"
    r = runtime("--systemd-cgroup", "create", "--bundle", bundle.path, cid, log=log,
                log_format="json")
    assert r.returncode == 1
    want = "systemd cgroup driver: systemd is not running"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(want), r.stderr
    assert json_log_errors(log)[-1].endswith(want)
    assert runtime("state", cid).returncode != 0
    assert not (runtime.root / cid).exists()
