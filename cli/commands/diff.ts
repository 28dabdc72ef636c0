/**
 * `ommx-ts diff <source> <runA> <runB>`: two runs' parameters and outcomes side by side.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { parseNonNegativeInt } from "../args.ts";
import { toJsonText } from "../json.ts";
import { renderTable } from "../table.ts";
import { formatValue } from "../format.ts";
import { type ProcessSummary, summarizeProcesses, summarizeRun } from "../summary.ts";

const USAGE = "ommx-ts diff <source> <runA> <runB> [--json]";

/** One compared field; `a`/`b` absent when the run has no such value. */
interface Row {
  name: string;
  a?: unknown;
  b?: unknown;
  same: boolean;
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Object.is(a, b) || JSON.stringify(toComparable(a)) === JSON.stringify(toComparable(b));
}

function toComparable(v: unknown): unknown {
  return typeof v === "bigint"
    ? `${v}n`
    : typeof v === "number" && !Number.isFinite(v)
    ? String(v)
    : v;
}

function row(name: string, a: unknown, b: unknown): Row {
  const r: Row = { name, same: same(a, b) };
  if (a !== undefined) r.a = a;
  if (b !== undefined) r.b = b;
  return r;
}

function outcome(p: ProcessSummary | undefined): Record<string, unknown> | undefined {
  if (p === undefined) return undefined;
  return { status: p.status, adapter: p.adapter, objective: p.objective, feasible: p.feasible };
}

function outcomeText(o: unknown): string {
  if (o === undefined) return "";
  const r = o as { status: string; objective: number | null; feasible: boolean | null };
  const obj = r.objective === null ? "" : ` ${formatValue(r.objective)}`;
  const feas = r.feasible === null ? "" : r.feasible ? " feasible" : " infeasible";
  return `${r.status}${obj}${feas}`;
}

/** The `diff` command. */
export const diff: Command = {
  name: "diff",
  summary: "two runs' parameters and outcomes side by side",
  spec: { usage: USAGE, positionals: ["source", "runA", "runB"], options: {} },
  async run(args, io) {
    const idA = parseNonNegativeInt(args.positionals.runA!, "<runA>", USAGE);
    const idB = parseNonNegativeInt(args.positionals.runB!, "<runB>", USAGE);
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!));
    const runA = exp.run(idA);
    const runB = exp.run(idB);
    const [procA, procB] = await Promise.all([summarizeProcesses(runA), summarizeProcesses(runB)]);
    const sumA = summarizeRun(runA, procA);
    const sumB = summarizeRun(runB, procB);
    const parameters = exp.runParameters().columns
      .filter((c) => c.name in runA.parameters || c.name in runB.parameters)
      .map((c) => row(c.name, runA.parameters[c.name], runB.parameters[c.name]));
    const outcomes = [
      row("status", sumA.status, sumB.status),
      row("lifecycleReason", sumA.lifecycleReason, sumB.lifecycleReason),
      row("solves", sumA.solves, sumB.solves),
      row("samplings", sumA.samplings, sumB.samplings),
      row("bestObjective", sumA.bestObjective, sumB.bestObjective),
      row("attachments", sumA.attachments, sumB.attachments),
      row("hasTrace", sumA.hasTrace, sumB.hasTrace),
    ];
    const keys = [...new Set([...procA, ...procB].map((p) => `${p.kind} ${p.id}`))];
    const find = (list: ProcessSummary[], key: string) =>
      list.find((p) => `${p.kind} ${p.id}` === key);
    const processes = keys.map((k) => row(k, outcome(find(procA, k)), outcome(find(procB, k))));
    if (args.values.json) {
      await io.out(toJsonText({ runA: idA, runB: idB, parameters, outcomes, processes }));
      return 0;
    }
    const mark = (r: Row) => (r.same ? "" : "*");
    const header = ["", `run ${idA}`, `run ${idB}`, "diff"];
    const align = ["left", "left", "left", "left"] as const;
    let text = parameters.length === 0 ? "parameters: none\n" : renderTable(
      ["parameter", ...header.slice(1)],
      parameters.map((r) => [r.name, formatValue(r.a), formatValue(r.b), mark(r)]),
      align,
    );
    text += "\n" + renderTable(
      ["outcome", ...header.slice(1)],
      outcomes.map((r) => [r.name, formatValue(r.a), formatValue(r.b), mark(r)]),
      align,
    );
    if (processes.length > 0) {
      text += "\n" + renderTable(
        ["process", ...header.slice(1)],
        processes.map((r) => [r.name, outcomeText(r.a), outcomeText(r.b), mark(r)]),
        align,
      );
    }
    await io.out(text);
    return 0;
  },
};
