/**
 * The `*Df()` tables of Instance, ParametricInstance, Solution and SampleSet,
 * built row by row as the reference SDK (ommx 3.0.0b7) builds its pandas
 * DataFrames, so that columns, their order, the index, values and dtypes are
 * the same (measured against the installed wheel; see
 * `codecs/ommx/tables_interop_test.ts`).
 *
 * @module
 */

import { InvalidArgumentError } from "../../core/errors.ts";
import { compareCodePoints } from "../../core/_code_points.ts";
import { type ColumnHandle, FrameBuilder } from "./_frame.ts";
import { functionTypeName, requiredIds } from "./_py_text.ts";
import type {
  ConstraintBase,
  DecisionVariable,
  IndicatorConstraint,
  VariableSetConstraint,
} from "./instance_data.ts";
import type { Constraint } from "./instance_data.ts";
import type { Parameter } from "./instance_data.ts";
import type {
  OurConstraintKind,
  ProblemView,
  SampledRow,
  SampleSetView,
  SolutionView,
} from "./_views.ts";
import type {
  ConstraintKindName,
  ConstraintsDfOptions,
  DfOptions,
  InstanceConstraintsDfOptions,
  Table,
  TableInclude,
} from "./table.ts";
import type { Equality, Kind, Label, RemovedReason } from "./types.ts";
import { constraintViolation, evaluatedStage, sampledStage } from "./_analysis.ts";
import { variableRoles } from "./_usage.ts";

interface Flags {
  label: boolean;
  parameters: boolean;
  removedReason: boolean;
}

/**
 * Python's `IncludeFlags.from_optional`: `undefined` is label + parameters.
 *
 * @param include The requested families.
 * @returns The flags.
 * @throws {InvalidArgumentError} for an unknown family name.
 */
export function includeFlags(include: readonly TableInclude[] | undefined): Flags {
  if (include === undefined) return { label: true, parameters: true, removedReason: false };
  const f = { label: false, parameters: false, removedReason: false };
  for (const v of include) {
    if (v === "label") f.label = true;
    else if (v === "parameters") f.parameters = true;
    else if (v === "removed_reason") f.removedReason = true;
    else {
      throw new InvalidArgumentError(
        `unknown include flag: ${
          JSON.stringify(v)
        } (expected one of "label", "parameters", "removed_reason")`,
      );
    }
  }
  return f;
}

/**
 * Check a `kind` option.
 *
 * @param kind The requested family.
 * @returns The family (default `regular`).
 * @throws {InvalidArgumentError} for an unknown name.
 */
export function constraintKind(kind: ConstraintKindName | undefined): ConstraintKindName {
  const k = kind ?? "regular";
  if (k !== "regular" && k !== "indicator" && k !== "one_hot" && k !== "sos1") {
    throw new InvalidArgumentError(
      `unknown constraint kind: ${
        JSON.stringify(k)
      } (expected one of "regular", "indicator", "one_hot", "sos1")`,
    );
  }
  return k;
}

/** Our kind name for a Python constraint family. */
export function ourKind(k: ConstraintKindName): OurConstraintKind {
  return k === "one_hot" ? "one-hot" : k;
}

const KIND_TEXT: Record<Kind, string> = {
  binary: "Binary",
  integer: "Integer",
  continuous: "Continuous",
  "semi-integer": "SemiInteger",
  "semi-continuous": "SemiContinuous",
};

function equalityText(e: Equality | undefined): string {
  return e === "<=" ? "<=0" : "=0";
}

function sortedKeys(r: Readonly<Record<string, string>>): string[] {
  return Object.keys(r).sort(compareCodePoints);
}

/** The label and parameter columns of one row, filtered by the flags. */
function labelColumns(b: FrameBuilder, l: Label, f: Flags): void {
  if (f.label) {
    b.strOrNa("name", l.name);
    b.list("subscripts", l.subscripts);
    b.strOrNa("description", l.description);
  }
  if (f.parameters) {
    for (const k of sortedKeys(l.parameters)) b.str(`parameters.${k}`, l.parameters[k]!);
  }
}

function removedReasonColumns(b: FrameBuilder, r: RemovedReason | undefined): void {
  if (r === undefined) {
    b.na("removed_reason");
    return;
  }
  b.str("removed_reason", r.reason);
  for (const k of sortedKeys(r.parameters)) b.str(`removed_reason.${k}`, r.parameters[k]!);
}

function byId<T extends { id: number }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.id - b.id);
}

