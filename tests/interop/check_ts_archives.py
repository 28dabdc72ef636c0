"""Check TypeScript-written Experiment archives with the real Python SDK.

Usage: check_ts_archives.py <archive.ommx> [<archive.ommx> ...]

For each archive, `<name>.logged.json` (written by write_corpus.ts) states what
TypeScript logged. The archive is imported with `Experiment.import_archive` into a
fresh temporary Local Registry and every logged fact is compared with what the
reference SDK reads back. Prints one line per check, then `N passed, M failed`;
exits non-zero when any check failed.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

passed = 0
failed = 0


def check(label: str, ok: bool, detail: str = "") -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}: {detail}")


def same(a: Any, b: Any) -> bool:
    """Equality where NaN == NaN and int/float kinds must match."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def eq(label: str, got: Any, want: Any) -> None:
    check(label, same(got, want), f"got {got!r}, want {want!r}")


def find_config(manifest_digest: str) -> dict | None:
    from ommx.experiment import list_experiment_checkpoints, list_experiments

    for ref in list(list_experiments()) + list(list_experiment_checkpoints()):
        if ref.manifest_digest == manifest_digest:
            return ref.config
    return None


def check_attachments(where: str, owner: Any, table: dict, want: dict, layers: list) -> None:
    eq(f"{where} attachment names", sorted(owner.attachment_names), sorted(want))
    filenames = table.get("filenames", {})
    for name, w in want.items():
        if name not in owner.attachment_names:
            continue
        lbl = f"{where} attachment {name!r}"
        eq(f"{lbl} media type", owner.attachment_media_type(name), w["media_type"])
        blob = owner.get_blob(name)
        eq(f"{lbl} sha256", hashlib.sha256(blob).hexdigest(), w["sha256"])
        eq(f"{lbl} filename", filenames.get(name), w["filename"])
        layer = layers[table["entries"][name]]
        compressed = dict(layer.annotations).get("org.ommx.v1.attachment.compression") == "zstd"
        eq(f"{lbl} compressed", compressed, w["compressed"])
        if "json" in w:
            eq(f"{lbl} json value", owner.get_json(name), w["json"])
        kind = w["media_type"].rsplit(".", 1)[-1]
        if kind in ("instance", "parametric-instance", "solution", "sample-set"):
            obj = owner.get_attachment(name)
            check(f"{lbl} typed decode", obj is not None and not isinstance(obj, bytes), repr(type(obj)))


def check_records(where: str, got: list, want: list, id_key: str) -> None:
    eq(f"{where} count", len(got), len(want))
    for g, w in zip(got, want):
        lbl = f"{where} {w['id']}"
        eq(f"{lbl} id", getattr(g, id_key), w["id"])
        eq(f"{lbl} status", g.status, w["status"])
        eq(f"{lbl} adapter", g.adapter, w["adapter"])
        eq(f"{lbl} adapter_options", g.adapter_options, w["adapter_options"])
        eq(f"{lbl} has output", g.output is not None, w["has_output"])
        eq(f"{lbl} diagnostics", list(g.diagnostics), w["diagnostics"])
        check(f"{lbl} input decodes", g.input is not None, "no input")


