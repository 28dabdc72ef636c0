#!/usr/bin/env python3
"""Summarise the JSON lines of `bench/compare_python.sh`: medians, ratios, target met or not.

Usage: python bench/compare_summary.py FILE.jsonl [MORE.jsonl ...]   (the files are merged)
"""
import json, statistics as st, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
med = st.median
def pick(job, impl=None):
    return [r for r in rows if r["job"] == job and (impl is None or r["impl"] == impl)]
print(f"raw samples: {' '.join(sys.argv[1:])}")
for r in pick("load"):
    print(f"load at {r['when']}: {r['uptime'].strip()}")
def rng(xs):
    return f"{min(xs):.0f}-{max(xs):.0f}"
def met(ok):
    return "MET" if ok else "not met"
if pick("open-list", "python"):
    py = [r["ms"][0] for r in pick("open-list", "python")]
    pyw = [r["wall_ms"] for r in pick("open-list", "python")]
    cold = [r["ms"][0] for r in pick("open-list-cold", "ts")]
    coldw = [r["wall_ms"] for r in pick("open-list-cold", "ts")]
    warm = pick("open-list-warm", "ts")[0]["ms"][1:]
    r0 = pick("open-list", "python")[0]
    print(f"(a) open+list {r0['runs']} runs / {r0['solves']} solves / params {r0['param_shape']} (targets: cold >= 15x, warm >= 40x)")
    print(f"    python import_archive+list  median {med(py):8.1f} ms  (process wall {med(pyw):.0f} ms)")
    print(f"    ts cold (1st in a process)  median {med(cold):8.1f} ms  (process wall {med(coldw):.0f} ms)  -> {med(py)/med(cold):6.1f}x  {met(med(py)/med(cold) >= 15)}")
    print(f"    ts warm (same process)      median {med(warm):8.1f} ms                         -> {med(py)/med(warm):6.1f}x  {met(med(py)/med(warm) >= 40)}")
    print(f"    process wall (startup incl.)                                   -> {med(pyw)/med(coldw):6.1f}x")
    for f in ("big_1g", "big_2g"):
        r = pick(f"open-list:{f}")[0]
        print(f"(b) ts open+list {f}: first {r['ms'][0]:.1f} ms, median of rest {med(r['ms'][1:]):.2f} ms (target: independent of blob bytes)")
    for r in pick("rss"):
        print(f"(b) peak RSS {r['impl']:6} {r['what']:28} {r['kb']/1024:8.1f} MiB" + ("  (target < 100 MB)" if r["what"] == "open+list big_2g" else ""))
if any(r["job"].startswith("decode:") for r in rows):
    print("(c) decode (target: TS time <= 0.5x Python's)")
for job in sorted({r["job"] for r in rows if r["job"].startswith("decode:")}):
    for f in sorted({r["file"] for r in pick(job)}):
        p = [m for r in pick(job, "python") if r["file"] == f for m in r["ms"]]
        t = [m for r in pick(job, "ts") if r["file"] == f for m in r["ms"]]
        mb = next(r["bytes"] for r in pick(job) if r["file"] == f) / 1e6
        print(f"    {job[7:]:14} {f.split('/')[-1]:28} {mb:6.2f} MB  python {med(p):7.1f} ms ({mb/med(p)*1e3:6.1f} MB/s)"
              f"  ts {med(t):7.1f} ms ({mb/med(t)*1e3:6.1f} MB/s)  ts/python {med(t)/med(p):5.2f}  {met(med(t)/med(p) <= 0.5)}")
failed = [r for r in rows if r.get("exit", 0) != 0]
for r in failed:
    print(f"FAILED (exit {r['exit']}, left out): {json.dumps(r)}")
