#!/usr/bin/env python3
"""The reference HiGHS adapter (ommx-highs-adapter 3.0.0b7) for the differential tests of
adapters/highs (tests/interop/highs_differential_test.ts).

Usage:
    python highs_reference.py generate OUTDIR   # write <name>.instance (ommx.v2 bytes), built
                                                # with the reference SDK, and print their names
    python highs_reference.py solve DIR         # solve every DIR/*.instance with
                                                # OMMXHighsAdapter.solve; print one JSON object

`solve` prints `{name: outcome}`; an outcome is
  {"kind": "solution", "objective", "feasible", "optimality", "relaxation", "state": {id: value},
   "duals": {constraint id: value}}            (duals only where the reference sets them)
  {"kind": "error", "type": <exception class name>, "message": <text>}
Non-finite floats are spelled {"$float": "Infinity" | "-Infinity" | "NaN"}.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
from pathlib import Path

from ommx import Bound, DecisionVariable, Instance, Kind, OneHotConstraint
from ommx_highs_adapter import OMMXHighsAdapter

SEED = 20260913


def num(x: float):
    if isinstance(x, float) and not math.isfinite(x):
        return {"$float": "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")}
    return x


def knapsack(profit, weight, capacity):
    x = [DecisionVariable.binary(i) for i in range(len(profit))]
    return Instance.from_components(
        decision_variables=x,
        objective=sum(p * xi for p, xi in zip(profit, x)),
        constraints={0: sum(w * xi for w, xi in zip(weight, x)) <= capacity},
        sense=Instance.MAXIMIZE,
    )


def assignment(n: int, rng: random.Random):
    cost = [[rng.randint(1, 50) for _ in range(n)] for _ in range(n)]
    x = {(i, j): DecisionVariable.binary(i * n + j, name="x", subscripts=[i, j]) for i in range(n) for j in range(n)}
    constraints = {}
    for i in range(n):
        constraints[i] = sum(x[i, j] for j in range(n)) == 1
    for j in range(n):
        constraints[n + j] = sum(x[i, j] for i in range(n)) == 1
    return Instance.from_components(
        decision_variables=list(x.values()),
        objective=sum(cost[i][j] * x[i, j] for i in range(n) for j in range(n)),
        constraints=constraints,
        sense=Instance.MINIMIZE,
    )


def cases() -> dict[str, Instance]:
    rng = random.Random(SEED)
    out: dict[str, Instance] = {}
    p = [10, 13, 18, 32, 7, 15]
    w = [11, 15, 20, 35, 10, 33]
    out["knapsack-47"] = knapsack(p, w, 47)
    out["knapsack-30"] = knapsack(p, w, 30)
    profit = [rng.randint(1, 100) for _ in range(60)]
    weight = [rng.randint(1, 100) for _ in range(60)]
    out["knapsack-60-items"] = knapsack(profit, weight, sum(weight) // 3)
    out["assignment-6"] = assignment(6, rng)
    out["assignment-9"] = assignment(9, rng)

    x = DecisionVariable.integer(0, lower=0, upper=3)
    out["infeasible-integer"] = Instance.from_components(
        decision_variables=[x], objective=x, constraints={0: x >= 4}, sense=Instance.MAXIMIZE
    )
    c0 = DecisionVariable.continuous(0, lower=0)
    c1 = DecisionVariable.continuous(1, lower=0, upper=9)
    out["infeasible-lp"] = Instance.from_components(
        decision_variables=[c0, c1], objective=c0 + c1, constraints={0: c0 + c1 <= -1}, sense=Instance.MAXIMIZE
    )
    out["unbounded-lp"] = Instance.from_components(
        decision_variables=[c0, c1], objective=c0 + c1, constraints={0: c1 - c0 <= 1}, sense=Instance.MAXIMIZE
    )
    xi = DecisionVariable.integer(0, lower=0)
    out["unbounded-integer"] = Instance.from_components(
        decision_variables=[xi], objective=xi, constraints={}, sense=Instance.MAXIMIZE
    )

    a = DecisionVariable.continuous(0, lower=0, upper=10)
    b = DecisionVariable.continuous(1, lower=0, upper=10)
    out["continuous-lp"] = Instance.from_components(
        decision_variables=[a, b], objective=a + 2 * b, constraints={0: a + b >= 3}, sense=Instance.MINIMIZE
    )
    y = [DecisionVariable.continuous(i, lower=0, upper=1) for i in range(6)]
    out["lp-duals"] = Instance.from_components(
        decision_variables=y,
        objective=sum(pi * yi for pi, yi in zip(p, y)),
        constraints={0: sum(wi * yi for wi, yi in zip(w, y)) <= 47, 1: y[0] + y[1] <= 1.5, 2: y[2] - y[3] == 0},
        sense=Instance.MAXIMIZE,
    )
    bx = DecisionVariable.binary(0)
    iy = DecisionVariable.integer(1, lower=0, upper=10)
    out["docstring-example"] = Instance.from_components(
        decision_variables=[bx, iy], objective=2 * bx + 3 * iy, constraints={0: bx + iy <= 5}, sense=Instance.MAXIMIZE
    )
    m = [DecisionVariable.integer(i, lower=-5, upper=5) for i in range(3)] + [DecisionVariable.continuous(3, lower=-2.5, upper=7.25)]
    out["mixed-negative-bounds"] = Instance.from_components(
        decision_variables=m,
        objective=3 * m[0] - 2 * m[1] + m[2] - 0.5 * m[3] + 4,
        constraints={0: m[0] + m[1] + m[2] <= 2, 1: m[0] - m[3] >= -1.5, 2: 2 * m[1] + m[3] == 3},
        sense=Instance.MINIMIZE,
    )
    u = [DecisionVariable.binary(i) for i in range(3)] + [DecisionVariable.continuous(9, lower=-1, upper=2)]
    out["unused-variables"] = Instance.from_components(
        decision_variables=u, objective=u[0] + u[1], constraints={0: u[0] + u[1] <= 1}, sense=Instance.MAXIMIZE
    )
    out["constant-equality-infeasible"] = Instance.from_components(
        decision_variables=[a], objective=a, constraints={0: a - a + 1 == 0}, sense=Instance.MAXIMIZE
    )
    out["constant-constraints-skipped"] = Instance.from_components(
        decision_variables=[a, b], objective=a + b, constraints={0: a - a - 1 <= 0, 1: a + b <= 4}, sense=Instance.MAXIMIZE
    )
    q = [DecisionVariable.binary(i) for i in range(4)]
    out["qubo"] = Instance.from_components(
        decision_variables=q, objective=q[0] * q[1] - 2 * q[1] * q[2] + 3 * q[2] * q[3] - q[0] - q[3], constraints={}, sense=Instance.MINIMIZE
    )
    z = [DecisionVariable.integer(i, lower=0, upper=3) for i in range(3)]
    out["cubic"] = Instance.from_components(
        decision_variables=z, objective=z[0] * z[1] * z[2], constraints={}, sense=Instance.MINIMIZE
    )
    cc = [DecisionVariable.continuous(i, lower=-1, upper=1) for i in range(2)]
    out["quadratic-constraint"] = Instance.from_components(
        decision_variables=cc, objective=cc[0], constraints={0: cc[0] * cc[1] <= 0.5}, sense=Instance.MINIMIZE
    )
    # What ours solves and the reference refuses (documented differences).
    out["convex-qp"] = Instance.from_components(
        decision_variables=cc, objective=cc[0] * cc[0] + cc[1] * cc[1] - cc[0], constraints={}, sense=Instance.MINIMIZE
    )
    s = DecisionVariable.semi_continuous(0, lower=2, upper=5)
    out["semi-continuous"] = Instance.from_components(
        decision_variables=[s], objective=s, constraints={0: s <= 4.5}, sense=Instance.MAXIMIZE
    )
    # A binary fixed by its bound: the reference sends [0, 1] to HiGHS (documented difference).
    fixed = DecisionVariable(0, Kind.Binary, Bound(1, 1))
    free = DecisionVariable.binary(1)
    out["fixed-binary"] = Instance.from_components(
        decision_variables=[fixed, free], objective=-1 * fixed + free, constraints={}, sense=Instance.MAXIMIZE
    )
    # What the reference lowers (prepare) and ours refuses (documented difference).
    o = [DecisionVariable.binary(i) for i in range(3)]
    out["one-hot"] = Instance.from_components(
        decision_variables=o,
        objective=o[0] + 2 * o[1] + 3 * o[2],
        constraints={},
        one_hot_constraints={0: OneHotConstraint(variables=[0, 1, 2])},
        sense=Instance.MAXIMIZE,
    )
    return out


def outcome(instance: Instance) -> dict:
    try:
        solution = OMMXHighsAdapter.solve(instance)
    except Exception as e:  # noqa: BLE001 — the kind of failure is what is compared
        return {"kind": "error", "type": type(e).__name__, "message": str(e)}
    duals = {}
    for cid in solution.constraint_ids:
        d = solution.get_dual_variable(cid)
        if d is not None:
            duals[str(cid)] = num(d)
    return {
        "kind": "solution",
        "objective": num(solution.objective),
        "feasible": solution.feasible,
        "optimality": {0: "unspecified", 1: "optimal", 2: "not-optimal"}.get(int(solution.optimality), str(solution.optimality)),
        "relaxation": {0: "unspecified", 1: "lp-relaxed"}.get(int(solution.relaxation), str(solution.relaxation)),
        "state": {str(k): num(v) for k, v in sorted(solution.state.entries.items())},
        "duals": duals,
    }


def main() -> int:
    mode, directory = sys.argv[1], Path(sys.argv[2])
    if mode == "generate":
        directory.mkdir(parents=True, exist_ok=True)
        names = []
        for name, instance in cases().items():
            (directory / f"{name}.instance").write_bytes(instance.to_v2_bytes())
            names.append(name)
        print(json.dumps(names))
        return 0
    if mode == "solve":
        # highspy prints its banner on the process's stdout (fd 1) whatever log_to_console says:
        # keep fd 1 for the JSON report only.
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            report = {}
            for path in sorted(directory.glob("*.instance")):
                instance = Instance.from_v2_bytes(path.read_bytes())
                report[path.name[: -len(".instance")]] = outcome(instance)
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(devnull)
            os.close(saved)
        print(json.dumps(report, allow_nan=False, sort_keys=True))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
