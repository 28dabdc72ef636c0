/**
 * Evaluation of an instance at one state or many samples, as the reference SDK (ommx 3.0.0b7)
 * does it: the state is checked and populated first (`Instance.populate_state`), then the
 * objective (the output objective when one is captured), every constraint, every named function
 * and every decision variable's kind and bound are evaluated at one absolute tolerance.
 *
 * Population, in order: every state ID must be a decision variable; every variable the active
 * formulation uses (objective and active constraints of all kinds) must be given; every given
 * value must be finite. Values of variables that are neither fixed nor dependent are
 * canonicalised: a binary value within `atol` of 0 or 1, an integer or semi-integer value within
 * `atol` of an integer, becomes exactly that number. A given fixed (substituted) variable must
 * agree with its fixed value within `atol` and is replaced by it; a missing one gets it. A missing
 * irrelevant variable (neither used, fixed nor dependent) gets the bound's value nearest to zero
 * (0 for semi-continuous and semi-integer). Dependent variables are computed in dependency order
 * from the others; a given value must agree within `atol` with the computed one (before that is
 * canonicalised for the variable's kind), and the canonicalised computed value is used.
 *
 * Functions are compiled once per instance to flat arrays over a dense variable index, so
 * `evaluateSamples` costs one pass per sample and function.
 *
 * Internal: used by `Instance`; not part of the published API.
 *
 * @module
 */

import { InvalidArgumentError, MissingIdError, UnknownIdError } from "../../core/errors.ts";
import type { Function } from "./function.ts";
import type {
  Constraint,
  DecisionVariable,
  IndicatorConstraint,
  NamedFunction,
  ProblemData,
  VariableSetConstraint,
} from "./instance_data.ts";
import type { Bound, Equality, Kind, Sense, StateLike } from "./types.ts";
import type {
  EvaluatedConstraint,
  EvaluatedDecisionVariable,
  EvaluatedNamedFunction,
  SolutionData,
} from "./solution.ts";
import type {
  SampledConstraint,
  SampledDecisionVariable,
  SampledNamedFunction,
  SampleSetData,
} from "./sample_set.ts";
import { SampledValues } from "./sampled_values.ts";
import {
  binaryActivity,
  consistentBound,
  constraintFeasible,
  constraintLabel,
  oneHotStage,
  sos1Stage,
  variableValueValid,
} from "./_feasibility.ts";

/** A function compiled over the dense variable index. */
export interface Compiled {
  constant: number;
  /** Column of each variable occurrence, term by term (a linear row's may be longer). */
  cols: Int32Array;
  /** Start of each term in `cols` (at least terms + 1 entries; a linear row's are shared). */
  offsets: Int32Array;
  /** Coefficient of each term (a linear row's may be its function's own list; never written). */
  coefficients: ArrayLike<number>;
  /** Required IDs, ascending. */
  required: number[];
}

/** Above this many linear terms a function is compiled term by term ({@linkcode compile}). */
const LINEAR_FAST_MAX_TERMS = 32;

/**
 * `0, 1, …, LINEAR_FAST_MAX_TERMS`: a linear row's term starts (term `t` is entry `t` of
 * `cols`), shared by every row {@linkcode compileLinear} compiles, and the `cols` of a row whose
 * `t`-th term is column `t` (the usual row over variables `0…n − 1`): a typed array costs
 * ~0.5 µs to allocate, as much as compiling the row. Never written after this.
 */
const LINEAR_OFFSETS = Int32Array.from({ length: LINEAR_FAST_MAX_TERMS + 1 }, (_, t) => t);

/**
 * A linear function with a few distinct IDs and finite coefficients (the usual row) compiled
 * straight from its arrays: the same terms in the same order, constant and required IDs as
 * {@linkcode compileTerms} gives, without its three passes over the function (two visits and
 * `requiredIds`, each with its duplicate check, a term array each visit).
 *
 * @param f The function.
 * @param index Variable ID → column.
 * @param what For the error message.
 * @returns The compiled function, or `undefined` for any other function.
 * @throws {UnknownIdError} for an ID `index` does not hold.
 */