rows = [r for r in rows if r.get("exit", 0) == 0]
cli = pick("cli")
if cli:
    print("(d) CLI whole processes: median wall ms [min-max], peak RSS MiB; speed-up = python / ts")
    print("    targets: >= 5x at 1,000 runs, >= 4x at 5,000 and 20,000; peak RSS below Python's")
    print("    python = Local Registry on disk (the SDK's default); python-tmpfs = registry on /dev/shm")
    per = {}
    for cmd in ("runs", "inspect", "params"):
        for n in sorted({r["runs"] for r in cli}):
            def sel(impl):
                return [r for r in cli if r["cmd"] == cmd and r["runs"] == n and r["impl"] == impl]
            stats = {}
            for impl in ("python", "python-tmpfs", "ts", "ts-bundle"):
                xs = sel(impl)
                if xs:
                    w = [r["wall_ms"] for r in xs]
                    stats[impl] = (med(w), w, max(r["rss_kb"] for r in xs) / 1024)
            if not stats:
                continue
            print(f"    {cmd} at {n} runs:")
            for impl, (m, w, rss) in stats.items():
                line = f"      {impl:13} {m:8.0f} ms [{rng(w)}] {rss:6.0f} MiB"
                if impl.startswith("ts"):
                    need = 5 if n <= 1000 else 4
                    for ref in ("python", "python-tmpfs"):
                        if ref in stats:
                            ratio = stats[ref][0] / m
                            line += f" | vs {ref}: {ratio:5.1f}x {met(ratio >= need and rss < stats[ref][2])}"
                print(line)
            per[(cmd, n)] = {k: v[0] for k, v in stats.items()}
    for cmd in ("runs", "inspect", "params"):
        ns = sorted(n for (c, n) in per if c == cmd)
        for a, b in zip(ns, ns[1:]):
            parts = []
            for impl in ("python", "python-tmpfs", "ts", "ts-bundle"):
                if impl in per[(cmd, a)] and impl in per[(cmd, b)]:
                    parts.append(f"{impl} {(per[(cmd, b)][impl] - per[(cmd, a)][impl]) / (b - a) * 1e3:7.1f}")
            print(f"    per-run cost (us/run) {cmd:7} {a}->{b}: " + ", ".join(parts) + "  (target ts <= 20)")
if pick("startup"):
    bare = [r["wall_ms"] for r in pick("startup", "bare")]
    mod = [r["wall_ms"] for r in pick("startup", "mod")]
    imp = [r["ms"][0] for r in pick("import", "ts")]
    print(f"(e) start-up: bare deno {med(bare):.0f} ms [{rng(bare)}], importing mod.ts {med(mod):.0f} ms [{rng(mod)}]:"
          f" +{med(mod)-med(bare):.0f} ms (in-process import {med(imp):.0f} ms) (target <= 15 ms) {met(med(mod)-med(bare) <= 15)}")
    entry = [r["wall_ms"] for r in pick("startup", "entry")]
    if entry:
        print(f"    importing the package entry (bundle/mod.js) {med(entry):.0f} ms [{rng(entry)}]:"
              f" +{med(entry)-med(bare):.0f} ms (target <= 15 ms) {met(med(entry)-med(bare) <= 15)}")
