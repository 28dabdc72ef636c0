#!/usr/bin/env python3
"""Answer the analysis questions (issue 12) with the REAL reference Python SDK, for the
differential tests of tests/interop/analysis_test.ts.

Usage:
    python analysis_report.py generate OUTDIR    # write rich v2 payloads (<name>.<kind>.v2); JSON [{name, kind, version, path}]
    python analysis_report.py report MANIFEST    # MANIFEST: JSON [{name, kind, version, path}] -> JSON report
    python analysis_report.py params ARCHIVE...  # run_parameters_df() of each Experiment archive

A report is, per payload, a list of questions and the SDK's answers: {"q": method, "args": [...],
"r": result} or {"q": ..., "args": ..., "error": "KeyError" | "ValueError"}; DataFrames are
{"columns", "dtypes", "index": {name, dtype, values}, "values" (per column), "csv"}. JSON
conventions: non-finite floats {"$float": "nan" | "inf" | "-inf"}, a missing cell (pandas NA,
None, or the NaN of a numpy float column) null, a set {"$set": [ascending ints]}, a Function
{"$function": repr}; extract_* results as [[subscripts, value], ...] in dict order. The summary
tables are reported with rows that tie on (feasible, objective) put in ascending sample ID (the
SDK leaves them in hash-map order); "ties_only" says that was all the reordering did.

Only the public API of `ommx` is used. The questions asked (which IDs, names and samples) are
chosen from the data, so every payload gets the same kind of scrutiny.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import pandas as pd


def fl(x: Any) -> Any:
    x = float(x)
    if math.isnan(x):
        return {"$float": "nan"}
    if math.isinf(x):
        return {"$float": "inf" if x > 0 else "-inf"}
    if x == 0 and math.copysign(1.0, x) < 0:
        return {"$float": "-0"}
    return x


def cell(v: Any, dtype: str) -> Any:
    from ommx import Function

    if v is None or v is pd.NA:
        return None
    if isinstance(v, bool) or type(v).__name__ in ("bool_", "bool"):
        return bool(v)
    if isinstance(v, (int,)) or type(v).__name__.startswith("int"):
        return int(v)
    if isinstance(v, float) or type(v).__name__.startswith("float"):
        if math.isnan(v) and dtype != "Float64":
            return None
        return fl(v)
    if isinstance(v, str):
        return v
    if isinstance(v, set):
        return {"$set": sorted(int(x) for x in v)}
    if isinstance(v, list):
        return [int(x) for x in v]
    if isinstance(v, Function):
        return {"$function": repr(v)}
    raise TypeError(f"unexpected cell {v!r} ({type(v)})")


def df_report(df: pd.DataFrame) -> dict:
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": [str(t) for t in df.dtypes],
        "index": {
            "name": df.index.name,
            "dtype": str(df.index.dtype),
            "values": [cell(v, str(df.index.dtype)) for v in df.index],
        },
        "values": [
            [cell(v, str(df.dtypes.iloc[i])) for v in df.iloc[:, i]] for i in range(df.shape[1])
        ],
        "csv": df.to_csv(),
    }


def summary_report(df: pd.DataFrame, minimize: bool) -> dict:
    flat = df.reset_index()
    canon = flat.sort_values(
        ["feasible", "objective", "sample_id"], ascending=[False, minimize, True], kind="mergesort"
    )
    keys = lambda d: [(bool(f), float(o)) for f, o in zip(d["feasible"], d["objective"])]
    rep = df_report(canon.set_index("sample_id"))
    rep["ties_only"] = keys(flat) == keys(canon)
    return rep


def items(d: dict) -> list:
    return [[list(k), fl(v)] for k, v in d.items()]


def nested(d: dict) -> list:
    return [[name, items(inner)] for name, inner in d.items()]


class Report:
    def __init__(self) -> None:
        self.entries: list[dict] = []

    def ask(self, q: str, args: list, fn: Callable[[], Any], conv: Callable[[Any], Any] = lambda x: x):
        try:
            self.entries.append({"q": q, "args": args, "r": conv(fn())})
        except (KeyError, ValueError) as e:
            self.entries.append({"q": q, "args": args, "error": type(e).__name__})


INCLUDES = [None, [], ["label"], ["parameters"], ["removed_reason"], ["label", "parameters", "removed_reason"]]
KINDS = ["regular", "indicator", "one_hot", "sos1"]


def df_questions(rep: Report, obj: Any, big: bool, instance: bool, sample_set: bool = False) -> None:
    includes = [None] if big else INCLUDES
    for inc in includes:
        rep.ask("decision_variables_df", [inc], lambda: obj.decision_variables_df(include=inc), df_report)
        rep.ask("named_functions_df", [inc], lambda: obj.named_functions_df(include=inc), df_report)
        if hasattr(obj, "parameters_df"):
            rep.ask("parameters_df", [inc], lambda: obj.parameters_df(include=inc), df_report)
        for kind in KINDS:
            if instance:
                for removed in [False, True]:
                    rep.ask(
                        "constraints_df",
                        [kind, inc, removed],
                        lambda: obj.constraints_df(kind=kind, include=inc, removed=removed),
                        df_report,
                    )
            else:
                rep.ask("constraints_df", [kind, inc], lambda: obj.constraints_df(kind=kind, include=inc), df_report)
    if not big:
        rep.ask("constraints_df", ["bogus", None], lambda: obj.constraints_df(kind="bogus"), df_report)
        rep.ask("decision_variables_df", [["bogus"]], lambda: obj.decision_variables_df(include=["bogus"]), df_report)


def ids_of(df: pd.DataFrame) -> list[int]:
    return [int(i) for i in df.index]


def names_of(df: pd.DataFrame) -> list[str]:
    if "name" not in df.columns:
        return []
    return sorted({str(n) for n in df["name"] if isinstance(n, str)})


def picks(ids: list[int]) -> list[int]:
    """A few IDs to ask about: first, last, and one that does not exist."""
    chosen = sorted(set(ids[:2] + ids[-2:]))
    return chosen + [max(ids, default=-1) + 1]


def solution_questions(rep: Report, s: Any, big: bool) -> None:
    rep.ask("objective", [], lambda: s.objective, fl)
    for p in ["feasible", "feasible_relaxed", "feasible_unrelaxed"]:
        rep.ask(p, [], lambda: getattr(s, p))
    rep.ask("total_violation", [], lambda: s.total_violation(), fl)
    for p in ["decision_variable_ids", "constraint_ids", "named_function_ids"]:
        rep.ask(p, [], lambda: getattr(s, p), lambda x: sorted(x))
    for p in ["decision_variable_names", "named_function_names"]:
        rep.ask(p, [], lambda: getattr(s, p), lambda x: sorted(x))
    for kind in KINDS:
        ids = ids_of(s.constraints_df(kind=kind, include=[]))
        for cid in (ids if not big else picks(ids)) + [max(ids, default=-1) + 1]:
            rep.ask("constraint_violation", [cid, kind], lambda: s.constraint_violation(cid, kind=kind), fl)
    reg = sorted(s.constraint_ids)
    for cid in picks(reg):
        rep.ask("get_constraint_value", [cid], lambda: s.get_constraint_value(cid), fl)
        rep.ask("get_dual_variable", [cid], lambda: s.get_dual_variable(cid), lambda x: None if x is None else fl(x))
        rep.ask("get_constraint_by_id", [cid], lambda: s.get_constraint_by_id(cid), lambda c: fl(c.evaluated_value))
    for vid in picks(sorted(s.decision_variable_ids)):
        rep.ask("get_decision_variable_by_id", [vid], lambda: s.get_decision_variable_by_id(vid), lambda v: fl(v.value))
    for nid in picks(sorted(s.named_function_ids)):
        rep.ask("get_named_function_by_id", [nid], lambda: s.get_named_function_by_id(nid), lambda n: fl(n.evaluated_value))
    for name in sorted(s.decision_variable_names)[:5] + ["no such name"]:
        rep.ask("extract_decision_variables", [name], lambda: s.extract_decision_variables(name), items)
    rep.ask("extract_all_decision_variables", [], lambda: s.extract_all_decision_variables(), nested)
    for name in names_of(s.constraints_df(include=["label"]))[:5] + ["no such name"]:
        rep.ask("extract_constraints", [name], lambda: s.extract_constraints(name), items)
    for name in sorted(s.named_function_names)[:5] + ["no such name"]:
        rep.ask("extract_named_functions", [name], lambda: s.extract_named_functions(name), items)
    rep.ask("extract_all_named_functions", [], lambda: s.extract_all_named_functions(), nested)
    df_questions(rep, s, big, instance=False)


def sample_set_questions(rep: Report, ss: Any, big: bool) -> None:
    rep.ask("num_samples", [], lambda: ss.num_samples())
    rep.ask("sample_ids", [], lambda: ss.sample_ids(), lambda x: sorted(x))
    rep.ask("sample_ids_list", [], lambda: ss.sample_ids_list)
    for m in ["feasible_ids", "feasible_relaxed_ids", "feasible_unrelaxed_ids"]:
        rep.ask(m, [], lambda: getattr(ss, m)(), lambda x: sorted(x))
    rep.ask("objectives", [], lambda: ss.objectives, lambda d: [[k, fl(v)] for k, v in sorted(d.items())])
    for p in ["feasible", "feasible_relaxed", "feasible_unrelaxed"]:
        rep.ask(p, [], lambda: getattr(ss, p), lambda d: sorted(d.items()))
    for p in ["best_feasible_id", "best_feasible_relaxed_id"]:
        rep.ask(p, [], lambda: getattr(ss, p))
    for p in ["best_feasible", "best_feasible_relaxed", "best_feasible_unrelaxed"]:
        rep.ask(p, [], lambda: getattr(ss, p), lambda s: fl(s.objective))
    for p in ["decision_variable_names", "named_function_names"]:
        rep.ask(p, [], lambda: getattr(ss, p), lambda x: sorted(x))
    from ommx import Sense

    minimize = ss.sense == Sense.Minimize
    rep.ask("summary", [], lambda: ss.summary, lambda df: summary_report(df, minimize))
    rep.ask("summary_with_constraints", [], lambda: ss.summary_with_constraints, lambda df: summary_report(df, minimize))
    sids = ss.sample_ids_list
    for sid in picks(sids):
        rep.ask("get", [sid], lambda: ss.get(sid), lambda s: fl(s.objective))
        rep.ask("get_sample_by_id", [sid], lambda: ss.get_sample_by_id(sid), lambda s: fl(s.feasible))
        for name in sorted(ss.decision_variable_names)[:3] + ["no such name"]:
            rep.ask("extract_decision_variables", [name, sid], lambda: ss.extract_decision_variables(name, sid), items)
        rep.ask("extract_all_decision_variables", [sid], lambda: ss.extract_all_decision_variables(sid), nested)
        for name in names_of(ss.constraints_df(include=["label"]))[:3] + ["no such name"]:
            rep.ask("extract_constraints", [name, sid], lambda: ss.extract_constraints(name, sid), items)
        for name in sorted(ss.named_function_names)[:3] + ["no such name"]:
            rep.ask("extract_named_functions", [name, sid], lambda: ss.extract_named_functions(name, sid), items)
        rep.ask("extract_all_named_functions", [sid], lambda: ss.extract_all_named_functions(sid), nested)
    dv_ids = ids_of(ss.decision_variables_df(include=[]))
    for vid in picks(dv_ids):
        rep.ask(
            "get_decision_variable_by_id",
            [vid],
            lambda: ss.get_decision_variable_by_id(vid),
            lambda v: [[k, fl(x)] for k, x in sorted(v.samples.items())],
        )
    for cid in picks(ids_of(ss.constraints_df(include=[]))):
        rep.ask(
            "get_constraint_by_id",
            [cid],
            lambda: ss.get_constraint_by_id(cid),
            lambda c: [[k, fl(x)] for k, x in sorted(c.evaluated_values.items())],
        )
    for nid in picks(ids_of(ss.named_functions_df(include=[]))):
        rep.ask(
            "get_named_function_by_id",
            [nid],
            lambda: ss.get_named_function_by_id(nid),
            lambda n: [[k, fl(x)] for k, x in sorted(n.evaluated_values.items())],
        )
    df_questions(rep, ss, big, instance=False)
    # One sample as a Solution, asked the Solution questions.
    if sids:
        sub = Report()
        solution_questions(sub, ss.get(sids[-1]), big)
        rep.entries.append({"q": "get_solution_report", "args": [sids[-1]], "r": sub.entries})


def load(kind: str, version: str, data: bytes) -> Any:
    import ommx

    cls = {
        "instance": ommx.Instance,
        "parametric_instance": ommx.ParametricInstance,
        "solution": ommx.Solution,
        "sample_set": ommx.SampleSet,
    }[kind]
    return cls.from_v1_bytes(data) if version == "v1" else cls.from_v2_bytes(data)


def report(manifest: str) -> None:
    out: dict[str, list] = {}
    for entry in json.loads(Path(manifest).read_text()):
        data = Path(entry["path"]).read_bytes()
        obj = load(entry["kind"], entry["version"], data)
        big = len(data) > (300_000 if entry["kind"] in ("instance", "parametric_instance") else 40_000)
        rep = Report()
        if entry["kind"] in ("instance", "parametric_instance"):
            df_questions(rep, obj, big, instance=True)
        elif entry["kind"] == "solution":
            solution_questions(rep, obj, big)
        else:
            sample_set_questions(rep, obj, big)
        out[entry["name"]] = rep.entries
    json.dump(out, sys.stdout, allow_nan=False)


def params(paths: list[str]) -> None:
    from ommx.experiment import Experiment

    with tempfile.TemporaryDirectory(prefix="ommx-registry-analysis-") as registry:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = registry
        out = {p: df_report(Experiment.import_archive(p).run_parameters_df()) for p in paths}
    json.dump(out, sys.stdout, allow_nan=False)


# ---------------------------------------------------------------------------
# Rich payloads: every constraint family, labels, parameters, removed reasons,
# named functions, duals, fixed and dependent variables, ties in the samples.
# ---------------------------------------------------------------------------


def rich_instance():
    from ommx import (
        DecisionVariable,
        Equality,
        IndicatorConstraint,
        Instance,
        NamedFunction,
        OneHotConstraint,
        Sos1Constraint,
    )

    x = [DecisionVariable.binary(i, name="x", subscripts=[i // 2, i % 2], description="pick" if i == 1 else None) for i in range(6)]
    x[3] = DecisionVariable.binary(3, name="x", subscripts=[1, 1], parameters={"zone": "north", "Älter": "ja"})
    y = DecisionVariable.integer(10, lower=-2, upper=5, name="y", parameters={"b": "2", "a": "1"})
    z = DecisionVariable.continuous(11, lower=0, upper=3.5, name="z", subscripts=[7])
    w = DecisionVariable.continuous(12, lower=float("-inf"), upper=float("inf"))
    u = DecisionVariable.semi_continuous(13, lower=1, upper=4, name="u")
    c0 = (x[0] + x[1] <= 1).set_name("pair").add_subscripts([0])
    c1 = (x[2] + x[3] <= 1).set_name("pair").add_subscripts([1])
    c2 = (x[4] + 2 * y - 3 * z == 0.5)
    c2.add_parameters({"k": "v"})
    c3 = (z * z + w <= 9).set_name("cap")
    c3.set_description("a quadratic cap, with \"quotes\", <html> & a comma")
    c9 = (u - 2 * x[5] <= 0).set_name("relaxed")
    ind = {
        20: IndicatorConstraint(indicator_variable=x[5], function=z - 2, equality=Equality.LessThanOrEqualToZero, name="ind", subscripts=[1]),
        21: IndicatorConstraint(indicator_variable=x[0], function=y + 1, equality=Equality.EqualToZero),
    }
    oh = {30: OneHotConstraint(variables=[0, 1, 2], name="oh", parameters={"p": "1"})}
    sos = {40: Sos1Constraint(variables=[11, 12, 13])}
    nfs = [
        NamedFunction(id=0, function=x[0] + x[1], name="f", subscripts=[0]),
        NamedFunction(id=1, function=2 * z * w - x[2] + 3, name="f", subscripts=[1], parameters={"p": "q"}),
        NamedFunction(id=5, function=x[1] * x[2] * y - 0.25, name="g"),
        NamedFunction(id=6, function=y * 0 + 7, description="constant"),
    ]
    inst = Instance.from_components(
        decision_variables=x + [y, z, w, u],
        objective=x[0] + 2 * x[1] * x[2] - y + 0.5 * z - 1e-7 * w + 1,
        constraints={0: c0, 1: c1, 2: c2, 3: c3, 9: c9},
        indicator_constraints=ind,
        one_hot_constraints=oh,
        sos1_constraints=sos,
        named_functions=nfs,
        sense=Instance.MAXIMIZE,
    )
    inst.relax_constraint(9, "manual", reason_b="2", reason_a="1")
    return inst


def states():
    return {
        0: {0: 1, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 10: 1, 11: 3, 12: -2.5, 13: 0},
        1: {0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 10: 2, 11: 0, 12: 0, 13: 1.5},
        2: {0: 0, 1: 0, 2: 1, 3: 0, 4: 1, 5: 1, 10: -1, 11: 1.5, 12: 0, 13: 0},
        7: {0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 10: 2, 11: 0, 12: 0, 13: 1.5},
        4: {0: 0, 1: 0.5, 2: 0.5, 3: 0, 4: 0, 5: 0, 10: 0, 11: 0, 12: 0.3, 13: 0},
        5: {0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 10: -1, 11: 0, 12: 0, 13: 0},
        3: {0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 10: -1, 11: 0, 12: 0, 13: 0},
    }


def feasible_sample_set():
    from ommx import DecisionVariable, Instance

    x = [DecisionVariable.binary(i, name="b", subscripts=[i]) for i in range(3)]
    inst = Instance.from_components(
        decision_variables=x, objective=x[0] + x[1] + x[2], constraints={5: (x[0] + x[1] + x[2] >= 1).set_name("cover")},
        sense=Instance.MINIMIZE,
    )
    samples = {9: {0: 1, 1: 0, 2: 0}, 3: {0: 0, 1: 1, 2: 0}, 4: {0: 0, 1: 0, 2: 0}, 1: {0: 1, 1: 1, 2: 0}, 8: {0: 0, 1: 0, 2: 1}}
    return inst.evaluate_samples(samples)


def infeasible_sample_set():
    from ommx import DecisionVariable, Instance

    x = [DecisionVariable.binary(i) for i in range(2)]
    inst = Instance.from_components(
        decision_variables=x, objective=x[0] - x[1], constraints={0: (x[0] + x[1] == 1)}, sense=Instance.MAXIMIZE
    )
    return inst.evaluate_samples({0: {0: 0, 1: 0}, 1: {0: 1, 1: 1}})


def generate(out: Path) -> None:
    from ommx import DecisionVariable, Instance, NamedFunction, Parameter, ParametricInstance

    out.mkdir(parents=True, exist_ok=True)
    index = []

    def write(name: str, kind: str, obj: Any) -> None:
        path = out / f"{name}.{kind}.v2"
        path.write_bytes(obj.to_v2_bytes())
        index.append({"name": name, "kind": kind, "version": "v2", "path": str(path)})

    inst = rich_instance()
    write("rich", "instance", inst)
    sol = inst.evaluate(states()[0])
    sol.set_dual_variable(0, 1.5)
    sol.set_dual_variable(2, -0.25)
    write("rich-sol0", "solution", sol)
    write("rich-sol1", "solution", inst.evaluate(states()[1]))
    write("rich-samples", "sample_set", inst.evaluate_samples(states()))
    write("cover-samples", "sample_set", feasible_sample_set())
    write("infeasible-samples", "sample_set", infeasible_sample_set())

    # Fixed (partial evaluation) and dependent (log encoding) variables; an unused one.
    x = [DecisionVariable.binary(i, name="x", subscripts=[i]) for i in range(4)]
    n = DecisionVariable.integer(20, lower=0, upper=5, name="n")
    free = DecisionVariable.continuous(30, lower=-1, upper=1, name="free")
    base = Instance.from_components(
        decision_variables=x + [n, free], objective=x[0] + n, constraints={0: x[1] + x[2] <= 1, 1: x[3] + n <= 4},
        named_functions=[NamedFunction(id=0, function=free * 2, name="aux")], sense=Instance.MINIMIZE,
    )
    fixed = base.partial_evaluate({2: 1})
    fixed.log_encode({20})
    write("roles", "instance", fixed)
    dvs = fixed.decision_variables_df()
    bits = [int(i) for i in dvs.index if dvs.loc[i, "name"] == "ommx.log_encode"]
    state = {0: 1, 1: 0, 3: 0, 30: 0.5} | {b: 1 if k != 1 else 0 for k, b in enumerate(bits)}
    write("roles-sol", "solution", fixed.evaluate(state))

    p = [Parameter(100 + i, name="p", subscripts=[i], parameters={"z": "w"} if i else {}, description="pd" if i == 2 else None) for i in range(3)]
    pi = ParametricInstance.from_components(
        decision_variables=x[:3],
        objective=p[0] * x[0] + p[1] * x[1] * x[2],
        constraints={0: (x[0] + p[2] <= 1)},
        parameters=p,
        named_functions=[NamedFunction(id=3, function=p[0] * x[1], name="nn")],
        sense=Instance.MINIMIZE,
    )
    write("parametric", "parametric_instance", pi)
    json.dump(index, sys.stdout)


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("generate", "report", "params"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "generate":
        generate(Path(sys.argv[2]))
    elif sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        params(sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