export function compileLinear(
  f: Function,
  index: ReadonlyMap<number, number>,
  what: string,
): Compiled | undefined {
  const lin = f.linearIds;
  const lc = f.linearCoefficients;
  const n = lin.length;
  if (
    n > LINEAR_FAST_MAX_TERMS || f.quadraticRows.length > 0 || f.monomials.length > 0 ||
    !Number.isFinite(f.constant)
  ) return undefined;
  let terms = 0;
  for (let i = 0; i < n; i++) {
    const c = lc[i]!;
    if (!Number.isFinite(c)) return undefined;
    const id = lin[i]!;
    for (let j = 0; j < i; j++) if (lin[j] === id) return undefined;
    if (c !== 0) terms++;
  }
  // `cols` stays the shared identity while each term's column is its index.
  let cols: Int32Array = LINEAR_OFFSETS;
  // Without zero coefficients the function's own list is the coefficients, term by term.
  const own = terms === n ? undefined : new Float64Array(terms);
  const required = new Array<number>(terms);
  let unknown: number[] | undefined;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const c = lc[i]!;
    if (c === 0) continue;
    const id = lin[i]!;
    const col = index.get(id);
    if (col === undefined) (unknown ??= []).push(id);
    if (col !== t) {
      if (cols === LINEAR_OFFSETS) cols = LINEAR_OFFSETS.slice(0, terms);
      cols[t] = col ?? 0;
    }
    if (own !== undefined) own[t] = c;
    t++;
    // Insertion into the ascending required IDs (distinct, at most LINEAR_FAST_MAX_TERMS).
    let k = t - 1;
    while (k > 0 && required[k - 1]! > id) {
      required[k] = required[k - 1]!;
      k--;
    }
    required[k] = id;
  }
  if (unknown !== undefined) throw new UnknownIdError("decision variable", unknown, what);
  return {
    constant: f.constant !== 0 ? f.constant : 0,
    cols,
    offsets: LINEAR_OFFSETS,
    coefficients: own ?? lc,
    required,
  };
}

function compile(f: Function, index: ReadonlyMap<number, number>, what: string): Compiled {
  return compileLinear(f, index, what) ?? compileTerms(f, index, what);
}

/**
 * Any function compiled term by term, from its canonical terms.
 *
 * @param f The function.
 * @param index Variable ID → column.
 * @param what For the error message.
 * @returns The compiled function.
 * @throws {UnknownIdError} for an ID `index` does not hold.
 */
export function compileTerms(
  f: Function,
  index: ReadonlyMap<number, number>,
  what: string,
): Compiled {
  let constant = 0;
  let n = 0;
  let occurrences = 0;
  f.forEachTerm((ids, c) => {
    if (ids.length === 0) constant = c;
    else {
      n++;
      occurrences += ids.length;
    }
  });
  const cols = new Int32Array(occurrences);
  const offsets = new Int32Array(n + 1);
  const coefficients = new Float64Array(n);
  let k = 0;
  let t = 0;
  const unknown: number[] = [];
  f.forEachTerm((ids, c) => {
    if (ids.length === 0) return;
    for (const id of ids) {
      const col = index.get(id);
      if (col === undefined) unknown.push(id);
      cols[k++] = col ?? 0;
    }
    coefficients[t] = c;
    offsets[++t] = k;
  });
  if (unknown.length > 0) {
    throw new UnknownIdError("decision variable", [...new Set(unknown)], what);
  }
  return { constant, cols, offsets, coefficients, required: f.requiredIds() };
}

function run(c: Compiled, x: Float64Array): number {
  let sum = c.constant;
  const { cols, offsets, coefficients } = c;
  const n = coefficients.length;
  for (let t = 0; t < n; t++) {
    let p = coefficients[t]!;
    for (let k = offsets[t]!; k < offsets[t + 1]!; k++) p *= x[cols[k]!]!;
    sum += p;
  }
  return sum;
}

/**
 * The entries of a state (or a parameter assignment), every key checked to be a safe
 * non-negative integer (a record key such as `"9007199254740993"` would otherwise round to
 * another ID).
 *
 * @param state The state.
 * @param where For messages (`the state`, `the parameter values`).
 * @returns `[id, value]` pairs.
 * @throws {InvalidArgumentError} naming a key that is no such integer.
 */
export function stateEntries(
  state: StateLike,
  where: string,
): [number, number][] {
  const out: [number, number][] = [];
  const check = (id: number, key: unknown) => {
    if (!Number.isSafeInteger(id) || id < 0 || String(key) !== String(id)) {
      throw new InvalidArgumentError(
        `${where}: ${
          JSON.stringify(String(key))
        } is not an ID (a non-negative integer up to 2^53-1)`,
      );
    }
  };
  if (state instanceof Map) {
    for (const [id, v] of state as ReadonlyMap<number, number>) {
      check(id, id);
      out.push([id, v]);
    }
  } else {
    for (const k in state) {
      const id = Number(k);
      check(id, k);
      out.push([id, (state as Record<string, number>)[k]!]);
    }
  }
  return out;
}

