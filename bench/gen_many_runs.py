#!/usr/bin/env python3
"""Write an OMMX Experiment with many runs of realistic, distinct content, using the reference SDK.

Usage: python bench/gen_many_runs.py [OUT] [N_RUNS]   (defaults: .cache/bench/many_runs.ommx, 1000)

Run i solves its own random knapsack (seeded by i: 4–12 items, random profits, weights and
capacity, so every run's input Instance and output Solution are distinct payloads) with real HiGHS
(`Run.log_solve`); every second run solves a second, different knapsack with adapter options.
Parameters differ per run: `presolve` (bool), `seed` (int), `time_limit` (float), `solver` (str),
and `penalty` (float, only on every third run, so the table has missing cells). The local registry
used while writing is a fresh temporary directory (OMMX_LOCAL_REGISTRY_ROOT), removed afterwards;
autosave checkpoints are off (each would rewrite the growing config).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path


def knapsack(rng: random.Random):
    from ommx import DecisionVariable, Instance

    n = rng.randint(4, 12)
    p = [rng.randint(1, 100) for _ in range(n)]
    w = [rng.randint(1, 60) for _ in range(n)]
    cap = rng.randint(sum(w) // 4, sum(w) // 2)
    x = [DecisionVariable.binary(i) for i in range(n)]
    return Instance.from_components(
        decision_variables=x,
        objective=sum(p[i] * x[i] for i in range(n)),
        constraints={0: sum(w[i] * x[i] for i in range(n)) <= cap},
        sense=Instance.MAXIMIZE,
    )


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/bench/many_runs.ommx").resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ommx-bench-reg-", dir=out.parent) as reg:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
        from ommx.experiment import AutosavePolicy, Experiment
        from ommx_highs_adapter import OMMXHighsAdapter

        t0 = time.perf_counter()
        with Experiment(f"ghcr.io/ommx-ts/bench/many-runs:n{n}") as exp:
            # Without this every closed run checkpoints the whole (growing) config: O(n^2) bytes.
            exp.set_autosave_policy(AutosavePolicy.disabled())
            for i in range(n):
                rng = random.Random(i)
                with exp.run() as run:
                    run.log_parameter("presolve", i % 2 == 0)
                    run.log_parameter("seed", i)
                    run.log_parameter("time_limit", round(rng.uniform(0.1, 60.0), 3))
                    run.log_parameter("solver", f"highs-{rng.choice('abcdefg')}{i % 13}")
                    if i % 3 == 0:
                        run.log_parameter("penalty", rng.uniform(0, 10))
                    run.log_solve(OMMXHighsAdapter, knapsack(rng))
                    if i % 2 == 1:
                        run.log_solve(OMMXHighsAdapter, knapsack(rng), verbose=False)
        if out.exists():
            out.unlink()
        exp.save(out)
    print(f"{out}: {n} runs, {out.stat().st_size} bytes, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
