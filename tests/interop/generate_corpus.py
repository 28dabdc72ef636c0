#!/usr/bin/env python3
"""Write the OMMX Experiment conformance corpus with the REAL reference Python SDK.

Usage:
    python generate_corpus.py OUTDIR

Writes into OUTDIR, for every scenario `<name>`:
  * `<name>.ommx`           the Experiment archive written by `Experiment.save`;
  * `<name>.expected.json`  what the reference SDK reads back after `Experiment.import_archive`
                            into a fresh Local Registry (schema: see `read_expected`);
plus `corpus.json` (archive list + SDK versions), `VERSION` (pinned SDK/adapter versions actually
used) and `README.md` (one line per archive).

Only the reference's public API is used (`ommx.experiment`, `ommx.artifact`, `ommx.v1`,
the HiGHS and OpenJij adapters). Writing happens in this process against a temporary Local
Registry; reading back happens in a child process (`--read OUTDIR`) with another fresh,
temporary Local Registry, so nothing touches ~/.local and reads see only the archives.

JSON conventions of `.expected.json` (VALUE): non-finite floats are spelled
`{"$float": "NaN" | "Infinity" | "-Infinity"}`, bytes `{"$bytes": "<hex>"}`, dict keys
become strings; files are written with `allow_nan=False, indent=1, sort_keys=True`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

IMAGE_PREFIX = "ghcr.io/ommx-ts/corpus"
SEED = 20260818


def image(scenario: str) -> str:
    return f"{IMAGE_PREFIX}/{scenario}:v1"


# ---------------------------------------------------------------------------
# A custom attachment codec (ours): rows of strings <-> CSV text.
# ---------------------------------------------------------------------------


class CsvCodec:
    """AttachmentCodec for a list of rows (lists of str) stored as `text/csv`."""

    media_type = "text/csv"

    @staticmethod
    def encode(value: list[list[str]], /) -> bytes:
        return "".join(",".join(row) + "\n" for row in value).encode("utf-8")

    @staticmethod
    def decode(data: bytes, /) -> list[list[str]]:
        return [line.split(",") for line in data.decode("utf-8").splitlines()]


CSV_ROWS = [["item", "weight", "profit"], ["a", "11", "10"], ["b", "15", "13"], ["c", "20", "18"]]

# ---------------------------------------------------------------------------
# Scenario descriptions (also written to expected.json and README.md)
# ---------------------------------------------------------------------------

DESCRIPTIONS: dict[str, str] = {
    "attachments": "every attachment kind at experiment and run level: JSON (incl. NaN/Infinity/-Infinity, "
    "zstd-compressed JSON), raw bytes with explicit media types (plain and zstd, a logical type already ending "
    "in +zstd), log_file (sniffed and explicit media type, filename, zstd), custom CSV codec (text/csv, plain "
    "and zstd), Instance, ParametricInstance, Solution, SampleSet; manifest annotations",
    "runs": "run lifecycles (finished / failed with message / interrupted by KeyboardInterrupt / failed with "
    "empty message / failed with a >512-char multi-line message) and run parameters of all four types, "
    "NaN/+inf/-inf, int->float promotion, int64 extremes, overwritten and missing cells, a run with no "
    "parameters",
    "solves": "HiGHS solves (finished with diagnostics, failed infeasible with diagnostics, failed: preparation "
    "not reachable, finished with adapter options) and OpenJij "
    "samplings (finished x2 - store_diagnostics=True records nothing for OpenJij - and failed x2: not applicable) "
    "in a finished run, plus a failed "
    "run holding a finished solve",
    "trace": "Experiment(store_trace=True): a traced run with a HiGHS solve and an OpenJij sampling, and a traced "
    "failed run",
    "fork-parent": "parent Experiment of the fork scenario (1 run, 1 attachment, annotation)",
    "fork-child": "Experiment.fork of fork-parent plus one more run: manifest carries an OCI subject, inherited "
    "runs/attachments/parameters, no inherited annotations",
    "failed-experiment": "exception inside `with Experiment(...)`: status failed with a reason, saved from the "
    "checkpoint (checkpoint image name, requested_image_name in config), one finished run",
    "interrupted-experiment": "KeyboardInterrupt inside `with Experiment(...)`: status interrupted, saved from "
    "the checkpoint",
    "empty": "Experiment with no runs, no attachments, no annotations (only the empty run-parameter table)",
    "many-solves": "one run with 30 finished HiGHS solves (capacity sweep) and a parameter",
}


# ---------------------------------------------------------------------------
# Problem builders (deterministic)
# ---------------------------------------------------------------------------


def knapsack(capacity: int = 47, title: str | None = "knapsack"):
    from ommx import DecisionVariable, Instance

    p = [10, 13, 18, 32, 7, 15]
    w = [11, 15, 20, 35, 10, 33]
    x = [DecisionVariable.binary(i) for i in range(6)]
    inst = Instance.from_components(
        decision_variables=x,
        objective=sum(p[i] * x[i] for i in range(6)),
        constraints={0: sum(w[i] * x[i] for i in range(6)) <= capacity},
        sense=Instance.MAXIMIZE,
    )
    if title is not None:
        inst.title = title
        inst.add_user_annotation("capacity", str(capacity))
    return inst


def infeasible():
    from ommx import DecisionVariable, Instance

    x = DecisionVariable.integer(0, upper=3, lower=0)
    return Instance.from_components(
        decision_variables=[x], objective=x, constraints={0: x >= 4}, sense=Instance.MAXIMIZE
    )


def qubo():
    from ommx import DecisionVariable, Instance

    x = [DecisionVariable.binary(i) for i in range(4)]
    obj = x[0] * x[1] - 2 * x[1] * x[2] + 3 * x[2] * x[3] - x[0] - x[3]
    inst = Instance.from_components(decision_variables=x, objective=obj, constraints={}, sense=Instance.MINIMIZE)
    inst.title = "qubo"
    return inst


def continuous_lp():
    """LP with continuous variables: HiGHS accepts it, OpenJij does not."""
    from ommx import DecisionVariable, Instance

    x = DecisionVariable.continuous(0, lower=0, upper=10)
    y = DecisionVariable.continuous(1, lower=0, upper=10)
    return Instance.from_components(
        decision_variables=[x, y], objective=x + 2 * y, constraints={0: x + y >= 3}, sense=Instance.MINIMIZE
    )


def cubic():
    """Cubic objective over integers: HiGHS' preparation cannot reach its (linear) input class."""
    from ommx import DecisionVariable, Instance

    x = [DecisionVariable.integer(i, lower=0, upper=3) for i in range(3)]
    return Instance.from_components(
        decision_variables=x, objective=x[0] * x[1] * x[2], constraints={}, sense=Instance.MINIMIZE
    )


