"""The solver adapter the Python writer benchmarks log Solves with (bench/writer_py.py,
bench/autosave_py.py): no solver time, the answer "item 0 only" evaluated on the instance, so
what is measured is the SDK's recording. Its twin on the TypeScript side is the `bench.Fixed`
adapter of bench/writer_ts.ts and bench/autosave_ts.ts.
"""

from __future__ import annotations


def fixed_adapter():
    """The `bench.Fixed` adapter class. Import ommx only after OMMX_LOCAL_REGISTRY_ROOT is set:
    this function imports it on its first call."""
    from ommx.adapter import SolverAdapter

    class Fixed(SolverAdapter):
        INPUT_CLASS = None  # solve() is overridden: no preparation, no applicability check

        @classmethod
        def solve(cls, instance, *, diagnostics=None):
            n = len(instance.decision_variables)
            return instance.evaluate({i: 1 if i == 0 else 0 for i in range(n)})

        @classmethod
        def solve_without_preparation(cls, instance, *, diagnostics=None):
            return cls.solve(instance)

        @property
        def solver_input(self):
            return None

        def decode(self, data):
            raise NotImplementedError

    Fixed.__module__, Fixed.__qualname__ = "bench", "Fixed"
    return Fixed