/** The value of `v` represented exactly for `kind` when within `atol` (see the module doc). */
export function canonicalValue(kind: Kind, v: number, atol: number): number {
  if (kind === "binary") {
    if (Math.abs(v) <= atol) return 0;
    if (Math.abs(v - 1) <= atol) return 1;
    return v;
  }
  if (kind === "integer" || kind === "semi-integer") {
    const r = Math.round(v);
    return Math.abs(v - r) <= atol ? r : v;
  }
  return v;
}

/**
 * ID → column as a dense table when the IDs (ascending) are not too sparse, else `undefined`.
 *
 * @param ids The variable IDs, ascending.
 * @returns The table (`-1` for no variable), or `undefined`.
 */
function denseColumns(ids: readonly number[]): Int32Array | undefined {
  const n = ids.length;
  const maxId = n === 0 ? -1 : ids[n - 1]!;
  if (!(maxId < 4 * n + 1024)) return undefined;
  const dense = new Int32Array(maxId + 1).fill(-1);
  for (let c = 0; c < n; c++) dense[ids[c]!] = c;
  return dense;
}

function nearestToZero(b: Bound): number {
  if (b.lower >= 0) return b.lower;
  if (b.upper <= 0) return b.upper;
  return 0;
}

const KIND_BINARY = 0;
const KIND_INTEGRAL = 1;
const KIND_REAL = 2;

/** How one variable is filled in when populating a state. */
const Role = { Used: 0, Fixed: 1, Dependent: 2, Irrelevant: 3 } as const;
type Role = typeof Role[keyof typeof Role];

/** A regular or indicator constraint with its compiled function. */
interface FnRow<C> {
  c: C;
  f: Compiled;
  removed: boolean;
}

/** Either special set constraint. */
interface SetRow {
  c: VariableSetConstraint;
  kind: "one-hot" | "sos1";
  cols: Int32Array;
  removed: boolean;
}

/** The per-instance plan: dense variable index, roles, compiled functions. */
export class Evaluator {
  readonly ids: number[];
  readonly index: Map<number, number>;
  readonly variables: DecisionVariable[];
  readonly roles: Role[];
  /**
   * Per column, the value populating gives a variable it does not take from the state: a fixed
   * variable's fixed value, else the value a missing irrelevant one gets (a fixed variable's
   * default is never read: one array, not two).
   */
  readonly fill: Float64Array;
  /** Dependent variables in evaluation order: column and compiled function. */
  readonly dependencies: { col: number; id: number; f: Compiled }[];
  readonly objective: Compiled;
  readonly sense: Sense;
  readonly regular: FnRow<Constraint>[];
  /** Indicator rows: `ind` is the indicator's column, `used` the function's IDs and the indicator. */
  readonly indicator: (FnRow<IndicatorConstraint> & { ind: number; used: number[] })[];
  readonly sets: SetRow[];
  readonly named: { n: NamedFunction; f: Compiled }[];
  /** Columns of used variables (objective and active constraints). */
  readonly usedCols: Int32Array;
  #stamp = 0;
  #checkedOnce = false;
  #given: Int32Array;
  #raw: Float64Array;
  #dense: Int32Array | undefined;
  #kinds: Uint8Array;
  #checksFor:
    | {
      atol: number;
      checks: { lo: Float64Array; hi: Float64Array; integral: Uint8Array; ok: Uint8Array };
    }
    | undefined;

