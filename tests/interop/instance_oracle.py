"""Reference answers for the Instance / Function differential tests (tests/interop/instance_methods_test.ts).

Reads a JSON list of requests on stdin and prints a JSON list of answers, one per request:
{"ok": <result>} or {"error": {"type": <exception class>, "message": <text>}}. Protobuf payloads
travel as base64 (`ommx.v2` bytes; functions as `[[ids...], coefficient]` term lists). Maps keyed by IDs are
JSON objects with string keys.

Requests (`instance` is a v2 Instance, `parametric` a v2 ParametricInstance):
  evaluate, evaluate_samples, partial_evaluate, populate_state  {instance, state|samples, atol?}
  stats, required_ids, used_ids                                  {instance}
  penalty_method, uniform_penalty_method, as_parametric          {instance}
  with_parameters                                                {parametric, values}
  log_encode                                                     {instance, ids, atol?}
  as_qubo_format, as_hubo_format                                 {instance}
  to_qubo, to_hubo                                               {instance, uniform?, weights?, range?}
  convert_active_objective                                       {instance, sense}
  reduce_binary_power                                            {instance}
  save_mps                                                       {instance, path, compress}
  load_mps                                                       {path}
  function                                                       {function, other?, state?, bounds?, atol?, scalar?}
  random_instance                                                {seed, ...}  (see random_instance())
  random_samples                                                 {instance, seed, num_samples, num_different}
  model                                                          {sense, variables, objective, constraints,
                                                                  parameters?, lookups}  (see model())
"""

from __future__ import annotations

import base64
import json
import sys
import traceback


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def keyed(d: dict) -> dict:
    return {int(k): v for k, v in d.items()}


def terms_of(f) -> list:
    return sorted([[list(k), v] for k, v in f.terms.items()], key=lambda t: (len(t[0]), t[0]))


def function_from(terms: list):
    """A Function from `[[ids...], coefficient]` terms."""
    from ommx import Function, Polynomial

    f = Function(0)
    for ids, c in terms:
        f = f + Function(Polynomial(terms={tuple(ids): c}))
    return f


def describe_function(f) -> dict:
    return {
        "terms": terms_of(f),
        "linear": sorted([[k, v] for k, v in f.linear_terms.items()]),
        "quadratic": sorted([[k[0], k[1], v] for k, v in f.quadratic_terms.items()]),
        "constant": f.constant_term,
        "degree": f.degree(),
        "num_terms": f.num_terms(),
        "required_ids": sorted(f.required_ids()),
    }


def random_instance(req: dict):
    """A random instance from a seed: binary/integer/continuous variables, linear and quadratic
    objective and constraints of both relations, a named function, optionally a removed
    constraint, one-hot/SOS1 constraints, a fixed (substituted) variable and a dependency."""
    import numpy as np
    from ommx import (
        DecisionVariable,
        Instance,
        Kind,
        NamedFunction,
        OneHotConstraint,
        Sense,
        Sos1Constraint,
    )

    rng = np.random.default_rng(req["seed"])
    n = int(req.get("n", 8))
    kinds = req.get("kinds", ["binary", "integer", "continuous"])
    xs = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        vid = int(i * req.get("id_stride", 1))
        if kind == "binary":
            xs.append(DecisionVariable.binary(vid, name="x", subscripts=[i]))
        elif kind == "integer":
            lo = int(rng.integers(-3, 2))
            xs.append(DecisionVariable.integer(vid, lower=lo, upper=lo + int(rng.integers(1, 6)), name="y", subscripts=[i]))
        else:
            xs.append(DecisionVariable.continuous(vid, lower=float(rng.uniform(-5, 0)), upper=float(rng.uniform(0, 5)), name="z", subscripts=[i]))
    integral = req.get("integral", True)

    def coef():
        return float(rng.integers(-5, 6)) if integral else float(np.round(rng.uniform(-5, 5), 3))

    def lin(k):
        idx = rng.choice(n, size=min(k, n), replace=False)
        f = coef()
        for i in idx:
            f = f + coef() * xs[int(i)]
        return f

    objective = lin(4)
    if req.get("quadratic", True):
        i, j = rng.choice(n, size=2, replace=False)
        objective = objective + coef() * xs[int(i)] * xs[int(j)]
    constraints = {}
    for c in range(int(req.get("m", 3))):
        f = lin(3)
        if req.get("quadratic_constraints", False) and c == 0:
            i, j = rng.choice(n, size=2, replace=False)
            f = f + coef() * xs[int(i)] * xs[int(j)]
        constraints[int(c * 2 + 1)] = (f <= 0) if c % 2 == 0 else (f == 0)
    binaries = [x for x in xs if x.kind == Kind.Binary]
    extra = {}
    if req.get("one_hot") and len(binaries) >= 3:
        extra["one_hot_constraints"] = {4: OneHotConstraint(variables=[b.id for b in binaries[:3]])}
    if req.get("sos1") and len(binaries) >= 2:
        extra["sos1_constraints"] = {9: Sos1Constraint(variables=[b.id for b in binaries[-2:]])}
    if req.get("sos1_mixed"):
        # a binary member and bounded integer/continuous members (Big-M indicators when lowered)
        members = [binaries[0].id] if binaries else []
        members += [x.id for x in xs if x.kind != Kind.Binary and x.bound.lower <= 0 <= x.bound.upper][:2]
        extra["sos1_constraints"] = {6: Sos1Constraint(variables=members)}
    if req.get("indicator") and binaries:
        extra["indicator_constraints"] = {
            11: (lin(2) <= 0).with_indicator(binaries[0].id),
            12: (lin(2) == 0).with_indicator(binaries[-1].id),
        }
    if req.get("named", True):
        extra["named_functions"] = [NamedFunction(id=2, function=lin(2), name="nf", subscripts=[1])]
    inst = Instance.from_components(
        decision_variables=xs,
        objective=objective,
        constraints=constraints,
        sense=Sense.Maximize if req.get("maximize") else Sense.Minimize,
        **extra,
    )
    if req.get("removed") and constraints:
        inst.relax_constraint(max(constraints), "test.removed", why="because")
    if req.get("fix") is not None:
        inst = inst.partial_evaluate({int(k): v for k, v in req["fix"].items()})
    if req.get("convert_sense"):
        inst.convert_active_objective(Sense.Minimize if not req.get("maximize") else Sense.Minimize)
    if req.get("log_encode"):
        inst.log_encode(set())
    return inst


