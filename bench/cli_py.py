#!/usr/bin/env python3
"""The Python SDK script that does what `ommx-ts runs|inspect|params` do (for `bench/compare_python.sh`).

Usage: python bench/cli_py.py runs|inspect|params ARCHIVE

A user of the reference SDK who wants the CLI's answer writes this: `Experiment.import_archive`
(into a fresh temporary Local Registry, removed afterwards), then
- runs:    per run id, status, lifecycle reason, parameters, solve/sampling counts and the best
           feasible objective over its finished Solves (each Solve's output Solution is decoded);
           printed as JSON.
- inspect: image name, status, annotations, attachments, run/solve/sampling counts by status; JSON.
- params:  `run_parameters_df().to_csv()`.
Timed by the caller as a whole process, like the CLI.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile


def counts(items) -> dict:
    out: dict = {}
    for x in items:
        out[x.status] = out.get(x.status, 0) + 1
    return out


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("runs", "inspect", "params"):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path = sys.argv[1], sys.argv[2]
    reg = tempfile.mkdtemp(prefix="ommx-bench-pyreg-")
    os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
    try:
        from ommx import Instance
        from ommx.experiment import Experiment

        exp = Experiment.import_archive(path)
        if cmd == "params":
            sys.stdout.write(exp.run_parameters_df().to_csv())
            return 0
        runs = exp.runs
        if cmd == "inspect":
            solves = [s for r in runs for s in r.solves]
            samplings = [s for r in runs for s in r.samplings]
            report = {
                "imageName": exp.image_name, "status": exp.status,
                "lifecycleReason": exp.lifecycle_reason, "annotations": exp.annotations,
                "attachments": [{"name": n, "mediaType": exp.attachment_media_type(n)}
                                for n in exp.attachment_names],
                "runs": {"count": len(runs), "byStatus": counts(runs)},
                "solves": {"count": len(solves), "byStatus": counts(solves)},
                "samplings": {"count": len(samplings), "byStatus": counts(samplings)},
            }
            print(json.dumps(report, indent=2))
            return 0
        df = exp.run_parameters_df()
        params = {rid: {k: v for k, v in row.items() if not (isinstance(v, float) and math.isnan(v))}
                  for rid, row in df.to_dict("index").items()}
        out = []
        for run in runs:
            best = None
            for s in run.solves:
                sol = s.output
                if s.status != "finished" or sol is None or not sol.feasible:
                    continue
                obj = sol.objective
                maximize = sol.sense == Instance.MAXIMIZE
                if best is None or (obj > best if maximize else obj < best):
                    best = obj
            out.append({
                "runId": run.run_id, "status": run.status, "lifecycleReason": run.lifecycle_reason,
                "parameters": params.get(run.run_id, {}), "solves": len(run.solves),
                "samplings": len(run.samplings), "attachments": run.attachment_names,
                "bestObjective": best,
            })
        print(json.dumps({"columns": list(df.columns), "runs": out}, indent=2, default=str))
        return 0
    finally:
        shutil.rmtree(reg, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