  constructor(p: ProblemData) {
    this.variables = [...p.decisionVariables].sort((a, b) => a.id - b.id);
    const n = this.variables.length;
    const ids: number[] = this.ids = [];
    const index = this.index = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = this.variables[i]!.id;
      ids.push(id);
      index.set(id, i);
    }
    const reported = p.outputObjective ?? { function: p.objective, sense: p.sense };
    this.objective = compile(reported.function, index, "the objective");
    this.sense = reported.sense;
    const used = new Set<number>(
      reported.function === p.objective ? this.objective.required : p.objective.requiredIds(),
    );
    this.regular = p.constraints.map((c) => {
      const f = compile(c.function, index, `regular constraint ${c.id}`);
      if (!c.removedReason) { for (const id of f.required) used.add(id); }
      return { c, f, removed: c.removedReason !== undefined };
    });
    this.indicator = p.indicatorConstraints.map((c) => {
      const f = compile(c.function, index, `indicator constraint ${c.id}`);
      const ind = index.get(c.indicatorVariable);
      if (ind === undefined) {
        throw new UnknownIdError(
          "decision variable",
          [c.indicatorVariable],
          `indicator constraint ${c.id}`,
        );
      }
      if (!c.removedReason) {
        for (const id of f.required) used.add(id);
        used.add(c.indicatorVariable);
      }
      const usedIds = [...new Set([...f.required, c.indicatorVariable])].sort((a, b) => a - b);
      return { c, f, ind, used: usedIds, removed: c.removedReason !== undefined };
    });
    const setRow = (c: VariableSetConstraint, kind: "one-hot" | "sos1"): SetRow => {
      const unknown = c.variables.filter((id) => !index.has(id));
      if (unknown.length > 0) {
        throw new UnknownIdError("decision variable", unknown, `${kind} constraint ${c.id}`);
      }
      if (!c.removedReason) { for (const id of c.variables) used.add(id); }
      return {
        c,
        kind,
        cols: Int32Array.from(c.variables, (id) => index.get(id)!),
        removed: c.removedReason !== undefined,
      };
    };
    this.sets = [
      ...p.oneHotConstraints.map((c) => setRow(c, "one-hot")),
      ...p.sos1Constraints.map((c) => setRow(c, "sos1")),
    ];
    this.named = p.namedFunctions.map((nf) => ({
      n: nf,
      f: compile(nf.function, index, `named function ${nf.id}`),
    }));
    const unknownUsed = [...used].filter((id) => !index.has(id));
    if (unknownUsed.length > 0) {
      throw new UnknownIdError("decision variable", unknownUsed, "the objective");
    }
    const usedIds = [...used].sort((a, b) => a - b);
    this.usedCols = new Int32Array(usedIds.length);
    for (let i = 0; i < usedIds.length; i++) this.usedCols[i] = index.get(usedIds[i]!)!;