if pick("hash-limit"):
    h = pick("hash-limit")[0]
    limit = h["bytes"] / 1e9 / (med(h["ms"]) / 1e3)
    print(f"(f) one SHA-256 stream (node:crypto, in memory, own process, median): {limit:.2f} GB/s")
    bare_rss = pick("rss-bare")[0]["rss_kb"] / 1024
    for f, target in (("big_1g", "multi-blob, target >= 1.8 GB/s"), ("big_single", "single blob, target >= 95% of one stream")):
        v = pick(f"verify:{f}")
        if not v:
            continue
        v = v[0]
        gbs = v["bytes"] / 1e9 / (med(v["ms"]) / 1e3)
        rss = pick(f"verify-rss:{f}")[0]["rss_kb"] / 1024
        ok = gbs >= 1.8 if f == "big_1g" else gbs >= 0.95 * limit
        if "limit_ms" in v:
            # The stream and verify alternating in one process: the median of the pairs' ratios.
            ratios = [v["bytes"] / t / (v["limit_bytes"] / l) for t, l in zip(v["ms"], v["limit_ms"])]
            ok = med(ratios) >= 0.95
            sched = ""
            if "cpu_ms" in v:
                sched = (f"; this thread: CPU {med(v['cpu_ms']):.0f} ms (the stream's {med(v['limit_cpu_ms']):.0f}),"
                         f" run queue {med(v['runq_ms']):.0f} ms (the stream's {med(v['limit_runq_ms']):.0f})")
            print(f"    verify {f} against the stream in the same process: median ratio {med(ratios):.0%}"
                  f" [{min(ratios):.0%}-{max(ratios):.0%}]{sched}")
        print(f"    verify {f}: {v['bytes']/1e9:.2f} GB, median {med(v['ms']):.0f} ms = {gbs:.2f} GB/s ({target}) {met(ok)};"
              f" peak RSS of `ommx-ts verify` {rss:.0f} MiB = runtime+modules (`ommx-ts --help`) {bare_rss:.0f} + {rss - bare_rss:.0f} (target <= 64 over the runtime) {met(rss - bare_rss <= 64)}")
if pick("zstd"):
    pb = [m for r in pick("zstd", "python") for m in r["blob_ms"]]
    tb = [m for r in pick("zstd", "ts") for m in r["blob_ms"]]
    pj = [m for r in pick("zstd", "python") for m in r["json_ms"]]
    tj = [m for r in pick("zstd", "ts") for m in r["json_ms"]]
    mb = pick("zstd")[0]["bytes"] / 1e6
    print(f"(g) zstd {mb:.0f} MB JSON attachment: get_blob python {med(pb):.0f} ms, ts {med(tb):.0f} ms -> ts/python {med(tb)/med(pb):.2f} (target <= 1) {met(med(tb) <= med(pb))}")
    print(f"    get_json (decode + parse): python {med(pj):.0f} ms, ts {med(tj):.0f} ms -> ts/python {med(tj)/med(pj):.2f}")

wr = [r for r in rows if r["job"] in ("writer", "logfile")]
if wr:
    print("(h) writer, whole processes: median wall ms [min-max], median peak RSS MiB; speed-up = python / ts")
    print("    targets: writer >= 2x faster, RSS <= Python's; logfile ts time <= 0.8x Python's, RSS <= 200 MB")
    for job in ("writer", "logfile"):
        for arg in sorted({r["arg"] for r in wr if r["job"] == job}, key=lambda a: (len(a), a)):
            sel = {impl: [r for r in wr if r["job"] == job and r["arg"] == arg and r["impl"] == impl]
                   for impl in ("python", "ts")}
            if not sel["python"] or not sel["ts"]:
                continue
            w = {k: [r["wall_ms"] for r in v] for k, v in sel.items()}
            rss = {k: med([r["rss_kb"] for r in v]) / 1024 for k, v in sel.items()}
            loads = sorted({r.get("uptime", "") for r in sel["ts"] + sel["python"]})
            ratio = med(w["python"]) / med(w["ts"])
            label = f"{arg} runs" if job == "writer" else arg.split("/")[-1]
            if job == "writer":
                verdict = f"time {met(ratio >= 2)}, RSS {met(rss['ts'] <= rss['python'])}"
            else:
                verdict = f"time {met(1 / ratio <= 0.8)} ({1 / ratio:.2f}x), RSS {met(rss['ts'] * 1024 * 1024 <= 200e6)}"
            print(f"    {job} {label}: python {med(w['python']):7.0f} ms [{rng(w['python'])}] {rss['python']:5.0f} MiB"
                  f" | ts {med(w['ts']):7.0f} ms [{rng(w['ts'])}] {rss['ts']:5.0f} MiB | {ratio:4.2f}x  {verdict}")
            print(f"      load (1/5/15 min) during the samples: {loads[0]} … {loads[-1]}")
