#!/usr/bin/env python3
"""Write generated SampleSets with 10^6 (sample, variable) entries for the decode benchmark.

Usage: python bench/gen_sample_set.py [OUTDIR] [N_VARS] [N_SAMPLES]   (defaults: .cache/bench, 1000, 1000)

Builds, with the reference SDK, an Instance of N_VARS variables (linear objective, one linear
constraint) and evaluates N_SAMPLES samples (`Instance.evaluate_samples`), then writes
`SampleSet.to_v2_bytes()` (the encoding the SDK stores today) for two variants:
  * sampleset_binary.v2.pb      binary variables, random 0/1 values (a sampler's output)
  * sampleset_continuous.v2.pb  continuous variables, random distinct floats (worst case)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def build(kind: str, n_vars: int, n_samples: int, seed: int) -> bytes:
    import numpy as np
    from ommx import DecisionVariable, Instance

    rng = np.random.default_rng(seed)
    if kind == "binary":
        xs = [DecisionVariable.binary(i) for i in range(n_vars)]
        vals = rng.integers(0, 2, size=(n_samples, n_vars)).astype(float)
    else:
        xs = [DecisionVariable.continuous(i, lower=-10, upper=10) for i in range(n_vars)]
        vals = rng.uniform(-10, 10, size=(n_samples, n_vars))
    coef = rng.uniform(-1, 1, size=n_vars)
    obj = sum(float(coef[i]) * xs[i] for i in range(n_vars))
    cons = {0: sum(xs[i] for i in range(n_vars)) <= n_vars // 2}
    inst = Instance.from_components(
        decision_variables=xs, objective=obj, constraints=cons, sense=Instance.MINIMIZE
    )
    samples = {s: {i: float(vals[s, i]) for i in range(n_vars)} for s in range(n_samples)}
    return inst.evaluate_samples(samples).to_v2_bytes()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/bench").resolve()
    n_vars = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    n_samples = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    out.mkdir(parents=True, exist_ok=True)
    for seed, kind in enumerate(("binary", "continuous")):
        t0 = time.perf_counter()
        data = build(kind, n_vars, n_samples, 20261126 + seed)
        path = out / f"sampleset_{kind}.v2.pb"
        path.write_bytes(data)
        print(f"{path}: {n_vars} x {n_samples}, {len(data)} bytes, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
