#!/usr/bin/env python3
"""Import an Experiment recorded with the TypeScript HiGHS adapter into the reference SDK and
report what it reads, as JSON (tests/interop/highs_python_import_test.ts).

Usage: highs_import.py <archive.ommx>

The archive is imported with `Experiment.import_archive` into a fresh temporary Local Registry.
Diagnostics are read with the reference's own `ommx_highs_adapter.HighsDiagnosticsAnalyzer`.
Non-finite floats are spelled {"$float": "Infinity" | "-Infinity" | "NaN"}.
"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile


def num(x):
    if isinstance(x, float) and not math.isfinite(x):
        return {"$float": "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")}
    return x


def main() -> int:
    path = sys.argv[1]
    with tempfile.TemporaryDirectory() as registry:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = registry
        from ommx.experiment import Experiment
        from ommx_highs_adapter import HighsDiagnosticsAnalyzer

        exp = Experiment.import_archive(path)
        runs = []
        for run in exp.runs:
            solves = []
            for solve in run.solves:
                out = solve.output
                analyzer = HighsDiagnosticsAnalyzer(solve.diagnostics)
                solves.append({
                    "status": solve.status,
                    "adapter": solve.adapter,
                    "adapter_options": solve.adapter_options,
                    "input_variables": len(solve.input.decision_variables),
                    "output": None if out is None else {
                        "objective": num(out.objective),
                        "feasible": out.feasible,
                        "optimality": int(out.optimality),
                        "state": {str(k): num(v) for k, v in sorted(out.state.entries.items())},
                        "duals": {str(c): num(out.get_dual_variable(c)) for c in out.constraint_ids
                                  if out.get_dual_variable(c) is not None},
                    },
                    "termination_status": analyzer.termination_status,
                    "termination_objective_value": num(analyzer.termination_objective_value),
                    "termination_mip_node_count": analyzer.termination_mip_node_count,
                    "termination_result_keys": None if analyzer.termination_result is None else list(analyzer.termination_result),
                    "progress_records": len(analyzer.progress_history_records),
                    "progress_keys": [list(r) for r in analyzer.progress_history_records[:1]],
                    "diagnostics_types": sorted({type(v).__name__ for d in solve.diagnostics for v in d.values()}),
                })
            trace = run.trace
            runs.append({
                "run_id": run.run_id,
                "status": run.status,
                "reason": run.lifecycle_reason,
                "solves": solves,
                "trace": None if trace is None else sorted(s.name for s in trace.spans),
            })
        print(json.dumps({"status": exp.status, "runs": runs}, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
