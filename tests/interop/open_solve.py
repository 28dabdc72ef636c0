#!/usr/bin/env python3
"""Record one Run of OpenSolve scopes with the reference SDK and save it as a `.ommx` archive.

Usage: python open_solve.py OUT.ommx

The sequence (mirrored by tests/interop/open_solve_test.ts with `Run.openSolve`):
  solve 0: options {"time_limit": 1.5}; log_adapter_option threads=4, time_limit=3; decode(1)
  solve 1: store_diagnostics; one report; decode(0)
  solve 2: store_diagnostics; no report; decode(0)
  solve 3: store_diagnostics; one report; the body raises ValueError("ext failure")
  solve 4: the scope is left without decode
  solve 5: KeyboardInterrupt inside the scope
The Experiment stores traces and lives in a temporary Local Registry.
"""

from __future__ import annotations

import dataclasses
import json
import sys


@dataclasses.dataclass
class Report:
    phase: str
    value: int


def main() -> int:
    from ommx import DecisionVariable, Instance
    from ommx.adapter import SolverAdapter
    from ommx.experiment import Experiment

    class Toy(SolverAdapter):
        INPUT_CLASS = None  # open_solve never checks applicability

        def __init__(self, instance, **options):
            self.instance = instance
            self.options = options

        @classmethod
        def solve_without_preparation(cls, instance, *, diagnostics=None):
            raise NotImplementedError

        @property
        def solver_input(self):
            return {"model": "toy", "options": self.options}

        def decode(self, data):
            return self.instance.evaluate({0: data, 1: data})

    Toy.__module__ = "interop"
    Toy.__qualname__ = "Toy"
    x = [DecisionVariable.binary(i) for i in range(2)]
    instance = Instance.from_components(
        decision_variables=x,
        objective=x[0] + 2 * x[1],
        constraints={},
        sense=Instance.MAXIMIZE,
    )
    exp = Experiment.with_temp_local_registry("example.com/interop/open-solve:v1", store_trace=True)
    with exp.run() as run:
        with run.open_solve(Toy, instance, time_limit=1.5) as s:
            assert s.solver_input == {"model": "toy", "options": {"time_limit": 1.5}}
            s.log_adapter_option("threads", 4)
            s.log_adapter_option("time_limit", 3)
            s.decode(1)
        with run.open_solve(Toy, instance, store_diagnostics=True) as s:
            s.diagnostics.record(Report("a", 1))
            s.decode(0)
        with run.open_solve(Toy, instance, store_diagnostics=True) as s:
            s.decode(0)
        try:
            with run.open_solve(Toy, instance, store_diagnostics=True) as s:
                s.diagnostics.record(Report("b", 2))
                raise ValueError("ext failure")
        except ValueError:
            pass
        try:
            with run.open_solve(Toy, instance):
                pass
        except RuntimeError:
            pass
        try:
            with run.open_solve(Toy, instance):
                raise KeyboardInterrupt()
        except KeyboardInterrupt:
            pass
    exp.commit()
    exp.save(sys.argv[1])
    print(json.dumps({"solves": len(exp.runs[0].solves)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
