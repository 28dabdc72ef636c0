/**
 * What `Solution` and `SampleSet` answer about themselves, as the reference
 * SDK (ommx 3.0.0b7) answers it: lookups by ID that fail with
 * `NotFoundError` (Python's `KeyError`), extraction by name and subscripts,
 * constraint violations, the derived stage of a constraint, and the best
 * feasible sample.
 *
 * @module
 */

import {
  InvalidArgumentError,
  NoFeasibleSampleError,
  NotFoundError,
  UnsupportedError,
} from "../../core/errors.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import {
  binaryActivity,
  type ConstraintStage,
  constraintStage,
  DEFAULT_FEASIBILITY_ATOL,
  oneHotStage,
  sos1Stage,
} from "./_feasibility.ts";
import type { Label } from "./types.ts";
import type { EvaluatedRow, SampledRow, SampleSetView, SolutionView } from "./_views.ts";

/**
 * The key `extract*` methods use for a tuple of subscripts: the subscripts
 * joined by `,` (`(1, 2)` → `"1,2"`, `(0,)` → `"0"`, `()` → `""`).
 *
 * @param subscripts The subscripts.
 * @returns The key.
 */
export function subscriptKey(subscripts: readonly number[]): string {
  return subscripts.join(",");
}

function compareSubscripts(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function hasName(l: Label): l is Label & { name: string } {
  return l.name !== undefined && l.name !== "";
}

/** What an extraction reads. */
interface ExtractSpec<T extends Label> {
  /** The rows, ascending by ID. */
  rows: readonly T[];
  /** `decision variables`, `constraint`, `named function` (for the not-found message). */
  what: string;
  /** A row's value (`undefined`: the sample is unknown). */
  value: (row: T) => number | undefined;
  /** Refuse rows with parameters (constraints). */
  noParameters?: boolean;
  /** The sample asked for (SampleSet). */
  sampleId?: number;
}

function unknownSample(id: number): NotFoundError {
  return new NotFoundError("sample", id);
}

function duplicate(name: string, subscripts: readonly number[]): InvalidArgumentError {
  return new InvalidArgumentError(
    `Duplicate subscript: [${subscripts.join(", ")}] (more than one row named '${name}' has it)`,
  );
}

function sortedMap(entries: [readonly number[], number][]): Map<string, number> {
  entries.sort((a, b) => compareSubscripts(a[0], b[0]));
  return new Map(entries.map(([s, v]) => [subscriptKey(s), v]));
}

/**
 * `extract_decision_variables` / `extract_constraints` / `extract_named_functions`.
 *
 * @param spec What to read.
 * @param name The name.
 * @returns Subscript key → value, ordered by subscripts.
 */
export function extractByName<T extends Label>(
  spec: ExtractSpec<T>,
  name: string,
): Map<string, number> {
  const matches = spec.rows.filter((r) => hasName(r) && r.name === name);
  if (matches.length === 0) {
    throw new NotFoundError(spec.what, name, `No ${spec.what} with name '${name}' found`);
  }
  const seen = new Set<string>();
  const out: [readonly number[], number][] = [];
  for (const r of matches) {
    if (spec.noParameters && Object.keys(r.parameters).length > 0) {
      throw new UnsupportedError(
        `Constraint with parameters is not supported (constraint named '${name}' with subscripts [${
          r.subscripts.join(", ")
        }] has parameters)`,
      );
    }
    const v = spec.value(r);
    if (v === undefined) throw unknownSample(spec.sampleId!);
    const key = subscriptKey(r.subscripts);
    if (seen.has(key)) throw duplicate(name, r.subscripts);
    seen.add(key);
    out.push([r.subscripts, v]);
  }
  return sortedMap(out);
}

/**
 * `extract_all_decision_variables` / `extract_all_named_functions`: rows
 * without a name are left out; names in code-point order.
 *
 * @param spec What to read.
 * @returns Name → subscript key → value.
 */
export function extractAll<T extends Label>(
  spec: ExtractSpec<T>,
): Map<string, Map<string, number>> {
  const groups = new Map<string, [readonly number[], number][]>();
  const seen = new Set<string>();
  for (const r of spec.rows) {
    if (!hasName(r)) continue;
    const v = spec.value(r);
    if (v === undefined) throw unknownSample(spec.sampleId!);
    const key = `${r.name}\u0000${subscriptKey(r.subscripts)}`;
    if (seen.has(key)) throw duplicate(r.name, r.subscripts);
    seen.add(key);
    let g = groups.get(r.name);
    if (!g) groups.set(r.name, g = []);
    g.push([r.subscripts, v]);
  }
  const names = [...groups.keys()].sort(compareCodePoints);
  return new Map(names.map((n) => [n, sortedMap(groups.get(n)!)]));
}

/**
 * Find a row by ID.
 *
 * @param rows The rows.
 * @param id The ID.
 * @param what What the rows are (for the error).
 * @param message The error message, when it is not the default `Unknown <what> ID: <id>`.
 * @returns The row.
 * @throws {NotFoundError} when no row has the ID.
 */
export function byIdOrThrow<T extends { id: number }>(
  rows: readonly T[],
  id: number,
  what: string,
  message?: string,
): T {
  const r = rows.find((r) => r.id === id);
  if (r === undefined) throw new NotFoundError(what, id, message);
  return r;
}

// ---------------------------------------------------------------- Solution

/**
 * The value a solution gives a decision variable.
 *
 * @param s The solution.
 * @param id The variable ID.
 * @returns Its value, or undefined when it is not a decision variable of the solution.
 */
export function solutionValue(s: SolutionView, id: number): number | undefined {
  const x = s.state.get(id);
  if (x !== undefined) return x;
  return s.decisionVariables.find((v) => v.id === id)?.value;
}

/**
 * A constraint's derived fields in a solution: the stored ones, or computed
 * from the values as the reference does when they were not given.
 *
 * @param s The solution.
 * @param c One of its constraints.
 * @returns The stage.
 */
export function evaluatedStage(s: SolutionView, c: EvaluatedRow): ConstraintStage {
  const atol = s.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL;
  let computed: ConstraintStage | undefined;
  const compute = () =>
    computed ??= constraintStage(
      c,
      c.value,
      (id) => solutionValue(s, id),
      atol,
      (m) => new InvalidArgumentError(m),
    );
  const stage: ConstraintStage = { feasible: c.feasible ?? compute().feasible };
  if (c.kind === "indicator") {
    const on = c.indicatorActive ?? compute().indicatorActive;
    if (on !== undefined) stage.indicatorActive = on;
  }
  if (c.kind === "one-hot" || c.kind === "sos1") {
    const active = c.activeVariable ?? compute().activeVariable;
    if (active !== undefined) stage.activeVariable = active;
  }
  return stage;
}

/**
 * One constraint's non-negative violation (`constraint_violation`):
 * equality `|f|`, inequality `max(0, f)`, indicator the inner violation when
 * active else 0, one-hot `min_i (|x_i − 1| + Σ_{j≠i} |x_j|)`, SOS1
 * `min_i Σ_{j≠i} |x_j|`.
 *
 * @param s The solution.
 * @param c One of its constraints.
 * @returns The violation.
 */
export function constraintViolation(s: SolutionView, c: EvaluatedRow): number {
  const inner = () => c.equality === "<=" ? Math.max(0, c.value) : Math.abs(c.value);
  switch (c.kind) {
    case "regular":
      return inner();
    case "indicator":
      return evaluatedStage(s, c).indicatorActive ? inner() : 0;
    case "one-hot":
    case "sos1": {
      const vars = [...new Set(c.variables ?? [])].sort((a, b) => a - b);
      const xs = vars.map((id) => solutionValue(s, id) ?? 0);
      let best = Infinity;
      for (let i = 0; i < xs.length; i++) {
        let acc = 0;
        for (let j = 0; j < xs.length; j++) {
          if (j === i) {
            if (c.kind === "one-hot") acc += Math.abs(xs[j]! - 1);
          } else acc += Math.abs(xs[j]!);
        }
        if (acc < best) best = acc;
      }
      return xs.length === 0 ? (c.kind === "one-hot" ? 1 : 0) : best;
    }
  }
}

const KIND_ORDER = { regular: 0, indicator: 1, "one-hot": 2, sos1: 3 } as const;

/**
 * `total_violation`: the violations of every constraint (removed ones
 * included), summed family by family (regular, indicator, one-hot, SOS1),
 * each by ascending ID.
 *
 * @param s The solution.
 * @returns The total.
 */
export function totalViolation(s: SolutionView): number {
  const cs = [...s.constraints].sort((a, b) =>
    (KIND_ORDER[a.kind] - KIND_ORDER[b.kind]) || (a.id - b.id)
  );
  // Rust's `Sum` for f64 starts at -0.0: no constraints give -0.0, as in Python.
  let total = -0;
  for (const c of cs) total += constraintViolation(s, c);
  return total;
}

// ---------------------------------------------------------------- SampleSet

/** The derived fields of one constraint at one sample. */
export type SampledStage = ConstraintStage;

/**
 * A special constraint's derived fields at every sample, computed from the
 * sampled variable values as the reference does (`indicator_active`,
 * `active_variable`, `feasible`).
 *
 * @param ss The sample set.
 * @param c One of its constraints.
 * @returns Sample ID → stage (samples whose structural variables have no value are left out).
 */
export function sampledStage(ss: SampleSetView, c: SampledRow): Map<number, SampledStage> {
  const atol = ss.feasibilityAtol ?? DEFAULT_FEASIBILITY_ATOL;
  const out = new Map<number, SampledStage>();
  const samplesOf = new Map(ss.decisionVariables.map((v) => [v.id, v.samples]));
  const values = c.values;
  for (const sid of ss.sampleIdsList) {
    const value = (id: number) => samplesOf.get(id)?.get(sid);
    if (c.kind === "indicator") {
      const x = value(c.indicatorVariable ?? -1);
      const on = x === undefined ? undefined : binaryActivity(x, atol);
      if (on === undefined) continue;
      const f = values.get(sid);
      out.set(sid, {
        feasible: !on || (f !== undefined && (c.equality === "<=" ? f : Math.abs(f)) <= atol),
        indicatorActive: on,
      });
    } else if (c.kind === "one-hot" || c.kind === "sos1") {
      const st = (c.kind === "one-hot" ? oneHotStage : sos1Stage)(c.variables ?? [], value, atol);
      if (st) out.set(sid, st);
    }
  }
  return out;
}

/**
 * `best_feasible_id` / `best_feasible_relaxed_id`: the feasible sample with
 * the smallest (minimize) or largest (maximize) objective; among equal
 * objectives the smallest ID when minimizing and the largest when
 * maximizing (the reference's stable sort over ascending IDs).
 *
 * @param ss The sample set.
 * @param relaxed Use feasibility in the relaxed problem.
 * @returns The sample ID.
 * @throws {NoFeasibleSampleError} when no sample qualifies.
 */
export function bestFeasibleId(ss: SampleSetView, relaxed: boolean): number {
  const flags = relaxed ? ss.feasibleRelaxed : ss.feasible;
  const max = ss.sense === "maximize";
  let best: number | undefined;
  let bestObj = 0;
  for (const id of ss.sampleIdsList) {
    if (!flags.get(id)) continue;
    const o = ss.objectives.get(id)!;
    if (best === undefined || (max ? totalCmp(o, bestObj) >= 0 : totalCmp(o, bestObj) < 0)) {
      best = id;
      bestObj = o;
    }
  }
  if (best === undefined) throw new NoFeasibleSampleError(relaxed);
  return best;
}

/** Rust's `f64::total_cmp` for the values a sample set holds (−0 before +0). */
function totalCmp(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
  return 0;
}
