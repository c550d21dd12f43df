"""CVE-2019-5736 class: a container must not be able to overwrite the runtime
binary through /proc/<pid>/exe of a runtime process it can see.

The attack here is the real one, made deterministic: container A is
*created* (its pid 1 is then the runtime's own helper process, waiting to
exec the user's program); container B joins A's pid namespace, like a
sidecar, opens /proc/1/exe, and keeps the descriptor.  It tries to write
through /proc/1/exe right away, and again through its saved descriptor
after A is started and every runtime process has exited (when writing the
binary no longer fails with ETXTBSY).

A vulnerable runtime would have its binary rewritten, so the test runs the
runtime from a copy bind-mounted over its path inside our private mount
namespace: the binary on the host is never at risk; the copy is checked."""
import copy
import hashlib
import os
import shutil
import subprocess
import time

import pytest

from lib import proc
from lib.util import set_namespace, sh

ATTACK = r'''
log=/tmp/attack.log
try() { if eval "$1" 2>>$log; then echo "WROTE: $1" >>$log; else echo "refused: $1" >>$log; fi; }
# (a failed redirection on `exec` would end the shell: probe in a subshell first)
if (exec 5</proc/1/exe) 2>>$log; then exec 5</proc/1/exe; echo "opened /proc/1/exe" >>$log; else echo "open refused" >>$log; fi
try 'echo pwned > /proc/1/exe'
try 'echo pwned 1<>/proc/1/exe'
echo > /tmp/opened
while [ ! -e /tmp/go ]; do sleep 0.01; done
i=0
while [ $i -lt 40 ]; do
  try 'echo pwned 1<>/proc/self/fd/5'
  try 'echo pwned > /proc/self/fd/5'
  i=$((i+1)); sleep 0.02
done
echo > /tmp/done
sleep 600
'''


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture
def guarded_binary(runtime, tmp_path):
    """The runtime binary replaced (in our mount namespace only) by a copy."""
    host = os.environ.get("LIEVE_ITEST_HOST_MNTNS")
    if not host or int(host) == os.stat("/proc/self/ns/mnt").st_ino:
        pytest.fail("this test must run in a private mount namespace: use tests/run-integration.sh")
    path = os.path.realpath(shutil.which(runtime.binary) or runtime.binary)
    copy = tmp_path / "runtime-copy"
    shutil.copy2(path, copy)
    subprocess.run(["mount", "--bind", str(copy), path], check=True)
    try:
        subprocess.run(["mount", "--make-private", path], check=True)
        yield path
    finally:
        subprocess.run(["umount", "-l", path], check=True)


def test_sidecar_cannot_overwrite_runtime_through_proc_exe(runtime, bundle, tmp_path,
                                                            guarded_binary):
    before = sha256(guarded_binary)

    bundle.config["process"]["args"] = ["/bin/sleep", "600"]
    bundle.write()
    victim = runtime.create(bundle)
    vpid = runtime.state(victim)["pid"]

    b2 = type(bundle)(tmp_path / "sidecar", copy.deepcopy(bundle.config))
    b2.path.mkdir()
    subprocess.run(["cp", "-a", str(bundle.rootfs), str(b2.rootfs)], check=True)
    set_namespace(b2.config, "pid", f"/proc/{vpid}/ns/pid")
    b2.config["process"]["args"] = sh(ATTACK)
    b2.write()
    runtime.started(b2)
    proc.wait_for(lambda: (b2.rootfs / "tmp" / "opened").exists(), 10, what="the attacker")

    runtime.ok("start", victim)  # the helper execs sleep; every runtime process exits
    (b2.rootfs / "tmp" / "go").write_text("")
    proc.wait_for(lambda: (b2.rootfs / "tmp" / "done").exists(), 15, what="the attack")

    log = (b2.rootfs / "tmp" / "attack.log").read_text()
    assert "echo pwned 1<>/proc/self/fd/5" in log, f"the attack did not run:\n{log}"
    assert "WROTE: echo pwned > /proc/1/exe" not in log, log
    # (a write may succeed into a private sealed-or-not copy, e.g. a memfd:
    # what matters is the binary that other containers will run)
    assert sha256(guarded_binary) == before, f"the runtime binary was modified:\n{log}"


@pytest.fixture(scope="session")
def attack_exe(tmp_path_factory):
    """lib/attack_exe.c, built static so it runs in the busybox rootfs."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "attack_exe.c")
    out = tmp_path_factory.mktemp("attack") / "attack_exe"
    r = subprocess.run(["cc", "-static", "-O2", "-o", str(out), src], capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.fail(f"cannot build the attacker (gcc, libc6-dev): {r.stderr}")
    return out


def test_container_cannot_write_runtime_during_exec(runtime, bundle, guarded_binary, attack_exe):
    """The other way in: while the runtime execs processes into the container,
    a fast attacker in it grabs /proc/PID/exe of every new binary it sees (the
    runtime's helper joining the container; a `#!/proc/self/exe` script the
    runtime was asked to exec, which runs the runtime's own binary inside)
    and tries to write through it until the helper is gone."""
    before = sha256(guarded_binary)
    shutil.copy2(attack_exe, bundle.rootfs / "bin" / "attack_exe")
    evil = bundle.rootfs / "bin" / "evil"
    evil.write_text("#!/proc/self/exe\n")
    evil.chmod(0o755)
    log = bundle.rootfs / "tmp" / "attack.log"
    bundle.config["process"]["args"] = sh(
        "/bin/attack_exe 30 /tmp/attack.log /tmp/stop & exec sleep 600")
    bundle.write()
    cid, pid = runtime.started(bundle)
    proc.wait_for(lambda: log.exists() and "ready" in log.read_text(), what="the attacker")
    for _ in range(5):
        runtime("exec", cid, "/bin/evil", timeout=30)
        runtime("exec", cid, "/bin/true", timeout=30)
    # every runtime process is gone now, so writing its binary would no longer
    # fail with ETXTBSY: give the attacker a moment of that before stopping it
    time.sleep(0.3)
    (bundle.rootfs / "tmp" / "stop").write_text("")
    proc.wait_for(lambda: "done" in log.read_text(), 10, what="the attacker to finish")
    text = log.read_text()
    assert sha256(guarded_binary) == before, f"the runtime binary was modified:\n{text}"