def model(req: dict) -> dict:
    """Build a model with the modelling surface: `DecisionVariable.<kind>(id, lower=, upper=, …)`,
    `Parameter(id, …)`, constraints as `lhs <= rhs` / `lhs >= rhs` / `lhs == rhs` of term lists,
    then `Instance.from_components` (or `ParametricInstance.from_components` when `parameters` is
    given). Returns the v2 bytes and, for every ID in `lookups`, what each `get_*_by_id` answers."""
    from ommx import DecisionVariable, Instance, ParametricInstance, Parameter

    def labels(d: dict) -> dict:
        return {k: d[k] for k in ("name", "subscripts", "description") if k in d}

    dvs = []
    for v in req["variables"]:
        kind = v["kind"].replace("-", "_")
        if kind == "binary":
            dvs.append(DecisionVariable.binary(v["id"], **labels(v)))
        else:
            bounds = {k: v[k] for k in ("lower", "upper") if k in v}
            dvs.append(getattr(DecisionVariable, kind)(v["id"], **bounds, **labels(v)))
    constraints = {}
    for c in req["constraints"]:
        lhs, rhs = function_from(c["lhs"]), function_from(c["rhs"])
        con = lhs <= rhs if c["rel"] == "le" else lhs >= rhs if c["rel"] == "ge" else lhs == rhs
        if "name" in c:
            con.set_name(c["name"])
        if "subscripts" in c:
            con.set_subscripts(c["subscripts"])
        constraints[c["id"]] = con
    sense = Instance.MAXIMIZE if req["sense"] == "maximize" else Instance.MINIMIZE
    objective = function_from(req["objective"])
    if "parameters" in req:
        params = [Parameter(p["id"], **labels(p)) for p in req["parameters"]]
        inst = ParametricInstance.from_components(
            sense=sense, objective=objective, decision_variables=dvs, constraints=constraints, parameters=params
        )
        getters = ["decision_variable", "constraint", "removed_constraint", "named_function", "parameter"]
    else:
        inst = Instance.from_components(sense=sense, objective=objective, decision_variables=dvs, constraints=constraints)
        getters = ["decision_variable", "constraint", "removed_constraint", "named_function"]
    lookups = {}
    for g in getters:
        for i in req["lookups"]:
            try:
                getattr(inst, f"get_{g}_by_id")(i)
                lookups[f"{g}:{i}"] = None
            except KeyError as e:
                lookups[f"{g}:{i}"] = e.args[0]
    return {"instance": b64(inst.to_v2_bytes()), "lookups": lookups}