    this.roles = new Array<Role>(n).fill(Role.Irrelevant);
    const fill = this.fill = new Float64Array(n);
    for (const [id, _] of p.decisionVariableDependency) {
      const c = index.get(id);
      if (c === undefined) throw new UnknownIdError("decision variable", [id], "the dependencies");
      this.roles[c] = Role.Dependent;
    }
    const kinds = this.#kinds = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.variables[i]!;
      const kind = v.kind;
      kinds[i] = kind === "binary"
        ? KIND_BINARY
        : kind === "integer" || kind === "semi-integer"
        ? KIND_INTEGRAL
        : KIND_REAL;
      if (v.substitutedValue !== undefined) {
        if (!Number.isFinite(v.substitutedValue)) {
          throw new InvalidArgumentError(
            `decision variable ${v.id}: fixed value ${v.substitutedValue} is not finite`,
          );
        }
        this.roles[i] = Role.Fixed;
        fill[i] = v.substitutedValue;
      } else {
        fill[i] = kind === "semi-continuous" || kind === "semi-integer"
          ? 0
          : nearestToZero(v.bound);
      }
    }
    for (const c of this.usedCols) this.roles[c] = Role.Used;
    this.#given = new Int32Array(n);
    this.#raw = new Float64Array(n);
    this.dependencies = p.decisionVariableDependency.size === 0
      ? []
      : dependencyOrder(p.decisionVariableDependency).map(([id, f]) => ({
        id,
        col: index.get(id)!,
        f: compile(f, index, `the dependency of decision variable ${id}`),
      }));
  }

  /**
   * Populate a state (see the module doc) into a dense row.
   *
   * @param state The state.
   * @param atol The tolerance.
   * @param where `the state` or `sample N`, for messages.
   * @param row Where to write (length = number of variables).
   * @throws {UnknownIdError} for an ID that is not a decision variable.
   * @throws {MissingIdError} for used variables without a value.
   * @throws {InvalidArgumentError} for non-finite values and failed consistency assertions.
   */
  populate(state: StateLike, atol: number, where: string, row: Float64Array): void {
    const n = this.ids.length;
    const stamp = ++this.#stamp;
    // A single evaluation looks its IDs up in `index`; from the second state on, a dense table.
    if (stamp === 2) this.#dense = denseColumns(this.ids);
    const given = this.#given;
    const raw = this.#raw;
    const dense = this.#dense;
    let unknown: number[] | undefined;
    const put = (id: number, v: number, key: unknown) => {
      const c = dense !== undefined
        ? (id >= 0 && id < dense.length ? dense[id]! : -1)
        : (this.index.get(id) ?? -1);
      if (c >= 0) {
        given[c] = stamp;
        raw[c] = v;
      } else if (!Number.isSafeInteger(id) || id < 0 || String(key) !== String(id)) {
        throw new InvalidArgumentError(
          `${where}: ${
            JSON.stringify(String(key))
          } is not a decision-variable ID (a non-negative integer up to 2^53-1)`,
        );
      } else (unknown ??= []).push(id);
    };
    if (state instanceof Map) {
      for (const [id, v] of state as ReadonlyMap<number, number>) put(id, v, id);
    } else {
      for (const k in state) put(Number(k), (state as Record<string, number>)[k]!, k);
    }
    if (unknown !== undefined) throw new UnknownIdError("decision variable", unknown, where);
    let missing: number[] | undefined;
    for (const c of this.usedCols) if (given[c] !== stamp) (missing ??= []).push(this.ids[c]!);
    if (missing !== undefined) throw new MissingIdError("decision variable", missing, where);
    const roles = this.roles;
    const kinds = this.#kinds;
    for (let c = 0; c < n; c++) {
      const isGiven = given[c] === stamp;
      const x = raw[c]!;
      if (isGiven && !Number.isFinite(x)) {
        throw new InvalidArgumentError(
          `${where}: the value of decision variable ${this.ids[c]} is ${x}, not finite`,
        );
      }
      const role = roles[c]!;
      if (role === Role.Fixed) {
        const fixed = this.fill[c]!;
        if (isGiven && !(Math.abs(x - fixed) <= atol)) {
          throw new InvalidArgumentError(
            `${where}: decision variable ${
              this.ids[c]
            } is fixed to ${fixed}, but the value ${x} is given (tolerance ${atol})`,
          );
        }
        row[c] = fixed;
      } else if (isGiven) {
        if (role === Role.Dependent) row[c] = x;
        else {
          const k = kinds[c]!;
          if (k === KIND_BINARY) {
            row[c] = Math.abs(x) <= atol ? 0 : Math.abs(x - 1) <= atol ? 1 : x;
          } else if (k === KIND_INTEGRAL) {
            const r = Math.round(x);
            row[c] = Math.abs(x - r) <= atol ? r : x;
          } else row[c] = x;
        }
      } else row[c] = this.fill[c]!;
    }
    for (const d of this.dependencies) {
      const value = run(d.f, row);
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(
          `${where}: dependent decision variable ${d.id} evaluates to ${value}`,
        );
      }
      if (given[d.col] === stamp && !(Math.abs(raw[d.col]! - value) <= atol)) {
        throw new InvalidArgumentError(
          `${where}: the value ${
            raw[d.col]
          } given for dependent decision variable ${d.id} differs from ${value} computed from its dependency (tolerance ${atol})`,
        );
      }
      row[d.col] = canonicalValue(this.variables[d.col]!.kind, value, atol);
    }
  }

  /** Normalised bounds and integrality per variable for one tolerance (cached). */
  #checks(
    atol: number,
  ): { lo: Float64Array; hi: Float64Array; integral: Uint8Array; ok: Uint8Array } {
    if (this.#checksFor?.atol === atol) return this.#checksFor.checks;
    const n = this.ids.length;
    const checks = {
      lo: new Float64Array(n),
      hi: new Float64Array(n),
      integral: new Uint8Array(n),
      ok: new Uint8Array(n),
    };
    this.variables.forEach((v, c) => {
      const b = consistentBound(v.kind, v.bound, atol);
      checks.ok[c] = b === undefined ? 0 : 1;
      checks.lo[c] = b?.lower ?? 0;
      checks.hi[c] = b?.upper ?? 0;
      checks.integral[c] = v.kind === "continuous" || v.kind === "semi-continuous" ? 0 : 1;
    });
    this.#checksFor = { atol, checks };
    return checks;
  }

  /** Whether every variable value of `row` satisfies its kind and bound (as `variableValueValid`). */
  variablesValid(row: Float64Array, atol: number): boolean {
    if (!this.#checkedOnce && this.#checksFor?.atol !== atol) {
      // The first check (all of a single `evaluate`) goes variable by variable: the tables
      // below cost four typed arrays, worth it only for the samples after it.
      this.#checkedOnce = true;
      const variables = this.variables;
      for (let c = 0; c < row.length; c++) {
        const v = variables[c]!;
        if (!variableValueValid(v.kind, v.bound, row[c]!, atol)) return false;
      }
      return true;
    }
    const { lo, hi, integral, ok } = this.#checks(atol);
    for (let c = 0; c < row.length; c++) {
      const x = row[c]!;
      if (!ok[c] || !Number.isFinite(x)) return false;
      const l = lo[c]!;
      const h = hi[c]!;
      if (!(l - x <= atol || l === -Infinity)) return false;
      if (!(x - h <= atol || h === Infinity)) return false;
      if (integral[c] && !(Math.abs(Math.round(x) - x) <= atol)) return false;
    }
    return true;
  }

  /** Evaluate one function at a row; throws for a non-finite value. */
  value(f: Compiled, row: Float64Array, what: string, where: string): number {
    const v = run(f, row);
    if (!Number.isFinite(v)) {
      throw new InvalidArgumentError(`${where}: ${what} evaluates to ${v}, not a finite value`);
    }
    return v;
  }

  /** Indicator activity at a row (throws when the indicator is neither 0 nor 1). */
  indicatorOn(
    r: FnRow<IndicatorConstraint> & { ind: number },
    row: Float64Array,
    atol: number,
    where: string,
  ): boolean {
    const x = row[r.ind]!;
    const on = binaryActivity(x, atol);
    if (on === undefined) {
      throw new InvalidArgumentError(
        `${where}: ${
          constraintLabel({ kind: "indicator", id: r.c.id })
        }: indicator variable ${r.c.indicatorVariable} has value ${x}, neither 0 nor 1 within ${atol}`,
      );
    }
    return on;
  }

  /** One-hot / SOS1 stage at a row. */
  setStage(s: SetRow, row: Float64Array, atol: number) {
    const value = (id: number) => row[this.index.get(id)!];
    return (s.kind === "one-hot" ? oneHotStage : sos1Stage)(s.c.variables, value, atol)!;
  }

  /**
   * Evaluate at one state: the data of the `Solution` the reference returns.
   *
   * @param state The state.
   * @param atol The tolerance.
   * @returns The solution data.
   */
  solution(state: StateLike, atol: number): SolutionData {
    const where = "the state";
    const row = new Float64Array(this.ids.length);
    this.populate(state, atol, where, row);
    const objective = this.value(this.objective, row, "the objective", where);
    const constraints: EvaluatedConstraint[] = [];
    let feasible = this.variablesValid(row, atol);
    let feasibleRelaxed = feasible;
    const note = (ok: boolean, removed: boolean) => {
      if (ok) return;
      feasible = false;
      if (!removed) feasibleRelaxed = false;
    };
    for (const r of this.regular) {
      const value = this.value(r.f, row, constraintLabel({ kind: "regular", id: r.c.id }), where);
      const ok = constraintFeasible(r.c.equality, value, atol);
      note(ok, r.removed);
      constraints.push(
        evaluatedRow(r.c, "regular", value, ok, r.f.required, { equality: r.c.equality }),
      );
    }
    for (const r of this.indicator) {
      const value = this.value(r.f, row, constraintLabel({ kind: "indicator", id: r.c.id }), where);
      const on = this.indicatorOn(r, row, atol, where);
      const ok = !on || constraintFeasible(r.c.equality, value, atol);
      note(ok, r.removed);
      constraints.push(
        evaluatedRow(r.c, "indicator", value, ok, r.used, {
          equality: r.c.equality,
          indicatorVariable: r.c.indicatorVariable,
          indicatorActive: on,
        }),
      );
    }
    for (const s of this.sets) {
      const stage = this.setStage(s, row, atol);
      note(stage.feasible, s.removed);
      const extra: Partial<EvaluatedConstraint> = { variables: [...s.c.variables] };
      if (stage.activeVariable !== undefined) extra.activeVariable = stage.activeVariable;
      constraints.push(
        evaluatedRow(
          s.c,
          s.kind,
          0,
          stage.feasible,
          [...s.c.variables].sort((a, b) => a - b),
          extra,
        ),
      );
    }
    const namedFunctions: EvaluatedNamedFunction[] = this.named.map(({ n, f }) => {
      const e: EvaluatedNamedFunction = {
        id: n.id,
        value: this.value(f, row, `named function ${n.id}`, where),
        usedDecisionVariableIds: f.required,
        subscripts: [...n.subscripts],
        parameters: { ...n.parameters },
      };
      if (n.name !== undefined) e.name = n.name;
      if (n.description !== undefined) e.description = n.description;
      return e;
    });
    const stateMap = new Map<number, number>();
    const decisionVariables: EvaluatedDecisionVariable[] = this.variables.map((v, c) => {
      stateMap.set(v.id, row[c]!);
      return evaluatedVariable(v, row[c]!);
    });
    return {
      state: stateMap,
      objective,
      feasible,
      feasibleRelaxed,
      optimality: "unspecified",
      relaxation: "unspecified",
      sense: this.sense,
      decisionVariables,
      constraints,
      namedFunctions,
      annotations: {},
      feasibilityAtol: atol,
    };
  }

  /**
   * Evaluate many samples: the data of the `SampleSet` the reference returns.
   *
   * @param samples Sample ID → state.
   * @param atol The tolerance.
   * @returns The sample-set data.
   */
  sampleSet(samples: ReadonlyMap<number, StateLike>, atol: number): SampleSetData {
    const nVars = this.ids.length;
    const nSamples = samples.size;
    const sampleIds: number[] = [];
    const columns = this.ids.map(() => new Array<number>(nSamples));
    const objectives = new Array<number>(nSamples);
    const feasible = new Map<number, boolean>();
    const feasibleRelaxed = new Map<number, boolean>();
    const regValues = this.regular.map(() => new Array<number>(nSamples));
    const regFeasible = this.regular.map(() => new Map<number, boolean>());
    const indValues = this.indicator.map(() => new Array<number>(nSamples));
    const indFeasible = this.indicator.map(() => new Map<number, boolean>());
    const setFeasible = this.sets.map(() => new Map<number, boolean>());
    const namedValues = this.named.map(() => new Array<number>(nSamples));
    const row = new Float64Array(nVars);
    let s = 0;
    for (const [sampleId, state] of samples) {
      if (!Number.isSafeInteger(sampleId) || sampleId < 0) {
        throw new InvalidArgumentError(`sample ID ${sampleId} is not a non-negative safe integer`);
      }
      const where = `sample ${sampleId}`;
      sampleIds.push(sampleId);
      this.populate(state, atol, where, row);
      for (let c = 0; c < nVars; c++) columns[c]![s] = row[c]!;
      objectives[s] = this.value(this.objective, row, "the objective", where);
      let ok = this.variablesValid(row, atol);
      let okRelaxed = ok;
      const note = (good: boolean, removed: boolean) => {
        if (good) return;
        ok = false;
        if (!removed) okRelaxed = false;
      };
      this.regular.forEach((r, i) => {
        const v = this.value(r.f, row, constraintLabel({ kind: "regular", id: r.c.id }), where);
        regValues[i]![s] = v;
        const good = constraintFeasible(r.c.equality, v, atol);
        regFeasible[i]!.set(sampleId, good);
        note(good, r.removed);
      });
      this.indicator.forEach((r, i) => {
        const v = this.value(r.f, row, constraintLabel({ kind: "indicator", id: r.c.id }), where);
        indValues[i]![s] = v;
        const good = !this.indicatorOn(r, row, atol, where) ||
          constraintFeasible(r.c.equality, v, atol);
        indFeasible[i]!.set(sampleId, good);
        note(good, r.removed);
      });
      this.sets.forEach((r, i) => {
        const good = this.setStage(r, row, atol).feasible;
        setFeasible[i]!.set(sampleId, good);
        note(good, r.removed);
      });
      this.named.forEach((nf, i) => {
        namedValues[i]![s] = this.value(nf.f, row, `named function ${nf.n.id}`, where);
      });
      feasible.set(sampleId, ok);
      feasibleRelaxed.set(sampleId, okRelaxed);
      s++;
    }
    const values = (vs: number[]) => SampledValues.fromArrays(sampleIds, vs);
    const decisionVariables: SampledDecisionVariable[] = this.variables.map((v, c) => {
      const { value: _v, ...rest } = evaluatedVariable(v, 0);
      return { ...rest, samples: values(columns[c]!) };
    });
    const constraints: SampledConstraint[] = [
      ...this.regular.map((r, i) =>
        sampledRow(r.c, "regular", values(regValues[i]!), regFeasible[i]!, r.f.required, {
          equality: r.c.equality,
        })
      ),
      ...this.indicator.map((r, i) =>
        sampledRow(r.c, "indicator", values(indValues[i]!), indFeasible[i]!, r.used, {
          equality: r.c.equality,
          indicatorVariable: r.c.indicatorVariable,
        })
      ),
      ...this.sets.map((r, i) =>
        sampledRow(
          r.c,
          r.kind,
          SampledValues.fromArrays([], []),
          setFeasible[i]!,
          [...r.c.variables].sort((a, b) => a - b),
          { variables: [...r.c.variables] },
        )
      ),
    ];
    const namedFunctions: SampledNamedFunction[] = this.named.map(({ n, f }, i) => {
      const e: SampledNamedFunction = {
        id: n.id,
        values: values(namedValues[i]!),
        usedDecisionVariableIds: f.required,
        subscripts: [...n.subscripts],
        parameters: { ...n.parameters },
      };
      if (n.name !== undefined) e.name = n.name;
      if (n.description !== undefined) e.description = n.description;
      return e;
    });
    return {
      objectives: values(objectives),
      feasible,
      feasibleRelaxed,
      sense: this.sense,
      decisionVariables,
      constraints,
      namedFunctions,
      annotations: {},
      feasibilityAtol: atol,
    };
  }
}

