#!/usr/bin/env python3
"""One sample of the autosave benchmark, reference-SDK side (see bench/autosave_compare.ts).

Usage: python bench/autosave_py.py N ROOT

The same workload as bench/autosave_ts.ts, through `Experiment(...)` with its default
`AutosavePolicy.every_run_close()` in a fresh Local Registry at ROOT (OMMX_LOCAL_REGISTRY_ROOT).
Prints one JSON line: total seconds (imports excluded), seconds of the last 10% of the runs,
final registry blob bytes and count, index size.
"""

from __future__ import annotations

import json
import os
import sys
import time

from _fixed_adapter import fixed_adapter


def main() -> int:
    n, root = int(sys.argv[1]), sys.argv[2]
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
    from ommx import DecisionVariable, Instance
    from ommx.experiment import Experiment

    Fixed = fixed_adapter()

    def knapsack(capacity: int) -> Instance:
        p, w = [10, 13, 18, 32], [11, 15, 20, 35]
        x = [DecisionVariable.binary(i) for i in range(4)]
        return Instance.from_components(
            decision_variables=x,
            objective=sum(p[i] * x[i] for i in range(4)),
            constraints={0: sum(w[i] * x[i] for i in range(4)) <= capacity},
            sense=Instance.MAXIMIZE,
        )

    capacities = [20, 35, 47, 60]
    instances = [knapsack(c) for c in capacities]
    t0 = time.perf_counter()
    exp = Experiment(f"ghcr.io/ommx-ts/bench/autosave:n{n}")
    tail = 0.0
    for i in range(n):
        t = time.perf_counter()
        with exp.run() as run:
            run.log_parameter("seed", i)
            run.log_parameter("solver", f"fixed-{i % 7}")
            run.log_json("config", {"i": i, "capacity": capacities[i % 4]})
            run.log_solve(Fixed, instances[i % 4])
        if i >= n - -(-n // 10):
            tail += time.perf_counter() - t
    exp.commit()
    seconds = time.perf_counter() - t0
    blob_dir = os.path.join(root, "blobs", "sha256")
    names = [e for e in os.listdir(blob_dir) if not e.startswith(".")]
    size = sum(os.path.getsize(os.path.join(blob_dir, e)) for e in names)
    index = os.path.getsize(os.path.join(root, "index.sqlite3"))
    print(json.dumps({"n": n, "seconds": seconds, "tailSeconds": tail, "blobBytes": size,
                      "blobs": len(names), "indexBytes": index}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
