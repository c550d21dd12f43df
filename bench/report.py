#!/usr/bin/env python3
"""bench/report.py RESULTS-DIR: results.md and chart.svg from what bench/run.sh left there
(raw/*.json from hyperfine, values.tsv, machine.txt)."""
import json
import os
import statistics
import subprocess
import sys

res = sys.argv[1]
raw = os.path.join(res, "raw")
RUNTIMES = ["floor", "lieve", "crun", "runc", "lieve-direct", "runc-direct"]


def load(name):
    """{command name: hyperfine result} of raw/NAME.json, {} if that benchmark did not run."""
    try:
        with open(os.path.join(raw, name + ".json")) as f:
            return {r["command"]: r for r in json.load(f)["results"]}
    except FileNotFoundError:
        return {}


values = {}
with open(os.path.join(res, "values.tsv")) as f:
    for line in f:
        if "\t" in line:
            k, v = line.rstrip("\n").split("\t", 1)
            values[k] = v

bench = {n: load(n) for n in ["run", "create-start-delete", "exec-sleep", "exec-sleep-seccomp",
                              "seq100", "par20", "vm"]}


def med(b, rt):
    r = bench[b].get(rt)
    return r["median"] if r else None


def ms(b, rt, spread=True):
    r = bench[b].get(rt)
    if not r:
        return "–"
    t = r["times"]
    iqr = ""
    if spread and len(t) >= 4:
        q = statistics.quantiles(t, n=4)
        iqr = f" (IQR {1000 * (q[2] - q[0]):.1f})"
    return f"{1000 * r['median']:.1f}{iqr}"


def sec(b, rt):
    r = bench[b].get(rt)
    return f"{r['median']:.2f}" if r else "–"


def num(k):
    try:
        return float(values[k])
    except (KeyError, ValueError):
        return None


def mib(k, scale=1 / 1024):
    v = num(k)
    return f"{v * scale:.2f}" if v is not None else values.get(k, "–")


def kib_bytes(k):
    v = num(k)
    return f"{v / 1024:.0f}" if v is not None else values.get(k, "–")


out = []
w = out.append
w("# lieve benchmark\n")
w("## Machine\n")
w("```")
with open(os.path.join(res, "machine.txt")) as f:
    w(f.read().rstrip())
w("```\n")
w("All runtimes run the same busybox-static bundle (`runc spec` config, ociVersion 1.0.2, five")
w("namespaces, read-only root) under the same wrapper `nsw` (a private mount namespace in which")
w("the host's hybrid cgroup2 mount is moved aside, so that crun accepts this host); `-direct` rows")
w("are lieve and runc without the wrapper. `floor` is bench/floor.c: clone with the same")
w("namespaces + pivot_root + exec, nothing else. Times: medians in ms, IQR in brackets, of all")
w("runs of a command over hyperfine rounds run one after another with the command order reversed")
w("every other round (the load of a shared machine comes in bursts). Batch rows in seconds.\n")
w("## Start time\n")
w("| runtime | run /bin/true | create+start+delete | exec /bin/true | exec, 300-rule seccomp | "
  "100 in sequence (s) | 20 at once (s) |")
w("|---|---|---|---|---|---|---|")
for rt in RUNTIMES:
    w(f"| {rt} | {ms('run', rt)} | {ms('create-start-delete', rt)} | {ms('exec-sleep', rt)} | "
      f"{ms('exec-sleep-seccomp', rt)} | {sec('seq100', rt)} | {sec('par20', rt)} |")
if bench["vm"] or "vm.accel" in values:
    w(f"| VM ({values.get('vm.accel', '?').upper()}, {values.get('vm.mem', '?')} MiB) | "
      f"{ms('vm', 'vm')} | | | | | |")
w("")
w("CPU time (user + system of the whole process tree, hyperfine's mean, ms): less sensitive to")
w("other load than wall time; wall time minus CPU time is waiting (disk, RCU grace periods, the")
w("child).\n")
w("| runtime | run /bin/true | create+start+delete | exec /bin/true | exec, 300-rule seccomp |")
w("|---|---|---|---|---|")