function evaluatedVariable(v: DecisionVariable, value: number): EvaluatedDecisionVariable {
  const e: EvaluatedDecisionVariable = {
    id: v.id,
    kind: v.kind,
    bound: { lower: v.bound.lower, upper: v.bound.upper },
    subscripts: [...v.subscripts],
    parameters: { ...v.parameters },
    value,
  };
  if (v.name !== undefined) e.name = v.name;
  if (v.description !== undefined) e.description = v.description;
  return e;
}

type Row = Constraint | IndicatorConstraint | VariableSetConstraint;

function labelled<T extends object>(c: Row, base: T): T {
  const out = base as T & Partial<EvaluatedConstraint>;
  if (c.name !== undefined) out.name = c.name;
  if (c.description !== undefined) out.description = c.description;
  if (c.removedReason) {
    out.removedReason = {
      reason: c.removedReason.reason,
      parameters: { ...c.removedReason.parameters },
    };
  }
  if (c.provenance) out.provenance = c.provenance.map((p) => ({ ...p }));
  return out;
}

function evaluatedRow(
  c: Row,
  kind: EvaluatedConstraint["kind"],
  value: number,
  feasible: boolean,
  used: number[],
  extra: Partial<EvaluatedConstraint>,
): EvaluatedConstraint {
  return labelled(c, {
    id: c.id,
    kind,
    value,
    feasible,
    usedDecisionVariableIds: used,
    subscripts: [...c.subscripts],
    parameters: { ...c.parameters },
    ...extra,
  });
}

