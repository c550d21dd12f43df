"""Idmapped bind mounts with the mount's own uidMappings/gidMappings.

The mapping is written to the mount's user namespace as given (as runc does):
an id X on disk is seen as the hostID that containerID X maps to."""
import os
import subprocess

import pytest


@pytest.fixture(autouse=True)
def _runtime_supports_idmap():
    if os.path.basename(os.environ.get("LIEVE_TEST_RUNTIME", "")) == "runc":
        pytest.skip("runc 1.1.5 (Debian 12) predates idmapped mounts")


def add_idmapped(bundle, source, option):
    bundle.config["mounts"].append({
        "destination": "/mnt/id", "type": "bind", "source": str(source),
        "options": ["rbind" if option == "ridmap" else "bind", option],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
        "gidMappings": [{"containerID": 0, "hostID": 2000, "size": 10}]})


def test_idmapped_bind(bundle, ctr, tmp_path):
    d = tmp_path / "owned"
    d.mkdir()
    (d / "root").write_text("x\n")
    (d / "three").write_text("x\n")
    os.chown(d / "three", 3, 4)
    (d / "unmapped").write_text("x\n")
    os.chown(d / "unmapped", 50, 50)
    add_idmapped(bundle, d, "idmap")
    out = ctr.ok(bundle, "cd /mnt/id && stat -c '%n %u:%g' root three unmapped;"
                 "grep ' /mnt/id ' /proc/self/mountinfo; stat -c '%u:%g' /etc/passwd")
    lines = out.splitlines()
    assert lines[:3] == ["root 1000:2000", "three 1003:2004", "unmapped 65534:65534"]
    assert "idmapped" in lines[3]
    assert lines[4] == "0:0"  # the rest of the rootfs is not mapped
    assert os.stat(d / "root").st_uid == 0  # nothing changed on disk


def test_ridmap_recursive(bundle, ctr, tmp_path):
    d = tmp_path / "owned"
    (d / "sub").mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "uid=5,gid=6", "tmpfs", str(d / "sub")], check=True)
    try:
        add_idmapped(bundle, d, "ridmap")
        assert ctr.ok(bundle, "stat -c '%u:%g' /mnt/id /mnt/id/sub") == "1000:2000\n1005:2006\n"
    finally:
        subprocess.run(["umount", str(d / "sub")], check=True)


def test_idmap_without_recursion_leaves_submounts(bundle, ctr, tmp_path):
    d = tmp_path / "owned"
    (d / "sub").mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "uid=5,gid=6", "tmpfs", str(d / "sub")], check=True)
    try:
        add_idmapped(bundle, d, "idmap")
        bundle.config["mounts"][-1]["options"] = ["rbind", "idmap"]
        assert ctr.ok(bundle, "stat -c '%u:%g' /mnt/id /mnt/id/sub") == "1000:2000\n5:6\n"
    finally:
        subprocess.run(["umount", str(d / "sub")], check=True)


def userns(bundle):
    # the rootfs stays owned by host root: make what the container cannot create
    (bundle.rootfs / "mnt" / "id").mkdir(parents=True)
    p = bundle.rootfs
    while str(p) != "/tmp":
        os.chmod(p, os.stat(p).st_mode | 0o005)
        p = p.parent
    bundle.config["linux"]["namespaces"].append({"type": "user"})
    bundle.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    bundle.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]


# With a user namespace the runtime makes the idmapped mounts
# (rootfs_idmapped_open) and hands them to init (rootfs_idmapped_adopt).

def test_idmap_with_the_containers_user_namespace(bundle, ctr, tmp_path):
    userns(bundle)
    d = tmp_path / "owned"
    d.mkdir()
    os.chmod(d, 0o755)
    (d / "root").write_text("x\n")
    (d / "seven").write_text("x\n")
    os.chown(d / "seven", 7, 7)
    bundle.config["mounts"].append({"destination": "/mnt/id", "type": "bind", "source": str(d),
                                    "options": ["bind", "idmap"]})
    out = ctr.ok(bundle, "cd /mnt/id && stat -c '%n %u:%g' root seven; stat -c %u /etc/passwd;"
                 "touch new && stat -c '%n %u' new")
    # on-disk ids read as the container's own: root is root inside
    assert out.splitlines() == ["root 0:0", "seven 7:7", "65534", "new 0"]
    assert os.stat(d / "new").st_uid == 0


def test_idmap_own_mappings_in_a_user_namespace(bundle, ctr, tmp_path):
    userns(bundle)
    d = tmp_path / "owned"
    d.mkdir()
    os.chmod(d, 0o755)
    (d / "f").write_text("x\n")
    os.chown(d / "f", 3, 3)
    # on-disk 3 → host 100003 → container 3+... : containerID 0..9 ↔ host 100000..
    add_idmapped(bundle, d, "idmap")
    m = bundle.config["mounts"][-1]
    m["uidMappings"] = [{"containerID": 0, "hostID": 100010, "size": 10}]
    m["gidMappings"] = [{"containerID": 0, "hostID": 100020, "size": 10}]
    assert ctr.ok(bundle, "stat -c '%u:%g' /mnt/id/f") == "13:23\n"
