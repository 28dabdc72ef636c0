#!/usr/bin/env bash
# Run the same jobs through the reference Python SDK and through ommx-ts, on the same files, in
# the same run, and print the ratios (see BENCHMARKS.md).
#
#   bash bench/compare_python.sh            # all jobs; generates missing data in .cache/bench/
#   SAMPLES=9 bash bench/compare_python.sh  # more samples per job (default 7)
#   JOBS="cli verify" bash bench/compare_python.sh   # only some sections (open decode cli import
#                                                    # verify zstd writer logfile; default all)
#   JOBS="writer logfile" WRITER_RUNS="1000 5000" ...  # the writer: runs into a Local Registry, and a
#                                                    # 500 MB logFile (WRITER_SAMPLES, default 5;
#                                                    # WRITER_SETTLE: seconds the disk rests after
#                                                    # the roots are removed, default 10)
#   CLI_RUNS="1000 5000" BIG_SAMPLES=1 ...           # archive sizes of the cli section; samples at
#                                                    # 20,000 runs (default 3)
#   CLI_CMDS="runs" CLI_IMPLS="python-tmpfs ts" ...  # commands and implementations of the cli section
#
# Jobs: (a) open + list the 1000-run archive; (b) peak RSS while opening + listing the 2 GB
# archive, and open + list time of the 1 GB vs 2 GB archives; verify() GB/s of the 1 GB archive;
# (c) decode of the 4 MB QOBLIB instance and of two 10^6-entry SampleSets; (d) the CLI commands
# `runs --json`, `inspect --json`, `params --csv` (source and bundled) against the Python script
# doing the same (bench/cli_py.py), whole processes, wall time and peak RSS, at 1,000 / 5,000 /
# 20,000 runs; (e) the start-up cost of importing the package entry (the generated bundle) and of
# mod.ts (the source graph); (f) verify() of a multi-blob and a single-blob archive against one
# SHA-256 stream's limit, with peak RSS; (g) zstd decode and JSON parse of a 20 MB JSON attachment;
# (h) the writer: N runs (parameters, a JSON attachment, one Solve of a distinct knapsack) into a
# fresh Local Registry on disk, autosave off, then commit (bench/writer_py.py, bench/writer_ts.ts:
# the package entry, as a user's script imports it), and one 500 MB logFile + commit; whole
# processes, wall time and peak RSS.
# Python and TS samples are interleaved so that load from other processes hits both alike.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(bash tests/interop/setup_venv.sh | tail -n 1)"
DATA=.cache/bench
SAMPLES="${SAMPLES:-7}"
JOBS="${JOBS:-open decode cli import verify zstd writer logfile}"
WRITER_RUNS="${WRITER_RUNS:-1000 5000}"
WRITER_SAMPLES="${WRITER_SAMPLES:-5}"
CLI_RUNS="${CLI_RUNS:-1000 5000 20000}"
# Which CLI commands the cli section runs (default all three).
CLI_CMDS="${CLI_CMDS:-runs inspect params}"
# python: the SDK's Local Registry on disk (as users have it); python-tmpfs: on /dev/shm (no disk
# cost: the lower bound of the Python time); ts: the source CLI; ts-bundle: `deno task bundle`.
CLI_IMPLS="${CLI_IMPLS:-python python-tmpfs ts ts-bundle}"
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
if want logfile; then
  [ -f "$DATA/logfile_500m.bin" ] || head -c 524288000 /dev/urandom >"$DATA/logfile_500m.bin"
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

# One whole process: wall ms (date), peak RSS KiB and exit code (/usr/bin/time), as a JSON fragment.
timed() {
  local t0 t1 out
  t0=$(date +%s%N)
  out=$(/usr/bin/time -f "%M %x" "$@" 2>&1 >/dev/null | tail -n 1)
  t1=$(date +%s%N)
  echo "\"wall_ms\": $(((t1 - t0) / 1000000)), \"rss_kb\": ${out% *}, \"exit\": ${out#* }"
}

if want cli; then
# ---- (d) CLI commands, whole processes -----------------------------------------------------------
echo "(d) CLI runs/inspect/params vs the Python script" >&2
deno task bundle >/dev/null 2>&1
for n in $CLI_RUNS; do
  f="$DATA/many_runs_$n.ommx"; [ "$n" = 1000 ] && f="$DATA/many_runs.ommx"
  [ -f "$f" ] || continue
  k=$SAMPLES; [ "$n" -ge 5000 ] && k=$(( SAMPLES < 5 ? SAMPLES : 5 )); [ "$n" -ge 20000 ] && k=${BIG_SAMPLES:-3}
  for cmd in $CLI_CMDS; do
    flag=--json; [ "$cmd" = params ] && flag=--csv
    for i in $(seq "$k"); do
      for impl in $CLI_IMPLS; do
        case $impl in
          python) run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/cli_py.py "$cmd" "$f") ;;
          python-tmpfs) run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE TMPDIR=/dev/shm "$PY" bench/cli_py.py "$cmd" "$f") ;;
          ts) run=(deno run -A cli/main.ts "$cmd" "$f" "$flag") ;;
          ts-bundle) run=(deno run -A dist/ommx-ts.js "$cmd" "$f" "$flag") ;;
        esac
        echo "{\"job\":\"cli\",\"cmd\":\"$cmd\",\"runs\":$n,\"impl\":\"$impl\",$(timed "${run[@]}")}" >>"$OUT"
      done
    done
  done
