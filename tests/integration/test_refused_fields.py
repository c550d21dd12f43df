"""Fields lieve parses but cannot honour on Linux are refused with a clear
error, never ignored; and the refusal leaves nothing behind (the `runtime`
fixture checks --root is empty afterwards)."""
import pytest


@pytest.mark.parametrize("field,value,message", [
    ("commandLine", "cmd.exe /c echo", "process.commandLine: only for Windows containers"),
    ("user", {"uid": 0, "gid": 0, "username": "ContainerUser"},
     "process.user.username: only for Windows containers"),
])
def test_windows_only_process_fields(runtime, bundle, field, value, message):
    if "lieve" not in runtime.binary:
        pytest.skip("runc ignores Windows-only fields on Linux")
    bundle.config["process"][field] = value
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode == 1
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert runtime("state", cid).returncode == 1


def test_joining_a_mount_namespace_is_refused(runtime, bundle, host_snapshot):
    if "lieve" not in runtime.binary:
        pytest.skip("a lieve-specific refusal")
    for ns in bundle.config["linux"]["namespaces"]:
        if ns["type"] == "mount":
            ns["path"] = "/proc/self/ns/mnt"
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode == 1
    assert "joining a mount namespace by path is not supported" in r.stderr
    assert runtime("state", cid).returncode == 1


@pytest.mark.parametrize("field,value", [
    ("intelRdt", {"closID": "guaranteed_group"}),
    ("netDevices", {"eth9": {"name": "eth0"}}),
    ("memoryPolicy", {"mode": "MPOL_BIND", "nodes": "0"}),
])
def test_unimplemented_linux_fields_are_refused(runtime, bundle, host_snapshot, field, value):
    if "lieve" not in runtime.binary:
        pytest.skip("a lieve-specific refusal")
    bundle.config["linux"][field] = value
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode == 1
    assert f"linux.{field}: not supported by lieve" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert runtime("state", cid).returncode == 1
