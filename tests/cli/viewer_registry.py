#!/usr/bin/env python3
"""Experiments written by the REAL reference SDK into one Local Registry, for the viewer's registry
test (tests/cli/viewer_registry_test.ts). The registry root comes from OMMX_LOCAL_REGISTRY_ROOT.

    viewer_registry.py populate N    N Experiments example.com/viewer/py-NNN:v1 (2 runs of a HiGHS
                                     knapsack solve each, a `capacity` parameter; every 5th with a
                                     failed run), and example.com/viewer/sweep:highs, a capacity sweep
                                     30..70 solved by HiGHS with a `solver` parameter. Prints one JSON
                                     document: {"names": [...], "sweep": {"capacity": best, ...}}
"""

from __future__ import annotations

import json
import os
import sys
import warnings

warnings.simplefilter("ignore")


def knapsack(capacity: int):
    from ommx import DecisionVariable, Instance

    p = [10, 13, 18, 32, 7, 15]
    w = [11, 15, 20, 35, 10, 33]
    x = [DecisionVariable.binary(i) for i in range(6)]
    return Instance.from_components(
        decision_variables=x,
        objective=sum(p[i] * x[i] for i in range(6)),
        constraints={0: sum(w[i] * x[i] for i in range(6)) <= capacity},
        sense=Instance.MAXIMIZE,
    )


def populate(n: int) -> dict:
    from ommx.experiment import Experiment
    from ommx_highs_adapter import OMMXHighsAdapter

    names = []
    fd = os.dup(1)
    os.dup2(2, 1)  # HiGHS banners go to stderr; stdout is the JSON report
    try:
        for i in range(n):
            exp = Experiment(f"example.com/viewer/py-{i:03d}:v1")
            with exp:
                exp.set_annotation("org.example.writer", "python")
                for r in range(2):
                    with exp.run() as run:
                        run.log_parameter("capacity", 30 + 5 * r + i % 7)
                        run.log_solve(OMMXHighsAdapter, knapsack(30 + 5 * r + i % 7))
                if i % 5 == 0:
                    try:
                        with exp.run() as run:
                            run.log_parameter("capacity", 99)
                            raise RuntimeError("solver crashed")
                    except RuntimeError:
                        pass
            names.append(exp.image_name)
        sweep = {}
        exp = Experiment("example.com/viewer/sweep:highs")
        with exp:
            for capacity in range(30, 71, 10):
                with exp.run() as run:
                    run.log_parameter("capacity", capacity)
                    run.log_parameter("solver", "highs")
                    solution = run.log_solve(OMMXHighsAdapter, knapsack(capacity))
                    sweep[str(capacity)] = solution.objective
        names.append(exp.image_name)
    finally:
        os.dup2(fd, 1)
    return {"names": names, "sweep": sweep}


def main() -> None:
    cmd = sys.argv[1]
    if cmd == "populate":
        print(json.dumps(populate(int(sys.argv[2]))))
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
