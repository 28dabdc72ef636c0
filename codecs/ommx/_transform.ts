/**
 * The instance rewrites of the reference SDK (ommx 3.0.0b7), on plain data: partial evaluation
 * with special-constraint propagation, parameter substitution, objective sense conversions with
 * output-objective capture, penalty methods (parametric and fixed-weight), binary power
 * reduction, log encoding, integer slack for inequalities and the lowering of one-hot
 * constraints. Each function takes a fresh copy of the data (from `toData()`) and either
 * returns new data or changes the copy in place; none touches the caller's objects.
 *
 * Internal: used by `Instance` and the QUBO preparation; not part of the published API.
 *
 * @module
 */

import { InvalidArgumentError, MissingIdError, UnknownIdError } from "../../core/errors.ts";
import { Function } from "./function.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  InstanceData,
  Parameter,
  ParametricInstanceData,
  ProblemData,
  VariableSetConstraint,
} from "./instance_data.ts";
import type { Bound, Label, Sense, StateLike } from "./types.ts";
import { canonicalValue, dependencyOrder, stateEntries } from "./_evaluate.ts";
import { usedIdsOf } from "./_usage.ts";

// ---------------------------------------------------------------- helpers

function label(l: Label): Label {
  const out: Label = { subscripts: [...l.subscripts], parameters: { ...l.parameters } };
  if (l.name !== undefined) out.name = l.name;
  if (l.description !== undefined) out.description = l.description;
  return out;
}

/** The reason a removed row carries. */
function reason(text: string, parameters: Record<string, string> = {}) {
  return { reason: text, parameters };
}

/** `ceil(lower - atol)`, `floor(upper + atol)` (infinite ends kept); undefined when empty. */
export function integerBound(b: Bound, atol: number): Bound | undefined {
  let lower = Number.isFinite(b.lower) ? Math.ceil(b.lower - atol) : b.lower;
  if (lower === 0) lower = 0;
  const upper = Number.isFinite(b.upper) ? Math.floor(b.upper + atol) : b.upper;
  return upper < lower ? undefined : { lower, upper };
}

/** The next free decision-variable ID (largest + 1, or 0). */
function nextVariableId(d: ProblemData): number {
  let max = -1;
  for (const v of d.decisionVariables) if (v.id > max) max = v.id;
  const next = max + 1;
  if (!Number.isSafeInteger(next)) {
    throw new InvalidArgumentError(`no decision-variable ID is left after ${max}`);
  }
  return next;
}

/** The next free regular-constraint ID (largest active or removed + 1, or 0). */
function unusedConstraintId(d: ProblemData): number {
  let max = -1;
  for (const c of d.constraints) if (c.id > max) max = c.id;
  return max + 1;
}

function dv(d: ProblemData, id: number): DecisionVariable | undefined {
  return d.decisionVariables.find((v) => v.id === id);
}

/**
 * Whether a value fits a variable's kind and bound as the reference's
 * `check_value_consistency` tests it (bound within `atol`, integral within `atol` for binary,
 * integer and semi-integer).
 */
function valueConsistent(v: DecisionVariable, value: number, atol: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (!(v.bound.lower - atol <= value && value <= v.bound.upper + atol)) return false;
  if (v.kind === "integer" || v.kind === "binary" || v.kind === "semi-integer") {
    return Math.abs(Math.round(value) - value) < atol;
  }
  return true;
}

function inconsistent(v: DecisionVariable, value: number, atol: number, what = ""): Error {
  return new InvalidArgumentError(
    `${what}the value ${value} of decision variable ${v.id} does not fit its kind ${v.kind} and bound [${v.bound.lower}, ${v.bound.upper}] (tolerance ${atol})`,
  );
}

/** Capture the active objective as the output objective when none is captured yet. */
function captureOutput(d: ProblemData, preservesOptimality: boolean): void {
  if (!d.outputObjective) {
    d.outputObjective = { sense: d.sense, function: d.objective, preservesOptimality };
  } else if (!preservesOptimality) {
    d.outputObjective = { ...d.outputObjective, preservesOptimality: false };
  }
}

// ---------------------------------------------------------------- senses

/**
 * Negate the active objective to reach `target`, capturing the former pair as the output
 * objective (Python's `convert_active_objective`).
 *
 * @param d The data (changed in place).
 * @param target The sense.
 * @returns Whether anything changed.
 */
export function convertActiveObjective(d: ProblemData, target: Sense): boolean {
  if (d.sense === target) return false;
  captureOutput(d, true);
  d.objective = d.objective.neg();
  d.sense = target;
  return true;
}

function convertBoth(d: ProblemData, target: Sense): boolean {
  let changed = false;
  if (d.outputObjective && d.outputObjective.sense !== target) {
    d.outputObjective = {
      ...d.outputObjective,
      sense: target,
      function: d.outputObjective.function.neg(),
    };
    changed = true;
  }
  if (d.sense !== target) {
    d.objective = d.objective.neg();
    d.sense = target;
    changed = true;
  }
  return changed;
}

/**
 * Python's `as_minimization_problem`: the active and the output objective negated where they
 * maximise.
 *
 * @param d The data (changed in place).
 * @returns Whether anything changed.
 */
export function asMinimizationProblem(d: ProblemData): boolean {
  return convertBoth(d, "minimize");
}

/**
 * Python's `as_maximization_problem`.
 *
 * @param d The data (changed in place).
 * @returns Whether anything changed.
 */
export function asMaximizationProblem(d: ProblemData): boolean {
  return convertBoth(d, "maximize");
}

// ---------------------------------------------------------------- parameters

/**
 * Substitute values into every function of a parametric instance (Python's `with_parameters`):
 * every parameter needs a value; every given value (parameters, and, as the reference does,
 * any other ID) is substituted into the objective, all constraints, named functions,
 * dependencies and the output objective.
 *
 * @param p The parametric data.
 * @param values ID → value.
 * @returns The instance data.
 */
