/**
 * `ommx-ts diff <source> <runA> <runB>`: two runs' parameters and outcomes side by side.
 *
 * @module
 */
import { openExperiment, type ParameterValue } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg, tableWidth } from "../command.ts";
import { parseNonNegativeInt } from "../args.ts";
import { toJsonText } from "../json.ts";
import { layoutTable, renderTable } from "../table.ts";
import { escapeControls } from "../safe_text.ts";
import { formatObjective, formatParameter, NONE, statusText } from "../format.ts";
import { type ProcessSummary, summarizeProcesses, summarizeRun } from "../summary.ts";

const USAGE = "ommx-ts diff <source> <runA> <runB> [--wide | --json]";

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
  if (o === undefined) return NONE;
  const r = o as { status: string; objective: number | null; feasible: boolean | null };
  const obj = r.objective === null ? "" : ` ${formatObjective(r.objective)}`;
  const feas = r.feasible === null ? "" : r.feasible ? " feasible" : " infeasible";
  return `${statusText(r.status)}${obj}${feas}`;
}

/** Human labels and cell text of the outcome rows (the `--json` names stay as they are). */
const OUTCOME_LABELS: Record<string, [string, (v: unknown) => string]> = {
  status: ["status", (v) => statusText(String(v))],
  lifecycleReason: ["reason", (v) => v === null || v === undefined ? NONE : String(v)],
  solves: ["solves", (v) => String(v)],
  samplings: ["samplings", (v) => String(v)],
  bestObjective: ["best objective", (v) => formatObjective(v as number | null)],
  attachments: [
    "attachments",
    (v) => (v as string[]).length === 0 ? "none" : (v as string[]).join(", "),
  ],
  hasTrace: ["trace", (v) => v ? "yes" : "no"],
};

/** The `diff` command. */
export const diff: Command = {
  name: "diff",
  summary:
    "two runs' parameters and outcomes side by side (a reason cut to fit is repeated in full)",
  spec: {
    usage: USAGE,
    positionals: ["source", "runA", "runB"],
    options: { wide: { type: "boolean" } },
  },
  async run(args, io) {
    const idA = parseNonNegativeInt(args.positionals.runA!, "<runA>", USAGE);
    const idB = parseNonNegativeInt(args.positionals.runB!, "<runB>", USAGE);
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const runA = exp.runById(idA);
    const runB = exp.runById(idB);
    const [procA, procB] = await Promise.all([summarizeProcesses(runA), summarizeProcesses(runB)]);
    const sumA = summarizeRun(runA, procA);
    const sumB = summarizeRun(runB, procB);
    const columns = exp.runParameters().columns
      .filter((c) => c.name in runA.parameters || c.name in runB.parameters);
    const parameters = columns
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
    const width = tableWidth(args, io);
    const header = ["", `run ${idA}`, `run ${idB}`, "diff"];
    const align = ["left", "left", "left", "left"] as const;
    const param = (v: unknown, i: number) =>
      v === undefined ? NONE : formatParameter(v as ParameterValue, columns[i]!.type);
    let text = parameters.length === 0 ? "parameters: none\n" : renderTable(
      ["parameter", ...header.slice(1)],
      parameters.map((r, i) => [r.name, param(r.a, i), param(r.b, i), mark(r)]),
      { align, width },
    );
    const outcomeRows = outcomes.map((r) => {
      const [label, show] = OUTCOME_LABELS[r.name]!;
      return [label, show(r.a), show(r.b), mark(r)];
    });
    const outcomeTable = layoutTable(["outcome", ...header.slice(1)], outcomeRows, {
      align,
      width,
    });
    text += "\n" + outcomeTable.text;
    if (processes.length > 0) {
      text += "\n" + renderTable(
        ["process", ...header.slice(1)],
        processes.map((r) => [r.name, outcomeText(r.a), outcomeText(r.b), mark(r)]),
        { align, width },
      );
    }
    // A reason is never cut: one shortened to fit is repeated in full below the tables.
    const reasonRow = outcomes.findIndex((r) => r.name === "lifecycleReason");
    const cut = outcomeTable.elided[reasonRow]!;
    [sumA, sumB].forEach((sum, k) => {
      if (cut[k + 1] && sum.lifecycleReason !== null) {
        text += `\nreason of run ${sum.runId} (${escapeControls(sum.status)}), in full:\n` +
          sum.lifecycleReason.split(/\r\n|\r|\n/).map((l) => `  ${escapeControls(l)}\n`).join("");
      }
    });
    await io.out(text);
    return 0;
  },
};