def solution_and_sample_set():
    from ommx_highs_adapter import OMMXHighsAdapter
    from ommx_openjij_adapter import OMMXOpenJijSAAdapter

    sol = OMMXHighsAdapter.solve(knapsack())
    ss = OMMXOpenJijSAAdapter.sample(qubo(), num_reads=3, seed=SEED)
    return sol, ss


# ---------------------------------------------------------------------------
# Scenarios (write side)
# ---------------------------------------------------------------------------


def log_all_attachments(target: Any, tmp: Path, prefix: str) -> None:
    """Log one attachment of every kind into `target` (an Experiment or a Run)."""
    target.log_json("json", {"name": "knapsack", "weights": [11, 15, 20], "unicode": "日本語 ✓", "nested": {"none": None, "flag": True}})
    target.log_json("json-nonfinite", {"nan": float("nan"), "inf": float("inf"), "ninf": float("-inf"), "list": [1.5, float("nan")]})
    target.log_json("json-zstd", {"compressed": True, "values": list(range(20))}, compression="zstd")
    target.log_json("json-scalar", 42)
    target.log_attachment("notes", "text/plain", f"{prefix} notes\nline 2\n".encode())
    target.log_attachment("notes-zstd", "text/plain", (f"{prefix} compressible log line\n" * 50).encode(), compression="zstd")
    target.log_attachment("binary", "application/octet-stream", bytes(range(256)))
    target.log_attachment("vendor-plus-zstd", "application/vnd.example+zstd", b"not really zstd")
    target.log_attachment("vendor-plus-zstd-compressed", "application/vnd.example+zstd", b"double suffix", compression="zstd")
    lp = tmp / f"{prefix}-problem.lp"
    lp.write_text("Maximize\n obj: x + y\nSubject To\n c1: x + y <= 1\nEnd\n")
    target.log_file("file", lp, filename="problem.lp")
    png = tmp / f"{prefix}-pixel.png"
    png.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")) 
    target.log_file("file-sniffed", png)
    csv = tmp / f"{prefix}-data.csv"
    csv.write_text("a,b\n1,2\n")
    target.log_file("file-zstd", csv, media_type="text/csv", filename="data.csv", compression="zstd")
    target.log_with_codec(CsvCodec, "codec", CSV_ROWS)
    target.log_with_codec(CsvCodec, "codec-zstd", CSV_ROWS * 5, compression="zstd")
    target.log_instance("instance", knapsack())
    target.log_parametric_instance("parametric-instance", knapsack().uniform_penalty_method())
    sol, ss = solution_and_sample_set()
    target.log_solution("solution", sol)
    target.log_sample_set("sample-set", ss)


