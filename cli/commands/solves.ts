/**
 * `ommx-ts solves <source> [--run N]`: every Solve and Sampling with its outcome.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg, tableWidth } from "../command.ts";
import { parseNonNegativeInt } from "../args.ts";
import { toJsonText } from "../json.ts";
import { renderTable } from "../table.ts";
import { formatCompact, formatObjective, statusText } from "../format.ts";
import { mapBounded, type ProcessSummary, summarizeProcesses } from "../summary.ts";

const USAGE = "ommx-ts solves <source> [--run N] [--wide | --json]";

function diagnosticsText(p: ProcessSummary): string {
  if (p.diagnostics.count === 0) return "";
  return p.diagnostics.last === null
    ? `${p.diagnostics.count}`
    : `${p.diagnostics.count} (last: ${p.diagnostics.last})`;
}

function feasibleText(p: ProcessSummary): string {
  if (p.feasible === null) return "";
  if (p.kind === "sampling") return `${p.feasibleCount}/${p.sampleCount}`;
  const relaxed = p.relaxation === "lp-relaxed" ? " (LP relaxation)" : "";
  return (p.feasible ? "yes" : "no") + relaxed;
}

/** The `solves` command. */
export const solves: Command = {
  name: "solves",
  summary:
    "solves and samplings: status, adapter, options, objective, feasibility, reason of failure, diagnostics",
  spec: {
    usage: USAGE,
    positionals: ["source"],
    options: { run: { type: "string" }, wide: { type: "boolean" } },
  },
  async run(args, io) {
    const runArg = args.values.run;
    const runId = typeof runArg === "string" ? parseNonNegativeInt(runArg, "--run", USAGE) : null;
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const selected = runId === null ? exp.runs : [exp.runById(runId)];
    const all = (await mapBounded(selected, 8, summarizeProcesses)).flat();
    const solveRows = all.filter((p) => p.kind === "solve");
    const samplingRows = all.filter((p) => p.kind === "sampling");
    if (args.values.json) {
      await io.out(toJsonText({ solves: solveRows, samplings: samplingRows }));
      return 0;
    }
    if (all.length === 0) {
      await io.out("no solves or samplings\n");
      return 0;
    }
    const rows = all.map((p) => [
      String(p.runId),
      p.kind,
      String(p.id),
      statusText(p.status),
      p.adapter,
      formatCompact(p.adapterOptions),
      formatObjective(p.objective),
      feasibleText(p),
      p.reason ?? "",
      diagnosticsText(p),
    ]);
    await io.out(
      renderTable(
        [
          "run",
          "kind",
          "id",
          "status",
          "adapter",
          "options",
          "objective",
          "feasible",
          "reason",
          "diagnostics",
        ],
        rows,
        {
          align: [
            "right",
            "left",
            "right",
            "left",
            "left",
            "left",
            "right",
            "left",
            "left",
            "left",
          ],
          width: tableWidth(args, io),
        },
      ),
    );
    return 0;
  },
};