done
fi

if want import; then
# ---- (e) start-up: bare Deno vs importing the package entry (the bundle) vs mod.ts ---------------
echo "(e) import cost" >&2
for i in $(seq $((SAMPLES * 2))); do
  echo "{\"job\":\"startup\",\"impl\":\"bare\",$(timed deno run -A bench/_empty.ts)}" >>"$OUT"
  echo "{\"job\":\"startup\",\"impl\":\"entry\",$(timed deno run -A bench/_import_entry.ts)}" >>"$OUT"
  echo "{\"job\":\"startup\",\"impl\":\"mod\",$(timed deno run -A bench/_import_mod.ts)}" >>"$OUT"
  ts import >>"$OUT"
done
fi

if want verify; then
# ---- (f) verify: multi-blob and single-blob archives ------------------------------------------
echo "(f) verify" >&2
ts hash-limit 512 3 >>"$OUT"
# The single blob alternates with one in-memory SHA-256 stream of 512 MiB in the same process.
for f in big_1g big_single; do
  ts verify "$DATA/$f.ommx" "$SAMPLES" $([ "$f" = big_single ] && echo 512) | sed "s/\"job\":\"verify\"/\"job\":\"verify:$f\"/" >>"$OUT"
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
if want writer || want logfile; then
# ---- (h) writer: runs into a Local Registry, and a 500 MB logFile ----------------------------
echo "(h) writer" >&2
# One sample in a fresh registry root on the same disk as the data (not tmpfs), removed later.
writer_sample() {
  local impl=$1 job=$2 arg=$3 root run
  root=$(mktemp -d -p "$DATA" writer-root.XXXXXX)
  case $impl in
    python) run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/writer_py.py "$job" "$arg" "$root") ;;
    ts) run=(deno run -A bench/writer_ts.ts "$job" "$arg" "$root") ;;
  esac
  echo "{\"job\":\"$job\",\"impl\":\"$impl\",\"arg\":\"$arg\",\"uptime\":\"$(uptime | sed 's/.*load average: //')\",$(timed "${run[@]}")}" >>"$OUT"
  if [ "$job" = writer ]; then WRITER_ROOTS+=("$root"); else ROOTS+=("$root"); fi
}
# The writer's roots are kept until the end of the script, and only the disk is left to settle
# between rows (`sync`, WRITER_SETTLE seconds). This ext4 has no journal, and for 60-360 s after
# thousands of files are deleted every new file's inode search walks past the freed inodes, on the
# creating thread's CPU: a 1,000-run write right after the removal of a row's roots took 2.4-3.4 s
# instead of 1.2-1.3 s (Python) and 1.5 instead of 0.65 s (ommx-ts), so every row after the first
# measured the removal before it (BENCHMARKS.md, ninth session, branch i13wt). A 500 MB logFile
# root holds a handful of files: those are removed before each logFile sample, as before.
ROOTS=()
WRITER_ROOTS=()
settle_roots() {
  [ "${#ROOTS[@]}" -eq 0 ] || rm -rf "${ROOTS[@]}"
  ROOTS=()
  sync
  sleep "${WRITER_SETTLE:-10}"
}
remove_writer_roots() {
  [ "${#WRITER_ROOTS[@]}" -eq 0 ] || rm -rf "${WRITER_ROOTS[@]}"
  WRITER_ROOTS=()
}
trap remove_writer_roots EXIT
if want writer; then
  for n in $WRITER_RUNS; do
    for i in $(seq "$WRITER_SAMPLES"); do
      writer_sample python writer "$n"
      writer_sample ts writer "$n"
    done
    settle_roots
  done
fi
# Each 500 MB sample starts on a settled disk (the virtual disk is still flushing the previous
# sample's half gigabyte for seconds after its fsync returned: a sample right after the other
# side's took up to 5x as long), and the side that goes first alternates.
if want logfile; then
  for i in $(seq "$WRITER_SAMPLES"); do
    if ((i % 2)); then order=(python ts); else order=(ts python); fi
    for impl in "${order[@]}"; do
      settle_roots
      cat "$DATA/logfile_500m.bin" >/dev/null
      writer_sample "$impl" logfile "$DATA/logfile_500m.bin"
    done
  done
  settle_roots
fi
fi
echo "{\"job\":\"load\",\"when\":\"end\",\"uptime\":\"$(uptime)\"}" >>"$OUT"

# ---- summary -----------------------------------------------------------------------------------
"$PY" bench/compare_summary.py "$OUT"
