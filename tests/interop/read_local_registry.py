#!/usr/bin/env python3
"""Read Experiments from an OMMX Local Registry with the REAL reference SDK, and report them.

Usage:
    OMMX_LOCAL_REGISTRY_ROOT=<dir> python read_local_registry.py [--commit NAME] IMAGE...

With `--commit NAME`, first commits a small Experiment of the SDK's own under NAME (to show the
SDK still writes into the registry). Then, for every IMAGE, `Experiment.load(IMAGE)`. Prints one
JSON document on stdout:

    {"root": ..., "artifacts": [[IMAGE, DIGEST]...], "experiments_listed": [[IMAGE, DIGEST]...],
     "experiments": {IMAGE: {"status", "attachments": {NAME: {"media_type", "sha256", "json"?}},
                             "runs": [{"run_id", "status", "parameters": {P: V},
                                       "attachments": {...}}]}}}

Attachment hashes are over the decompressed bytes (`get_blob`); `json` is `get_json` for
`application/json` attachments, with non-finite floats spelled "NaN", "Infinity", "-Infinity" (so
the output is strict JSON). Parameters come from `run_parameters_df()` (missing cells dropped, the
same spelling for non-finite floats).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys

import ommx.artifact as artifact
import pandas as pd
from ommx.experiment import Experiment, list_experiments


def strict(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, list):
        return [strict(v) for v in value]
    if isinstance(value, dict):
        return {k: strict(v) for k, v in value.items()}
    return value


def attachments(owner) -> dict:
    out = {}
    for name in owner.attachment_names:
        media_type = owner.attachment_media_type(name)
        entry = {"media_type": media_type, "sha256": hashlib.sha256(owner.get_blob(name)).hexdigest()}
        if media_type == "application/json":
            entry["json"] = strict(owner.get_json(name))
        out[name] = entry
    return out


def cell(value):
    if value is None or pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return strict(value)


def describe(exp: Experiment) -> dict:
    df = exp.run_parameters_df()
    runs = []
    for r in exp.runs:
        params = {}
        if r.run_id in df.index:
            for column in df.columns:
                v = cell(df.loc[r.run_id, column])
                if v is not None:
                    params[str(column)] = v
        runs.append(
            {
                "run_id": r.run_id,
                "status": str(r.status),
                "parameters": params,
                "attachments": attachments(r),
            }
        )
    return {"status": str(exp.status), "attachments": attachments(exp), "runs": runs}


def main(argv: list[str]) -> None:
    if not os.environ.get("OMMX_LOCAL_REGISTRY_ROOT"):
        sys.exit("OMMX_LOCAL_REGISTRY_ROOT must be set (refusing to touch the user's registry)")
    if len(argv) >= 2 and argv[0] == "--commit":
        with Experiment(argv[1]) as exp:
            exp.log_json("from_python", {"ok": True})
            with exp.run() as run:
                run.log_json("p", [1, 2])
        argv = argv[2:]
    out = {
        "root": str(artifact.get_local_registry_root()),
        "artifacts": sorted([r.image_name, r.manifest_digest] for r in artifact.list_artifacts()),
        "experiments_listed": sorted([r.image_name, r.manifest_digest] for r in list_experiments()),
        "experiments": {n: describe(Experiment.load(n)) for n in argv},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
