#!/usr/bin/env python3
"""Python (reference SDK) side of `bench/compare_evaluate_samples.sh`; prints one JSON line.

Usage:
  python bench/evaluate_samples_py.py gen OUTDIR N_VARS N_SAMPLES
      Write the benchmark data (same seed every time): for KIND in binary, continuous,
      `<KIND>.instance.v2.pb` (N_VARS variables, random linear objective, one linear `<=`
      constraint over all variables, as bench/gen_sample_set.py) and `<KIND>.samples.f64`
      (N_SAMPLES x N_VARS little-endian float64, row-major; variable IDs 0..N_VARS-1, sample IDs
      0..N_SAMPLES-1).
  python bench/evaluate_samples_py.py run OUTDIR KIND ITERS
      Load the data, build the samples dict (not timed), call `Instance.evaluate_samples` once
      (warm-up) and ITERS more times; reports every timed call in ms.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def gen(out: Path, n_vars: int, n_samples: int) -> None:
    import numpy as np
    from ommx import DecisionVariable, Instance

    out.mkdir(parents=True, exist_ok=True)
    for seed, kind in enumerate(("binary", "continuous")):
        rng = np.random.default_rng(20261202 + seed)
        if kind == "binary":
            xs = [DecisionVariable.binary(i) for i in range(n_vars)]
            vals = rng.integers(0, 2, size=(n_samples, n_vars)).astype(float)
        else:
            xs = [DecisionVariable.continuous(i, lower=-10, upper=10) for i in range(n_vars)]
            vals = rng.uniform(-10, 10, size=(n_samples, n_vars))
        coef = rng.uniform(-1, 1, size=n_vars)
        obj = sum(float(coef[i]) * xs[i] for i in range(n_vars))
        inst = Instance.from_components(
            decision_variables=xs,
            objective=obj,
            constraints={0: sum(xs) <= n_vars // 2},
            sense=Instance.MINIMIZE,
        )
        (out / f"{kind}.instance.v2.pb").write_bytes(inst.to_v2_bytes())
        (out / f"{kind}.samples.f64").write_bytes(vals.astype("<f8").tobytes())


def run(out: Path, kind: str, iters: int) -> dict:
    import numpy as np
    from ommx import Instance

    inst = Instance.from_v2_bytes((out / f"{kind}.instance.v2.pb").read_bytes())
    n_vars = len(inst.decision_variables)
    vals = np.frombuffer((out / f"{kind}.samples.f64").read_bytes(), dtype="<f8").reshape(-1, n_vars)
    samples = {s: {i: float(vals[s, i]) for i in range(n_vars)} for s in range(vals.shape[0])}
    inst.evaluate_samples(samples)
    ms = []
    for _ in range(iters):
        t0 = time.perf_counter()
        ss = inst.evaluate_samples(samples)
        ms.append((time.perf_counter() - t0) * 1e3)
    feasible = len(ss.feasible_ids())
    return {"impl": "python", "kind": kind, "ms": ms, "samples": vals.shape[0], "vars": n_vars, "feasible": feasible}


def main() -> int:
    if sys.argv[1] == "gen":
        gen(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        print(json.dumps(run(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