function uniqueSorted(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

// ---------------------------------------------------------------- Instance / ParametricInstance

/**
 * `Instance.decision_variables_df` (with `state_role`) or
 * `ParametricInstance.decision_variables_df` (without).
 *
 * @param p The (parametric) instance.
 * @param options Column families.
 * @param withRole Whether to add `state_role` (Instance only).
 * @returns The table.
 */
export function problemDecisionVariablesDf(
  p: ProblemView,
  options: DfOptions,
  withRole: boolean,
): Table {
  const f = includeFlags(options.include);
  const roles = withRole ? variableRoles(p) : undefined;
  const b = new FrameBuilder("id");
  for (const v of byId(p.decisionVariables)) {
    b.row();
    b.int("id", v.id);
    variableBase(b, v);
    labelColumns(b, v, f);
    b.floatOrNa("substituted_value", v.substitutedValue);
    if (roles) b.str("state_role", roles.get(v.id)!);
  }
  return b.build();
}

function variableBase(b: FrameBuilder, v: DecisionVariable): void {
  b.str("kind", KIND_TEXT[v.kind]);
  b.float("lower", v.bound.lower);
  b.float("upper", v.bound.upper);
}

type AnyInstanceConstraint = Constraint | IndicatorConstraint | VariableSetConstraint;

function problemConstraintRow(
  b: FrameBuilder,
  kind: ConstraintKindName,
  c: AnyInstanceConstraint,
  f: Flags,
): void {
  b.row();
  if (kind === "regular" || kind === "indicator") {
    const fc = c as Constraint | IndicatorConstraint;
    if (kind === "indicator") {
      b.int("indicator_variable_id", (c as IndicatorConstraint).indicatorVariable);
    }
    b.str("equality", equalityText(fc.equality));
    b.str("type", functionTypeName(fc.function));
    const used = requiredIds(fc.function);
    b.set(
      "used_ids",
      kind === "indicator"
        ? uniqueSorted([...used, (c as IndicatorConstraint).indicatorVariable])
        : used,
    );
  } else {
    const vars = uniqueSorted((c as VariableSetConstraint).variables);
    b.set("variables", vars);
    b.int("num_variables", vars.length);
    b.set("used_ids", vars);
  }
  labelColumns(b, c, f);
}

/**
 * `Instance.constraints_df` / `ParametricInstance.constraints_df`.
 *
 * @param p The (parametric) instance.
 * @param options Kind, column families, removed rows.
 * @returns The table.
 */
export function problemConstraintsDf(
  p: ProblemView,
  options: InstanceConstraintsDfOptions,
): Table {
  const kind = constraintKind(options.kind);
  const f = includeFlags(options.include);
  const removed = options.removed === true;
  if (removed) f.removedReason = true;
  const all: AnyInstanceConstraint[] = kind === "regular"
    ? [...p.constraints, ...p.removedConstraints]
    : kind === "indicator"
    ? [...p.indicatorConstraints]
    : kind === "one_hot"
    ? [...p.oneHotConstraints]
    : [...p.sos1Constraints];
  const b = new FrameBuilder(`${kind}_constraint_id`);
  for (const c of byId(all)) {
    if (!removed && c.removedReason) continue;
    problemConstraintRow(b, kind, c, f);
    if (f.removedReason) removedReasonColumns(b, c.removedReason);
    b.int(`${kind}_constraint_id`, c.id);
  }
  return b.build();
}

/**
 * `Instance.named_functions_df` / `ParametricInstance.named_functions_df`.
 *
 * @param p The (parametric) instance.
 * @param options Column families.
 * @returns The table.
 */
export function problemNamedFunctionsDf(p: ProblemView, options: DfOptions): Table {
  const f = includeFlags(options.include);
  const b = new FrameBuilder("id");
  for (const n of byId(p.namedFunctions)) {
    b.row();
    b.int("id", n.id);
    b.str("type", functionTypeName(n.function));
    b.func("function", n.function);
    b.set("used_ids", requiredIds(n.function));
    labelColumns(b, n, f);
  }
  return b.build();
}

/**
 * `ParametricInstance.parameters_df`.
 *
 * @param parameters The parameters.
 * @param options Column families.
 * @returns The table.
 */
export function parametersDf(parameters: readonly Parameter[], options: DfOptions): Table {
  const f = includeFlags(options.include);
  const b = new FrameBuilder("id");
  for (const p of byId(parameters)) {
    b.row();
    b.int("id", p.id);
    labelColumns(b, p, f);
  }
  return b.build();
}

// ---------------------------------------------------------------- Solution

/**
 * `Solution.decision_variables_df`.
 *
 * @param s The solution.
 * @param options Column families.
 * @returns The table.
 */
export function solutionDecisionVariablesDf(s: SolutionView, options: DfOptions): Table {
  const f = includeFlags(options.include);
  const b = new FrameBuilder("id");
  for (const v of byId(s.decisionVariables)) {
    b.row();
    b.int("id", v.id);
    variableBase(b, v);
    labelColumns(b, v, f);
    b.na("substituted_value");
    b.float("value", s.state.get(v.id) ?? v.value);
  }
  return b.build();
}

/**
 * `Solution.constraints_df` (with `feasible` and `violation` for every kind).
 *
 * @param s The solution.
 * @param options Kind and column families.
 * @returns The table.
 */
export function solutionConstraintsDf(s: SolutionView, options: ConstraintsDfOptions): Table {
  const kind = constraintKind(options.kind);
  const f = includeFlags(options.include);
  const ours = ourKind(kind);
  const b = new FrameBuilder(`${kind}_constraint_id`);
  for (const c of byId(s.constraints.filter((c) => c.kind === ours))) {
    const stage = evaluatedStage(s, c);
    b.row();
    if (kind === "regular" || kind === "indicator") {
      if (kind === "indicator") b.int("indicator_variable_id", c.indicatorVariable ?? 0);
      b.str("equality", equalityText(c.equality));
      b.float("value", c.value);
      b.bool("feasible", stage.feasible);
      if (kind === "indicator") b.bool("indicator_active", stage.indicatorActive ?? false);
    } else {
      b.bool("feasible", stage.feasible);
      b.intOrNa("active_variable", stage.activeVariable);
    }
    b.set("used_ids", uniqueSorted(c.usedDecisionVariableIds));
    labelColumns(b, c, f);
    if (kind === "regular") b.floatOrNa("dual_variable", c.dualVariable);
    b.float("violation", constraintViolation(s, c));
    if (f.removedReason) removedReasonColumns(b, c.removedReason);
    b.int(`${kind}_constraint_id`, c.id);
  }
  return b.build();
}

/**
 * `Solution.named_functions_df`.
 *
 * @param s The solution.
 * @param options Column families.
 * @returns The table.
 */
export function solutionNamedFunctionsDf(s: SolutionView, options: DfOptions): Table {
  const f = includeFlags(options.include);
  const b = new FrameBuilder("id");
  for (const n of byId(s.namedFunctions)) {
    b.row();
    b.int("id", n.id);
    b.float("value", n.value);
    b.set("used_ids", uniqueSorted(n.usedDecisionVariableIds));
    labelColumns(b, n, f);
  }
  return b.build();
}

// ---------------------------------------------------------------- SampleSet

/**
 * `SampleSet.decision_variables_df`: one column per sample (label: the sample ID).
 *
 * @param ss The sample set.
 * @param options Column families.
 * @returns The table.
 */
export function sampleSetDecisionVariablesDf(ss: SampleSetView, options: DfOptions): Table {
  const f = includeFlags(options.include);
  const ids = ss.sampleIdsList;
  const position = new Map(ids.map((id, i) => [id, i]));
  const keys = ids.map(String);
  const b = new FrameBuilder("id");
  let cols: ColumnHandle[] | undefined; // made in the first row, where pandas first sees them
  for (const v of byId(ss.decisionVariables)) {
    b.row();
    b.int("id", v.id);
    variableBase(b, v);
    labelColumns(b, v, f);
    cols ??= b.columns(keys);
    const values = v.samples.valuesAt(position, ids.length);
    for (let i = 0; i < ids.length; i++) b.floatAt(cols[i]!, values[i]);
  }
  return b.build();
}

/**
 * `SampleSet.constraints_df`: per-sample `value.<id>`, `feasible.<id>` and
 * the kind's stage columns.
 *
 * @param ss The sample set.
 * @param options Kind and column families.
 * @returns The table.
 */
export function sampleSetConstraintsDf(ss: SampleSetView, options: ConstraintsDfOptions): Table {
  const kind = constraintKind(options.kind);
  const f = includeFlags(options.include);
  const ours = ourKind(kind);
  const ids = ss.sampleIdsList;
  const suffix = ids.map((id) => `.${id}`);
  const b = new FrameBuilder(`${kind}_constraint_id`);
  for (const c of byId(ss.constraints.filter((c) => c.kind === ours))) {
    b.row();
    if (kind === "indicator") b.int("indicator_variable_id", c.indicatorVariable ?? 0);
    if (kind === "regular" || kind === "indicator") b.str("equality", equalityText(c.equality));
    b.set("used_ids", uniqueSorted(c.usedDecisionVariableIds));
    labelColumns(b, c, f);
    const values = c.values;
    const stages = kind === "regular" ? undefined : sampledStage(ss, c);
    for (let i = 0; i < ids.length; i++) {
      const sid = ids[i]!;
      const sfx = suffix[i]!;
      if (kind === "regular" || kind === "indicator") {
        const v = values.get(sid);
        if (v === undefined) b.none(`value${sfx}`);
        else b.float(`value${sfx}`, v);
      }
      const feasible = c.feasible.get(sid) ?? stages?.get(sid)?.feasible;
      if (feasible === undefined) b.none(`feasible${sfx}`);
      else b.bool(`feasible${sfx}`, feasible);
      if (kind === "indicator") {
        const on = stages!.get(sid)?.indicatorActive;
        if (on === undefined) b.none(`indicator_active${sfx}`);
        else b.bool(`indicator_active${sfx}`, on);
      } else if (kind !== "regular") {
        b.intOrNa(`active_variable${sfx}`, stages!.get(sid)?.activeVariable);
      }
    }
    if (f.removedReason) removedReasonColumns(b, c.removedReason);
    b.int(`${kind}_constraint_id`, c.id);
  }
  return b.build();
}

/**
 * `SampleSet.named_functions_df`: one column per sample.
 *
 * @param ss The sample set.
 * @param options Column families.
 * @returns The table.
 */
export function sampleSetNamedFunctionsDf(ss: SampleSetView, options: DfOptions): Table {
  const f = includeFlags(options.include);
  const ids = ss.sampleIdsList;
  const position = new Map(ids.map((id, i) => [id, i]));
  const keys = ids.map(String);
  const b = new FrameBuilder("id");
  let cols: ColumnHandle[] | undefined; // made in the first row, where pandas first sees them
  for (const n of byId(ss.namedFunctions)) {
    b.row();
    b.int("id", n.id);
    b.set("used_ids", uniqueSorted(n.usedDecisionVariableIds));
    labelColumns(b, n, f);
    cols ??= b.columns(keys);
    const values = n.values.valuesAt(position, ids.length);
    for (let i = 0; i < ids.length; i++) b.floatAt(cols[i]!, values[i]);
  }
  return b.build();
}

/**
 * The column label `summary_with_constraints` gives a constraint: its name
 * (with `[s1, s2]` when it has subscripts), or its ID.
 */
function constraintLabel(c: ConstraintBase): string {
  if (c.name === undefined || c.name === "") return String(c.id);
  return c.subscripts.length === 0 ? c.name : `${c.name}[${c.subscripts.join(", ")}]`;
}

type Cell = readonly ["int" | "float" | "bool", number | boolean];

/**
 * `SampleSet.summary` / `summary_with_constraints`: objective and
 * feasibility per sample (and each regular constraint's feasibility), sorted
 * feasible first, then by objective in the sense's direction; samples that
 * tie are in ascending sample ID (the reference leaves them in its hash
 * order).
 *
 * @param ss The sample set.
 * @param withConstraints Whether to add a column per regular constraint.
 * @returns The table.
 */
export function sampleSetSummary(ss: SampleSetView, withConstraints: boolean): Table {
  const constraints: readonly SampledRow[] = withConstraints
    ? byId(ss.constraints.filter((c) => c.kind === "regular"))
    : [];
  const labels = constraints.map(constraintLabel);
  const rows: Map<string, Cell>[] = [];
  for (const sid of ss.sampleIdsList) {
    const row = new Map<string, Cell>();
    row.set("sample_id", ["int", sid]);
    row.set("objective", ["float", ss.objectives.get(sid)!]);
    row.set("feasible", ["bool", ss.feasible.get(sid) ?? false]);
    constraints.forEach((c, i) => row.set(labels[i]!, ["bool", c.feasible.get(sid) ?? false]));
    rows.push(row);
  }
  const asc = ss.sense === "minimize";
  const num = (r: Map<string, Cell>, k: string) => Number(r.get(k)?.[1] ?? 0);
  rows.sort((a, b) =>
    (num(b, "feasible") - num(a, "feasible")) ||
    (asc ? num(a, "objective") - num(b, "objective") : num(b, "objective") - num(a, "objective")) ||
    (num(a, "sample_id") - num(b, "sample_id"))
  );
  const b = new FrameBuilder("sample_id");
  for (const row of rows) {
    b.row();
    for (const [k, [t, v]] of row) {
      if (t === "int") b.int(k, v as number);
      else if (t === "float") b.float(k, v as number);
      else b.bool(k, v as boolean);
    }
  }
  return b.build();
}
