"""Print, as JSON, what the reference SDK reads from each ../shared/fixtures archive.

Usage: read_shared_fixtures.py ARCHIVE...   (uses a temporary Local Registry)
"""
import json
import math
import os
import sys
import tempfile


def num(x):
    if isinstance(x, float) and not math.isfinite(x):
        return {"$float": "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")}
    return x


def main() -> None:
    with tempfile.TemporaryDirectory() as root:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = root
        from ommx.artifact import Artifact  # imported after the registry root is set

        out = {}
        for path in sys.argv[1:]:
            art = Artifact.import_archive(path)
            inst = art.instance
            entry = {
                "annotations": dict(art.annotations),
                "layers": [
                    {
                        "media_type": d.media_type,
                        "digest": d.digest,
                        "size": d.size,
                        "annotations": dict(d.annotations),
                    }
                    for d in art.layers
                ],
                "instance": {
                    "num_variables": len(inst.decision_variables),
                    "num_constraints": len(inst.constraints),
                    "variable_ids": sorted(v.id for v in inst.decision_variables),
                    "constraint_ids": sorted(inst.constraints.keys()),
                    "sense": "maximize" if "ax" in str(inst.sense) else "minimize",
                    "annotations": dict(inst.annotations),
                },
            }
            try:
                sol = art.solution
            except Exception:  # noqa: BLE001 - the fixture has no solution layer
                sol = None
            if sol is not None:
                entry["solution"] = {
                    "objective": num(sol.objective),
                    "feasible": sol.feasible,
                    "state": {str(k): num(v) for k, v in dict(sol.state.entries).items()},
                    "annotations": dict(sol.annotations),
                }
            out[os.path.basename(path)] = entry
        json.dump(out, sys.stdout, allow_nan=False, sort_keys=True)


if __name__ == "__main__":
    main()
