#!/usr/bin/env python3
"""hfmerge.py OUT IN...: merges hyperfine --export-json files of the same commands (rounds run
at different times, in alternating order) into one file of the same shape: every command's
times concatenated, its statistics recomputed, user/system averaged over the rounds."""
import json
import statistics
import sys

out, ins = sys.argv[1], sys.argv[2:]
merged = {}
order = []
for path in ins:
    with open(path) as f:
        for r in json.load(f)["results"]:
            m = merged.get(r["command"])
            if m is None:
                order.append(r["command"])
                merged[r["command"]] = m = {"command": r["command"], "times": [], "user_s": [],
                                            "system_s": [], "exit_codes": []}
            m["times"] += r["times"]
            m["exit_codes"] += r.get("exit_codes", [])
            m["user_s"].append(r["user"])
            m["system_s"].append(r["system"])
results = []
for c in order:
    m = merged[c]
    t = m["times"]
    results.append({
        "command": c, "times": t, "exit_codes": m["exit_codes"],
        "mean": statistics.mean(t), "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
        "median": statistics.median(t), "min": min(t), "max": max(t),
        "user": statistics.mean(m["user_s"]), "system": statistics.mean(m["system_s"]),
        "rounds": len(m["user_s"]),
    })
with open(out, "w") as f:
    json.dump({"results": results}, f, indent=1)
