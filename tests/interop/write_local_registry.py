#!/usr/bin/env python3
"""Commit Experiments into an OMMX Local Registry with the REAL reference SDK, and report them.

Usage:
    OMMX_LOCAL_REGISTRY_ROOT=<dir> python write_local_registry.py ARCHIVE...

For every ARCHIVE: `Experiment.import_archive`. Then one more Experiment is written directly
(`ghcr.io/ommx-ts/test/local:v1`) with an Experiment-level JSON attachment and two runs.
Prints one JSON document on stdout:

    {"root": ..., "refs": [{"image_name", "manifest_digest"}...],
     "experiments": {IMAGE: {"status", "attachments": {NAME: SHA256HEX},
                             "runs": [{"run_id", "status", "attachments": {NAME: SHA256HEX}}]}}}

Attachment hashes are over the decompressed bytes (`get_blob`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import ommx.artifact as artifact
from ommx.experiment import Experiment

LOCAL_IMAGE = "ghcr.io/ommx-ts/test/local:v1"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe(exp: Experiment) -> dict:
    return {
        "status": str(exp.status),
        "attachments": {n: sha(exp.get_blob(n)) for n in exp.attachment_names},
        "runs": [
            {
                "run_id": r.run_id,
                "status": str(r.status),
                "attachments": {n: sha(r.get_blob(n)) for n in r.attachment_names},
            }
            for r in exp.runs
        ],
    }


def main(archives: list[str]) -> None:
    if not os.environ.get("OMMX_LOCAL_REGISTRY_ROOT"):
        sys.exit("OMMX_LOCAL_REGISTRY_ROOT must be set (refusing to touch the user's registry)")
    names = []
    for path in archives:
        names.append(Experiment.import_archive(path).image_name)
    with Experiment(LOCAL_IMAGE) as exp:
        exp.log_json("settings", {"solver": "none", "seed": 7})
        for i in range(2):
            with exp.run() as run:
                run.log_json("params", {"i": i, "values": [i, i + 1]})
    names.append(LOCAL_IMAGE)
    out = {
        "root": str(artifact.get_local_registry_root()),
        "refs": [
            {"image_name": r.image_name, "manifest_digest": r.manifest_digest}
            for r in artifact.list_artifacts()
        ],
        "experiments": {n: describe(Experiment.load(n)) for n in names},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
