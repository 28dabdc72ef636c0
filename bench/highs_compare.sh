#!/usr/bin/env bash
# Per-solve overhead of the HiGHS adapters (translation in + out, HiGHS's own time excluded):
# adapters/highs against the reference ommx-highs-adapter 3.0.0b7 on the same 10,000-variable
# knapsack, in the same run (see BENCHMARKS.md, "HiGHS adapter").
#
#   bash bench/highs_compare.sh            # ROUNDS=5 alternating Python/TS processes, 5 calls each
#   N=20000 ROUNDS=7 bash bench/highs_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
DATA=.cache/bench
N="${N:-10000}"
ROUNDS="${ROUNDS:-5}"
ITERS="${ITERS:-5}"
FILE="$DATA/knapsack_$N.instance.v2.pb"
OUT="$DATA/highs-$(date +%Y%m%dT%H%M%S).jsonl"
mkdir -p "$DATA"
py() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" "$@"; }
[ -f "$FILE" ] || py bench/highs_overhead.py gen "$FILE" "$N"

deno run -A bench/highs_overhead.ts "$FILE" 1 >/dev/null # warm Deno's module cache
for i in $(seq "$ROUNDS"); do
  py bench/highs_overhead.py run "$FILE" "$ITERS" >>"$OUT"
  deno run -A bench/highs_overhead.ts "$FILE" "$ITERS" >>"$OUT"
done
"$PY" - "$OUT" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = {}
for impl in ("python", "ts"):
    over = [x for r in rows if r["impl"] == impl for x in r["overhead_ms"]]
    solver = [x for r in rows if r["impl"] == impl for x in r["solver_ms"]]
    objs = {r["objective"] for r in rows if r["impl"] == impl}
    conv = [x for r in rows if r["impl"] == impl for x in r["convert_ms"]]
    dec = [x for r in rows if r["impl"] == impl for x in r["decode_ms"]]
    med[impl] = statistics.median(over)
    print(f"{impl:6s} overhead median {med[impl]:8.1f} ms (n={len(over)}, min {min(over):.1f}, max {max(over):.1f}); "
          f"convert {statistics.median(conv):.1f} ms, decode {statistics.median(dec):.1f} ms; "
          f"HiGHS median {statistics.median(solver):.1f} ms; objective {sorted(objs)}")
print(f"ts/python overhead ratio: {med['ts'] / med['python']:.3f}  (raw samples: {sys.argv[1]})")
PYEOF