def cpu(b, rt):
    r = bench[b].get(rt)
    return f"{1000 * (r['user'] + r['system']):.1f}" if r else "–"


for rt in RUNTIMES:
    w(f"| {rt} | {cpu('run', rt)} | {cpu('create-start-delete', rt)} | {cpu('exec-sleep', rt)} | "
      f"{cpu('exec-sleep-seccomp', rt)} |")
w("")
w("## Memory and size\n")
w("Runtime peak RSS: `/usr/bin/time` max RSS of the `run /bin/true` process tree on this host")
w("(median of 5). memory.peak: the container cgroup's peak after `run /bin/true`, and the smallest")
w("memory.max (linux.resources.memory.limit, 64 KiB steps) under which it succeeds, both in the")
w("pure cgroup v2 qemu guest (tests/vm). The floor row is the floor program's own process in the")
w("cgroup (the runtimes' parent process stays outside theirs). Sizes are stripped binaries.\n")
w("| runtime | runtime peak RSS (MiB) | memory.peak (KiB) | smallest memory.max (KiB) | "
  "run under memory.max 1 MiB | stripped size (KiB) | shared libs |")
w("|---|---|---|---|---|---|---|")
for rt in RUNTIMES:
    base = rt.replace("-direct", "")
    guest = rt == base
    w(f"| {rt} | {mib('rss.' + rt)} | {kib_bytes('peak.' + base) if guest else ''} | "
      f"{kib_bytes('minmax.' + base) if guest else ''} | {values.get('max1m.' + base, '–') if guest else ''} | "
      f"{kib_bytes('size.' + base) if guest else ''} | {values.get('libs.' + base, '') if guest and base != 'floor' else ''} |")
if "rss.vm" in values:
    w(f"| VM (qemu process) | {mib('rss.vm')} | | | | | |")
w("")

# --- ratios against the targets of the performance issue ---
w("## Targets\n")


def target(text, ratio, limit, fmt="{:.2f}", le=True):
    if ratio is None:
        w(f"| {text} | – | – |")
        return
    ok = ratio <= limit if le else ratio < limit
    w(f"| {text} | {fmt.format(ratio)} | {'yes' if ok else 'NO'} |")


def ratio(a, b):
    return a / b if a is not None and b else None


# context for the targets: the same ratios for every benchmark
w("| benchmark | lieve / crun | lieve / runc | lieve / floor | crun: seccomp adds |")
w("|---|---|---|---|---|")
for b, label in [("run", "run"), ("create-start-delete", "create+start+delete"),
                 ("exec-sleep", "exec"), ("exec-sleep-seccomp", "exec, seccomp"),
                 ("seq100", "100 in sequence"), ("par20", "20 at once")]:
    def r(a, c):
        x = ratio(med(b, a), med(b, c))
        return f"{x:.2f}" if x is not None else "–"
    extra = ""
    if b == "exec-sleep-seccomp":
        x = ratio(med(b, "crun"), med("exec-sleep", "crun"))
        extra = f"{100 * (x - 1):.0f} %" if x is not None else "–"
    w(f"| {label} | {r('lieve', 'crun')} | {r('lieve', 'runc')} | {r('lieve', 'floor')} | {extra} |")
w("")
w("| target | measured | met |")
w("|---|---|---|")
target("run: lieve / crun ≤ 0.9", ratio(med("run", "lieve"), med("run", "crun")), 0.9)
target("run: lieve / floor ≤ 2", ratio(med("run", "lieve"), med("run", "floor")), 2)
target("exec: lieve / crun ≤ 1", ratio(med("exec-sleep", "lieve"), med("exec-sleep", "crun")), 1)
sc = ratio(med("exec-sleep-seccomp", "lieve"), med("exec-sleep", "lieve"))
target("exec: seccomp overhead (lieve) < 10 %", None if sc is None else 100 * (sc - 1), 10,
       "{:.1f} %", le=False)
