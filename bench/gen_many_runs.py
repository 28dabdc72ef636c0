#!/usr/bin/env python3
"""Write `.cache/bench/many_runs.ommx`: an OMMX Experiment with many runs, using the reference SDK.

Usage: python bench/gen_many_runs.py [OUT] [N_RUNS]   (defaults: .cache/bench/many_runs.ommx, 1000)

Every run logs four parameters (bool, int, float, str) and one or two real HiGHS solves of a
tiny knapsack (`Run.log_solve`). The local registry used while writing is a fresh temporary
directory (OMMX_LOCAL_REGISTRY_ROOT), removed afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def knapsack(capacity: int):
    from ommx import DecisionVariable, Instance

    p = [10, 13, 18, 32]
    w = [11, 15, 20, 35]
    x = [DecisionVariable.binary(i) for i in range(4)]
    return Instance.from_components(
        decision_variables=x,
        objective=sum(p[i] * x[i] for i in range(4)),
        constraints={0: sum(w[i] * x[i] for i in range(4)) <= capacity},
        sense=Instance.MAXIMIZE,
    )


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/bench/many_runs.ommx").resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ommx-bench-reg-") as reg:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
        from ommx.experiment import Experiment
        from ommx_highs_adapter import OMMXHighsAdapter

        t0 = time.perf_counter()
        inst = [knapsack(c) for c in (20, 35, 47, 60)]
        with Experiment(f"ghcr.io/ommx-ts/bench/many-runs:n{n}") as exp:
            for i in range(n):
                with exp.run() as run:
                    run.log_parameter("presolve", i % 2 == 0)
                    run.log_parameter("seed", i)
                    run.log_parameter("time_limit", 0.5 + i / 100)
                    run.log_parameter("solver", f"highs-{i % 7}")
                    run.log_solve(OMMXHighsAdapter, inst[i % 4])
                    if i % 2 == 1:
                        run.log_solve(OMMXHighsAdapter, inst[(i + 1) % 4], verbose=False)
        if out.exists():
            out.unlink()
        exp.save(out)
    print(f"{out}: {n} runs, {out.stat().st_size} bytes, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
