#!/usr/bin/env python3
"""Python side of bench/highs_compare.sh: the per-solve overhead of the reference HiGHS adapter.

Usage:
    python highs_overhead.py gen OUT N     # a knapsack of N binaries as ommx.v2 bytes (seeded)
    python highs_overhead.py run FILE ITERS

`run` decodes FILE once (not timed), then ITERS times does what `OMMXHighsAdapter.solve` does —
copy + `prepare` (the easy API's preparation), build the HiGHS model (`OMMXHighsAdapter(...)`,
the `convert` span), `model.run()` (the `call` span), `decode` (the `decode` span) — and reports
per call the overhead (everything but `model.run()`) and HiGHS's own time, after one warm-up
call. Prints one JSON line.
"""
from __future__ import annotations

import copy
import json
import os
import random
import sys
import time


def gen(out: str, n: int) -> None:
    from ommx import DecisionVariable, Instance, Linear, Sense

    rng = random.Random(20260913)
    weight = [rng.randint(1, 100) for _ in range(n)]
    profit = [rng.randint(1, 100) for _ in range(n)]
    x = [DecisionVariable.binary(i) for i in range(n)]
    # Capacity = total weight: every item fits, so HiGHS's own time stays small and the
    # measurement is about the adapter; the translation and decoding work is the same.
    objective = Linear(terms={i: float(p) for i, p in enumerate(profit)})
    capacity = Linear(terms={i: float(w) for i, w in enumerate(weight)}, constant=-float(sum(weight)))
    inst = Instance.from_components(
        decision_variables=x, objective=objective, constraints={0: capacity <= 0}, sense=Sense.Maximize
    )
    with open(out, "wb") as f:
        f.write(inst.to_v2_bytes())


def run(path: str, iters: int) -> None:
    from ommx import Instance
    from ommx_highs_adapter import OMMXHighsAdapter

    inst = Instance.from_v2_bytes(open(path, "rb").read())
    overhead, solver, convert, decode = [], [], [], []
    objective = None
    # highspy prints a banner on fd 1 for every model: keep fd 1 for the JSON line.
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        for i in range(iters + 1):
            t0 = time.perf_counter()
            prepared = copy.copy(inst)
            prepared.prepare(OMMXHighsAdapter.INPUT_CLASS, OMMXHighsAdapter.recommended_preparation_policy())
            adapter = OMMXHighsAdapter(prepared)
            model = adapter.solver_input
            t1 = time.perf_counter()
            model.run()
            t2 = time.perf_counter()
            solution = adapter.decode(model)
            t3 = time.perf_counter()
            objective = solution.objective
            if i > 0:
                overhead.append(((t1 - t0) + (t3 - t2)) * 1000)
                solver.append((t2 - t1) * 1000)
                convert.append((t1 - t0) * 1000)
                decode.append((t3 - t2) * 1000)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)
    print(json.dumps({"job": "highs-overhead", "impl": "python", "variables": len(inst.decision_variables),
                      "overhead_ms": overhead, "solver_ms": solver, "convert_ms": convert,
                      "decode_ms": decode, "objective": objective}))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    else:
        run(sys.argv[2], int(sys.argv[3]))