export function withParameterValues(
  p: ParametricInstanceData,
  values: ReadonlyMap<number, number> | Readonly<Record<number, number>>,
): InstanceData {
  const map = new Map(stateEntries(values, "the parameter values"));
  const missing = p.parameters.filter((q) => !map.has(q.id)).map((q) => q.id);
  if (missing.length > 0) throw new MissingIdError("parameter", missing, "the parameter values");
  const sub = (f: Function) => f.partialEvaluate(map);
  const d: InstanceData = {
    sense: p.sense,
    objective: sub(p.objective),
    decisionVariables: p.decisionVariables.map((v) => ({ ...v })),
    constraints: p.constraints.map((c) => ({ ...c, function: sub(c.function) })),
    indicatorConstraints: p.indicatorConstraints.map((c) => ({ ...c, function: sub(c.function) })),
    oneHotConstraints: [...p.oneHotConstraints],
    sos1Constraints: [...p.sos1Constraints],
    namedFunctions: p.namedFunctions.map((n) => ({ ...n, function: sub(n.function) })),
    decisionVariableDependency: new Map(
      [...p.decisionVariableDependency].map(([k, f]) => [k, sub(f)]),
    ),
    parameterValues: new Map(
      p.parameters.map((q) => [q.id, map.get(q.id)!] as [number, number]),
    ),
    annotations: { ...p.annotations },
  };
  if (p.description) d.description = p.description;
  if (p.outputObjective) {
    d.outputObjective = { ...p.outputObjective, function: sub(p.outputObjective.function) };
  }
  return d;
}

// ---------------------------------------------------------------- penalty methods

function ensurePenaltySupported(d: ProblemData, operation: string): void {
  const active = (cs: readonly { removedReason?: unknown }[]) => cs.some((c) => !c.removedReason);
  for (
    const [cs, what] of [
      [d.indicatorConstraints, "indicator"],
      [d.oneHotConstraints, "one-hot"],
      [d.sos1Constraints, "SOS1"],
    ] as const
  ) {
    if (active(cs)) {
      throw new InvalidArgumentError(
        `${operation} does not support ${what} constraints; remove or convert them first`,
      );
    }
  }
}

function activeSorted(d: ProblemData): Constraint[] {
  return d.constraints.filter((c) => !c.removedReason).sort((a, b) => a.id - b.id);
}

function parametricOf(d: InstanceData, parameters: Parameter[]): ParametricInstanceData {
  const { parameterValues: _p, ...rest } = d;
  return { ...rest, parameters };
}

function firstParameterId(d: InstanceData): number {
  let max = 0;
  for (const v of d.decisionVariables) max = Math.max(max, v.id);
  for (const k of d.parameterValues?.keys() ?? []) max = Math.max(max, k);
  return max + 1;
}

/**
 * Python's `penalty_method`.
 *
 * @param d The instance data (a fresh copy).
 * @returns The parametric data.
 */
export function penaltyMethod(d: InstanceData): ParametricInstanceData {
  ensurePenaltySupported(d, "penalty_method");
  const active = activeSorted(d);
  if (active.length === 0) return parametricOf(d, []);
  const base = firstParameterId(d);
  const parts = [d.objective];
  const parameters: Parameter[] = [];
  const removed = new Map<number, Constraint>();
  active.forEach((c, i) => {
    const pid = base + i;
    parts.push(Function.from({ id: pid }).mul(c.function).mul(c.function));
    parameters.push({ id: pid, name: "penalty_weight", subscripts: [c.id], parameters: {} });
    removed.set(c.id, {
      ...c,
      removedReason: reason("ommx.Instance.penalty_method", { parameter_id: String(pid) }),
    });
  });
  captureOutput(d, false);
  d.objective = Function.sum(parts);
  d.constraints = d.constraints.map((c) => removed.get(c.id) ?? c);
  return parametricOf(d, parameters);
}

/**
 * Python's `uniform_penalty_method`.
 *
 * @param d The instance data (a fresh copy).
 * @returns The parametric data.
 */
export function uniformPenaltyMethod(d: InstanceData): ParametricInstanceData {
  ensurePenaltySupported(d, "uniform_penalty_method");
  const active = activeSorted(d);
  if (active.length === 0) return parametricOf(d, []);
  const pid = firstParameterId(d);
  const sum = Function.sum(active.map((c) => c.function.mul(c.function)));
  captureOutput(d, false);
  d.objective = d.objective.add(Function.from({ id: pid }).mul(sum));
  const ids = new Set(active.map((c) => c.id));
  d.constraints = d.constraints.map((c) =>
    ids.has(c.id) ? { ...c, removedReason: reason("ommx.Instance.uniform_penalty_method") } : c
  );
  return parametricOf(d, [{
    id: pid,
    name: "uniform_penalty_weight",
    subscripts: [],
    parameters: {},
  }]);
}

function fixedWeight(weight: number, atol: number): number {
  if (!Number.isFinite(weight) || weight < -atol) {
    throw new InvalidArgumentError(
      `a fixed penalty weight must be finite and at least -atol: weight=${weight}, atol=${atol}`,
    );
  }
  return weight < 0 ? 0 : weight;
}

function commitFixedPenalty(d: ProblemData, objective: Function, operation: string): void {
  captureOutput(d, false);
  d.objective = objective;
  d.constraints = d.constraints.map((c) =>
    c.removedReason ? c : { ...c, removedReason: reason(`ommx.Instance.${operation}`) }
  );
}

/**
 * The reference's `penalty_method_with_fixed_weights`: `± w_i f_i²` by sense, constraints
 * removed.
 *
 * @param d The data (changed in place).
 * @param weights Constraint ID → weight (exactly the active constraints).
 * @param atol Weight tolerance.
 */
