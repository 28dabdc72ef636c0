/**
 * `ommx-ts runs <source>`: one row per run.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg, tableWidth } from "../command.ts";
import { toJsonText } from "../json.ts";
import { renderTable } from "../table.ts";
import { formatObjective, formatParameter, statusText } from "../format.ts";
import { summarizeRuns } from "../summary.ts";

/** The `runs` command. */
export const runs: Command = {
  name: "runs",
  summary:
    "one row per run: id, status (✗ = did not finish), reason, parameters, solves/samplings, best objective",
  spec: {
    usage: "ommx-ts runs <source> [--wide | --json]",
    positionals: ["source"],
    options: { wide: { type: "boolean" } },
  },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const columns = exp.runParameters().columns;
    const summaries = await summarizeRuns(exp.runs);
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
      "best objective",
    ];
    const rows = summaries.map((s) => [
      String(s.runId),
      statusText(s.status),
      s.lifecycleReason ?? "",
      ...columns.map((c) => formatParameter(s.parameters[c.name], c.type)),
      String(s.solves),
      String(s.samplings),
      formatObjective(s.bestObjective),
    ]);
    let text = renderTable(header, rows, {
      align: ["right", "left", "left"],
      width: tableWidth(args, io),
    });
    const stopped = summaries.filter((s) => s.status !== "finished").length;
    if (stopped > 0) text += `✗ did not finish: ${stopped} of ${summaries.length} runs\n`;
    await io.out(text);
    return 0;
  },
};
