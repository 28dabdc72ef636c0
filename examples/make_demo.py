#!/usr/bin/env python3
"""Write examples/demo.ommx with the reference OMMX Python SDK (ommx 3.0.0b7).

A knapsack capacity sweep: eight traced runs, each logging its parameters and one
HiGHS solve; one run also samples a small QUBO with OpenJij, one run fails after its solve. Run with the pinned
interop virtualenv:

    .cache/venv/bin/python examples/make_demo.py examples/demo.ommx
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

# A fresh, temporary Local Registry: nothing is written to ~/.local.
os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = tempfile.mkdtemp(prefix="ommx-demo-registry-")

from ommx import DecisionVariable, Instance
from ommx.experiment import Experiment
from ommx_highs_adapter import OMMXHighsAdapter
from ommx_openjij_adapter import OMMXOpenJijSAAdapter

PROFIT = [10, 13, 18, 32, 7, 15, 21, 9]
WEIGHT = [11, 15, 20, 35, 10, 33, 24, 8]


def knapsack(capacity: int) -> Instance:
    x = [DecisionVariable.binary(i) for i in range(len(PROFIT))]
    inst = Instance.from_components(
        decision_variables=x,
        objective=sum(p * xi for p, xi in zip(PROFIT, x)),
        constraints={0: sum(w * xi for w, xi in zip(WEIGHT, x)) <= capacity},
        sense=Instance.MAXIMIZE,
    )
    inst.title = "knapsack"
    inst.add_user_annotation("capacity", str(capacity))
    return inst


def qubo() -> Instance:
    x = [DecisionVariable.binary(i) for i in range(4)]
    obj = x[0] * x[1] - 2 * x[1] * x[2] + 3 * x[2] * x[3] - x[0] - x[3]
    inst = Instance.from_components(decision_variables=x, objective=obj, constraints={}, sense=Instance.MINIMIZE)
    inst.title = "qubo"
    return inst


def main(out: Path) -> None:
    with Experiment("ghcr.io/ommx-ts/examples/knapsack-sweep:v1", store_trace=True) as exp:
        exp.set_annotation("org.example.description", "knapsack capacity sweep (ommx-ts demo)")
        exp.log_json("items", {"profit": PROFIT, "weight": WEIGHT})
        for i, capacity in enumerate([30, 45, 60, 75, 90, 105, 120]):
            with exp.run() as run:
                run.log_parameter("capacity", capacity)
                run.log_parameter("presolve", i % 2 == 0)
                run.log_parameter("time_limit", 0.5 + 0.25 * i)
                run.log_solve(OMMXHighsAdapter, knapsack(capacity))
                if capacity == 60:
                    run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=4, seed=7)
                    run.log_json("note", {"comment": "also sampled with OpenJij"})
        try:
            with exp.run() as run:
                run.log_parameter("capacity", 150)
                run.log_parameter("presolve", True)
                run.log_parameter("time_limit", 0.01)
                run.log_solve(OMMXHighsAdapter, knapsack(150))
                raise RuntimeError("time limit too small for the solver licence check")
        except RuntimeError:
            pass
    out.unlink(missing_ok=True)
    exp.save(out)
    shutil.rmtree(os.environ["OMMX_LOCAL_REGISTRY_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/demo.ommx"))