export function penaltyWithFixedWeights(
  d: ProblemData,
  weights: ReadonlyMap<number, number>,
  atol: number,
): void {
  const operation = "penalty_method_with_fixed_weights";
  ensurePenaltySupported(d, operation);
  const active = activeSorted(d);
  const ids = new Set(active.map((c) => c.id));
  const missing = [...ids].filter((id) => !weights.has(id));
  const unexpected = [...weights.keys()].filter((id) => !ids.has(id));
  if (unexpected.length > 0) {
    throw new UnknownIdError("constraint", unexpected, "the penalty weights");
  }
  if (missing.length > 0) throw new MissingIdError("constraint", missing, "the penalty weights");
  if (active.length === 0) return;
  const sign = d.sense === "minimize" ? 1 : -1;
  const normalized = new Map([...weights].map(([k, w]) => [k, fixedWeight(w, atol)]));
  const parts = [d.objective];
  for (const c of active) {
    parts.push(c.function.mul(c.function).mulScalar(sign * normalized.get(c.id)!));
  }
  commitFixedPenalty(d, Function.sum(parts), operation);
}

/**
 * The reference's `uniform_penalty_method_with_fixed_weight`.
 *
 * @param d The data (changed in place).
 * @param weight The weight.
 * @param atol Weight tolerance.
 */
export function uniformPenaltyWithFixedWeight(d: ProblemData, weight: number, atol: number): void {
  const operation = "uniform_penalty_method_with_fixed_weight";
  ensurePenaltySupported(d, operation);
  const active = activeSorted(d);
  if (active.length === 0) return;
  const w = (d.sense === "minimize" ? 1 : -1) * fixedWeight(weight, atol);
  const penalty = Function.sum(active.map((c) => c.function.mul(c.function)));
  commitFixedPenalty(d, d.objective.add(penalty.mulScalar(w)), operation);
}

// ---------------------------------------------------------------- binary powers

function reduceFunction(f: Function, binary: ReadonlySet<number>): Function | undefined {
  let changed = false;
  const terms: { ids: number[]; coefficient: number }[] = [];
  f.forEachTerm((t, coefficient) => {
    const ids: number[] = [];
    for (let i = 0; i < t.length; i++) {
      const id = t[i]!;
      if (i > 0 && t[i - 1] === id && binary.has(id)) {
        changed = true;
        continue;
      }
      ids.push(id);
    }
    terms.push({ ids, coefficient });
  });
  if (!changed) return undefined;
  return Function.sum(terms.map((t) => Function.polynomial([t])));
}

/**
 * Python's `reduce_binary_power`: `x^n → x` for binary variables in the objective and the active
 * regular constraints.
 *
 * @param d The data (changed in place).
 * @returns Whether anything changed.
 */
export function reduceBinaryPower(d: ProblemData): boolean {
  const binary = new Set(d.decisionVariables.filter((v) => v.kind === "binary").map((v) => v.id));
  if (binary.size === 0) return false;
  const objective = reduceFunction(d.objective, binary);
  let changed = objective !== undefined;
  const constraints = d.constraints.map((c) => {
    if (c.removedReason) return c;
    const f = reduceFunction(c.function, binary);
    if (!f) return c;
    changed = true;
    return { ...c, function: f };
  });
  if (!changed) return false;
  if (objective) {
    captureOutput(d, true); // only a rewritten objective is captured, as by the reference
    d.objective = objective;
  }
  d.constraints = constraints;
  return true;
}

// ---------------------------------------------------------------- substitution

/**
 * Substitute `x_id := f` for each assignment into a function (assignments use only fresh IDs,
 * so one pass suffices).
 */
function substituteInto(f: Function, assignments: ReadonlyMap<number, Function>): Function {
  const required = f.requiredIds();
  if (!required.some((id) => assignments.has(id))) return f;
  const parts: Function[] = [];
  f.forEachTerm((ids, c) => {
    if (!ids.some((id) => assignments.has(id))) {
      parts.push(Function.polynomial([{ ids: [...ids], coefficient: c }]));
      return;
    }
    let term = Function.constant(c);
    for (const id of ids) term = term.mul(assignments.get(id) ?? Function.from({ id }));
    parts.push(term);
  });
  return Function.sum(parts);
}

function touches(f: Function, ids: ReadonlySet<number>): boolean {
  return f.requiredIds().some((id) => ids.has(id));
}

/**
 * Replace variables by functions of fresh variables everywhere the active formulation uses them
 * (objective, active regular and indicator constraints, named functions, dependencies), as the
 * reference's `substitute_acyclic_with_fresh_decision_variables`; the replaced variables become
 * dependent on their functions. Removed constraints are not rewritten.
 */
function substituteWithFresh(
  d: ProblemData,
  assignments: ReadonlyMap<number, Function>,
  fresh: DecisionVariable[],
): void {
  const ids = new Set(assignments.keys());
  for (const c of d.indicatorConstraints) {
    if (!c.removedReason && ids.has(c.indicatorVariable)) {
      throw new InvalidArgumentError(
        `decision variable ${c.indicatorVariable} is the indicator of indicator constraint ${c.id} and cannot be substituted`,
      );
    }
  }
  for (
    const [cs, what] of [[d.oneHotConstraints, "one-hot"], [d.sos1Constraints, "SOS1"]] as const
  ) {
    for (const c of cs) {
      if (c.removedReason) continue;
      const hit = c.variables.find((v) => ids.has(v));
      if (hit !== undefined) {
        throw new InvalidArgumentError(
          `decision variable ${hit} belongs to ${what} constraint ${c.id} and cannot be substituted`,
        );
      }
    }
  }
  d.objective = substituteInto(d.objective, assignments);
  d.constraints = d.constraints.map((c) =>
    !c.removedReason && touches(c.function, ids)
      ? { ...c, function: substituteInto(c.function, assignments) }
      : c
  );
  d.indicatorConstraints = d.indicatorConstraints.map((c) =>
    !c.removedReason && touches(c.function, ids)
      ? { ...c, function: substituteInto(c.function, assignments) }
      : c
  );
  d.namedFunctions = d.namedFunctions.map((n) =>
    touches(n.function, ids) ? { ...n, function: substituteInto(n.function, assignments) } : n
  );
  const deps = new Map<number, Function>();
  for (const [k, f] of d.decisionVariableDependency) deps.set(k, substituteInto(f, assignments));
  for (const [k, f] of assignments) deps.set(k, f);
  d.decisionVariableDependency = deps;
  d.decisionVariables = [...d.decisionVariables, ...fresh];
}

