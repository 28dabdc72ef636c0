#!/usr/bin/env bash
# Run the same jobs through the reference Python SDK and through ommx-ts, on the same files, in
# the same run, and print the ratios (see BENCHMARKS.md).
#
#   bash bench/compare_python.sh            # all jobs; generates missing data in .cache/bench/
#   SAMPLES=9 bash bench/compare_python.sh  # more samples per job (default 7)
#   JOBS="cli verify" bash bench/compare_python.sh   # only some sections (open decode cli import
#                                                    # verify zstd; default all)
#   CLI_RUNS="1000 5000" ...                         # archive sizes of the cli section
#
# Jobs: (a) open + list the 1000-run archive; (b) peak RSS while opening + listing the 2 GB
# archive, and open + list time of the 1 GB vs 2 GB archives; verify() GB/s of the 1 GB archive;
# (c) decode of the 4 MB QOBLIB instance and of two 10^6-entry SampleSets; (d) the CLI commands
# `runs --json`, `inspect --json`, `params --csv` (source and bundled) against the Python script
# doing the same (bench/cli_py.py), whole processes, wall time and peak RSS, at 1,000 / 5,000 /
# 20,000 runs; (e) the start-up cost of importing mod.ts; (f) verify() of a multi-blob and a
# single-blob archive against one SHA-256 stream's limit, with peak RSS; (g) zstd decode and JSON
# parse of a 20 MB JSON attachment.
# Python and TS samples are interleaved so that load from other processes hits both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
DATA=.cache/bench
SAMPLES="${SAMPLES:-7}"
JOBS="${JOBS:-open decode cli import verify zstd}"
CLI_RUNS="${CLI_RUNS:-1000 5000 20000}"
want() { [[ " $JOBS " == *" $1 "* ]]; }
OUT="$DATA/compare-$(date +%Y%m%dT%H%M%S).jsonl"
mkdir -p "$DATA"

# Python benchmark commands run without the OpenBLAS tuning variables (they slow numpy here).
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$@"; }
ts() { deno run -A bench/compare_ts.ts "$@"; }
now_ms() { date +%s%3N; }

# ---- data ------------------------------------------------------------------------------------
[ -f "$DATA/many_runs.ommx" ] || py bench/gen_many_runs.py "$DATA/many_runs.ommx" 1000
if want cli; then
  for n in $CLI_RUNS; do
    [ "$n" = 1000 ] || [ -f "$DATA/many_runs_$n.ommx" ] || py bench/gen_many_runs.py "$DATA/many_runs_$n.ommx" "$n"
  done
fi
if want open || want verify; then
  [ -f "$DATA/big_1g.ommx" ] || py bench/gen_big.py "$DATA/big_1g.ommx" 1024 4
fi
if want open; then
  [ -f "$DATA/big_2g.ommx" ] || py bench/gen_big.py "$DATA/big_2g.ommx" 2048 4
fi
if want verify; then
  [ -f "$DATA/big_single.ommx" ] || py bench/gen_big.py "$DATA/big_single.ommx" 512 1
fi
if want zstd; then
  [ -f "$DATA/zstd_json.ommx" ] || py bench/gen_zstd_json.py "$DATA/zstd_json.ommx" 20
fi
want decode && { [ -f "$DATA/sampleset_binary.v2.pb" ] || py bench/gen_sample_set.py "$DATA" 1000 1000; }
QOBLIB=../shared/fixtures/qoblib-labs/labs079__02_labs_models_quadratic_unconstrained.ommx
INSTANCE="$DATA/labs079.instance.v1.pb"
if want decode && [ ! -f "$INSTANCE" ]; then
  if [ ! -f "$QOBLIB" ]; then
    echo "skip decode of the QOBLIB instance: $QOBLIB missing" >&2
  else
    # The archive's only application/org.ommx.v1.instance layer.
    manifest=$(tar xOf "$QOBLIB" index.json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["digest"].replace(":", "/"))')
    layer=$(tar xOf "$QOBLIB" "blobs/$manifest" | "$PY" -c 'import json,sys; print(next(l["digest"] for l in json.load(sys.stdin)["layers"] if l["mediaType"] == "application/org.ommx.v1.instance").replace(":", "/"))')
    tar xOf "$QOBLIB" "blobs/$layer" >"$INSTANCE"
  fi
fi

