"""linux.seccomp in real containers: each action, argument conditions,
Docker/Podman-shaped profiles, exec, and a notify agent.

Validate the tests against runc with LIEVE_TEST_RUNTIME=runc."""
import errno
import json
import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PROFILES = os.path.join(REPO, "tests", "unit", "seccomp", "data")
SIGSYS_STATUS = 128 + 31

MKDIR = 'mkdir /tmp/d; echo "rc=$?"; test -d /tmp/d && echo present || echo absent'


def sh(bundle, script, seccomp):
    bundle.config["process"]["args"] = ["/bin/sh", "-c", script]
    bundle.config["linux"]["seccomp"] = seccomp
    bundle.write()


def profile(action, names=("mkdir", "mkdirat"), default="SCMP_ACT_ALLOW", **extra):
    rule = {"names": list(names), "action": action}
    rule.update(extra)
    return {"defaultAction": default, "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [rule]}


def run_ok(runtime, bundle):
    r = runtime.run(bundle)
    assert r.returncode == 0, f"rc={r.returncode} stdout={r.stdout!r} stderr={r.stderr!r}"
    return r.stdout + r.stderr


def test_errno_defaults_to_eperm(runtime, bundle):
    sh(bundle, MKDIR, profile("SCMP_ACT_ERRNO"))
    out = run_ok(runtime, bundle)
    assert "Operation not permitted" in out
    assert "rc=1" in out and "absent" in out


def test_errno_ret(runtime, bundle):
    sh(bundle, MKDIR, profile("SCMP_ACT_ERRNO", errnoRet=errno.EROFS))
    out = run_ok(runtime, bundle)
    assert os.strerror(errno.EROFS) in out and "absent" in out


def test_without_seccomp_mkdir_works(runtime, bundle):
    """The control for the others: the same script, no filter."""
    sh(bundle, MKDIR, None)
    del bundle.config["linux"]["seccomp"]
    bundle.write()
    out = run_ok(runtime, bundle)
    assert "rc=0" in out and "present" in out


@pytest.mark.parametrize("action", ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"])
def test_kill_and_trap_end_the_caller_with_sigsys(runtime, bundle, action):
    sh(bundle, MKDIR, profile(action))
    out = run_ok(runtime, bundle)
    assert f"rc={SIGSYS_STATUS}" in out and "absent" in out


def test_trace_without_tracer_is_enosys(runtime, bundle):
    sh(bundle, MKDIR, profile("SCMP_ACT_TRACE", errnoRet=7))
    out = run_ok(runtime, bundle)
    assert os.strerror(errno.ENOSYS) in out and "absent" in out


def test_log_allows(runtime, bundle):
    sh(bundle, MKDIR, profile("SCMP_ACT_LOG"))
    out = run_ok(runtime, bundle)
    assert "rc=0" in out and "present" in out


def test_default_errno_ret_with_allow_list(runtime, bundle):
    """defaultAction ERRNO + defaultErrnoRet, everything the shell needs allowed
    except mkdir."""
    with open(os.path.join(PROFILES, "docker-default.json")) as f:
        p = json.load(f)
    p["defaultErrnoRet"] = errno.EXDEV
    allow = p["syscalls"][0]["names"]
    allow.remove("mkdir")
    allow.remove("mkdirat")
    sh(bundle, MKDIR, p)
    out = run_ok(runtime, bundle)
    assert os.strerror(errno.EXDEV) in out and "absent" in out


def mode_rule(*args):
    """chmod(path, mode): arg 1 is the mode busybox passes unchanged."""
    return profile("SCMP_ACT_ERRNO", names=("chmod",), errnoRet=errno.EDOM, args=list(args))


MODES = ('touch /tmp/f; for m in 700 711 755; do '
         'chmod $m /tmp/f 2>/dev/null && echo "$m:ok" || echo "$m:denied"; done')


@pytest.mark.parametrize("args,denied", [
    ([{"index": 1, "value": 0o700, "op": "SCMP_CMP_EQ"}], {"700"}),
    ([{"index": 1, "value": 0o700, "op": "SCMP_CMP_NE"}], {"711", "755"}),
    ([{"index": 1, "value": 0o711, "op": "SCMP_CMP_LT"}], {"700"}),
    ([{"index": 1, "value": 0o711, "op": "SCMP_CMP_LE"}], {"700", "711"}),
    ([{"index": 1, "value": 0o711, "op": "SCMP_CMP_GE"}], {"711", "755"}),
    ([{"index": 1, "value": 0o711, "op": "SCMP_CMP_GT"}], {"755"}),
    ([{"index": 1, "value": 0o077, "valueTwo": 0o011, "op": "SCMP_CMP_MASKED_EQ"}], {"711"}),
    # Two conditions on one argument: each is a rule of its own (runc's handling).
    ([{"index": 1, "value": 0o700, "op": "SCMP_CMP_EQ"},
      {"index": 1, "value": 0o755, "op": "SCMP_CMP_EQ"}], {"700", "755"}),
])
def test_argument_conditions(runtime, bundle, args, denied):
    sh(bundle, MODES, mode_rule(*args))
    out = run_ok(runtime, bundle)
    for m in ("700", "711", "755"):
        want = "denied" if m in denied else "ok"
        assert f"{m}:{want}" in out, out


@pytest.mark.parametrize("name,klogctl_error", [
    ("docker-default.json", None),
    ("podman-default.json", errno.ENOSYS),  # its default errnoRet is 38
])
def test_docker_and_podman_shaped_profiles(runtime, bundle, name, klogctl_error):
    with open(os.path.join(PROFILES, name)) as f:
        p = json.load(f)
    sh(bundle, "echo ok; echo $(echo sub); dmesg >/dev/null", p)
    r = runtime.run(bundle)
    assert "ok\nsub\n" in r.stdout, r.stdout + r.stderr
    if klogctl_error:
        assert os.strerror(klogctl_error) in r.stderr


def test_exec_gets_the_filter_too(runtime, bundle, tmp_path):
    sh(bundle, "sleep 60", profile("SCMP_ACT_ERRNO", errnoRet=errno.ENOTSUP))
    cid = runtime.new_id()
    # The detached container keeps the stdio it is given: no pipes.
    with open(tmp_path / "run.err", "w+") as err:
        d = subprocess.run(runtime.cmd("run", "--detach", "--bundle", bundle.path, cid),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=err, timeout=30)
        err.seek(0)
        assert d.returncode == 0, err.read()
    r = runtime("exec", cid, "/bin/sh", "-c", MKDIR)
    assert r.returncode == 0, r.stderr
    assert os.strerror(errno.ENOTSUP) in r.stdout + r.stderr and "absent" in r.stdout


@pytest.mark.skipif(os.path.basename(os.environ.get("LIEVE_TEST_RUNTIME", "lieve")) != "lieve",
                    reason="lieve's debug log tells how the filter was obtained")
def test_exec_reuses_the_filter_compiled_at_create(runtime, bundle, tmp_path):
    """exec loads the BPF stored at create: libseccomp never runs again."""
    with open(os.path.join(PROFILES, "docker-default.json")) as f:
        p = json.load(f)
    sh(bundle, "sleep 60", p)
    cid = runtime.new_id()
    create_log, exec_log = tmp_path / "create.log", tmp_path / "exec.log"
    with open(os.devnull, "w") as null:
        r = subprocess.run(runtime.cmd("--debug", "run", "--detach", "--bundle", bundle.path, cid,
                                       log=create_log, log_format="json"),
                           stdin=subprocess.DEVNULL, stdout=null, stderr=null, timeout=30)
    assert r.returncode == 0
    r = runtime("--debug", "exec", cid, "/bin/true", log=exec_log, log_format="json")
    assert r.returncode == 0, r.stderr
    created = [json.loads(l)["msg"] for l in open(create_log)]
    execed = [json.loads(l)["msg"] for l in open(exec_log)]
    assert any(m.startswith("seccomp: compiled linux.seccomp into") for m in created), created
    assert any("loaded the stored filter" in m for m in execed), execed
    assert not any("compiled" in m and "nothing compiled" not in m for m in execed), execed


def notify_profile(agent, metadata="lieve-test-meta"):
    p = profile("SCMP_ACT_NOTIFY")
    p["listenerPath"] = agent.socket
    p["listenerMetadata"] = metadata
    return p


def test_notify_agent_fails_mkdir(runtime, bundle, notify_agent):
    agent = notify_agent(f"errno:{errno.EDQUOT}")
    sh(bundle, MKDIR, notify_profile(agent))
    out = run_ok(runtime, bundle)
    assert os.strerror(errno.EDQUOT) in out and "absent" in out

    states = agent.states()
    assert len(states) == 1
    s = states[0]
    assert s["fds"] == ["seccompFd"]
    assert s["_nfds"] == 1 and s["_fd_kind"] == "anon_inode:seccomp notify"
    assert s["metadata"] == "lieve-test-meta"
    assert s["pid"] > 0 and s["ociVersion"]
    assert s["state"]["id"] in runtime.ids
    assert s["state"]["status"] == "creating"
    assert s["state"]["pid"] == s["pid"]
    assert s["state"]["bundle"] == str(bundle.path)


def test_notify_agent_fakes_success(runtime, bundle, notify_agent):
    agent = notify_agent("fake-success")
    sh(bundle, MKDIR, notify_profile(agent))
    out = run_ok(runtime, bundle)
    assert "rc=0" in out and "absent" in out


def test_notify_without_agent_fails_create(runtime, bundle, tmp_path):
    p = profile("SCMP_ACT_NOTIFY")
    p["listenerPath"] = str(tmp_path / "nobody-listens.sock")
    sh(bundle, MKDIR, p)
    r = runtime.run(bundle)
    assert r.returncode != 0
    assert "nobody-listens.sock" in r.stderr


@pytest.mark.parametrize("seccomp,message", [
    ({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_FOO"]}, "SCMP_ARCH_FOO"),
    ({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 9, "value": 1, "op": "SCMP_CMP_EQ"}]}]}, "9"),
    ({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}, "listenerPath"),
])
def test_bad_sections_fail_cleanly(runtime, bundle, seccomp, message):
    sh(bundle, MKDIR, seccomp)
    r = runtime.run(bundle)
    assert r.returncode != 0
    assert message in r.stderr
    assert not (bundle.rootfs / "tmp" / "d").exists()