// ---------------------------------------------------------------- log encoding

const MAX_LOG_ENCODING_BITS = 53;
const MAX_EXACT_ENCODING_INTEGER = 2 ** 53;

function bitCount(width: number): number {
  let n = 0;
  let w = width;
  while (w >= 1) {
    w = Math.floor(w / 2);
    n++;
  }
  return n;
}

/**
 * Python's `log_encode` (see `Instance.logEncode`).
 *
 * @param d The data (a fresh copy).
 * @param ids Variables to encode (empty: every used integer variable).
 * @param atol Bound rounding tolerance.
 * @returns The data (the same object, changed).
 */
export function logEncode(d: InstanceData, ids: readonly number[], atol: number): InstanceData {
  let targets = [...new Set(ids)].sort((a, b) => a - b);
  if (targets.length === 0) {
    const used = new Set(usedIdsOf(d));
    targets = d.decisionVariables.filter((v) => v.kind === "integer" && used.has(v.id))
      .map((v) => v.id).sort((a, b) => a - b);
  }
  if (targets.length === 0) return d;
  const specs: { id: number; coefficients: number[]; offset: number }[] = [];
  for (const id of targets) {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidArgumentError(
        `decision variable ID ${id} is not a non-negative safe integer`,
      );
    }
    const v = dv(d, id);
    if (!v) throw new UnknownIdError("decision variable", [id], "logEncode");
    if (v.substitutedValue !== undefined) {
      throw new InvalidArgumentError(`fixed decision variable ${id} cannot be log-encoded`);
    }
    if (v.kind !== "integer") {
      throw new InvalidArgumentError(
        `decision variable ${id} must be integer for log-encoding, not ${v.kind}`,
      );
    }
    const b = integerBound(v.bound, atol);
    if (!b) {
      throw new InvalidArgumentError(
        `decision variable ${id}: no integer value in [${v.bound.lower}, ${v.bound.upper}] to log-encode`,
      );
    }
    if (!Number.isFinite(b.lower) || !Number.isFinite(b.upper)) {
      throw new InvalidArgumentError(
        `decision variable ${id}: bound [${v.bound.lower}, ${v.bound.upper}] must be finite for log-encoding`,
      );
    }
    const width = b.upper - b.lower;
    if (
      width !== 0 && (b.lower < -MAX_EXACT_ENCODING_INTEGER || b.upper > MAX_EXACT_ENCODING_INTEGER)
    ) {
      throw new InvalidArgumentError(
        `decision variable ${id}: integer bound [${b.lower}, ${b.upper}] is too far from zero for log-encoding`,
      );
    }
    const n = width === 0 ? 0 : bitCount(width);
    if (n > MAX_LOG_ENCODING_BITS) {
      throw new InvalidArgumentError(
        `decision variable ${id}: range needs ${n} binary variables for log-encoding, more than ${MAX_LOG_ENCODING_BITS}`,
      );
    }
    const coefficients: number[] = [];
    for (let i = 0; i < n; i++) {
      coefficients.push(i === n - 1 ? width - 2 ** i + 1 : 2 ** i);
    }
    specs.push({ id, coefficients, offset: b.lower });
  }
  let next = nextVariableId(d);
  const fresh: DecisionVariable[] = [];
  const assignments = new Map<number, Function>();
  for (const s of specs) {
    const terms: [number, number][] = [];
    s.coefficients.forEach((c, i) => {
      const bid = next++;
      terms.push([bid, c]);
      fresh.push({
        id: bid,
        kind: "binary",
        bound: { lower: 0, upper: 1 },
        name: "ommx.log_encode",
        subscripts: [s.id, i],
        parameters: {},
      });
    });
    assignments.set(
      s.id,
      Function.sum(terms.map(([id, c]) => Function.from({ id }).mulScalar(c))).add(s.offset),
    );
  }
  // the output objective is captured only when the objective itself is rewritten
  if (touches(d.objective, new Set(assignments.keys()))) captureOutput(d, true);
  substituteWithFresh(d, assignments, fresh);
  return d;
}

// ---------------------------------------------------------------- integer slack