target("runtime peak RSS: lieve / crun ≤ 1", ratio(num("rss.lieve"), num("rss.crun")), 1)
target("memory.peak: lieve / crun ≤ 1", ratio(num("peak.lieve"), num("peak.crun")), 1)
if "max1m.lieve" in values:
    w(f"| run succeeds under memory.max 1 MiB | {values['max1m.lieve']} | "
      f"{'yes' if values['max1m.lieve'] == 'pass' else 'NO'} |")
else:
    w("| run succeeds under memory.max 1 MiB | – | – |")
target("stripped size: lieve / crun < 1", ratio(num("size.lieve"), num("size.crun")), 1, le=False)
w("")
if "vm.accel" in values:
    vm_t = med("vm", "vm")
    lt = med("run", "lieve")
    w("## Container versus VM\n")
    accel = values["vm.accel"].upper() + (" software emulation" if values["vm.accel"] == "tcg" else "")
    w(f"**Accelerator: {accel}** — {values.get('vm.accel_why', '')}.")
    w(f"The VM is qemu `-M microvm`, 1 vCPU,"
      f" {values.get('vm.mem')} MiB, Debian's cloud kernel {values.get('vm.kernel')}, a busybox-only")
    w("initramfs whose /init runs /bin/true and powers off (command in raw/vm-command.txt).")
    if vm_t and lt:
        w(f"Start to finish: VM {vm_t:.2f} s against {1000 * lt:.1f} ms for `lieve run` "
          f"({vm_t / lt:.0f}×); memory: qemu {mib('rss.vm')} MiB RSS against "
          f"{mib('rss.lieve')} MiB for lieve ({(num('rss.vm') or 0) / (num('rss.lieve') or 1):.0f}×).\n")

with open(os.path.join(res, "results.md"), "w") as f:
    f.write("\n".join(out) + "\n")

# --- chart: start time and memory for floor / lieve / crun / runc / VM ---
rows = []
for rt, label in [("floor", "floor"), ("lieve", "lieve"), ("crun", "crun"), ("runc", "runc")]:
    rows.append((label, med("run", rt), num("rss." + rt)))
if "vm.accel" in values:
    rows.append(("VM", med("vm", "vm"), num("rss.vm")))
with open(os.path.join(raw, "chart.dat"), "w") as f:
    for label, t, r in rows:
        f.write(f'"{label}" {1000 * t if t else "NaN"} {r / 1024 if r else "NaN"}\n')
gp_body = f"""
set multiplot layout 1,2 title "run /bin/true — the kernel floor, lieve, crun, runc and a VM ({values.get('vm.accel', 'no VM')})"
set style fill solid 0.8 border -1
set boxwidth 0.6
set logscale y
set yrange [0.5:*]
set grid ytics
set xtics nomirror
set xrange [-0.6:{len(rows) - 0.4}]
unset key
set title "start to exit, ms (log)"
plot "{os.path.join(raw, 'chart.dat')}" using 0:2:xtic(1) with boxes lc rgb "#3b7dd8", \\
     '' using 0:2:(sprintf("%.1f",$2)) with labels offset 0,0.8 notitle
set title "peak RSS of the runtime or qemu process, MiB (log)"
plot "{os.path.join(raw, 'chart.dat')}" using 0:3:xtic(1) with boxes lc rgb "#d8803b", \\
     '' using 0:3:(sprintf("%.1f",$3)) with labels offset 0,0.8 notitle
unset multiplot
"""
for term, name in [('svg size 1000,460 font "sans,12" background rgb "white"', "chart.svg"),
                   ("png size 1000,460", "chart.png")]:
    gp = f'set terminal {term}\nset output "{os.path.join(res, name)}"\n' + gp_body
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"report: no {name} (gnuplot: {e})", file=sys.stderr)
