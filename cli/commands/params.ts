/**
 * `ommx-ts params <source> [--csv | --wide | --json]`: the run-parameter table,
 * columns in the order of the Python SDK's `run_parameters_df()`.
 *
 * @module
 */
import { openExperiment, type RunParametersTable } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg, tableWidth } from "../command.ts";
import { toJsonText } from "../json.ts";
import { renderCsv, renderTable } from "../table.ts";
import { escapeControls } from "../safe_text.ts";
import { formatParameter } from "../format.ts";

/**
 * The run-parameter table as CSV, byte for byte what the Python SDK's
 * `experiment.run_parameters_df().to_csv()` writes on Linux/macOS (pandas'
 * defaults: the `run_id` index as the first column, missing cells empty,
 * floats as Python `repr` — `-30.0`, `1e-05`, `nan`, `inf` —, ints without a
 * fraction, `True`/`False`, strings as is, `QUOTE_MINIMAL` quoting, `\n` line
 * ends). One difference: a field holding a bare `\r` is quoted, as CPython does
 * since 3.11.9/3.12.3 (gh-67044); older Pythons leave it unquoted.
 *
 * @param table The table (from `Experiment.runParameters()`).
 * @returns The CSV text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runParametersCsv } from "./params.ts";
 * const csv = runParametersCsv({
 *   columns: [{ name: "offset", type: "float64" }, { name: "solver", type: "string" }],
 *   rows: [{ runId: 0, values: { offset: -30, solver: "highs, v1" } }, { runId: 1, values: {} }],
 * });
 * assert.equal(csv, 'run_id,offset,solver\n0,-30.0,"highs, v1"\n1,,\n');
 * ```
 */
export function runParametersCsv(table: RunParametersTable): string {
  return renderCsv(
    ["run_id", ...table.columns.map((c) => c.name)],
    table.rows.map((r) => [
      String(r.runId),
      ...table.columns.map((c) => formatParameter(r.values[c.name], c.type)),
    ]),
  );
}

/** The `params` command. */
export const params: Command = {
  name: "params",
  summary: "the run-parameter table (--csv: pandas' run_parameters_df().to_csv() bytes)",
  spec: {
    usage: "ommx-ts params <source> [--csv | --wide | --json]",
    positionals: ["source"],
    options: { csv: { type: "boolean" }, wide: { type: "boolean" } },
  },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const table = exp.runParameters();
    if (args.values.json) {
      await io.out(toJsonText({ columns: table.columns, rows: table.rows }));
      return 0;
    }
    if (args.values.csv) {
      const csv = runParametersCsv(table);
      // Exact bytes for files and pipes; on a terminal, control characters are shown escaped.
      await io.out(io.outIsTerminal ? escapeControls(csv) : csv);
      return 0;
    }
    if (table.columns.length === 0) {
      await io.out(`no run parameters (${table.rows.length} runs)\n`);
      return 0;
    }
    const header = ["run", ...table.columns.map((c) => `${c.name} (${c.type})`)];
    const rows = table.rows.map((r) => [
      String(r.runId),
      ...table.columns.map((c) => formatParameter(r.values[c.name], c.type)),
    ]);
    await io.out(renderTable(header, rows, { align: ["right"], width: tableWidth(args, io) }));
    return 0;
  },
};
