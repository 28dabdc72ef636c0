#!/usr/bin/env bash
# Instance.evaluateSamples against the reference SDK's Instance.evaluate_samples on the same data,
# in one run: ROUNDS alternating pairs of fresh processes (Python, then TS), ITERS timed calls
# each after a warm-up, medians over all calls (see BENCHMARKS.md, "evaluateSamples").
#
#   bash bench/compare_evaluate_samples.sh                 # 1000 variables x 1000 samples
#   N_VARS=100 N_SAMPLES=10000 bash bench/compare_evaluate_samples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
N_VARS="${N_VARS:-1000}"
N_SAMPLES="${N_SAMPLES:-1000}"
ROUNDS="${ROUNDS:-5}"
ITERS="${ITERS:-5}"
DATA=".cache/bench/evaluate-samples-${N_VARS}x${N_SAMPLES}"
OUT=".cache/bench/evaluate-samples-$(date +%Y%m%dT%H%M%S).jsonl"
mkdir -p .cache/bench
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$@"; }
[ -f "$DATA/binary.samples.f64" ] || py bench/evaluate_samples_py.py gen "$DATA" "$N_VARS" "$N_SAMPLES"
deno cache bench/evaluate_samples_ts.ts >/dev/null
for kind in binary continuous; do
  for round in $(seq "$ROUNDS"); do
    py bench/evaluate_samples_py.py run "$DATA" "$kind" "$ITERS" >>"$OUT"
    deno run -A bench/evaluate_samples_ts.ts "$DATA" "$kind" "$ITERS" >>"$OUT"
  done
done
"$PY" - "$OUT" <<'PYEOF'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"raw samples: {sys.argv[1]}")
for kind in ("binary", "continuous"):
    p = [m for r in rows if r["impl"] == "python" and r["kind"] == kind for m in r["ms"]]
    t = [m for r in rows if r["impl"] == "ts" and r["kind"] == kind for m in r["ms"]]
    c = [r["cold"] for r in rows if r["impl"] == "ts" and r["kind"] == kind]
    fp = {r["feasible"] for r in rows if r["kind"] == kind}
    r0 = next(r for r in rows if r["kind"] == kind)
    print(f"evaluate_samples {kind:10} {r0['vars']} vars x {r0['samples']} samples: python median {st.median(p):7.1f} ms"
          f"  ts median {st.median(t):7.1f} ms (first call {st.median(c):6.1f} ms)"
          f"  ts/python {st.median(t)/st.median(p):5.2f} (first call {st.median(c)/st.median(p):4.2f})"
          f"  feasible samples agree: {len(fp) == 1}")
PYEOF
