"""Small helpers to write container configs in tests."""
import json
import os


def sh(script):
    """process.args running a busybox sh script."""
    return ["/bin/sh", "-c", script]


def add_caps(config, *caps, sets=("bounding", "effective", "permitted")):
    for s in sets:
        lst = config["process"].setdefault("capabilities", {}).setdefault(s, [])
        for c in caps:
            if c not in lst:
                lst.append(c)
    return config


def namespaces(config):
    return {n["type"]: n for n in config["linux"]["namespaces"]}


def set_namespace(config, ns_type, path=None):
    """Add (or replace) a namespace entry; path=None means a new one."""
    nss = [n for n in config["linux"]["namespaces"] if n["type"] != ns_type]
    nss.append({"type": ns_type, **({"path": str(path)} if path else {})})
    config["linux"]["namespaces"] = nss
    return config


def json_log_errors(path):
    """The msg of every level=error line of a --log-format json log."""
    msgs = []
    if not os.path.exists(path):
        return msgs
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)  # every line must be JSON
            if rec.get("level") == "error":
                msgs.append(rec["msg"])
    return msgs
