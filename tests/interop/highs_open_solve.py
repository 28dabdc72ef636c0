#!/usr/bin/env python3
"""Record open Solves with the reference HiGHS adapter (ommx-highs-adapter 3.0.0b7) and save them
as a `.ommx` archive, for tests/interop/highs_python_import_test.ts, which records the same with
`run.openSolve(OMMXHighsAdapter, …)` and compares what the reference SDK reads of both.

Usage: highs_open_solve.py OUT.ommx

One Run, driven by hand as the reference documents `open_solve`:
  solve 0: the knapsack (optimum 42); mip_rel_gap = 0 set on the HiGHS model and logged as an
           adapter option; model.run(); HighsTerminationReport.from_model recorded; decode
  solve 1: an infeasible integer problem; model.run(); the report recorded; decode raises
           InfeasibleDetected (the scope records a failed Solve)
"""
from __future__ import annotations

import json
import os
import sys
import tempfile


def main() -> int:
    # highspy prints its banner on the process's stdout (fd 1) whatever log_to_console says:
    # keep fd 1 for the JSON line only.
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        solves = record(sys.argv[1])
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)
    print(json.dumps({"solves": solves}))
    return 0


def record(path: str) -> int:
    with tempfile.TemporaryDirectory() as registry:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = registry
        from ommx import DecisionVariable, Instance
        from ommx.adapter import InfeasibleDetected
        from ommx.experiment import Experiment
        from ommx_highs_adapter import HighsTerminationReport, OMMXHighsAdapter

        p = [10, 13, 18, 32, 7, 15]
        w = [11, 15, 20, 35, 10, 33]
        x = [DecisionVariable.binary(i) for i in range(6)]
        knapsack = Instance.from_components(
            decision_variables=x,
            objective=sum(pi * xi for pi, xi in zip(p, x)),
            constraints={0: sum(wi * xi for wi, xi in zip(w, x)) <= 47},
            sense=Instance.MAXIMIZE,
        )
        y = DecisionVariable.integer(0, lower=0, upper=3)
        infeasible = Instance.from_components(
            decision_variables=[y], objective=y, constraints={0: y >= 4}, sense=Instance.MAXIMIZE
        )

        exp = Experiment.with_temp_local_registry("example.com/interop/highs-open:v1", store_trace=True)
        with exp.run() as run:
            with run.open_solve(OMMXHighsAdapter, knapsack, store_diagnostics=True) as s:
                model = s.solver_input
                model.setOptionValue("mip_rel_gap", 0.0)
                s.log_adapter_option("mip_rel_gap", 0)
                model.run()
                s.diagnostics.record(HighsTerminationReport.from_model(model))
                s.decode(model)
            try:
                with run.open_solve(OMMXHighsAdapter, infeasible, store_diagnostics=True) as s:
                    model = s.solver_input
                    model.run()
                    s.diagnostics.record(HighsTerminationReport.from_model(model))
                    s.decode(model)
            except InfeasibleDetected:
                pass
        exp.commit()
        exp.save(path)
        return len(exp.runs[0].solves)


if __name__ == "__main__":
    sys.exit(main())
