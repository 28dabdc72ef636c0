#!/usr/bin/env python3
"""Print the public members of the reference SDK's Experiment-side classes and module functions,
read from the installed type stubs (ommx/_ommx_rust/__init__.pyi), as JSON:
{"Class": ["member", ...], "functions": [...]} — what docs/python-parity.md must cover
(checked by tests/interop/python_parity_test.ts)."""

from __future__ import annotations

import ast
import json
import pathlib

import ommx

CLASSES = [
    "Experiment", "Run", "OpenSolve", "SealedRun", "Solve", "Sampling", "ExperimentRef",
    "ExperimentCheckpointRef", "AutosavePolicy", "Artifact", "ArtifactDraft",
]
FUNCTIONS = [
    "gc", "get_images", "get_local_registry_root", "set_local_registry_root", "list_artifacts",
    "list_experiment_checkpoints", "list_experiments", "prune_anonymous", "remove_image",
    "restore_image",
]

stub = pathlib.Path(ommx.__file__).parent / "_ommx_rust" / "__init__.pyi"
tree = ast.parse(stub.read_text())
out: dict[str, list[str]] = {"functions": []}
for node in tree.body:
    if isinstance(node, ast.ClassDef) and node.name in CLASSES:
        out[node.name] = [
            b.name for b in node.body
            if isinstance(b, ast.FunctionDef) and (not b.name.startswith("_") or b.name in (
                "__new__", "__enter__", "__exit__", "__repr__"))
        ]
    elif isinstance(node, ast.FunctionDef) and node.name in FUNCTIONS:
        out["functions"].append(node.name)
print(json.dumps(out))
