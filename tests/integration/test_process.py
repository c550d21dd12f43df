"""The container's process: user, capabilities, rlimits, env, cwd, NNP, OOM score, LSMs."""
import pytest

from lib import proc
from lib.host import assert_nothing_left
from lib.util import sh

CAP = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5,
       "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_RAW": 13,
       "CAP_SYS_CHROOT": 18, "CAP_SYS_ADMIN": 21, "CAP_AUDIT_WRITE": 29}


def mask(*names):
    m = 0
    for n in names:
        m |= 1 << CAP[n]
    return m


def run_ok(runtime, bundle):
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode == 0, r.stderr
    return r.stdout


def started_status(runtime, bundle):
    """/proc/<pid>/status of the container's long-running process, read from the host."""
    bundle.write()
    cid, pid = runtime.started(bundle)
    proc.wait_for(lambda: proc.cmdline(pid)[:1] == ["/bin/sleep"], what="exec of sleep")
    return proc.status(pid)


def test_user_uid_gid_groups_umask(runtime, bundle):
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [5, 100],
                                        "umask": 0o027}
    bundle.config["process"]["args"] = sh(
        "grep -E '^(Uid|Gid|Groups):' /proc/self/status; umask; touch /tmp/f; stat -c %a /tmp/f")
    out = run_ok(runtime, bundle).splitlines()
    fields = {l.split(":")[0]: l.split(":")[1].split() for l in out[:3]}
    assert fields["Uid"] == ["1000"] * 4
    assert fields["Gid"] == ["1000"] * 4
    assert sorted(map(int, fields["Groups"])) == [5, 100]
    assert out[3] == "0027"
    assert out[4] == "640"


def test_user_root_has_no_extra_groups(runtime, bundle):
    bundle.config["process"]["args"] = sh("grep -E '^Groups:' /proc/self/status")
    assert run_ok(runtime, bundle).split() == ["Groups:"]


def test_capabilities_all_five_sets_non_root(runtime, bundle):
    """As a non-root user, what the kernel keeps across execve is exactly the
    ambient set (permitted and effective), the inheritable set, and bounding."""
    bnd = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_NET_RAW"]
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
    bundle.config["process"]["capabilities"] = {
        "bounding": bnd,
        "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
        "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
        "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_NET_BIND_SERVICE"],
    }
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    st = started_status(runtime, bundle)
    assert int(st["CapBnd"], 16) == mask(*bnd)
    assert int(st["CapInh"], 16) == mask("CAP_KILL", "CAP_NET_BIND_SERVICE")
    assert int(st["CapAmb"], 16) == mask("CAP_NET_BIND_SERVICE")
    assert int(st["CapPrm"], 16) == mask("CAP_NET_BIND_SERVICE")
    assert int(st["CapEff"], 16) == mask("CAP_NET_BIND_SERVICE")


def test_capabilities_root(runtime, bundle):
    """As root the kernel grants permitted = effective = bounding | inheritable
    on execve; bounding, inheritable and ambient are exactly what was asked."""
    bnd = ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_AUDIT_WRITE"]
    bundle.config["process"]["capabilities"] = {
        "bounding": bnd, "permitted": bnd, "effective": bnd,
        "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"],
    }
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    st = started_status(runtime, bundle)
    assert int(st["CapBnd"], 16) == mask(*bnd)
    assert int(st["CapPrm"], 16) == mask(*bnd)
    assert int(st["CapEff"], 16) == mask(*bnd)
    assert int(st["CapInh"], 16) == mask("CAP_KILL")
    assert int(st["CapAmb"], 16) == mask("CAP_KILL")


def test_capabilities_none(runtime, bundle):
    bundle.config["process"]["capabilities"] = {}
    bundle.config["process"]["args"] = ["/bin/sleep", "60"]
    st = started_status(runtime, bundle)
    for k in ("CapBnd", "CapPrm", "CapEff", "CapInh", "CapAmb"):
        assert int(st[k], 16) == 0, (k, st[k])


def test_capability_dropped_is_enforced(runtime, bundle):
    """Without CAP_CHOWN, root inside cannot chown (the sets are not cosmetic)."""
    bundle.config["process"]["args"] = sh("touch /tmp/x; chown 1000 /tmp/x")
    bundle.write()
    r = runtime.run(bundle)
    assert r.returncode != 0
    assert "not permitted" in r.stderr.lower(), r.stderr


