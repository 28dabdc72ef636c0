#!/usr/bin/env bash
# The Local Registry as a catalogue: `list_experiments()` (Python SDK) vs `listExperiments()`
# (ommx-ts) on one registry of N Experiments, in the same run, samples interleaved (py, ts, py, …),
# medians of the in-process listing time (interpreter/runtime start-up excluded) and of the whole
# process (start-up included). See BENCHMARKS.md.
#
#   bash bench/compare_catalogue.sh           # N=500; generates .cache/bench/registry-500 once
#   N=100 SAMPLES=9 bash bench/compare_catalogue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
N="${N:-500}"
SAMPLES="${SAMPLES:-7}"
ROOT=".cache/bench/registry-$N"
if [ ! -f "$ROOT/index.sqlite3" ]; then
  echo "generating $N Experiments into $ROOT (once)…" >&2
  mkdir -p "$ROOT"
  "$PY" bench/catalogue_py.py gen "$ROOT" "$N"
fi
now_ms() { date +%s%3N; }
deno cache bench/catalogue_ts.ts >/dev/null 2>&1 || true
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
for job in list gc; do
  py_in=(); ts_in=(); py_all=(); ts_all=()
  for i in $(seq "$SAMPLES"); do
    t=$(now_ms); out=$("$PY" bench/catalogue_py.py "$job" "$ROOT"); py_all+=($(( $(now_ms) - t )))
    py_in+=("$(echo "$out" | field 'round(d["ms"], 1)')"); pc=$(echo "$out" | field 'd["count"], d["runs"]')
    t=$(now_ms); out=$(deno run -A bench/catalogue_ts.ts "$job" "$ROOT"); ts_all+=($(( $(now_ms) - t )))
    ts_in+=("$(echo "$out" | field 'round(d["ms"], 1)')"); tc=$(echo "$out" | field 'd["count"], d["runs"]')
    [ "$pc" = "$tc" ] || { echo "$job differs: python $pc, ts $tc" >&2; exit 1; }
  done
  echo "$job on $ROOT ($pc): in-process ms python $(median "${py_in[@]}"), ts $(median "${ts_in[@]}");" \
    "whole process ms python $(median "${py_all[@]}"), ts $(median "${ts_all[@]}")" \
    "   samples py=[${py_in[*]}] ts=[${ts_in[*]}]"
done