# Warm the page cache and Deno's module cache so that neither side pays for them.
cat "$DATA"/*.ommx >/dev/null
ts open-list "$DATA/many_runs.ommx" 1 >/dev/null
echo "{\"job\":\"load\",\"when\":\"start\",\"uptime\":\"$(uptime)\"}" >>"$OUT"

if want open; then
# ---- (a) open + list of 1000 runs --------------------------------------------------------------
echo "(a) open + list $DATA/many_runs.ommx, $SAMPLES samples each (fresh process per sample)" >&2
for i in $(seq "$SAMPLES"); do
  t0=$(now_ms); line=$(py bench/compare_py.py open-list "$DATA/many_runs.ommx"); t1=$(now_ms)
  echo "${line%\}}, \"wall_ms\": $((t1 - t0))}" >>"$OUT"
  t0=$(now_ms); line=$(ts open-list "$DATA/many_runs.ommx" 1); t1=$(now_ms)
  echo "${line%\}}, \"wall_ms\": $((t1 - t0))}" | sed 's/"job":"open-list"/"job":"open-list-cold"/' >>"$OUT"
done
ts open-list "$DATA/many_runs.ommx" 30 | sed 's/"job":"open-list"/"job":"open-list-warm"/' >>"$OUT"

# ---- (b) big archives: open cost, peak RSS, verify --------------------------------------------
echo "(b) big archives" >&2
for f in big_1g big_2g; do
  ts open-list "$DATA/$f.ommx" 10 | sed "s/\"job\":\"open-list\"/\"job\":\"open-list:$f\"/" >>"$OUT"
done
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident set size/ {print $NF}'; }
echo "{\"job\":\"rss\",\"impl\":\"ts\",\"what\":\"deno runtime alone\",\"kb\":$(rss deno run -A bench/rss_open_list.ts)}" >>"$OUT"
echo "{\"job\":\"rss\",\"impl\":\"ts\",\"what\":\"open+list big_2g\",\"kb\":$(rss deno run -A bench/rss_open_list.ts "$DATA/big_2g.ommx")}" >>"$OUT"
echo "{\"job\":\"rss\",\"impl\":\"python\",\"what\":\"import_archive+list big_2g\",\"kb\":$(rss env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/compare_py.py open-list "$DATA/big_2g.ommx")}" >>"$OUT"
fi

if want decode; then
# ---- (c) decode ----------------------------------------------------------------------------------
echo "(c) decode" >&2
jobs=("sample-set-v2 $DATA/sampleset_binary.v2.pb" "sample-set-v2 $DATA/sampleset_continuous.v2.pb")
[ -f "$INSTANCE" ] && jobs=("instance-v1 $INSTANCE" "${jobs[@]}")
for j in "${jobs[@]}"; do
  set -- $j
  for round in 1 2 3; do
    py bench/compare_py.py decode "$1" "$2" 5 | sed "s|}\$|, \"file\": \"$2\"}|" >>"$OUT"
    ts decode "$1" "$2" 5 | sed "s|}\$|,\"file\":\"$2\"}|" >>"$OUT"
  done
done
fi

# One whole process: wall ms (date) and peak RSS KiB (/usr/bin/time), as a JSON fragment.
timed() {
  local t0 t1 kb
  t0=$(date +%s%N)
  kb=$(/usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -n 1)
  t1=$(date +%s%N)
  echo "\"wall_ms\": $(((t1 - t0) / 1000000)), \"rss_kb\": $kb"
}

if want cli; then
# ---- (d) CLI commands, whole processes -----------------------------------------------------------
echo "(d) CLI runs/inspect/params vs the Python script" >&2
deno task bundle >/dev/null 2>&1
for n in $CLI_RUNS; do
  f="$DATA/many_runs_$n.ommx"; [ "$n" = 1000 ] && f="$DATA/many_runs.ommx"
  [ -f "$f" ] || continue
  k=$SAMPLES; [ "$n" -ge 5000 ] && k=$(( SAMPLES < 5 ? SAMPLES : 5 )); [ "$n" -ge 20000 ] && k=3
  for cmd in runs inspect params; do
    flag=--json; [ "$cmd" = params ] && flag=--csv
    for i in $(seq "$k"); do
      echo "{\"job\":\"cli\",\"cmd\":\"$cmd\",\"runs\":$n,\"impl\":\"python\",$(timed env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/cli_py.py "$cmd" "$f")}" >>"$OUT"
      echo "{\"job\":\"cli\",\"cmd\":\"$cmd\",\"runs\":$n,\"impl\":\"ts\",$(timed deno run -A cli/main.ts "$cmd" "$f" "$flag")}" >>"$OUT"
      echo "{\"job\":\"cli\",\"cmd\":\"$cmd\",\"runs\":$n,\"impl\":\"ts-bundle\",$(timed deno run -A dist/ommx-ts.js "$cmd" "$f" "$flag")}" >>"$OUT"
    done
  done
done
fi

if want import; then
# ---- (e) start-up: bare Deno vs importing mod.ts -----------------------------------------------
echo "(e) import cost" >&2
for i in $(seq $((SAMPLES * 2))); do
  echo "{\"job\":\"startup\",\"impl\":\"bare\",$(timed deno run -A bench/_empty.ts)}" >>"$OUT"
  echo "{\"job\":\"startup\",\"impl\":\"mod\",$(timed deno run -A bench/_import_mod.ts)}" >>"$OUT"
  ts import >>"$OUT"
done
fi

if want verify; then
# ---- (f) verify: multi-blob and single-blob archives ------------------------------------------
echo "(f) verify" >&2
ts hash-limit 512 3 >>"$OUT"
for f in big_1g big_single; do
  ts verify "$DATA/$f.ommx" 3 | sed "s/\"job\":\"verify\"/\"job\":\"verify:$f\"/" >>"$OUT"
  echo "{\"job\":\"verify-rss:$f\",\"impl\":\"ts\",$(timed deno run -A cli/main.ts verify "$DATA/$f.ommx")}" >>"$OUT"
done
# The runtime with the CLI's modules loaded and no work done: what `verify` adds is measured over it.
echo "{\"job\":\"rss-bare\",\"impl\":\"ts\",$(timed deno run -A cli/main.ts --help)}" >>"$OUT"
fi

if want zstd; then
# ---- (g) zstd JSON attachment ------------------------------------------------------------------
echo "(g) zstd" >&2
for round in 1 2 3; do
  py bench/compare_py.py zstd "$DATA/zstd_json.ommx" table 3 >>"$OUT"
  ts zstd "$DATA/zstd_json.ommx" table 3 >>"$OUT"
done
fi
echo "{\"job\":\"load\",\"when\":\"end\",\"uptime\":\"$(uptime)\"}" >>"$OUT"

# ---- summary -----------------------------------------------------------------------------------
"$PY" - "$OUT" <<'PYEOF'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = st.median
def pick(job, impl=None):
    return [r for r in rows if r["job"] == job and (impl is None or r["impl"] == impl)]
print(f"raw samples: {sys.argv[1]}")
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
cli = pick("cli")
if cli:
    print("(d) CLI whole processes, median wall ms [min-max] and peak RSS MiB; speed-up = python / ts")
    print("    targets: >= 5x at 1,000 runs, >= 4x at 5,000 and 20,000; peak RSS below Python's")
    per = {}
    for cmd in ("runs", "inspect", "params"):
        for n in sorted({r["runs"] for r in cli}):
            sel = lambda impl: [r for r in cli if r["cmd"] == cmd and r["runs"] == n and r["impl"] == impl]
            p, t, b = sel("python"), sel("ts"), sel("ts-bundle")
            if not p:
                continue
            pw, tw, bw = [r["wall_ms"] for r in p], [r["wall_ms"] for r in t], [r["wall_ms"] for r in b]
            prss, trss, brss = max(r["rss_kb"] for r in p) / 1024, max(r["rss_kb"] for r in t) / 1024, max(r["rss_kb"] for r in b) / 1024
            need = 5 if n <= 1000 else 4
            per[(cmd, n)] = (med(tw), med(bw))
            print(f"    {cmd:7} {n:6} runs: python {med(pw):7.0f} [{rng(pw)}] {prss:6.0f} MiB | ts {med(tw):6.0f} [{rng(tw)}] {trss:5.0f} MiB"
                  f" -> {med(pw)/med(tw):5.1f}x {met(med(pw)/med(tw) >= need and trss < prss)}"
                  f" | bundle {med(bw):6.0f} [{rng(bw)}] {brss:5.0f} MiB -> {med(pw)/med(bw):5.1f}x {met(med(pw)/med(bw) >= need and brss < prss)}")
    for cmd in ("runs", "inspect", "params"):
        ns = sorted(n for (c, n) in per if c == cmd)
        for a, b in zip(ns, ns[1:]):
            d = (per[(cmd, b)][0] - per[(cmd, a)][0]) / (b - a) * 1e3
            db = (per[(cmd, b)][1] - per[(cmd, a)][1]) / (b - a) * 1e3
            print(f"    per-run cost {cmd:7} {a}->{b}: ts {d:6.1f} us/run, bundle {db:6.1f} us/run (target <= 20)")
if pick("startup"):
    bare = [r["wall_ms"] for r in pick("startup", "bare")]
    mod = [r["wall_ms"] for r in pick("startup", "mod")]
    imp = [r["ms"][0] for r in pick("import", "ts")]
    print(f"(e) start-up: bare deno {med(bare):.0f} ms [{rng(bare)}], importing mod.ts {med(mod):.0f} ms [{rng(mod)}]:"
          f" +{med(mod)-med(bare):.0f} ms (in-process import {med(imp):.0f} ms) (target <= 15 ms) {met(med(mod)-med(bare) <= 15)}")
if pick("hash-limit"):
    h = pick("hash-limit")[0]
    limit = h["bytes"] / 1e9 / (min(h["ms"]) / 1e3)
    print(f"(f) one SHA-256 stream (node:crypto, in memory): {limit:.2f} GB/s")
    bare_rss = pick("rss-bare")[0]["rss_kb"] / 1024
    for f, target in (("big_1g", "multi-blob, target >= 1.8 GB/s"), ("big_single", "single blob, target >= 95% of one stream")):
        v = pick(f"verify:{f}")
        if not v:
            continue
        v = v[0]
        gbs = v["bytes"] / 1e9 / (med(v["ms"]) / 1e3)
        rss = pick(f"verify-rss:{f}")[0]["rss_kb"] / 1024
        ok = gbs >= 1.8 if f == "big_1g" else gbs >= 0.95 * limit
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
PYEOF