def test_unknown_capability_refused(runtime, bundle, host_snapshot):
    bundle.config["process"]["capabilities"]["bounding"].append("CAP_NOT_A_THING")
    bundle.write()
    cid = runtime.new_id()
    r = runtime("run", "--bundle", bundle.path, cid)
    if runtime.is_runc:
        # runc 1.1 only warns about unknown capabilities and runs anyway
        assert r.returncode == 0
        assert "CAP_NOT_A_THING" in r.stderr
    else:
        assert r.returncode != 0
        assert "CAP_NOT_A_THING" in r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def test_rlimits(runtime, bundle):
    bundle.config["process"]["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
        {"type": "RLIMIT_NPROC", "soft": 500, "hard": 600},
    ]
    bundle.config["process"]["args"] = sh(
        "ulimit -n; ulimit -Hn; grep -E '^Max (open files|core file size|processes)' "
        "/proc/self/limits")
    out = run_ok(runtime, bundle).splitlines()
    assert out[:2] == ["100", "200"]
    limits = {" ".join(l.split()[:-3]): l.split()[-3:-1] for l in out[2:]}
    assert limits["Max open files"] == ["100", "200"]
    assert limits["Max core file size"] == ["0", "4096"]
    assert limits["Max processes"] == ["500", "600"]


def test_invalid_rlimit_refused(runtime, bundle, host_snapshot):
    bundle.config["process"]["rlimits"] = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]
    bundle.write()
    cid = runtime.new_id()
    r = runtime("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert "RLIMIT_BOGUS" in r.stderr, r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)


def test_env_and_cwd(runtime, bundle):
    bundle.config["process"]["env"] = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="]
    bundle.config["process"]["cwd"] = "/home"
    bundle.config["process"]["args"] = sh('echo "$FOO"; echo "[$EMPTY]"; pwd; '
                                          'readlink /proc/self/cwd; env | sort')
    out = run_ok(runtime, bundle).splitlines()
    assert out[:4] == ["bar baz", "[]", "/home", "/home"]
    env = set(out[4:])
    assert {"PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY="} <= env
    # runc adds HOME from /etc/passwd when the config has none
    assert "HOME=/root" in env
    assert not any(e.startswith("LIEVE") or e.startswith("_LIBCONTAINER") for e in env), env


def test_home_from_passwd_for_user(runtime, bundle):
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
    bundle.config["process"]["args"] = sh('echo "$HOME"')
    assert run_ok(runtime, bundle).strip() == "/home"


def test_args_passed_verbatim(runtime, bundle):
    bundle.config["process"]["args"] = ["/bin/sh", "-c", 'for a in "$@"; do echo "<$a>"; done',
                                        "sh", "two words", "", "*", "$HOME"]
    assert run_ok(runtime, bundle).splitlines() == ["<two words>", "<>", "<*>", "<$HOME>"]


@pytest.mark.parametrize("nnp,expect", [(True, "1"), (False, "0")])
def test_no_new_privileges(runtime, bundle, nnp, expect):
    bundle.config["process"]["noNewPrivileges"] = nnp
    bundle.config["process"]["args"] = sh("grep NoNewPrivs /proc/self/status")
    assert run_ok(runtime, bundle).split() == ["NoNewPrivs:", expect]


def test_oom_score_adj(runtime, bundle):
    before = open("/proc/self/oom_score_adj").read()
    bundle.config["process"]["oomScoreAdj"] = 500
    bundle.config["process"]["args"] = sh("cat /proc/self/oom_score_adj")
    assert run_ok(runtime, bundle).strip() == "500"
    # set for the container only, not for whoever ran the runtime
    assert open("/proc/self/oom_score_adj").read() == before


@pytest.mark.parametrize("field,value,word", [
    ("apparmorProfile", "lieve-test-profile", "apparmor"),
    ("selinuxLabel", "system_u:system_r:container_t:s0", "selinux"),
])
def test_lsm_requested_without_lsm_fails(runtime, bundle, host_snapshot, field, value, word):
    import os
    if field == "apparmorProfile" and os.path.exists("/sys/kernel/security/apparmor"):
        pytest.skip("apparmor is enabled on this host")
    if field == "selinuxLabel" and os.path.exists("/sys/fs/selinux/enforce"):
        pytest.skip("selinux is enabled on this host")
    bundle.config["process"][field] = value
    bundle.write()
    cid = runtime.new_id()
    r = runtime("run", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert word in r.stderr.lower(), r.stderr
    assert_nothing_left(runtime, cid, host_snapshot)
