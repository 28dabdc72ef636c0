"""v1 Solutions and SampleSets logged by TypeScript, as the reference SDK reads them.

Usage:
  v1_results.py make DIR
      Print the names of the files in DIR after writing v1 payloads made by the reference SDK into DIR: `py-*.instance.v1` with
      `py-*.solution.v1` / `py-*.sample-set.v1` (removed constraints, integer variables at
      fractional values, several samples), and, when DIR/random_lp.instance.v1 exists, a
      `random_lp.solution.v1` evaluating it at two states.
  v1_results.py read ARCHIVE DIR
      Import ARCHIVE with `Experiment.import_archive` (fresh temporary Local Registry). Every
      Solve / Sampling names its case in its adapter options (`{"case": NAME}`). Print, as JSON,
      for each case what the SDK reads from the logged output and input, and what it reads from
      the original v1 payloads DIR/NAME.{solution,sample-set,instance}.v1.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any


def num(x: float) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return {"$float": "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")}
    return x


def solution_view(s: Any) -> dict:
    atol = s.feasibility_atol
    return {
        "objective": num(s.objective),
        "feasible": s.feasible,
        "feasible_relaxed": s.feasible_relaxed,
        "feasible_unrelaxed": s.feasible_unrelaxed,
        "feasibility_atol": atol,
        "optimality": int(s.optimality),
        "relaxation": int(s.relaxation),
        "sense": None if s.sense is None else int(s.sense),
        "constraints": {
            str(i): [num(c.evaluated_value), c.is_feasible(atol=atol)]
            for i, c in sorted(s.constraints.items())
        },
        "variables": {
            str(v.id): [num(v.value), str(v.kind), num(v.lower_bound), num(v.upper_bound)]
            for v in s.decision_variables
        },
    }


def sample_set_view(ss: Any) -> dict:
    return {
        "sense": int(ss.sense),
        "feasibility_atol": ss.feasibility_atol,
        "objectives": {str(k): num(v) for k, v in sorted(ss.objectives.items())},
        "feasible": {str(k): v for k, v in sorted(ss.feasible.items())},
        "feasible_relaxed": {str(k): v for k, v in sorted(ss.feasible_relaxed.items())},
        "samples": {str(i): solution_view(ss.get(i)) for i in sorted(ss.sample_ids())},
    }


def instance_view(inst: Any, state: dict) -> dict:
    return {
        "sense": int(inst.sense),
        "variables": {
            str(v.id): [str(v.kind), num(v.bound.lower), num(v.bound.upper)]
            for v in inst.decision_variables
        },
        "constraints": sorted(inst.constraints),
        "removed_constraints": sorted(inst.removed_constraints),
        "objective_at_state": num(inst.evaluate(state).objective),
    }


def make(out: Path) -> list[str]:
    from ommx import DecisionVariable, Instance, Sense

    x = DecisionVariable.integer(1, lower=0, upper=5, name="x")
    y = DecisionVariable.continuous(2, lower=0, upper=10, name="y")
    z = DecisionVariable.binary(3, name="z")
    inst = Instance.from_components(
        sense=Sense.Minimize,
        objective=x + 2 * y + z,
        decision_variables=[x, y, z],
        constraints={1: x + y - 3 == 0, 2: x - 2 <= 0, 3: y - 1 <= 0, 4: z - x <= 0},
    )
    inst.relax_constraint(3, "interop", why="test")
    states = {
        "all-feasible": {1: 2, 2: 1, 3: 1},
        "removed-violated": {1: 1, 2: 2, 3: 1},
        "fractional-integer": {1: 2.5, 2: 0.5, 3: 0},
        "active-violated": {1: 0, 2: 3, 3: 1},
    }
    for name, state in states.items():
        (out / f"py-{name}.instance.v1").write_bytes(inst.to_v1_bytes())
        (out / f"py-{name}.solution.v1").write_bytes(inst.evaluate(state).to_v1_bytes())
    samples = inst.evaluate_samples({i: s for i, s in enumerate(states.values())})
    (out / "py-samples.instance.v1").write_bytes(inst.to_v1_bytes())
    (out / "py-samples.sample-set.v1").write_bytes(samples.to_v1_bytes())
    maximize = Instance.from_components(
        sense=Sense.Maximize,
        objective=x + y,
        decision_variables=[x, y],
        constraints={7: x + y - 4 <= 0},
    )
    (out / "py-samples-max.instance.v1").write_bytes(maximize.to_v1_bytes())
    (out / "py-samples-max.sample-set.v1").write_bytes(
        maximize.evaluate_samples({10: {1: 1, 2: 1}, 11: {1: 3, 2: 3}, 12: {1: 1, 2: 1}}).to_v1_bytes()
    )
    lp = out / "random_lp.instance.v1"
    if lp.exists():
        rl = Instance.from_v1_bytes(lp.read_bytes())
        for name, pick in (("lower", lambda v: v.bound.lower), ("upper", lambda v: v.bound.upper)):
            state = {v.id: (pick(v) if math.isfinite(pick(v)) else 0.0) for v in rl.decision_variables}
            (out / f"random_lp-{name}.instance.v1").write_bytes(lp.read_bytes())
            (out / f"random_lp-{name}.solution.v1").write_bytes(rl.evaluate(state).to_v1_bytes())
    return sorted(p.name for p in out.iterdir())


def read(archive: Path, cases: Path) -> dict:
    from ommx import Instance, SampleSet, Solution
    from ommx.experiment import Experiment

    exp = Experiment.import_archive(archive)
    out: dict = {}
    for run in exp.runs:
        for record, kind in [(s, "solution") for s in run.solves] + [
            (s, "sample-set") for s in run.samplings
        ]:
            options = record.adapter_options
            case = (json.loads(options) if isinstance(options, str) else options)["case"]
            original_input = Instance.from_v1_bytes((cases / f"{case}.instance.v1").read_bytes())
            payload = (cases / f"{case}.{kind}.v1").read_bytes()
            if kind == "solution":
                original = Solution.from_v1_bytes(payload)
                state = dict(original.state.entries)
                views = (solution_view(record.output), solution_view(original))
            else:
                original = SampleSet.from_v1_bytes(payload)
                first = min(original.sample_ids())
                state = dict(original.get(first).state.entries)
                views = (sample_set_view(record.output), sample_set_view(original))
            out[case] = {
                "kind": kind,
                "status": record.status,
                "logged": views[0],
                "original": views[1],
                "logged_input": instance_view(record.input, state),
                "original_input": instance_view(original_input, state),
            }
    return out


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        json.dump(make(Path(sys.argv[2])), sys.stdout)
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "read":
        with tempfile.TemporaryDirectory() as reg:
            os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
            json.dump(read(Path(sys.argv[2]), Path(sys.argv[3])), sys.stdout, allow_nan=False)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
