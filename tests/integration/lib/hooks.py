"""Hooks that record themselves: each invocation appends one JSON line
{"hook": name, "args": "...", "env": "$HOOK_ENV", "mntns": "mnt:[...]",
 "state": <the state JSON the runtime wrote on stdin>} to a log.

The hook is busybox's sh, at /bin/busybox both on the host (busybox-static)
and in the test rootfs, so the same hook works in the runtime namespace and
in the container's (startContainer resolves its path inside the container).
The log is the rootfs' /hooks.log: host-side hooks write it through the host
path, in-container hooks through /hooks.log; both are the same file."""
import json

BUSYBOX = "/bin/busybox"
# Hooks run with only the environment they are given: call applets through
# busybox, never via $PATH.
_SCRIPT = r'''s=$(/bin/busybox cat)
line=$(/bin/busybox printf '{"hook":"%s","args":"%s","env":"%s","mntns":"%s","state":%s}' \
  "$0" "$*" "$HOOK_ENV" "$(/bin/busybox readlink /proc/self/ns/mnt)" "${s:-null}")
echo "$line" >> "__LOG__"
'''

# Where each kind of hook runs: startContainer inside the container (its path
# and the log resolve there), every other one in the runtime's namespaces with
# host paths (createContainer runs before pivot_root, so host paths resolve).
INSIDE = {"startContainer"}
ALL = ("prestart", "createRuntime", "createContainer", "startContainer", "poststart",
       "poststop")


class HookRecorder:
    def __init__(self, bundle):
        self.bundle = bundle
        self.log = bundle.rootfs / "hooks.log"

    def hook(self, kind, name=None, args=(), env=None, then="", timeout=None):
        """A hook entry recording itself as `name` (default: kind), then running
        the sh snippet `then` (whose exit status is the hook's)."""
        logpath = "/hooks.log" if kind in INSIDE else str(self.log)
        script = _SCRIPT.replace("__LOG__", logpath) + (then or "true") + "\n"
        h = {"path": BUSYBOX, "args": ["sh", "-c", script, name or kind, *args]}
        if env is not None:
            h["env"] = list(env)
        if timeout is not None:
            h["timeout"] = timeout
        return h

    def add(self, kind, **kw):
        """Append a recording hook of this kind to the bundle's config (not written)."""
        self.bundle.config.setdefault("hooks", {}).setdefault(kind, []).append(
            self.hook(kind, **kw))
        return self

    def add_all(self):
        for k in ALL:
            self.add(k)
        return self

    def records(self):
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def names(self):
        return [r["hook"] for r in self.records()]
