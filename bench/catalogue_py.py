#!/usr/bin/env python3
"""The Local Registry catalogue benchmark, Python side (see bench/compare_catalogue.sh).

    catalogue_py.py gen ROOT N     fill ROOT with N Experiments (4 runs, 2 parameters and one
                                   HiGHS solve each, every 10th also a failed run) and 50 artifacts
    catalogue_py.py list ROOT      time list_experiments() in this process; print {"ms", "count"}
    catalogue_py.py gc ROOT        time gc() (dry run) in this process; print {"ms", "count"}
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")


def gen(root: str, n: int) -> None:
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
    from ommx import DecisionVariable, Instance
    from ommx.artifact import ArtifactDraft
    from ommx.experiment import Experiment
    from ommx_highs_adapter import OMMXHighsAdapter

    def knapsack(capacity: int) -> Instance:
        p = [10, 13, 18, 32, 7, 15]
        w = [11, 15, 20, 35, 10, 33]
        x = [DecisionVariable.binary(i) for i in range(6)]
        return Instance.from_components(
            decision_variables=x,
            objective=sum(p[i] * x[i] for i in range(6)),
            constraints={0: sum(w[i] * x[i] for i in range(6)) <= capacity},
            sense=Instance.MAXIMIZE,
        )

    instances = [knapsack(c) for c in (30, 40, 47, 60)]
    fd = os.dup(1)
    os.dup2(2, 1)  # HiGHS banners
    try:
        for i in range(n):
            with Experiment(f"example.com/bench/project-{i % 10}/exp:{i}") as exp:
                exp.set_annotation("org.example.index", str(i))
                for r, inst in enumerate(instances):
                    with exp.run() as run:
                        run.log_parameter("capacity", 30 + 10 * r)
                        run.log_parameter("seed", i)
                        run.log_solve(OMMXHighsAdapter, inst)
                if i % 10 == 0:
                    try:
                        with exp.run() as run:
                            raise RuntimeError("solver crashed")
                    except RuntimeError:
                        pass
        for i in range(50):
            draft = ArtifactDraft.new(f"example.com/bench/data:{i}")
            draft.add_json({"i": i})
            draft.commit()
    finally:
        os.dup2(fd, 1)
        os.close(fd)


def list_(root: str) -> None:
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
    from ommx.experiment import list_experiments

    t0 = time.perf_counter()
    refs = list_experiments()
    ms = (time.perf_counter() - t0) * 1000
    json.dump({"ms": ms, "count": len(refs), "runs": sum(r.run_count for r in refs)}, sys.stdout)


def gc_(root: str) -> None:
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
    import ommx.artifact as artifact

    t0 = time.perf_counter()
    report = artifact.gc()
    ms = (time.perf_counter() - t0) * 1000
    json.dump({"ms": ms, "count": len(report.reachable_blobs), "runs": len(report.roots)}, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "gc":
        gc_(sys.argv[2])
    else:
        list_(sys.argv[2])