def scenario_attachments(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment

    with Experiment(image("attachments")) as exp:
        exp.set_annotation("org.example.scenario", "attachments")
        exp.set_annotation("org.example.unicode", "値 ✓")
        log_all_attachments(exp, tmp, "exp")
        with exp.run() as run:
            log_all_attachments(run, tmp, "run")
            run.log_parameter("kind", "all-attachments")
    exp.save(out / "attachments.ommx")


def scenario_runs(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment

    with Experiment(image("runs")) as exp:
        exp.set_annotation("org.example.scenario", "runs")
        exp.set_annotation("org.example.owner", "ommx-ts")
        with exp.run() as run:  # 0 finished
            run.log_parameter("solver", "highs")
            run.log_parameter("presolve", True)
            run.log_parameter("capacity", 10)
            run.log_parameter("time_limit", 0.5)
            run.log_parameter("nan_param", float("nan"))
            run.log_parameter("int_max", 2**63 - 1)
            run.log_parameter("int_min", -(2**63))
            run.log_parameter("offset", -5)
        try:
            with exp.run() as run:  # 1 failed
                run.log_parameter("solver", "scip 日本")
                run.log_parameter("presolve", False)
                run.log_parameter("capacity", 12.5)  # promotes the column to float64
                run.log_parameter("nan_param", float("inf"))
                run.log_parameter("inf_param", float("-inf"))
                run.log_json("partial", {"step": 1})
                raise RuntimeError("solver process exited")
        except RuntimeError:
            pass
        try:
            with exp.run() as run:  # 2 interrupted
                run.log_parameter("seed", 1)
                run.log_parameter("seed", 300)  # overwrite within a run
                run.log_parameter("capacity", 7)
                raise KeyboardInterrupt()
        except KeyboardInterrupt:
            pass
        with exp.run():  # 3 finished, no parameters
            pass
        try:
            with exp.run() as run:  # 4 failed, empty message
                run.log_parameter("time_limit", 3)  # int into a float64 column
                raise ValueError()
        except ValueError:
            pass
        try:
            with exp.run():  # 5 failed, long multi-line message (truncated to 512 chars)
                raise RuntimeError("first line\n\tsecond   line " + "é" * 600)
        except RuntimeError:
            pass
    exp.save(out / "runs.ommx")


def scenario_solves(out: Path, tmp: Path) -> None:
    from ommx import InfeasibleDetected
    from ommx.experiment import Experiment
    from ommx_highs_adapter import OMMXHighsAdapter
    from ommx_openjij_adapter import OMMXOpenJijSAAdapter

    with Experiment(image("solves")) as exp:
        with exp.run() as run:
            run.log_parameter("solver", "highs+openjij")
            run.log_solve(OMMXHighsAdapter, knapsack(), store_diagnostics=True)  # 0 finished + diagnostics
            try:
                run.log_solve(OMMXHighsAdapter, infeasible(), store_diagnostics=True)  # 1 failed
            except InfeasibleDetected:
                pass
            try:
                run.log_solve(OMMXHighsAdapter, cubic())  # 2 failed before solving
            except Exception:
                pass
            run.log_solve(OMMXHighsAdapter, continuous_lp(), verbose=False)  # 3 finished, options
            run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=3, seed=SEED, store_diagnostics=True)  # 0
            run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=2, seed=SEED + 1, num_sweeps=50)  # 1
            try:  # 2 failed: OpenJij's preparation cannot handle an inequality constraint
                run.log_sample(OMMXOpenJijSAAdapter, knapsack(), num_reads=1, seed=SEED)
            except Exception:
                pass
            try:  # 3 failed: continuous variables
                run.log_sample(OMMXOpenJijSAAdapter, continuous_lp(), num_reads=1, seed=SEED)
            except Exception:
                pass
        try:
            with exp.run() as run:
                run.log_solve(OMMXHighsAdapter, knapsack(capacity=30))
                raise RuntimeError("post-processing failed")
        except RuntimeError:
            pass
    exp.save(out / "solves.ommx")


