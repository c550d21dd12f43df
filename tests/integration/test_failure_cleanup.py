"""Bad input fails cleanly: non-zero exit, one clear error line on stderr (and
as the last level=error line of a JSON --log), and nothing left behind: no
process, mount, state directory or cgroup."""
import json

import pytest

from lib.util import json_log_errors
from lib.host import assert_nothing_left
from lib.hooks import HookRecorder
from lib.util import set_namespace


def missing_rootfs(b):
    b.config["root"]["path"] = "no-such-rootfs"
    return ["no-such-rootfs"]


def missing_binary(b):
    b.config["process"]["args"] = ["/nonexistent"]
    return ["/nonexistent", "no such file"]


def bad_bind_mount(b):
    b.config["mounts"].append({"destination": "/mnt/x", "type": "bind",
                               "source": "/nonexistent-mount-src", "options": ["rbind"]})
    return ["/nonexistent-mount-src", "no such file"]


def bad_fs_type(b):
    b.config["mounts"].append({"destination": "/mnt/y", "type": "nosuchfs",
                               "source": "nosuchfs"})
    return ["/mnt/y"]


def failing_hook(b):
    HookRecorder(b).add("createRuntime", then="exit 3")
    return ["hook"]


def bad_namespace_path(b):
    set_namespace(b.config, "network", "/nonexistent-netns")
    return ["/nonexistent-netns"]


def namespace_path_of_wrong_type(b):
    # a real namespace file, but a uts one given as the network namespace
    set_namespace(b.config, "network", "/proc/self/ns/uts")
    return ["/proc/self/ns/uts"]


def cwd_not_a_directory(b):
    b.config["process"]["cwd"] = "/bin/busybox"
    return ["/bin/busybox", "not a directory"]



# Where runc 1.1's message does not name the cause, what it says instead (in
# some line of its log, not the last one); lieve must name the cause.
RUNC_WORDS = {
    # runc: last line "can't get final child's PID from pipe: EOF"; the cause
    # is only in an earlier fatal line "failed to setns into net namespace: Invalid argument"
    "namespace_path_of_wrong_type": ["net namespace", "invalid argument"],
}

CASES = [missing_rootfs, missing_binary, bad_bind_mount, bad_fs_type, failing_hook,
         bad_namespace_path, namespace_path_of_wrong_type, cwd_not_a_directory]


@pytest.mark.parametrize("op", ["create", "run"])
@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_failure_leaves_nothing(runtime, bundle, host_snapshot, tmp_path, case, op):
    words = case(bundle)
    bundle.write()
    cid = runtime.new_id()
    log = tmp_path / "log.json"
    r = runtime(op, "--bundle", bundle.path, cid, log=log, log_format="json")
    assert r.returncode != 0, r.stdout
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one error line, got: {r.stderr!r}"
    errors = json_log_errors(log)
    assert errors, f"no level=error line in the JSON log: {log.read_text()!r}"
    if runtime.is_runc and case.__name__ in RUNC_WORDS:
        text = log.read_text().lower()
        for w in RUNC_WORDS[case.__name__]:
            assert w in text, (w, text)
        words = []
    for w in words:
        assert w.lower() in lines[0].lower(), (w, lines[0])
        assert w.lower() in errors[-1].lower(), (w, errors[-1])
    for line in log.read_text().splitlines():  # every line is JSON with a level and msg
        rec = json.loads(line)
        assert "level" in rec and "msg" in rec, line
    assert_nothing_left(runtime, cid, host_snapshot)


def test_missing_config_json(runtime, bundle, host_snapshot):
    (bundle.path / "config.json").unlink()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert "config.json" in r.stderr, r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def test_malformed_config_json(runtime, bundle, host_snapshot):
    (bundle.path / "config.json").write_text('{"ociVersion": "1.0.2", "process": ')
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert r.stderr.strip()
    assert_nothing_left(runtime, cid, host_snapshot)


def test_failure_then_same_id_works(runtime, bundle, host_snapshot):
    """A failed create really cleaned up: the id can be used again."""
    good_args = bundle.config["process"]["args"]
    bundle.config["process"]["args"] = ["/nonexistent"]
    bundle.write()
    cid = runtime.new_id()
    assert runtime("create", "--bundle", bundle.path, cid).returncode != 0
    bundle.config["process"]["args"] = good_args
    bundle.write()
    runtime.create(bundle, cid=cid)
    assert runtime.status(cid) == "created"
