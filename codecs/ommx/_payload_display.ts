/**
 * Notebook displays of the OMMX payloads (Instance, ParametricInstance,
 * Solution, SampleSet): a few key facts and their tables, escaped, in the
 * viewer's look, plus a one-line plain text.
 *
 * @module
 */

import { headingHtml, jupyterBundle, kvHtml } from "../_display.ts";
import { pyFloatText } from "./_py_text.ts";
import { functionRepr } from "./_py_text.ts";
import { tableHtml } from "./_table_text.ts";
import type { ConstraintKindName, Table } from "./table.ts";
import type { ProblemView } from "./_views.ts";
import type { InstanceDescription, Sense } from "./types.ts";

/** The tables a payload shows. */
interface Tables {
  decisionVariablesDf(): Table;
  constraintsDf(options?: { kind?: ConstraintKindName }): Table;
}

/** What the display reads of an Instance or ParametricInstance. */
type ProblemShown = ProblemView & Tables & {
  readonly sense: Sense;
  readonly numVariables: number;
  readonly numConstraints: number;
  readonly description: InstanceDescription | undefined;
};

/** What the display reads of a Solution. */
interface SolutionShown extends Tables {
  readonly objective: number;
  readonly feasible: boolean;
  readonly feasibleRelaxed: boolean | undefined;
  readonly sense: Sense | undefined;
  readonly optimality: string;
  readonly relaxation: string;
  readonly decisionVariables: readonly unknown[];
  readonly constraints: readonly unknown[];
  totalViolation(): number;
  namedFunctionsDf(): Table;
}

/** What the display reads of a SampleSet. */
interface SampleSetShown {
  readonly sense: Sense;
  readonly objectives: ReadonlyMap<number, number>;
  readonly bestFeasibleId: number;
  readonly summary: Table;
  numSamples(): number;
  feasibleIds(): Set<number>;
}

const MAX_OBJECTIVE_TEXT = 2000;
/** Beyond this many stored terms the objective is summarised instead of written out. */
const MAX_OBJECTIVE_TERMS = 500;

function pyBool(b: boolean | undefined): string | undefined {
  return b === undefined ? undefined : b ? "True" : "False";
}

function section(title: string, t: Table): string {
  return t.numRows === 0 ? "" : headingHtml(title, 4) + tableHtml(t);
}

function clip(s: string): string {
  return s.length > MAX_OBJECTIVE_TEXT ? `${s.slice(0, MAX_OBJECTIVE_TEXT)}…` : s;
}

/** The objective as `Function(...)`, or a summary (form, term count) when it is large. */
function objectiveText(f: ProblemView["objective"]): string {
  const terms = f.linearIds.length + f.quadraticValues.length + f.monomials.length;
  if (terms > MAX_OBJECTIVE_TERMS) return `${f.kind} function of ${terms} stored terms`;
  return clip(functionRepr(f));
}

/**
 * The display of an Instance or ParametricInstance.
 *
 * @param p The payload.
 * @returns The MIME bundle.
 */
export function problemDisplay(p: ProblemShown): Record<string, string> {
  const kind = typeof (p as { parametersDf?: unknown }).parametersDf === "function"
    ? "ParametricInstance"
    : "Instance";
  const text =
    `${kind}(sense=${p.sense}, decision_variables=${p.numVariables}, constraints=${p.numConstraints})`;
  const html = headingHtml(p.description?.name ? `${kind}: ${p.description.name}` : kind) +
    kvHtml([
      ["sense", p.sense],
      ["decision variables", String(p.numVariables)],
      ["constraints", String(p.numConstraints)],
      [
        "removed constraints",
        p.removedConstraints.length ? String(p.removedConstraints.length) : null,
      ],
      ["objective", objectiveText(p.objective)],
    ]) +
    section("Decision variables", p.decisionVariablesDf()) +
    section("Constraints", p.constraintsDf()) +
    section("Indicator constraints", p.constraintsDf({ kind: "indicator" })) +
    section("One-hot constraints", p.constraintsDf({ kind: "one_hot" })) +
    section("SOS1 constraints", p.constraintsDf({ kind: "sos1" }));
  return jupyterBundle(html, text);
}

/**
 * The display of a Solution.
 *
 * @param s The solution.
 * @returns The MIME bundle.
 */
export function solutionDisplay(s: SolutionShown): Record<string, string> {
  const text = `Solution(objective=${pyFloatText(s.objective)}, feasible=${
    pyBool(s.feasible)
  }, decision_variables=${s.decisionVariables.length}, constraints=${s.constraints.length})`;
  return jupyterBundle(solutionHtml(s), text);
}

/**
 * The HTML of a Solution's display (not wrapped).
 *
 * @param s The solution.
 * @returns The HTML.
 */
export function solutionHtml(s: SolutionShown): string {
  return headingHtml("Solution") +
    kvHtml([
      ["objective", pyFloatText(s.objective)],
      ["feasible", pyBool(s.feasible)],
      ["feasible (relaxed)", pyBool(s.feasibleRelaxed)],
      ["total violation", pyFloatText(s.totalViolation())],
      ["sense", s.sense],
      ["optimality", s.optimality],
      ["relaxation", s.relaxation],
    ]) +
    section("Decision variables", s.decisionVariablesDf()) +
    section("Constraints", s.constraintsDf()) +
    section("Indicator constraints", s.constraintsDf({ kind: "indicator" })) +
    section("One-hot constraints", s.constraintsDf({ kind: "one_hot" })) +
    section("SOS1 constraints", s.constraintsDf({ kind: "sos1" })) +
    section("Named functions", s.namedFunctionsDf());
}

/**
 * The display of a SampleSet.
 *
 * @param ss The sample set.
 * @returns The MIME bundle.
 */
export function sampleSetDisplay(ss: SampleSetShown): Record<string, string> {
  const text =
    `SampleSet(samples=${ss.numSamples()}, feasible=${ss.feasibleIds().size}, sense=${ss.sense})`;
  return jupyterBundle(sampleSetHtml(ss), text);
}

/**
 * The HTML of a SampleSet's display (not wrapped).
 *
 * @param ss The sample set.
 * @returns The HTML.
 */
export function sampleSetHtml(ss: SampleSetShown): string {
  const feasible = ss.feasibleIds().size;
  const best = feasible > 0 ? ss.bestFeasibleId : undefined;
  return headingHtml("SampleSet") +
    kvHtml([
      ["samples", String(ss.numSamples())],
      ["feasible samples", String(feasible)],
      ["sense", ss.sense],
      [
        "best feasible",
        best === undefined
          ? "—"
          : `sample ${best}, objective ${pyFloatText(ss.objectives.get(best)!)}`,
      ],
    ]) +
    section("Summary", ss.summary);
}
