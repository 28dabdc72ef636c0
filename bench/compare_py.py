#!/usr/bin/env python3
"""Python (reference SDK) side of `bench/compare_python.sh`; prints one JSON line per job.

Usage:
  python bench/compare_py.py open-list ARCHIVE
      In THIS process (run it once per sample: the SDK reads OMMX_LOCAL_REGISTRY_ROOT once per
      process), with a fresh temporary local registry: `Experiment.import_archive(ARCHIVE)`, then
      every run's id/status, every solve's id/status/adapter/adapter_options, every sampling, and
      `run_parameters_df()`. Reports the wall time of that block (interpreter and module import
      excluded; `import_s` reports the latter).
  python bench/compare_py.py zstd ARCHIVE NAME ITERS
      `Experiment.import_archive(ARCHIVE)` once (fresh temporary local registry), then ITERS times
      `get_blob(NAME)` (zstd decode) and `get_json(NAME)` (decode + JSON parse); ms per call.
  python bench/compare_py.py decode KIND FILE ITERS
      KIND is instance-v1 | instance-v2 | sample-set-v1 | sample-set-v2: times
      `Instance.from_vN_bytes` / `SampleSet.from_vN_bytes` on FILE's bytes ITERS times (after one
      warm-up call) and reports every sample in ms.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time


def open_list(path: str) -> dict:
    reg = tempfile.mkdtemp(prefix="ommx-bench-pyreg-")
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
    try:
        t0 = time.perf_counter()
        from ommx.experiment import Experiment

        t1 = time.perf_counter()
        exp = Experiment.import_archive(path)
        n_solves = 0
        n_samplings = 0
        acc = 0
        for run in exp.runs:
            acc += run.run_id + len(run.status)
            for s in run.solves:
                acc += s.solve_id + len(s.status) + len(s.adapter) + len(s.adapter_options)
                n_solves += 1
            n_samplings += len(run.samplings)
        df = exp.run_parameters_df()
        t2 = time.perf_counter()
        return {
            "job": "open-list", "impl": "python", "ms": [(t2 - t1) * 1e3], "import_s": t1 - t0,
            "runs": len(exp.runs), "solves": n_solves, "samplings": n_samplings,
            "param_shape": list(df.shape), "check": acc,
        }
    finally:
        shutil.rmtree(reg, ignore_errors=True)


def decode(kind: str, file: str, iters: int) -> dict:
    from ommx import Instance, SampleSet

    cls = {"instance": Instance, "sample-set": SampleSet}[kind.rsplit("-", 1)[0]]
    fn = getattr(cls, f"from_{kind.rsplit('-', 1)[1]}_bytes")
    with open(file, "rb") as f:
        data = f.read()
    fn(data)  # warm-up
    ms = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn(data)
        ms.append((time.perf_counter() - t0) * 1e3)
    return {"job": f"decode:{kind}", "impl": "python", "bytes": len(data), "ms": ms}


def zstd(path: str, name: str, iters: int) -> dict:
    reg = tempfile.mkdtemp(prefix="ommx-bench-pyreg-")
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
    try:
        from ommx.experiment import Experiment

        exp = Experiment.import_archive(path)
        blob_ms, json_ms, n = [], [], 0
        for _ in range(iters):
            t0 = time.perf_counter()
            n = len(exp.get_blob(name))
            t1 = time.perf_counter()
            exp.get_json(name)
            t2 = time.perf_counter()
            blob_ms.append((t1 - t0) * 1e3)
            json_ms.append((t2 - t1) * 1e3)
        return {"job": "zstd", "impl": "python", "bytes": n, "blob_ms": blob_ms, "json_ms": json_ms}
    finally:
        shutil.rmtree(reg, ignore_errors=True)


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["open-list"] and len(args) == 2:
        out = open_list(args[1])
    elif args[:1] == ["zstd"] and len(args) == 4:
        out = zstd(args[1], args[2], int(args[3]))
    elif args[:1] == ["decode"] and len(args) == 4:
        out = decode(args[1], args[2], int(args[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
