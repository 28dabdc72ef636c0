#!/usr/bin/env bash
# Run the same jobs through the reference Python SDK and through ommx-ts, on the same files, in
# the same run, and print the ratios (see BENCHMARKS.md).
#
#   bash bench/compare_python.sh            # all jobs; generates missing data in .cache/bench/
#   SAMPLES=9 bash bench/compare_python.sh  # more samples per job (default 7)
#
# Jobs: (a) open + list the 1000-run archive; (b) peak RSS while opening + listing the 2 GB
# archive, and open + list time of the 1 GB vs 2 GB archives; verify() GB/s of the 1 GB archive;
# (c) decode of the 4 MB QOBLIB instance and of two 10^6-entry SampleSets.
# Python and TS samples are interleaved so that load from other processes hits both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
DATA=.cache/bench
SAMPLES="${SAMPLES:-7}"
OUT="$DATA/compare-$(date +%Y%m%dT%H%M%S).jsonl"
mkdir -p "$DATA"

# Python benchmark commands run without the OpenBLAS tuning variables (they slow numpy here).
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$@"; }
ts() { deno run -A bench/compare_ts.ts "$@"; }
now_ms() { date +%s%3N; }

# ---- data ------------------------------------------------------------------------------------
[ -f "$DATA/many_runs.ommx" ] || py bench/gen_many_runs.py "$DATA/many_runs.ommx" 1000
[ -f "$DATA/big_1g.ommx" ] || py bench/gen_big.py "$DATA/big_1g.ommx" 1024 4
[ -f "$DATA/big_2g.ommx" ] || py bench/gen_big.py "$DATA/big_2g.ommx" 2048 4
[ -f "$DATA/sampleset_binary.v2.pb" ] || py bench/gen_sample_set.py "$DATA" 1000 1000
QOBLIB=../shared/fixtures/qoblib-labs/labs079__02_labs_models_quadratic_unconstrained.ommx
INSTANCE="$DATA/labs079.instance.v1.pb"
if [ ! -f "$INSTANCE" ]; then
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
cat "$DATA/many_runs.ommx" "$DATA/big_1g.ommx" >/dev/null
ts open-list "$DATA/many_runs.ommx" 1 >/dev/null

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
ts verify "$DATA/big_1g.ommx" 3 >>"$OUT"

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

# ---- summary -----------------------------------------------------------------------------------
"$PY" - "$OUT" <<'PYEOF'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = st.median
def pick(job, impl=None):
    return [r for r in rows if r["job"] == job and (impl is None or r["impl"] == impl)]
print(f"raw samples: {sys.argv[1]}")
py = [r["ms"][0] for r in pick("open-list", "python")]
pyw = [r["wall_ms"] for r in pick("open-list", "python")]
cold = [r["ms"][0] for r in pick("open-list-cold", "ts")]
coldw = [r["wall_ms"] for r in pick("open-list-cold", "ts")]
warm = pick("open-list-warm", "ts")[0]["ms"][1:]
r0 = pick("open-list", "python")[0]
print(f"(a) open+list {r0['runs']} runs / {r0['solves']} solves / params {r0['param_shape']} (target: TS >= 20x faster)")
print(f"    python import_archive+list  median {med(py):8.1f} ms  (process wall {med(pyw):.0f} ms)")
print(f"    ts cold (1st in a process)  median {med(cold):8.1f} ms  (process wall {med(coldw):.0f} ms)  -> {med(py)/med(cold):6.1f}x")
print(f"    ts warm (same process)      median {med(warm):8.1f} ms                         -> {med(py)/med(warm):6.1f}x")
print(f"    process wall (startup incl.)                                   -> {med(pyw)/med(coldw):6.1f}x")
for f in ("big_1g", "big_2g"):
    r = pick(f"open-list:{f}")[0]
    print(f"(b) ts open+list {f}: first {r['ms'][0]:.1f} ms, median of rest {med(r['ms'][1:]):.2f} ms (target: independent of blob bytes)")
for r in pick("rss"):
    print(f"(b) peak RSS {r['impl']:6} {r['what']:28} {r['kb']/1024:8.1f} MiB" + ("  (target < 100 MB)" if r["what"] == "open+list big_2g" else ""))
v = pick("verify")[0]
print(f"(b) ts verify() {v['bytes']/1e9:.2f} GB: median {med(v['ms']):.0f} ms = {v['bytes']/1e9/(med(v['ms'])/1e3):.2f} GB/s (target >= 1 GB/s; page cache warm)")
print("(c) decode (target: TS time per MB within 1.5x of Python)")
for job in sorted({r["job"] for r in rows if r["job"].startswith("decode:")}):
    for f in sorted({r["file"] for r in pick(job)}):
        p = [m for r in pick(job, "python") if r["file"] == f for m in r["ms"]]
        t = [m for r in pick(job, "ts") if r["file"] == f for m in r["ms"]]
        mb = next(r["bytes"] for r in pick(job) if r["file"] == f) / 1e6
        print(f"    {job[7:]:14} {f.split('/')[-1]:28} {mb:6.2f} MB  python {med(p):7.1f} ms ({mb/med(p)*1e3:6.1f} MB/s)"
              f"  ts {med(t):7.1f} ms ({mb/med(t)*1e3:6.1f} MB/s)  ts/python {med(t)/med(p):5.2f}")
PYEOF
