/**
 * `ommx-ts params <source> [--csv]`: the run-parameter table.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { toJsonText } from "../json.ts";
import { renderCsv, renderTable } from "../table.ts";
import { formatValue } from "../format.ts";

/** The `params` command. */
export const params: Command = {
  name: "params",
  summary: "the run-parameter table (--csv for spreadsheets; missing cells empty)",
  spec: {
    usage: "ommx-ts params <source> [--csv | --json]",
    positionals: ["source"],
    options: { csv: { type: "boolean" } },
  },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!));
    const table = exp.runParameters();
    if (args.values.json) {
      await io.out(toJsonText({ columns: table.columns, rows: table.rows }));
      return 0;
    }
    const header = ["run_id", ...table.columns.map((c) => c.name)];
    const rows = table.rows.map((r) => [
      String(r.runId),
      ...table.columns.map((c) => formatValue(r.values[c.name])),
    ]);
    if (args.values.csv) {
      await io.out(renderCsv(header, rows));
      return 0;
    }
    if (table.columns.length === 0) {
      await io.out(`no run parameters (${table.rows.length} runs)\n`);
      return 0;
    }
    const typed = ["run", ...table.columns.map((c) => `${c.name} (${c.type})`)];
    await io.out(renderTable(typed, rows, ["right"]));
    return 0;
  },
};
