"""OCI hooks: order, the state on stdin at each point, args/env, timeouts, failures."""
import os
import time

import pytest

from lib import proc
from lib.hooks import ALL
from lib.host import assert_nothing_left, cgroups_named
from lib.util import sh


def test_hooks_order_and_state(runtime, bundle, hooks):
    hooks.add_all()
    bundle.config["process"]["args"] = sh("read x")
    bundle.write()
    r_stdin, w_stdin = os.pipe()
    try:
        cid = runtime.create(bundle, stdin=r_stdin)
    finally:
        os.close(r_stdin)
    try:
        pid = runtime.state(cid)["pid"]
        init_mntns = os.readlink(f"/proc/{pid}/ns/mnt")
        created_hooks = ["prestart", "createRuntime", "createContainer"]
        if runtime.is_runc:
            # runc 1.1 runs poststart at the end of `create`, before the user's
            # process runs (fixed in runc 1.2); the spec puts it in `start`.
            created_hooks.append("poststart")
        assert hooks.names() == created_hooks, hooks.records()
        runtime.ok("start", cid)
        proc.wait_for(lambda: len(hooks.records()) >= 5, what="startContainer+poststart")
        assert hooks.names() == created_hooks + (
            ["startContainer"] if runtime.is_runc else ["startContainer", "poststart"])
    finally:
        os.close(w_stdin)
    runtime.wait_status(cid, "stopped")
    runtime.ok("delete", cid)
    recs = hooks.records()
    print(recs)
    if runtime.is_runc:
        assert [r["hook"] for r in recs] == ["prestart", "createRuntime", "createContainer",
                                             "poststart", "startContainer", "poststop"]
    else:
        assert [r["hook"] for r in recs] == list(ALL)

    host_mntns = os.readlink("/proc/self/ns/mnt")
    for r in recs:
        st = r["state"]
        assert st["id"] == cid, r
        assert st["bundle"] == str(bundle.path), r
        assert "ociVersion" in st, r
        if r["hook"] in ("createContainer", "startContainer") and runtime.is_runc:
            # runc 1.1 writes these from inside: the pid as seen in the container
            assert st["pid"] == 1, r
        elif r["hook"] != "poststop":
            assert st["pid"] == pid, r  # the spec: the pid as seen by the host
        if r["hook"] in ("createContainer", "startContainer"):
            assert r["mntns"] == init_mntns, r    # in the container's namespaces
        else:
            assert r["mntns"] == host_mntns, r    # in the runtime's
    status = {r["hook"]: r["state"]["status"] for r in recs}
    assert status["prestart"] == "creating"
    assert status["createRuntime"] == "creating"
    assert status["createContainer"] == "creating"
    assert status["startContainer"] == "created"
    # runc 1.1 runs poststart during create (see above)
    assert status["poststart"] == ("created" if runtime.is_runc else "running")
    assert status["poststop"] == "stopped"


def test_poststart_waits_for_the_users_program(runtime, bundle, hooks):
    """poststart runs after the user's process started, so after every
    startContainer hook, however slow; and `start` returns only then."""
    if runtime.is_runc:
        pytest.skip("runc 1.1 runs poststart during create")
    hooks.add("startContainer", then="/bin/busybox sleep 0.5")
    hooks.add("startContainer", name="startContainer-late")
    hooks.add("poststart")
    bundle.config["process"]["args"] = sh("sleep 5")
    bundle.write()
    cid = runtime.create(bundle)
    runtime.ok("start", cid)
    assert hooks.names() == ["startContainer", "startContainer-late", "poststart"]
    runtime.ok("delete", "--force", cid)


def test_hook_args_and_env(runtime, bundle, hooks):
    for kind in ("createRuntime", "startContainer", "poststart"):
        hooks.add(kind, args=["first", "second"], env=["HOOK_ENV=from-" + kind])
    bundle.config["process"]["args"] = ["/bin/true"]
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode == 0, r.stderr
    recs = {r["hook"]: r for r in hooks.records()}
    assert set(recs) == {"createRuntime", "startContainer", "poststart"}
    for kind, rec in recs.items():
        assert rec["args"] == "first second"
        assert rec["env"] == "from-" + kind


def test_poststop_runs_on_delete_force(runtime, bundle, hooks):
    hooks.add("poststop")
    bundle.config["process"]["args"] = ["/bin/sleep", "600"]
    bundle.write()
    cid, pid = runtime.started(bundle)
    assert hooks.names() == []
    runtime.ok("delete", "--force", cid)
    assert hooks.names() == ["poststop"]
    assert hooks.records()[0]["state"]["status"] == "stopped"


def test_hook_timeout_kills_it_and_fails(runtime, bundle, hooks, host_snapshot):
    hooks.add("createRuntime", then="exec /bin/busybox sleep 30", timeout=1)
    bundle.write()
    cid = runtime.new_id()
    t0 = time.monotonic()
    r = runtime("create", "--bundle", bundle.path, cid, timeout=25)
    took = time.monotonic() - t0
    assert r.returncode != 0
    assert took < 10, f"the 1s hook timeout took {took:.1f}s"
    assert "timeout" in r.stderr.lower() or "timed out" in r.stderr.lower(), r.stderr
    assert hooks.names() == ["createRuntime"]
    # the hook (and its sleep) were killed, nothing else is left
    assert_nothing_left(runtime, cid, host_snapshot)


@pytest.mark.parametrize("kind", ["createRuntime", "prestart", "createContainer"])
def test_failing_create_hook_fails_create(runtime, bundle, hooks, host_snapshot, kind):
    hooks.add(kind, then="echo hook-says-no >&2; exit 3")
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert r.stderr.strip()
    assert "hook" in r.stderr.lower(), r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def test_failing_start_container_hook_fails_start(runtime, bundle, hooks):
    hooks.add("startContainer", then="exit 3")
    bundle.config["process"]["args"] = sh("echo > /tmp/user-process-ran")
    bundle.write()
    cid = runtime.new_id()
    r = runtime("run", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert "hook" in r.stderr.lower(), r.stderr
    assert not (bundle.rootfs / "tmp" / "user-process-ran").exists()
    assert not os.listdir(runtime.root)


def test_hooks_see_the_runtime_path_and_run_in_order_within_a_kind(runtime, bundle, hooks):
    for i in range(3):
        hooks.add("createRuntime", name=f"cr{i}")
    hooks.add("poststart", name="ps0")
    hooks.add("poststart", name="ps1")
    bundle.config["process"]["args"] = ["/bin/true"]
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode == 0, r.stderr
    assert hooks.names() == ["cr0", "cr1", "cr2", "ps0", "ps1"]


def test_failing_poststop_hook_does_not_block_delete(runtime, bundle, hooks):
    """The spec: a failing poststop hook is a warning; the lifecycle continues."""
    hooks.add("poststop", name="ps-fail", then="exit 1")
    hooks.add("poststop", name="ps-after")
    bundle.config["process"]["args"] = ["/bin/true"]
    bundle.write()
    cid, _ = runtime.started(bundle)
    runtime.wait_status(cid, "stopped")
    r = runtime("delete", cid)
    assert r.returncode == 0, r.stderr
    assert "hook" in r.stderr.lower(), "the failure is not even warned about"
    assert runtime("state", cid).returncode != 0
    assert not cgroups_named(cid)
    if runtime.is_runc:
        # runc 1.1 stops at the first failing poststop hook
        assert hooks.names() == ["ps-fail"]
    else:
        assert hooks.names() == ["ps-fail", "ps-after"]
