#!/usr/bin/env python3
"""One sample of the writer benchmark, reference-SDK side (see bench/compare_python.sh, JOBS=writer/logfile).

Usage:
  python bench/writer_py.py writer N ROOT     # N runs into a fresh Local Registry at ROOT, then commit
  python bench/writer_py.py logfile FILE ROOT # one Experiment logging FILE (log_file), then commit

The same workload as bench/writer_ts.ts: `Experiment(...)` with autosave disabled in the Local
Registry at ROOT (OMMX_LOCAL_REGISTRY_ROOT); every run logs two parameters, a JSON attachment and
one Solve of its own small knapsack (distinct per run) by a fixed adapter (no solver time).
Prints one JSON line: seconds from the Experiment's creation to the end of commit (imports and
instance building excluded), blob count.
"""

from __future__ import annotations

import json
import os
import sys
import time

from _fixed_adapter import fixed_adapter


def main() -> int:
    job, arg, root = sys.argv[1], sys.argv[2], sys.argv[3]
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
    from ommx import DecisionVariable, Instance
    from ommx.experiment import AutosavePolicy, Experiment

    if job == "logfile":
        t0 = time.perf_counter()
        exp = Experiment("ghcr.io/ommx-ts/bench/logfile:py")
        exp.set_autosave_policy(AutosavePolicy.disabled())
        exp.log_file("big", arg)
        exp.commit()
        seconds = time.perf_counter() - t0
        print(json.dumps({"job": "logfile", "impl": "python", "seconds": seconds}))
        return 0

    n = int(arg)

    Fixed = fixed_adapter()

    def knapsack(i: int) -> Instance:
        k = 4 + i % 5
        p = [10 + (i * 7 + j * 13) % 31 for j in range(k)]
        w = [11 + (i * 5 + j * 17) % 29 for j in range(k)]
        x = [DecisionVariable.binary(j) for j in range(k)]
        return Instance.from_components(
            decision_variables=x,
            objective=sum(p[j] * x[j] for j in range(k)),
            constraints={0: sum(w[j] * x[j] for j in range(k)) <= 40 + i % 50},
            sense=Instance.MAXIMIZE,
        )

    instances = [knapsack(i) for i in range(n)]
    t0 = time.perf_counter()
    exp = Experiment(f"ghcr.io/ommx-ts/bench/writer:n{n}")
    exp.set_autosave_policy(AutosavePolicy.disabled())
    for i in range(n):
        with exp.run() as run:
            run.log_parameter("seed", i)
            run.log_parameter("solver", f"fixed-{i % 7}")
            run.log_json("config", {"i": i, "capacity": 40 + i % 50})
            run.log_solve(Fixed, instances[i])
    exp.commit()
    seconds = time.perf_counter() - t0
    blob_dir = os.path.join(root, "blobs", "sha256")
    blobs = len([e for e in os.listdir(blob_dir) if not e.startswith(".")])
    print(json.dumps({"job": "writer", "impl": "python", "n": n, "seconds": seconds, "blobs": blobs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