def check_trace(where: str, trace: Any, want: list, want_repr: str | None) -> None:
    """Span by span: name, parent (by name), attributes, duration, status, scope, one trace id."""
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue

    def value(v: AnyValue) -> Any:
        kind = v.WhichOneof("value")
        return getattr(v, kind) if kind else None

    names = {s.span_id: s.name for s in trace.spans}
    scopes = {
        s.span_id: ss.scope.name
        for rs in trace.request.resource_spans
        for ss in rs.scope_spans
        for s in ss.spans
    }
    eq(f"{where} trace span count", len(trace.spans), len(want))
    eq(f"{where} one trace id", len({s.trace_id for s in trace.spans}), 1)
    for i, (s, w) in enumerate(zip(trace.spans, want)):
        lbl = f"{where} span {i} {w['name']}"
        eq(f"{lbl} name", s.name, w["name"])
        parent = names.get(s.parent_span_id) if s.parent_span_id else None
        eq(f"{lbl} parent", parent, w["parent"])
        eq(f"{lbl} attributes", {a.key: value(a.value) for a in s.attributes}, w["attributes"])
        eq(f"{lbl} duration ns", s.end_time_unix_nano - s.start_time_unix_nano, w["duration_ns"])
        eq(f"{lbl} status code", int(s.status.code), w["status_code"])
        eq(f"{lbl} status message", s.status.message, w["status_message"])
        eq(f"{lbl} scope", scopes.get(s.span_id), w["scope"])
    if want_repr is not None:
        eq(f"{where} trace repr", repr(trace), want_repr)


def check_archive(path: Path) -> None:
    from ommx.artifact import Artifact
    from ommx.experiment import Experiment

    want = json.loads(path.with_name(path.stem + ".logged.json").read_text())
    name = path.name
    insp = Artifact.inspect_archive(path)
    eq(f"{name} index ref name", insp.image_name, want["image_name"])
    eq(f"{name} manifest digest", insp.manifest_digest, want["manifest_digest"])
    exp = Experiment.import_archive(path)
    eq(f"{name} status", exp.status, want["status"])
    eq(f"{name} reason", exp.lifecycle_reason, want["reason"])
    eq(f"{name} annotations", dict(exp.annotations), want["annotations"])
    eq(f"{name} subject", insp.subject.digest if insp.subject else None, want["subject"])
    config = find_config(insp.manifest_digest)
    check(f"{name} config reachable", config is not None, "not listed")
    if config is None:
        return
    eq(f"{name} requested_image_name", config.get("requested_image_name"), want["requested_image_name"])
    layers = list(insp.layers)
    check_attachments(f"{name} experiment", exp, config["attachments"], want["attachments"], layers)
    runs = {r.run_id: r for r in exp.runs}
    eq(f"{name} run ids", sorted(runs), [r["run_id"] for r in want["runs"]])
    cfg_runs = {r["run_id"]: r for r in config["runs"]}
    df = exp.run_parameters_df()
    for w in want["runs"]:
        rid = w["run_id"]
        run = runs.get(rid)
        if run is None:
            continue
        lbl = f"{name} run {rid}"
        eq(f"{lbl} status", run.status, w["status"])
        eq(f"{lbl} reason", run.lifecycle_reason, w["reason"])
        check_attachments(lbl, run, cfg_runs[rid]["attachments"], w["attachments"], layers)
        trace = run.trace
        if w["trace_spans"] is None:
            check(f"{lbl} no trace", trace is None, "unexpected trace")
        else:
            eq(f"{lbl} trace spans", [s.name for s in trace.spans] if trace else None, w["trace_spans"])
            if trace is not None and "trace" in w:
                check_trace(lbl, trace, w["trace"], w.get("trace_repr"))
        check_records(f"{lbl} solve", list(run.solves), w["solves"], "solve_id")
        check_records(f"{lbl} sampling", list(run.samplings), w["samplings"], "sampling_id")
        for pname, pvalue in w["parameters"].items():
            cell = df.loc[rid, pname] if pname in df.columns else None
            if hasattr(cell, "item"):
                cell = cell.item()
            eq(f"{lbl} parameter {pname}", cell, pvalue)
    check(f"{name} run_parameters_df index", sorted(int(i) for i in df.index) == sorted(runs), str(list(df.index)))


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as reg:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
        for path in paths:
            before = (passed, failed)
            try:
                check_archive(path)
            except Exception as e:  # an import error is a failure of this archive
                check(f"{path.name} import", False, f"{type(e).__name__}: {e}")
            print(f"{path.name}: {passed - before[0]} passed, {failed - before[1]} failed")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