def run(req: dict):
    from ommx import Bound, Instance, ParametricInstance, Rng, Sense

    op = req["op"]
    atol = req.get("atol")
    kw = {} if atol is None else {"atol": atol}

    if op == "random_instance":
        return b64(random_instance(req).to_v2_bytes())
    if op == "function":
        f = function_from(req["function"])
        out = describe_function(f)
        if "other" in req:
            g = function_from(req["other"])
            out["add"] = terms_of(f + g)
            out["sub"] = terms_of(f - g)
            out["mul"] = terms_of(f * g)
            out["almost_equal"] = f.almost_equal(g, atol=req.get("almost_atol", 1e-6))
            out["le"] = terms_of((f <= g).function)
            out["ge"] = terms_of((f >= g).function)
            out["eq"] = terms_of((f == g).function)
        if "scalar" in req:
            out["mul_scalar"] = terms_of(f.mul_scalar(req["scalar"]))
            out["add_scalar"] = terms_of(f.add_scalar(req["scalar"]))
            out["neg"] = terms_of(-f)
        if "state" in req:
            try:
                out["evaluate"] = f.evaluate(keyed(req["state"]))
            except Exception as e:  # noqa: BLE001
                out["evaluate_error"] = type(e).__name__
            try:
                out["partial"] = terms_of(f.partial_evaluate(keyed(req["state"])))
            except Exception as e:  # noqa: BLE001
                out["partial_error"] = type(e).__name__
        if "bounds" in req:
            b = f.evaluate_bound({int(k): Bound(v[0], v[1]) for k, v in req["bounds"].items()})
            out["bound"] = [b.lower, b.upper]
        return out

    if op == "model":
        return model(req)
    if op == "load_mps":
        return b64(Instance.load_mps(req["path"]).to_v2_bytes())
    if op == "with_parameters":
        pi = ParametricInstance.from_v2_bytes(unb64(req["parametric"]))
        return b64(pi.with_parameters(keyed(req["values"])).to_v2_bytes())

    inst = Instance.from_v2_bytes(unb64(req["instance"]))
    if op == "evaluate":
        return b64(inst.evaluate(keyed(req["state"]), **kw).to_v2_bytes())
    if op == "populate_state":
        return {str(k): v for k, v in inst.populate_state(keyed(req["state"]), **kw).entries.items()}
    if op == "evaluate_samples":
        samples = {int(s): keyed(st) for s, st in req["samples"].items()}
        return b64(inst.evaluate_samples(samples, **kw).to_v2_bytes())
    if op == "random_samples":
        rng = Rng()
        for _ in range(req.get("seed", 0)):
            rng = Rng() if False else rng
        samples = inst.random_samples(rng, num_different_samples=req["num_different"], num_samples=req["num_samples"])
        return {str(s): {str(k): v for k, v in samples.get_state(s).entries.items()} for s in sorted(samples.sample_ids())}
    if op == "partial_evaluate":
        return b64(inst.partial_evaluate(keyed(req["state"]), **kw).to_v2_bytes())
    if op == "stats":
        return inst.stats()
    if op == "required_ids":
        return sorted(inst.required_ids())
    if op == "used_ids":
        return [v.id for v in inst.used_decision_variables]
    if op == "penalty_method":
        return b64(inst.penalty_method().to_v2_bytes())
    if op == "uniform_penalty_method":
        return b64(inst.uniform_penalty_method().to_v2_bytes())
    if op == "as_parametric":
        return b64(inst.as_parametric_instance().to_v2_bytes())
    if op == "log_encode":
        inst.log_encode(set(req.get("ids", [])), **kw)
        return b64(inst.to_v2_bytes())
    if op in ("as_qubo_format", "as_hubo_format"):
        fmt, offset = getattr(inst, op)()
        return {"terms": sorted([[list(k), v] for k, v in fmt.items()]), "offset": offset}
    if op in ("to_qubo", "to_hubo"):
        args = {}
        if "uniform" in req:
            args["uniform_penalty_weight"] = req["uniform"]
        if "weights" in req:
            args["penalty_weights"] = keyed(req["weights"])
        if "range" in req:
            args["inequality_integer_slack_max_range"] = req["range"]
        fmt, offset = getattr(inst, op)(**args)
        return {
            "terms": sorted([[list(k), v] for k, v in fmt.items()]),
            "offset": offset,
            "instance": b64(inst.to_v2_bytes()),
        }
    if op == "convert_active_objective":
        changed = inst.convert_active_objective(Sense.Minimize if req["sense"] == "minimize" else Sense.Maximize)
        return {"changed": changed, "instance": b64(inst.to_v2_bytes())}
    if op == "reduce_binary_power":
        changed = inst.reduce_binary_power()
        return {"changed": changed, "instance": b64(inst.to_v2_bytes())}
    if op == "save_mps":
        inst.save_mps(req["path"], compress=req["compress"])
        return True
    raise ValueError(f"unknown op {op}")


def main() -> int:
    requests = json.load(sys.stdin)
    answers = []
    for req in requests:
        try:
            answers.append({"ok": run(req)})
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 (a Rust panic is a BaseException)
            if req.get("trace"):
                traceback.print_exc()
            answers.append({"error": {"type": type(e).__name__, "message": str(e)}})
    json.dump(answers, sys.stdout, allow_nan=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