def scenario_trace(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment
    from ommx_highs_adapter import OMMXHighsAdapter
    from ommx_openjij_adapter import OMMXOpenJijSAAdapter

    with Experiment(image("trace"), store_trace=True) as exp:
        with exp.run() as run:
            run.log_parameter("traced", True)
            run.log_solve(OMMXHighsAdapter, knapsack())
            run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=2, seed=SEED)
        try:
            with exp.run() as run:
                run.log_parameter("traced", True)
                raise RuntimeError("traced failure")
        except RuntimeError:
            pass
        # (a Run used without `with` is rejected when store_trace=True:
        #  "store_trace=True requires using Run as a context manager")
    exp.save(out / "trace.ommx")


def scenario_fork(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment

    with Experiment(image("fork-parent")) as parent:
        parent.set_annotation("org.example.role", "parent")
        parent.set_annotation("org.example.parent-only", "yes")
        parent.log_json("dataset", {"name": "demo"})
        with parent.run() as run:
            run.log_parameter("capacity", 47)
            run.log_instance("candidate", knapsack())
    parent.save(out / "fork-parent.ommx")
    with parent.fork(image("fork-child")) as child:
        child.set_annotation("org.example.role", "child")
        with child.run() as run:
            run.log_parameter("capacity", 56)
            run.log_parameter("note", "forked")
    child.save(out / "fork-child.ommx")


def scenario_failed_experiment(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment

    exp = Experiment(image("failed-experiment"))
    try:
        with exp:
            exp.set_annotation("org.example.scenario", "failed-experiment")
            exp.log_json("dataset", {"rows": 3})
            with exp.run() as run:
                run.log_parameter("capacity", 47)
            raise ValueError("dataset   missing\ncolumn 'weight'")
    except ValueError:
        pass
    exp.save(out / "failed-experiment.ommx")

    exp = Experiment(image("interrupted-experiment"))
    try:
        with exp:
            with exp.run() as run:
                run.log_parameter("capacity", 1)
            raise KeyboardInterrupt()
    except KeyboardInterrupt:
        pass
    exp.save(out / "interrupted-experiment.ommx")


def scenario_empty(out: Path, tmp: Path) -> None:
    from ommx.experiment import Experiment

    with Experiment(image("empty")) as exp:
        pass
    exp.save(out / "empty.ommx")


def scenario_many_solves(out: Path, tmp: Path) -> None:
    from ommx.experiment import AutosavePolicy, Experiment
    from ommx_highs_adapter import OMMXHighsAdapter

    with Experiment(image("many-solves")) as exp:
        exp.set_autosave_policy(AutosavePolicy.disabled())
        with exp.run() as run:
            run.log_parameter("sweep", "capacity")
            base = knapsack(title=None)
            for capacity in range(20, 50):
                from ommx import DecisionVariable, Instance

                x = [DecisionVariable.binary(i) for i in range(3)]
                inst = Instance.from_components(
                    decision_variables=x,
                    objective=10 * x[0] + 13 * x[1] + 18 * x[2],
                    constraints={0: 11 * x[0] + 15 * x[1] + 20 * x[2] <= capacity},
                    sense=Instance.MAXIMIZE,
                )
                run.log_solve(OMMXHighsAdapter, inst)
            del base
    exp.save(out / "many-solves.ommx")


SCENARIOS: list[Callable[[Path, Path], None]] = [
    scenario_attachments,
    scenario_runs,
    scenario_solves,
    scenario_trace,
    scenario_fork,
    scenario_failed_experiment,
    scenario_empty,
    scenario_many_solves,
]

# ---------------------------------------------------------------------------
# Read side: what the reference SDK reads back
# ---------------------------------------------------------------------------


def jv(value: Any) -> Any:
    """Convert a Python value to the VALUE JSON convention."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "NaN"}
        if math.isinf(value):
            return {"$float": "Infinity" if value > 0 else "-Infinity"}
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): jv(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jv(v) for v in value]
    if dataclasses.is_dataclass(value):
        return jv(dataclasses.asdict(value))
    # numpy scalars and similar
    if hasattr(value, "item"):
        return jv(value.item())
    raise TypeError(f"cannot convert {type(value)!r} to VALUE")


def enum_pb(value: Any) -> int:
    """Protobuf wire value of an ommx enum (Optimality / Relaxation)."""
    return int(value.to_pb())


def enum_name(value: Any) -> str:
    """Python enum member name, e.g. `Optimal` from `Optimality.Optimal`."""
    return repr(value).split(".")[-1]


def read_instance(inst: Any) -> dict:
    from ommx import Instance

    sense = inst.sense
    out = {
        "num_variables": len(inst.decision_variables),
        "num_constraints": len(inst.constraints),
        "num_removed_constraints": len(inst.removed_constraints),
        "variable_ids": sorted(v.id for v in inst.decision_variables),
        "constraint_ids": sorted(inst.constraints.keys()),
        "sense": "maximize" if sense == Instance.MAXIMIZE else "minimize",
        "annotations": dict(inst.annotations),
        "title": inst.title,
    }
    degree = inst.objective.degree()
    if degree is not None:
        out["objective_degree"] = degree
    return out


def read_parametric_instance(pi: Any) -> dict:
    return {
        "num_variables": len(pi.decision_variables),
        "num_constraints": len(pi.constraints),
        "parameter_ids": sorted(pi.parameter_ids),
        "variable_ids": sorted(pi.decision_variable_ids),
        "constraint_ids": sorted(pi.constraints.keys()),
        "annotations": dict(pi.annotations),
        "title": pi.title,
    }


def read_solution(sol: Any) -> dict:
    try:
        feasible_relaxed: Any = sol.feasible_relaxed
    except Exception:  # noqa: BLE001
        feasible_relaxed = None
    return {
        "objective": jv(sol.objective),
        "feasible": sol.feasible,
        "feasible_relaxed": feasible_relaxed,
        "optimality": enum_pb(sol.optimality),
        "optimality_name": enum_name(sol.optimality),
        "relaxation": enum_pb(sol.relaxation),
        "relaxation_name": enum_name(sol.relaxation),
        "state": jv(dict(sol.state.entries)),
        "annotations": dict(sol.annotations),
    }


def read_sample_set(ss: Any) -> dict:
    try:
        best: Any = ss.best_feasible_id
    except Exception:  # noqa: BLE001 - no feasible sample
        best = None
    return {
        "sample_ids": sorted(ss.sample_ids_list),
        "objectives": jv(dict(ss.objectives)),
        "feasible": jv(dict(ss.feasible)),
        "best_feasible_id": best,
        "num_variables": len(ss.decision_variables),
        "annotations": dict(ss.annotations),
    }


def kind_of(obj: Any) -> str:
    from ommx import Instance, ParametricInstance, SampleSet, Solution

    if isinstance(obj, bytes):
        return "bytes"
    if isinstance(obj, Instance):
        return "instance"
    if isinstance(obj, ParametricInstance):
        return "parametric_instance"
    if isinstance(obj, Solution):
        return "solution"
    if isinstance(obj, SampleSet):
        return "sample_set"
    return "json"


def read_attachments(owner: Any, table: dict, layers: list[dict]) -> dict:
    out: dict[str, Any] = {}
    entries = table.get("entries", {})
    filenames = table.get("filenames", {})
    for name in owner.attachment_names:
        layer = layers[entries[name]]
        blob = owner.get_blob(name)
        obj = owner.get_attachment(name)
        kind = kind_of(obj)
        att: dict[str, Any] = {
            "media_type": owner.attachment_media_type(name),
            "stored_media_type": layer["media_type"],
            "compressed": layer["annotations"].get("org.ommx.v1.attachment.compression") == "zstd",
            "sha256": hashlib.sha256(blob).hexdigest(),
            "size": len(blob),
            "filename": filenames.get(name),
            "kind": kind,
        }
        if kind == "json":
            att["json"] = jv(obj)
        elif kind == "instance":
            att["instance"] = read_instance(obj)
        elif kind == "parametric_instance":
            att["parametric_instance"] = read_parametric_instance(obj)
        elif kind == "solution":
            att["solution"] = read_solution(obj)
        elif kind == "sample_set":
            att["sample_set"] = read_sample_set(obj)
        if att["media_type"] == CsvCodec.media_type:
            att["codec"] = jv(owner.get_with_codec(CsvCodec, name))
        out[name] = att
    return out


def read_any_value(v: Any) -> Any:
    """OTLP AnyValue -> VALUE."""
    which = v.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [read_any_value(x) for x in v.array_value.values]
    if which == "kvlist_value":
        return {kv.key: read_any_value(kv.value) for kv in v.kvlist_value.values}
    return jv(getattr(v, which))


def read_trace(trace: Any) -> dict | None:
    if trace is None:
        return None
    spans = list(trace.spans)
    return {
        "span_names": [s.name for s in spans],
        "spans": [
            {
                "name": s.name,
                "span_id": s.span_id.hex(),
                "parent_span_id": s.parent_span_id.hex() or None,
                "attributes": {kv.key: read_any_value(kv.value) for kv in s.attributes},
                "status_code": int(s.status.code),
            }
            for s in spans
        ],
    }


def read_solve_like(rec: Any, id_key: str, output_reader: Callable[[Any], dict]) -> dict:
    output = rec.output
    return {
        id_key: getattr(rec, id_key),
        "status": rec.status,
        "adapter": rec.adapter,
        "adapter_options": jv(rec.adapter_options),
        "diagnostics": jv(rec.diagnostics),
        "input": read_instance(rec.input),
        "output": None if output is None else output_reader(output),
    }


DTYPE_NAMES = {"boolean": "bool", "Int64": "int64", "Float64": "float64", "string": "string"}


def read_run_parameters(exp: Any) -> dict:
    df = exp.run_parameters_df()
    run_ids = [int(i) for i in df.index]
    columns: dict[str, str] = {}
    cells: dict[str, dict[str, Any]] = {}
    for col in df.columns:
        series = df[col]
        columns[str(col)] = DTYPE_NAMES.get(str(series.dtype), str(series.dtype))
        mask = series.isna()  # for nullable dtypes: pd.NA only (NaN in Float64 stays a value)
        col_cells: dict[str, Any] = {}
        for rid, missing, value in zip(run_ids, mask.tolist(), series.tolist()):
            if isinstance(value, float) and math.isnan(value):
                missing = False  # a real NaN cell, not pd.NA
            if missing or value is None or str(value) == "<NA>":
                continue
            col_cells[str(rid)] = jv(value)
        cells[str(col)] = col_cells
    return {"columns": columns, "run_ids": run_ids, "cells": cells}


def find_config(manifest_digest: str) -> dict | None:
    from ommx.experiment import list_experiment_checkpoints, list_experiments

    for ref in list_experiments():
        if ref.manifest_digest == manifest_digest:
            return ref.config
    for ref in list_experiment_checkpoints():
        if ref.manifest_digest == manifest_digest:
            return ref.config
    return None


def read_expected(path: Path, description: str, sdk_version: str) -> dict:
    from ommx.artifact import Artifact, list_artifacts
    from ommx.experiment import Experiment

    insp = Artifact.inspect_archive(path)
    exp = Experiment.import_archive(path)
    layers = [
        {"media_type": d.media_type, "digest": d.digest, "size": d.size, "annotations": dict(d.annotations)}
        for d in insp.layers
    ]
    art = [a for a in list_artifacts(include_internal=True) if a.manifest_digest == insp.manifest_digest]
    artifact_type = art[0].artifact_type if art else None
    config = find_config(insp.manifest_digest)
    if config is None:
        raise RuntimeError(f"{path.name}: config not reachable through the SDK")
    subject = insp.subject
    runs_cfg = {r["run_id"]: r for r in config["runs"]}
    runs = []
    for run in exp.runs:
        rc = runs_cfg[run.run_id]
        params = {}
        runs.append(
            {
                "run_id": run.run_id,
                "status": run.status,
                "lifecycle_reason": run.lifecycle_reason,
                "repr": repr(run),
                "attachments": read_attachments(run, rc["attachments"], layers),
                "parameters": params,  # filled below
                "solves": [read_solve_like(s, "solve_id", read_solution) for s in run.solves],
                "samplings": [read_solve_like(s, "sampling_id", read_sample_set) for s in run.samplings],
                "trace": read_trace(run.trace),
            }
        )
    run_parameters = read_run_parameters(exp)
    by_id = {r["run_id"]: r for r in runs}
    for col, col_cells in run_parameters["cells"].items():
        for rid, value in col_cells.items():
            by_id[int(rid)]["parameters"][col] = value
    return {
        "sdk_version": sdk_version,
        "archive": path.name,
        "description": description,
        "image_name": exp.image_name,
        "index_ref_name": insp.image_name,
        "manifest_digest": insp.manifest_digest,
        "config_digest": insp.config.digest,
        "config_size": insp.config.size,
        "config_media_type": insp.config.media_type,
        "artifact_type": artifact_type,
        "layers": layers,
        "status": exp.status,
        "lifecycle_reason": exp.lifecycle_reason,
        "requested_image_name": config.get("requested_image_name"),
        "annotations": dict(exp.annotations),
        "manifest_annotations": dict(insp.annotations),
        "subject": None
        if subject is None
        else {"media_type": subject.media_type, "digest": subject.digest, "size": subject.size},
        "attachments": read_attachments(exp, config["attachments"], layers),
        "run_parameters_layer": config["run_parameters"],
        "runs": runs,
        "run_parameters": run_parameters,
        "repr": repr(exp),
    }


# ---------------------------------------------------------------------------
# Drivers
# ---------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ["ommx", "ommx-highs-adapter", "ommx-openjij-adapter", "highspy", "openjij", "opentelemetry-sdk", "msgpack", "protobuf"]
    return {n: version(n) for n in names}


def dump(path: Path, obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, allow_nan=False, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def main_read(out: Path) -> None:
    vers = versions()
    corpus = json.loads((out / "corpus.json").read_text())
    for name in corpus["archives"]:
        stem = name[: -len(".ommx")]
        expected = read_expected(out / name, DESCRIPTIONS[stem], vers["ommx"])
        dump(out / f"{stem}.expected.json", expected)


def main_write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("*.ommx")) + list(out.glob("*.expected.json")):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="ommx-corpus-") as tmpdir:
        tmp = Path(tmpdir)
        for scenario in SCENARIOS:
            scenario(out, tmp)
    archives = sorted(p.name for p in out.glob("*.ommx"))
    missing = set(f"{k}.ommx" for k in DESCRIPTIONS) ^ set(archives)
    if missing:
        raise RuntimeError(f"scenario/archive mismatch: {sorted(missing)}")
    vers = versions()
    dump(out / "corpus.json", {"sdk_versions": vers, "archives": archives})
    (out / "VERSION").write_text("".join(f"{k}=={v}\n" for k, v in vers.items()), encoding="utf-8")
    lines = [
        "# Reference corpus (written by the real OMMX Python SDK)",
        "",
        "Generated by `tests/interop/generate_corpus.py` with "
        + ", ".join(f"{k} {v}" for k, v in vers.items())
        + ". Each `<name>.ommx` has a `<name>.expected.json` holding what the reference SDK reads back "
        "after `Experiment.import_archive` into a fresh Local Registry. Regenerate with "
        "`tests/interop/regenerate_fixtures.sh` (digests change on every run: traces, checkpoint names "
        "and solver timings are not reproducible).",
        "",
    ]
    lines += [f"- `{a}`: {DESCRIPTIONS[a[: -len('.ommx')]]}" for a in archives]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--read":
        if "OMMX_LOCAL_REGISTRY_ROOT" not in os.environ:
            raise RuntimeError("--read needs OMMX_LOCAL_REGISTRY_ROOT (a fresh, temporary Local Registry)")
        main_read(Path(args[1]).resolve())
        return 0
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(args[0]).resolve()
    if "ommx" in sys.modules:
        raise RuntimeError("ommx imported before the local registry root was set")
    with tempfile.TemporaryDirectory(prefix="ommx-registry-w-") as reg_w, tempfile.TemporaryDirectory(
        prefix="ommx-registry-r-"
    ) as reg_r:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg_w
        main_write(out)
        env = dict(os.environ, OMMX_LOCAL_REGISTRY_ROOT=reg_r)
        subprocess.run([sys.executable, os.path.abspath(__file__), "--read", str(out)], check=True, env=env)
    total = sum(p.stat().st_size for p in out.glob("*.ommx"))
    print(f"corpus: {len(list(out.glob('*.ommx')))} archives, {total} bytes in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