function sampledRow(
  c: Row,
  kind: SampledConstraint["kind"],
  values: SampledValues,
  feasible: Map<number, boolean>,
  used: number[],
  extra: { equality?: Equality; indicatorVariable?: number; variables?: number[] },
): SampledConstraint {
  return labelled(c, {
    id: c.id,
    kind,
    values,
    feasible,
    usedDecisionVariableIds: used,
    subscripts: [...c.subscripts],
    parameters: { ...c.parameters },
    ...extra,
  });
}

/**
 * Dependencies in an order where each is computed after the dependent variables it uses.
 *
 * @param deps Dependent variable → defining function.
 * @returns `[id, function]` pairs in evaluation order.
 * @throws {InvalidArgumentError} on a cycle.
 */
export function dependencyOrder(deps: ReadonlyMap<number, Function>): [number, Function][] {
  const out: [number, Function][] = [];
  const state = new Map<number, 1 | 2>();
  const visit = (id: number, path: number[]) => {
    const s = state.get(id);
    if (s === 2) return;
    if (s === 1) {
      throw new InvalidArgumentError(
        `decision variable dependencies form a cycle: ${[...path, id].join(" -> ")}`,
      );
    }
    state.set(id, 1);
    const f = deps.get(id)!;
    for (const u of f.requiredIds()) if (deps.has(u)) visit(u, [...path, id]);
    state.set(id, 2);
    out.push([id, f]);
  };
  for (const id of [...deps.keys()].sort((a, b) => a - b)) visit(id, []);
  return out;
}