def test_unknown_syscall_names_are_skipped(runtime, bundle):
    sh(bundle, MKDIR, profile("SCMP_ACT_ERRNO", names=("no_such_syscall_xyz", "mkdir", "mkdirat")))
    out = run_ok(runtime, bundle)
    assert "Operation not permitted" in out and "absent" in out


@pytest.fixture(scope="session")
def syscall_helper(tmp_path_factory):
    """A static binary calling raw syscall numbers: `sys NR...` prints NR:errno."""
    d = tmp_path_factory.mktemp("sys")
    src = d / "sys.c"
    src.write_text(r'''
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long r = syscall(strtol(argv[i], NULL, 0), -1L, 0L, 0L, 0L, 0L, 0L);
		printf("%s:%d\n", argv[i], r < 0 ? errno : 0);
	}
	return 0;
}
''')
    subprocess.run(["cc", "-static", "-O2", "-o", str(d / "sys"), str(src)], check=True)
    return d / "sys"


def test_syscalls_newer_than_the_profile_get_enosys(runtime, bundle, syscall_helper):
    """runc's behaviour: with a non-allowing default action, a syscall numbered
    above every syscall the profile names fails with ENOSYS (so libc falls
    back), while the ones below keep the default errno."""
    shutil.copy2(syscall_helper, bundle.rootfs / "bin" / "sys")
    with open(os.path.join(PROFILES, "docker-default.json")) as f:
        p = json.load(f)
    bundle.config["process"]["args"] = ["/bin/sys", "110", "169", "450", "1000"]
    bundle.config["linux"]["seccomp"] = p
    bundle.write()
    out = run_ok(runtime, bundle)
    assert out == "110:0\n169:1\n450:1\n1000:38\n"  # getppid allowed; reboot and
    # set_mempolicy_home_node (unlisted, below the top) the default EPERM; 1000 ENOSYS
