/**
 * `ommx-ts runs <source>`: one row per run.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { toJsonText } from "../json.ts";
import { renderTable } from "../table.ts";
import { formatValue } from "../format.ts";
import { summarizeProcesses, summarizeRun } from "../summary.ts";

/** The `runs` command. */
export const runs: Command = {
  name: "runs",
  summary: "one row per run: id, status, reason, parameters, solves/samplings, best objective",
  spec: { usage: "ommx-ts runs <source> [--json]", positionals: ["source"], options: {} },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!));
    const columns = exp.runParameters().columns;
    const summaries = await Promise.all(
      exp.runs.map(async (r) => summarizeRun(r, await summarizeProcesses(r))),
    );
    if (args.values.json) {
      await io.out(toJsonText({ columns, runs: summaries }));
      return 0;
    }
    if (summaries.length === 0) {
      await io.out("no runs\n");
      return 0;
    }
    const header = [
      "run",
      "status",
      "reason",
      ...columns.map((c) => c.name),
      "solves",
      "samplings",
      "best",
    ];
    const rows = summaries.map((s) => [
      String(s.runId),
      s.status,
      s.lifecycleReason ?? "",
      ...columns.map((c) => formatValue(s.parameters[c.name])),
      String(s.solves),
      String(s.samplings),
      formatValue(s.bestObjective),
    ]);
    await io.out(renderTable(header, rows, ["right", "left", "left"]));
    return 0;
  },
};
