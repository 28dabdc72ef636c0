/**
 * The notebook displays of the sealed model: Experiment, SealedRun, Solve and
 * Sampling (HTML escaped, in the viewer's look; `text/plain` their repr).
 *
 * @module
 */

import {
  headingHtml,
  type HtmlCell,
  jupyterBundle,
  kvHtml,
  statusCell,
  tableHtml,
} from "../../../codecs/_display.ts";
import { PyFloat } from "../../../codecs/py_float.ts";
import { sampleSetHtml, solutionHtml } from "../../../codecs/ommx/_payload_display.ts";
import { Solution } from "../../../codecs/ommx/solution.ts";
import { SampleSet } from "../../../codecs/ommx/sample_set.ts";
import type { ParameterType, ParameterValue, RunParametersTable } from "./run_parameters.ts";

// What the displays read (structural, so this file never imports the classes that call it).

/** A Solve or Sampling. */
interface ProcessShown {
  readonly status: string;
  readonly adapter: string;
  readonly adapterOptionsJson: string;
  getDiagnostics(): unknown[];
  getOutput(): Promise<unknown>;
  toString(): string;
}

/** A sealed run. */
interface RunShown {
  readonly runId: number;
  readonly status: string;
  readonly lifecycleReason: string | null;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly hasTrace: boolean;
  readonly solves: readonly ProcessShown[];
  readonly samplings: readonly ProcessShown[];
  toString(): string;
}

/** A sealed Experiment. */
interface ExperimentShown {
  readonly imageName: string | null;
  readonly status: string;
  readonly lifecycleReason: string | null;
  readonly attachmentNames: string[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly runs: readonly RunShown[];
  runParameters(): RunParametersTable;
  toString(): string;
}

/** The most runs an Experiment's display lists (the rest are counted). */
const MAX_RUNS_SHOWN = 200;

/** A parameter value as Python prints it in a table. */
function parameterText(v: ParameterValue | undefined, type: ParameterType): string {
  if (v === undefined) return "";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (type === "float64" && typeof v === "number") return new PyFloat(v).toString();
  return String(v);
}

/**
 * The notebook display of a sealed Experiment: its name, status and
 * annotations, and one row per run (status, parameters, Solve and Sampling
 * counts).
 *
 * @param exp The Experiment.
 * @returns The MIME bundle.
 */
export function experimentDisplay(exp: ExperimentShown): Record<string, string> {
  const params = exp.runParameters();
  const header = [
    "run",
    "status",
    ...params.columns.map((c) => c.name),
    "solves",
    "samplings",
    "reason",
  ];
  const byRun = new Map(params.rows.map((r) => [r.runId, r.values]));
  const shown = exp.runs.slice(0, MAX_RUNS_SHOWN);
  const rows: HtmlCell[][] = shown.map((run) => [
    { text: String(run.runId), class: "num" },
    statusCell(run.status),
    ...params.columns.map((c): HtmlCell => ({
      text: parameterText(byRun.get(run.runId)?.[c.name], c.type),
      class: c.type === "int64" || c.type === "float64" ? "num" : "",
    })),
    { text: String(run.solves.length), class: "num" },
    { text: String(run.samplings.length), class: "num" },
    { text: run.lifecycleReason ?? "", class: "reason" },
  ]);
  const html = headingHtml(`Experiment ${exp.imageName ?? "(no image name)"}`) +
    kvHtml([
      ["status", exp.status],
      ["reason", exp.lifecycleReason],
      ["runs", String(exp.runs.length)],
      ["attachments", String(exp.attachmentNames.length)],
      ...Object.entries(exp.annotations).map(([k, v]) => [k, v] as [string, string]),
    ]) +
    tableHtml(
      header,
      rows,
      (i) => shown[i]!.status === "finished" ? undefined : "not-finished",
    ) +
    (exp.runs.length > shown.length
      ? `<p class="muted">… and ${exp.runs.length - shown.length} more runs</p>`
      : "");
  return jupyterBundle(html, exp.toString());
}

/**
 * The notebook display of a run: status, parameters, its Solves and Samplings.
 *
 * @param run The run.
 * @returns The MIME bundle.
 */
export function sealedRunDisplay(run: RunShown): Record<string, string> {
  const process = (kind: string, p: ProcessShown, i: number): HtmlCell[] => [
    kind,
    { text: String(i), class: "num" },
    statusCell(p.status),
    p.adapter,
    p.adapterOptionsJson,
  ];
  const html = headingHtml(`Run ${run.runId}`) +
    kvHtml([
      ["status", run.status],
      ["reason", run.lifecycleReason],
      ...Object.entries(run.parameters).map(([k, v]) => [k, String(v)] as [string, string]),
      ["trace", run.hasTrace ? "yes" : "no"],
    ]) +
    tableHtml(
      ["process", "#", "status", "adapter", "options"],
      [
        ...run.solves.map((s, i) => process("solve", s, i)),
        ...run.samplings.map((s, i) => process("sampling", s, i)),
      ],
    );
  return jupyterBundle(html, run.toString());
}

/**
 * The notebook display of a Solve or Sampling: status, adapter, options and,
 * when there is one, the output's display.
 *
 * @param p The Solve or Sampling.
 * @param kind `Solve` or `Sampling`.
 * @returns The MIME bundle.
 */
export async function processDisplay(
  p: ProcessShown,
  kind: string,
): Promise<Record<string, string>> {
  const output = await p.getOutput();
  const outputHtml = output instanceof Solution
    ? solutionHtml(output)
    : output instanceof SampleSet
    ? sampleSetHtml(output)
    : "";
  const html = headingHtml(kind) +
    kvHtml([
      ["status", p.status],
      ["adapter", p.adapter],
      ["options", p.adapterOptionsJson],
      ["diagnostics", String(p.getDiagnostics().length)],
    ]) + outputHtml;
  return jupyterBundle(html, p.toString());
}