/** The minimal positive factor making every coefficient an integer (`content_factor`). */
export function contentFactor(f: Function): number | undefined {
  let numerGcd = 0n;
  let denomLcm = 1n;
  const I64_MAX = (1n << 63n) - 1n;
  for (const t of f.terms) {
    const r = approximateFloat(t.coefficient);
    if (r === undefined) return undefined;
    numerGcd = gcd(numerGcd, r[0]);
    const g = gcd(denomLcm, r[1]);
    const lcm = (denomLcm / g) * r[1];
    if (lcm > I64_MAX) return undefined;
    denomLcm = lcm;
  }
  if (numerGcd === 0n) return 1;
  return Math.abs(Number(denomLcm) / Number(numerGcd));
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * `num::Rational64::approximate_float`: continued fractions with i64 terms, at most 30 steps,
 * stopping within 1e-19.
 */
function approximateFloat(val: number): [bigint, bigint] | undefined {
  const negative = val < 0 || Object.is(val, -0);
  const r = approximateUnsigned(Math.abs(val));
  if (r === undefined) return undefined;
  return negative ? [-r[0], r[1]] : r;
}

function approximateUnsigned(val: number): [bigint, bigint] | undefined {
  const maxError = 10e-20;
  if (val < 0 || Number.isNaN(val)) return undefined;
  const tMax = (1n << 63n) - 1n;
  const tMaxF = Number(tMax);
  const epsilon = 1 / tMaxF;
  let q = val;
  if (q > tMaxF) return undefined;
  let n0 = 0n;
  let d0 = 1n;
  let n1 = 1n;
  let d1 = 0n;
  for (let it = 0; it < 30; it++) {
    if (!(q < 2 ** 63) || !Number.isFinite(q)) break; // i64::from(q) fails
    const a = BigInt(Math.trunc(q));
    const f = q - Number(a);
    if (
      a !== 0n &&
      (n1 > tMax / a || d1 > tMax / a || a * n1 > tMax - n0 || a * d1 > tMax - d0)
    ) break;
    const n = a * n1 + n0;
    const d = a * d1 + d0;
    n0 = n1;
    d0 = d1;
    n1 = n;
    d1 = d;
    const g = gcd(n1, d1);
    if (g !== 0n) {
      n1 /= g;
      d1 /= g;
    }
    if (Math.abs(Number(n) / Number(d) - val) < maxError) break;
    if (f < epsilon) break;
    q = 1 / f;
  }
  if (d1 === 0n) return undefined;
  const g = gcd(n1, d1);
  return [n1 / g, d1 / g];
}

function checkSlackTarget(d: ProblemData, id: number): Constraint {
  const c = d.constraints.find((x) => x.id === id && !x.removedReason);
  if (!c) throw new UnknownIdError("constraint", [id], "the integer slack conversion");
  if (c.equality !== "<=") {
    throw new InvalidArgumentError(`regular constraint ${id} is not an inequality`);
  }
  for (const vid of c.function.requiredIds()) {
    const v = dv(d, vid);
    if (!v) throw new UnknownIdError("decision variable", [vid], `regular constraint ${id}`);
    if (v.kind !== "binary" && v.kind !== "integer") {
      throw new InvalidArgumentError(
        `regular constraint ${id} uses the ${v.kind} decision variable ${vid}; integer slack needs binary and integer variables only`,
      );
    }
  }
  return c;
}

function boundsOf(d: ProblemData): Map<number, Bound> {
  return new Map(d.decisionVariables.map((v) => [v.id, v.bound]));
}

function relax(d: ProblemData, id: number, text: string): void {
  d.constraints = d.constraints.map((c) =>
    c.id === id && !c.removedReason ? { ...c, removedReason: reason(text) } : c
  );
}

function newSlack(d: ProblemData, constraintId: number, upper: number): number {
  const id = nextVariableId(d);
  d.decisionVariables = [...d.decisionVariables, {
    id,
    kind: "integer",
    bound: { lower: 0, upper },
    name: "ommx.slack",
    subscripts: [constraintId],
    parameters: {},
  }];
  return id;
}

/** Why an exact integer slack is unavailable (the caller may fall back to an inequality slack). */
export class ExactSlackUnavailable extends InvalidArgumentError {}

/**
 * The reference's `convert_inequality_to_equality_with_integer_slack`.
 *
 * @param d The data (changed in place).
 * @param id Constraint ID.
 * @param maxRange Largest slack range.
 * @param atol Tolerance.
 * @throws {ExactSlackUnavailable} when the coefficients cannot be made integer or the range is
 *   too large; {InvalidArgumentError} when the bounds prove the inequality infeasible.
 */
export function convertInequalityToEqualityWithIntegerSlack(
  d: ProblemData,
  id: number,
  maxRange: number,
  atol: number,
): void {
  const c = checkSlackTarget(d, id);
  const a = contentFactor(c.function);
  if (a === undefined) {
    throw new ExactSlackUnavailable(
      `cannot normalise the coefficients of regular constraint ${id} to integers`,
    );
  }
  const af = c.function.mulScalar(a);
  const raw = af.evaluateBound(boundsOf(d));
  const b = integerBound(raw, atol);
  if (!b || b.lower > 0) {
    throw new InvalidArgumentError(
      `regular constraint ${id} is infeasible: its bound [${raw.lower}, ${raw.upper}] is above 0`,
    );
  }
  if (b.upper <= 0) {
    relax(d, id, "ommx.Instance.convert_inequality_to_equality_with_integer_slack");
    return;
  }
  const width = -b.lower;
  if (width > maxRange) {
    throw new ExactSlackUnavailable(
      `the slack range ${width} of regular constraint ${id} exceeds the limit ${maxRange}`,
    );
  }
  const sid = newSlack(d, id, width);
  const f = c.function.add(Function.from({ id: sid }).mulScalar(1 / a));
  d.constraints = d.constraints.map((x) =>
    x.id === id && !x.removedReason ? { ...x, function: f, equality: "=" } : x
  );
}

/**
 * The reference's `add_integer_slack_to_inequality`.
 *
 * @param d The data (changed in place).
 * @param id Constraint ID.
 * @param slackUpperBound Slack upper bound.
 * @returns The slack coefficient, or undefined when the constraint was trivially satisfied.
 */
export function addIntegerSlackToInequality(
  d: ProblemData,
  id: number,
  slackUpperBound: number,
): number | undefined {
  const c = checkSlackTarget(d, id);
  const fb = c.function.evaluateBound(boundsOf(d));
  if (fb.lower > 0) {
    throw new InvalidArgumentError(
      `regular constraint ${id} is infeasible: its bound [${fb.lower}, ${fb.upper}] is above 0`,
    );
  }
  if (fb.upper <= 0) {
    relax(d, id, "add_integer_slack_to_inequality");
    return undefined;
  }
  const b = -fb.lower / slackUpperBound;
  if (!Number.isFinite(b)) {
    throw new InvalidArgumentError(
      `the slack coefficient ${b} of regular constraint ${id} is not finite`,
    );
  }
  const sid = newSlack(d, id, slackUpperBound);
  const f = b === 0 ? c.function : c.function.add(Function.from({ id: sid }).mulScalar(b));
  d.constraints = d.constraints.map((x) =>
    x.id === id && !x.removedReason ? { ...x, function: f } : x
  );
  return b;
}

// ---------------------------------------------------------------- special constraints

/**
 * The reference's `convert_all_one_hots_to_constraints`: each active one-hot constraint becomes
 * the regular equality `Σ x - 1 = 0` (label and provenance carried over) and is removed.
 *
 * @param d The data (changed in place).
 */
export function convertAllOneHots(d: ProblemData): void {
  const active = d.oneHotConstraints.filter((c) => !c.removedReason).sort((a, b) => a.id - b.id);
  const removed = new Map<number, VariableSetConstraint>();
  for (const oh of active) {
    const nid = unusedConstraintId(d);
    const f = Function.sum([...oh.variables].sort((a, b) => a - b).map((id) => ({ id }))).add(-1);
    d.constraints = [...d.constraints, {
      ...label(oh),
      id: nid,
      equality: "=",
      function: f,
      provenance: [...(oh.provenance ?? []), { kind: "one-hot", id: oh.id }],
    }];
    removed.set(oh.id, {
      ...oh,
      removedReason: reason("ommx.Instance.convert_one_hot_to_constraint", {
        constraint_id: String(nid),
      }),
    });
  }
  d.oneHotConstraints = d.oneHotConstraints.map((c) => removed.get(c.id) ?? c);
}

/**
 * The reference's `convert_all_indicators_to_constraints` (Big-M from the interval bound
 * `[l, u]` of `f` over the variable bounds): `f + u y - u <= 0` when `u > 0`, and for an
 * equality also `-f - l y + l <= 0` when `l < 0`; each new constraint has the provenance of its
 * indicator constraint only; the indicator constraint is removed with the new IDs. Every
 * indicator is checked before anything changes.
 *
 * @param d The data (changed in place).
 * @throws {InvalidArgumentError} for a semi-continuous/semi-integer variable or an infinite
 *   bound on a side that is needed.
 */
export function convertAllIndicators(d: ProblemData): void {
  const active = d.indicatorConstraints.filter((c) => !c.removedReason)
    .sort((a, b) => a.id - b.id);
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const bounds = boundsOf(d);
  const plans = active.map((ic) => {
    for (const vid of ic.function.requiredIds()) {
      const v = byId.get(vid);
      if (!v) throw new UnknownIdError("decision variable", [vid], `indicator constraint ${ic.id}`);
      if (v.kind === "semi-integer" || v.kind === "semi-continuous") {
        throw new InvalidArgumentError(
          `cannot convert indicator constraint ${ic.id} with Big-M: decision variable ${vid} is ${v.kind}`,
        );
      }
    }
    const fb = ic.function.evaluateBound(bounds);
    if (!Number.isFinite(fb.upper)) {
      throw new InvalidArgumentError(
        `cannot convert indicator constraint ${ic.id} with Big-M: its function has the upper bound ${fb.upper}`,
      );
    }
    const out: Function[] = [];
    const y = Function.from({ id: ic.indicatorVariable });
    if (fb.upper > 0) out.push(ic.function.add(y.mulScalar(fb.upper)).add(-fb.upper));
    if (ic.equality === "=") {
      if (!Number.isFinite(fb.lower)) {
        throw new InvalidArgumentError(
          `cannot convert indicator constraint ${ic.id} with Big-M: its function has the lower bound ${fb.lower}`,
        );
      }
      if (fb.lower < 0) out.push(ic.function.neg().add(y.mulScalar(-fb.lower)).add(fb.lower));
    }
    return { ic, out };
  });
  const removed = new Map<number, IndicatorConstraint>();
  for (const { ic, out } of plans) {
    const ids = out.map((f) => addGenerated(d, f, { kind: "indicator", id: ic.id }));
    removed.set(ic.id, {
      ...ic,
      removedReason: reason("ommx.Instance.convert_indicator_to_constraint", {
        constraint_ids: ids.join(","),
      }),
    });
  }
  d.indicatorConstraints = d.indicatorConstraints.map((c) => removed.get(c.id) ?? c);
}

function addGenerated(
  d: ProblemData,
  f: Function,
  provenance: { kind: "indicator" | "sos1"; id: number },
): number {
  const id = unusedConstraintId(d);
  d.constraints = [...d.constraints, {
    id,
    equality: "<=",
    function: f,
    subscripts: [],
    parameters: {},
    provenance: [provenance],
  }];
  return id;
}

/**
 * The reference's `convert_all_sos1_to_constraints` (Big-M): a binary `[0, 1]` member is its own
 * indicator, any other member `x ∈ [l, u]` gets a fresh binary `y` (named `ommx.sos1_indicator`,
 * subscripts `[sos1 ID, x]`) with `x - u y <= 0` (when `u > 0`) and `l y - x <= 0` (when
 * `l < 0`), then `Σ y - 1 <= 0`; the SOS1 constraint is removed with the new IDs. Every SOS1
 * constraint is checked before anything changes.
 *
 * @param d The data (changed in place).
 * @throws {InvalidArgumentError} for a semi kind, an infinite bound or a bound without 0.
 */
export function convertAllSos1(d: ProblemData): void {
  const active = d.sos1Constraints.filter((c) => !c.removedReason).sort((a, b) => a.id - b.id);
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const plans = active.map((c) => ({
    c,
    members: [...new Set(c.variables)].sort((a, b) => a - b).map((x) => {
      const v = byId.get(x);
      if (!v) throw new UnknownIdError("decision variable", [x], `SOS1 constraint ${c.id}`);
      if (v.kind === "binary" && v.bound.lower === 0 && v.bound.upper === 1) {
        return { x, bound: undefined };
      }
      const what = `cannot convert SOS1 constraint ${c.id} with Big-M: decision variable ${x}`;
      if (v.kind === "semi-integer" || v.kind === "semi-continuous") {
        throw new InvalidArgumentError(`${what} is ${v.kind}`);
      }
      if (!Number.isFinite(v.bound.lower) || !Number.isFinite(v.bound.upper)) {
        throw new InvalidArgumentError(
          `${what} has the infinite bound [${v.bound.lower}, ${v.bound.upper}]`,
        );
      }
      if (v.bound.lower > 0 || v.bound.upper < 0) {
        throw new InvalidArgumentError(
          `${what} has the bound [${v.bound.lower}, ${v.bound.upper}] without 0`,
        );
      }
      return { x, bound: v.bound };
    }),
  }));
  const removed = new Map<number, VariableSetConstraint>();
  for (const { c, members } of plans) {
    const indicator = new Map<number, number>();
    for (const m of members) {
      if (m.bound === undefined) {
        indicator.set(m.x, m.x);
        continue;
      }
      const y = nextVariableId(d);
      d.decisionVariables = [...d.decisionVariables, {
        id: y,
        kind: "binary",
        bound: { lower: 0, upper: 1 },
        name: "ommx.sos1_indicator",
        subscripts: [c.id, m.x],
        parameters: {},
      }];
      indicator.set(m.x, y);
    }
    const ids: number[] = [];
    for (const m of members) {
      if (m.bound === undefined) continue;
      const x = Function.from({ id: m.x });
      const y = Function.from({ id: indicator.get(m.x)! });
      if (m.bound.upper > 0) {
        ids.push(addGenerated(d, x.add(y.mulScalar(-m.bound.upper)), { kind: "sos1", id: c.id }));
      }
      if (m.bound.lower < 0) {
        ids.push(addGenerated(d, y.mulScalar(m.bound.lower).sub(x), { kind: "sos1", id: c.id }));
      }
    }
    if (indicator.size > 0) {
      const sum = Function.sum(
        [...indicator.keys()].sort((a, b) => a - b).map((x) => ({
          id: indicator.get(x)!,
        })),
      );
      ids.push(addGenerated(d, sum.add(-1), { kind: "sos1", id: c.id }));
    }
    removed.set(c.id, {
      ...c,
      removedReason: reason("ommx.Instance.convert_sos1_to_constraints", {
        constraint_ids: ids.join(","),
      }),
    });
  }
  d.sos1Constraints = d.sos1Constraints.map((c) => removed.get(c.id) ?? c);
}

// ---------------------------------------------------------------- partial evaluation

const PROPAGATION = "ommx.Instance.partial_evaluate.unit_propagation";

/**
 * Python's `partial_evaluate` (see `Instance.partialEvaluate`).
 *
 * @param d The data (a fresh copy).
 * @param state Values to fix.
 * @param atol Tolerance.
 * @returns The data (the same object, changed).
 */
export function partialEvaluate(d: InstanceData, state: StateLike, atol: number): InstanceData {
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const given = new Map<number, number>();
  const entries = stateEntries(state, "the state");
  const unknown = entries.filter(([id]) => !byId.has(id)).map(([id]) => id);
  if (unknown.length > 0) throw new UnknownIdError("decision variable", unknown, "the state");
  for (const [id, value] of entries.sort((a, b) => a[0] - b[0])) {
    const v = byId.get(id)!;
    if (!Number.isFinite(value)) {
      throw new InvalidArgumentError(
        `the state: the value of decision variable ${id} is ${value}, not finite`,
      );
    }
    if (!valueConsistent(v, value, atol)) throw inconsistent(v, value, atol, "the state: ");
    if (v.substitutedValue !== undefined && !(Math.abs(v.substitutedValue - value) <= atol)) {
      throw new InvalidArgumentError(
        `the state: decision variable ${id} is fixed to ${v.substitutedValue}, but ${value} is given (tolerance ${atol})`,
      );
    }
    const dependent = d.decisionVariableDependency.has(id);
    given.set(id, v.substitutedValue ?? (dependent ? value : canonicalValue(v.kind, value, atol)));
  }

  // Phase 1: propagate through the active special constraints.
  const expanded = new Map(given);
  const merge = (id: number, value: number): boolean => {
    const prev = expanded.get(id);
    if (prev === undefined) {
      expanded.set(id, value);
      return true;
    }
    if (!(Math.abs(prev - value) <= atol)) {
      throw new InvalidArgumentError(
        `conflicting values for decision variable ${id} while propagating special constraints: ${prev} and ${value}`,
      );
    }
    return false;
  };
  const removedBy = reason(PROPAGATION);
  let changed = true;
  while (changed) {
    changed = false;
    d.oneHotConstraints = d.oneHotConstraints.map((c) => {
      if (c.removedReason) return c;
      let one: number | undefined;
      const unfixed: number[] = [];
      for (const id of [...c.variables].sort((a, b) => a - b)) {
        const x = expanded.get(id);
        if (x === undefined) unfixed.push(id);
        else if (Math.abs(x - 1) < atol) {
          if (one !== undefined) {
            throw new InvalidArgumentError(
              `one-hot constraint ${c.id}: decision variables ${one} and ${id} are both fixed to 1`,
            );
          }
          one = id;
        } else if (!(Math.abs(x) < atol)) {
          throw new InvalidArgumentError(
            `one-hot constraint ${c.id}: decision variable ${id} is fixed to ${x}, neither 0 nor 1`,
          );
        }
      }
      if (one !== undefined) {
        for (const id of unfixed) if (merge(id, 0)) changed = true;
        return { ...c, removedReason: removedBy };
      }
      if (unfixed.length === 0) {
        throw new InvalidArgumentError(
          `one-hot constraint ${c.id}: every variable is fixed to 0, it cannot be satisfied`,
        );
      }
      if (unfixed.length === 1) {
        if (merge(unfixed[0]!, 1)) changed = true;
        return { ...c, removedReason: removedBy };
      }
      return unfixed.length === c.variables.length ? c : { ...c, variables: unfixed };
    });
    d.sos1Constraints = d.sos1Constraints.map((c) => {
      if (c.removedReason) return c;
      let nonZero: number | undefined;
      const unfixed: number[] = [];
      for (const id of [...c.variables].sort((a, b) => a - b)) {
        const x = expanded.get(id);
        if (x === undefined) unfixed.push(id);
        else if (!(Math.abs(x) < atol)) {
          if (nonZero !== undefined) {
            throw new InvalidArgumentError(
              `SOS1 constraint ${c.id}: decision variables ${nonZero} and ${id} are both non-zero`,
            );
          }
          nonZero = id;
        }
      }
      if (nonZero !== undefined) {
        for (const id of unfixed) if (merge(id, 0)) changed = true;
        return { ...c, removedReason: removedBy };
      }
      if (unfixed.length === 0) return { ...c, removedReason: removedBy };
      return unfixed.length === c.variables.length ? c : { ...c, variables: unfixed };
    });
    const promoted: IndicatorConstraint[] = [];
    d.indicatorConstraints = d.indicatorConstraints.map((c) => {
      if (c.removedReason) return c;
      const x = expanded.get(c.indicatorVariable);
      if (x === undefined) return { ...c, function: c.function.partialEvaluate(expanded) };
      const binary: DecisionVariable = {
        id: c.indicatorVariable,
        kind: "binary",
        bound: { lower: 0, upper: 1 },
        subscripts: [],
        parameters: {},
      };
      if (!valueConsistent(binary, x, atol)) {
        throw new InvalidArgumentError(
          `indicator constraint ${c.id}: indicator variable ${c.indicatorVariable} is fixed to ${x}, neither 0 nor 1`,
        );
      }
      if (Math.abs(x - 1) < atol) promoted.push(c);
      return { ...c, removedReason: removedBy };
    });
    for (const c of promoted) {
      d.constraints = [...d.constraints, {
        ...label(c),
        id: unusedConstraintId(d),
        equality: c.equality,
        function: c.function.partialEvaluate(expanded),
        provenance: [...(c.provenance ?? []), { kind: "indicator", id: c.id }],
      }];
    }
  }

  // Phase 2: store fixed values; dependent values are assertions.
  const assertions = new Map<number, number>();
  const fixed = new Map<number, number>();
  for (const [id, value] of expanded) {
    const v = byId.get(id)!;
    if (!valueConsistent(v, value, atol)) {
      throw inconsistent(v, value, atol, "special-constraint propagation: ");
    }
    if (d.decisionVariableDependency.has(id)) assertions.set(id, value);
    else fixed.set(id, v.substitutedValue ?? value);
  }
  d.decisionVariables = d.decisionVariables.map((v) =>
    fixed.has(v.id) && v.substitutedValue === undefined
      ? { ...v, substitutedValue: fixed.get(v.id)! }
      : v
  );

  // Phase 3: dependencies that became constants turn into fixed values.
  const evaluation = new Map<number, number>();
  for (const v of d.decisionVariables) {
    if (v.substitutedValue !== undefined) evaluation.set(v.id, v.substitutedValue);
  }
  const remaining = new Map<number, Function>();
  const newlyFixed = new Map<number, number>();
  for (const [id, f0] of dependencyOrder(d.decisionVariableDependency)) {
    const f = f0.partialEvaluate(evaluation);
    const v = byId.get(id);
    if (f.requiredIds().length === 0) {
      const value = f.constantTerm;
      const asserted = assertions.get(id);
      if (asserted !== undefined && !(Math.abs(asserted - value) <= atol)) {
        throw new InvalidArgumentError(
          `the value ${asserted} given for dependent decision variable ${id} differs from ${value} computed from its dependency (tolerance ${atol})`,
        );
      }
      if (v && !valueConsistent(v, value, atol)) throw inconsistent(v, value, atol);
      const canonical = v ? canonicalValue(v.kind, value, atol) : value;
      newlyFixed.set(id, canonical);
      evaluation.set(id, canonical);
    } else {
      if (assertions.has(id)) {
        throw new InvalidArgumentError(
          `a value is given for dependent decision variable ${id}, but its dependency still uses decision variables ${
            f.requiredIds().join(", ")
          }`,
        );
      }
      remaining.set(id, f);
    }
  }
  d.decisionVariables = d.decisionVariables.map((v) =>
    newlyFixed.has(v.id) ? { ...v, substitutedValue: newlyFixed.get(v.id)! } : v
  );
  d.decisionVariableDependency = remaining;

  // Phase 4: rewrite the active expressions.
  d.objective = d.objective.partialEvaluate(evaluation);
  d.constraints = d.constraints.map((c) =>
    c.removedReason ? c : { ...c, function: c.function.partialEvaluate(evaluation) }
  );
  d.namedFunctions = d.namedFunctions.map((n) => ({
    ...n,
    function: n.function.partialEvaluate(evaluation),
  }));
  return d;
}
