"""The command lines each engine sends the runtime, recorded through a
wrapper: what lieve must accept to stand in for runc (Debian 12's
containerd 1.6 runc v2 shim, Podman 4.3 with conmon 2.1)."""
import re
import time

from conftest import run, wait_for
from lib.host import run_pty


def matching(lines, pattern):
    rx = re.compile(pattern)
    found = [line for line in lines if rx.fullmatch(line)]
    assert found, f"no runtime call matches {pattern!r}; calls:\n" + "\n".join(lines)
    return found


def test_podman_calls(pm, image, recorded_runtime):
    wrapper, calls = recorded_runtime
    n = pm.name()
    pm.ok("run", "-d", "--name", n, image, "sleep", "1000", runtime=wrapper)
    cid = pm.ok("inspect", "-f", "{{.Id}}", n, runtime=wrapper).strip()
    pm.ok("exec", n, "true", runtime=wrapper)
    pm.ok("exec", "-t", n, "true", runtime=wrapper)
    pm.ok("pause", n, runtime=wrapper)
    pm.ok("unpause", n, runtime=wrapper)
    pm.ok("kill", "-s", "USR1", n, runtime=wrapper)
    pm.ok("rm", "-f", "-t", "0", n, runtime=wrapper)
    t = pm.name()
    pm.ok("run", "--rm", "-t", "--name", t, image, "true", runtime=wrapper)
    lines = calls()
    log = r"--log-format=json --log \S+/oci-log "
    matching(lines, log + rf"create --bundle \S+ --pid-file \S+/pidfile {cid}")
    matching(lines, log + r"create --bundle \S+ --pid-file \S+ --console-socket \S+ [0-9a-f]{64}")
    matching(lines, rf"start {cid}")
    matching(lines, log + rf"exec --pid-file \S+ --process \S+ --detach {cid}")
    matching(lines, log + rf"exec --pid-file \S+ --process \S+ --detach --tty "
                          rf"--console-socket \S+ {cid}")
    matching(lines, rf"pause {cid}")
    matching(lines, rf"resume {cid}")
    matching(lines, rf"kill {cid} 10")
    matching(lines, rf"delete --force {cid}")


def test_containerd_calls(ctd, image, recorded_runtime):
    wrapper, calls = recorded_runtime
    c = "contract-" + str(int(time.time() * 1000) % 100000)
    r = run(ctd.run_argv("-d", image, c, "sleep", "1000", runtime=wrapper))
    assert r.returncode == 0, r.stderr
    wait_for(lambda: ctd.task_status(c) == "RUNNING", what="RUNNING")
    run(ctd.exec_argv("--exec-id", "e1", c, "true"), check=True)
    rc, out = run_pty(ctd.exec_argv("-t", "--exec-id", "e2", c, "true"))
    assert rc == 0, out
    ctd.ctr("task", "ps", c, check=True)
    ctd.ctr("task", "pause", c, check=True)
    ctd.ctr("task", "resume", c, check=True)
    ctd.ctr("task", "kill", "-s", "USR1", c, check=True)
    ctd.ctr("task", "kill", "-a", "-s", "KILL", c, check=True)
    wait_for(lambda: ctd.task_status(c) == "STOPPED", what="STOPPED")
    ctd.ctr("task", "delete", c, check=True)
    ctd.ctr("containers", "rm", c, check=True)
    lines = calls()
    pre = rf"--root /run/containerd/runc/{ctd.ns} --log \S+/{c}/log\.json --log-format json "
    matching(lines, pre + rf"create --bundle (\S+/{c}) --pid-file \1/init\.pid {c}")
    matching(lines, pre + rf"start {c}")
    matching(lines, pre + rf"exec --process \S+ --detach --pid-file \S+/e1\.pid {c}")
    matching(lines, pre + rf"exec --process \S+ --console-socket \S+ --detach "
                          rf"--pid-file \S+/e2\.pid {c}")
    matching(lines, pre + rf"ps --format json {c}")
    matching(lines, pre + rf"pause {c}")
    matching(lines, pre + rf"resume {c}")
    matching(lines, pre + rf"kill {c} 10")
    matching(lines, pre + rf"kill --all {c} 9")
    matching(lines, pre + rf"delete {c}")
