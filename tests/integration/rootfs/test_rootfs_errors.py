"""A mount that cannot be made: one line naming source, destination, type and
errno, and nothing left behind (the autouse fixture checks this namespace's
mountinfo; the container's namespace dies with it)."""
import pytest

from rootfs_support import assert_error_line, is_runc


def check(r, line):
    assert_error_line(r, line)


def set_dev_options(bundle, options):
    for m in bundle.config["mounts"]:
        if m["destination"] == "/dev":
            m["options"] = options


def test_kernel_rejects_data(bundle, ctr):
    set_dev_options(bundle, ["nosuid", "mode=xyz"])
    check(ctr.run(bundle, "true"), 'mount "tmpfs" on "/dev" (type tmpfs): Invalid argument')


def test_unknown_option_at_plan_time(bundle, ctr):
    bundle.config["mounts"].append({"destination": "/data", "type": "tmpfs", "source": "tmpfs",
                                    "options": ["nosuid", "bogus"]})
    r = ctr.run(bundle, "true")
    if is_runc():
        pytest.skip("runc passes unknown options to the kernel as data")
    check(r, 'mount "/data": unknown mount option "bogus"')


def test_missing_bind_source(bundle, ctr):
    bundle.config["mounts"].append({"destination": "/x", "type": "bind",
                                    "source": "/nonexistent-src", "options": ["rbind"]})
    check(ctr.run(bundle, "true"),
          'mount "/nonexistent-src" on "/x" (type bind): No such file or directory')


def test_unknown_filesystem(bundle, ctr):
    bundle.config["mounts"].append({"destination": "/x", "type": "nosuchfs", "source": "foo"})
    check(ctr.run(bundle, "true"), 'mount "foo" on "/x" (type nosuchfs): No such device')


def test_file_onto_directory(bundle, ctr, tmp_path):
    (tmp_path / "f").write_text("x")
    bundle.config["mounts"].append({"destination": "/etc", "type": "bind",
                                    "source": str(tmp_path / "f"), "options": ["bind"]})
    check(ctr.run(bundle, "true"), f'mount "{tmp_path}/f" on "/etc" (type bind): Not a directory')


def test_missing_rootfs(bundle, ctr):
    bundle.config["root"]["path"] = "no-such-rootfs"
    check(ctr.run(bundle, "true"),
          f'root.path "{bundle.path}/no-such-rootfs": No such file or directory')
