/**
 * The viewer's data: plain, JSON-safe views of an Experiment, a run's
 * details and a listing row, built from the read API by the same code in
 * `ommx-ts serve` / `ommx-ts report` (Deno) and in the browser (a `.ommx`
 * dropped on the page). Every value the page shows is already text here,
 * formatted as the CLI formats it (`format.ts`); numbers kept beside the
 * text (`Cell.value`) are only for sorting and plotting. Runtime-neutral.
 *
 * What a view holds is what the page shows, so a report embeds exactly it.
 * The caps ({@linkcode DETAIL_LIMITS}) bound what one run's details carry:
 * the page lists at most that many samples, constraints, diagnostics and
 * trace spans, and says how many more there are.
 *
 * @module
 */
import type {
  AttachmentInfo,
  Experiment,
  ParameterType,
  ParameterValue,
  SampleSet,
  Sampling,
  SealedRun,
  Solution,
  Solve,
} from "../../mod.ts";
import {
  formatBytes,
  formatCompact,
  formatFloat,
  formatObjective,
  formatParameter,
} from "../format.ts";
import {
  countByStatus,
  type ExperimentSummary,
  type ProcessSummary,
  type RunSummary,
  summarizeExperiment,
} from "../summary.ts";

/** A value to show: its text, and a finite number for sorting and plotting (`null` when it has none). */
export interface Cell {
  /** What the page shows. */
  readonly text: string;
  /** A finite number (bigints converted, booleans 0/1), or `null`. */
  readonly value: number | null;
}

/** One attachment, as listed. */
export interface AttachmentView {
  /** Attachment name. */
  readonly name: string;
  /** Logical media type. */
  readonly mediaType: string;
  /** Stored size, as text (`1.5 KiB`). */
  readonly size: string;
  /** Stored size in bytes. */
  readonly bytes: number;
  /** `zstd` or `""`. */
  readonly compression: string;
  /** Stored file name, or `null`. */
  readonly filename: string | null;
  /** Stored blob digest. */
  readonly digest: string;
}

/** One Solve or Sampling in a run's table. */
export interface ProcessRow {
  /** `solve` or `sampling`. */
  readonly kind: "solve" | "sampling";
  /** Its id within the run. */
  readonly id: number;
  /** `finished`, `failed`, `interrupted`. */
  readonly status: string;
  /** Adapter name. */
  readonly adapter: string;
  /** Objective text (`—` without one). */
  readonly objective: string;
  /** Feasibility text (`yes`, `no (LP relaxation)`, `3/4 samples`, or `""`). */
  readonly feasible: string;
  /** Why it did not finish, or `null`. */
  readonly reason: string | null;
}

/** One run, as the runs table, the plot and the diff show it. */
export interface RunView {
  /** Run id. */
  readonly runId: number;
  /** Run status. */
  readonly status: string;
  /** Failure or interruption reason. */
  readonly reason: string | null;
  /** Parameter cells by name (missing parameters absent). */
  readonly params: Readonly<Record<string, Cell>>;
  /** Number of Solves. */
  readonly solves: number;
  /** Number of Samplings. */
  readonly samplings: number;
  /** Best objective (the CLI's rule); text `—` and value `null` when none. */
  readonly best: Cell;
  /** Run attachment names. */
  readonly attachments: readonly string[];
  /** Whether a trace is stored. */
  readonly hasTrace: boolean;
  /** Its Solves then Samplings. */
  readonly processes: readonly ProcessRow[];
}

/** A parameter column. */
export interface ColumnView {
  /** Parameter name. */
  readonly name: string;
  /** Column type. */
  readonly type: ParameterType;
}

/** One Experiment, as the single-Experiment page shows it. */
export interface ExperimentView {
  /** What the header shows: the served file's name, or the image name. */
  readonly label: string;
  /** The image name, or `null`. */
  readonly imageName: string | null;
  /** Manifest digest. */
  readonly manifestDigest: string;
  /** Experiment status. */
  readonly status: string;
  /** Its lifecycle reason. */
  readonly reason: string | null;
  /** Digest of the Experiment it was forked from, or `null`. */
  readonly subject: string | null;
  /** Manifest annotations, in stored order. */
  readonly annotations: readonly (readonly [string, string])[];
  /** Counts by status. */
  readonly counts: {
    readonly runs: Readonly<Record<string, number>>;
    readonly solves: Readonly<Record<string, number>>;
    readonly samplings: Readonly<Record<string, number>>;
  };
  /** Experiment-level attachments. */
  readonly attachments: readonly AttachmentView[];
  /** Parameter columns in the reference order (`runParameters().columns`). */
  readonly columns: readonly ColumnView[];
  /** Runs in id order. */
  readonly runs: readonly RunView[];
  /** The Experiment's best objective and the run it comes from. */
  readonly best: Cell & { readonly runId: number | null };
}

/** One evaluated constraint. */
export interface ConstraintRow {
  /** Constraint id. */
  readonly id: number;
  /** Kind, with ` (removed)` for a removed one. */
  readonly kind: string;
  /** `f(x) = 0` or `f(x) <= 0`. */
  readonly relation: string;
  /** Value text. */
  readonly value: string;
  /** Violation text. */
  readonly violation: string;
  /** Whether it holds. */
  readonly feasible: boolean;
}

/** One Solve or Sampling in detail. */
export interface ProcessDetail {
  /** `solve` or `sampling`. */
  readonly kind: "solve" | "sampling";
  /** Its id. */
  readonly id: number;
  /** Label/value pairs (adapter, options, status, objective, …). */
  readonly pairs: readonly (readonly [string, string])[];
  /** Samples shown (first {@linkcode DETAIL_LIMITS}.samples), or `null` for a Solve. */
  readonly samples: readonly { id: number; objective: string; feasible: boolean }[] | null;
  /** Number of samples in all. */
  readonly sampleCount: number;
  /** What the constraints were evaluated at (`solution`, `best sample`), or `null` without output. */
  readonly evaluatedAt: string | null;
  /** Constraints shown (first {@linkcode DETAIL_LIMITS}.constraints). */
  readonly constraints: readonly ConstraintRow[];
  /** Number of constraints in all. */
  readonly constraintCount: number;
  /** Diagnostics, one compact JSON line each (first {@linkcode DETAIL_LIMITS}.diagnostics). */
  readonly diagnostics: readonly string[];
  /** Number of diagnostics in all. */
  readonly diagnosticCount: number;
}

/** One trace span, laid out. */
export interface SpanView {
  /** Span name. */
  readonly name: string;
  /** Nesting depth. */
  readonly depth: number;
  /** Start, ms after the first span started. */
  readonly startMs: number;
  /** Duration in ms. */
  readonly durationMs: number;
  /** Whether its status is an error. */
  readonly error: boolean;
  /** Its attributes, `key=value` lines. */
  readonly attributes: string;
}

/** A run's trace, laid out. */
export interface TraceView {
  /** Spans in depth-first start order (first {@linkcode DETAIL_LIMITS}.spans). */
  readonly spans: readonly SpanView[];
  /** Number of spans in all. */
  readonly spanCount: number;
  /** From the first start to the last end, in ms. */
  readonly totalMs: number;
}

/** What the run detail panel shows. */
export interface RunDetail {
  /** Run id. */
  readonly runId: number;
  /** Each Solve then Sampling in detail. */
  readonly processes: readonly ProcessDetail[];
  /** The trace, or `null` when none is stored. */
  readonly trace: TraceView | null;
  /** Run attachments. */
  readonly attachments: readonly AttachmentView[];
}

/** The most of each list a run's details carry (and the page shows). */
export const DETAIL_LIMITS = {
  samples: 50,
  constraints: 200,
  diagnostics: 100,
  spans: 2000,
} as const;

// ---------------------------------------------------------------- cells

/**
 * A finite number for sorting/plotting, or `null`.
 *
 * @param v A parameter value or number.
 * @returns The number.
 */
export function numericValue(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

/**
 * A parameter cell: the CLI's text for its column type, and its number.
 *
 * @param value The cell.
 * @param type The column type.
 * @returns The cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parameterCell } from "./model.ts";
 * assert.deepEqual(parameterCell(30, "float64"), { text: "30.0", value: 30 });
 * assert.deepEqual(parameterCell("highs", "string"), { text: "highs", value: null });
 * ```
 */
export function parameterCell(value: ParameterValue, type: ParameterType): Cell {
  return { text: formatParameter(value, type), value: numericValue(value) };
}

/**
 * An objective cell (`—` for none).
 *
 * @param x The objective.
 * @returns The cell.
 */
export function objectiveCell(x: number | null): Cell {
  return { text: formatObjective(x), value: x === null ? null : numericValue(x) };
}

// ---------------------------------------------------------------- experiment view

function attachmentView(name: string, info: AttachmentInfo): AttachmentView {
  return {
    name,
    mediaType: info.mediaType,
    size: formatBytes(info.descriptor.size),
    bytes: info.descriptor.size,
    compression: info.compression ?? "",
    filename: info.filename,
    digest: info.descriptor.digest,
  };
}

function feasibleText(p: ProcessSummary): string {
  if (p.feasible === null) return "";
  if (p.kind === "sampling") return `${p.feasibleCount}/${p.sampleCount} samples`;
  return (p.feasible ? "yes" : "no") + (p.relaxation === "lp-relaxed" ? " (LP relaxation)" : "");
}

function processRow(p: ProcessSummary): ProcessRow {
  return {
    kind: p.kind,
    id: p.id,
    status: p.status,
    adapter: p.adapter,
    objective: formatObjective(p.objective),
    feasible: feasibleText(p),
    reason: p.reason,
  };
}

function runView(
  r: RunSummary,
  types: ReadonlyMap<string, ParameterType>,
  processes: readonly ProcessSummary[],
): RunView {
  const params: Record<string, Cell> = {};
  for (const [name, value] of Object.entries(r.parameters)) {
    params[name] = parameterCell(value, types.get(name) ?? "string");
  }
  return {
    runId: r.runId,
    status: r.status,
    reason: r.lifecycleReason,
    params,
    solves: r.solves,
    samplings: r.samplings,
    best: objectiveCell(r.bestObjective),
    attachments: r.attachments,
    hasTrace: r.hasTrace,
    processes: processes.map(processRow),
  };
}

/**
 * Build the view of an Experiment from its summary.
 *
 * @param exp The Experiment.
 * @param summary Its summary ({@linkcode summarizeExperiment}).
 * @param label What the header shows (default: the image name, else `unnamed experiment`).
 * @returns The view.
 */
export function experimentViewOf(
  exp: Experiment,
  summary: ExperimentSummary,
  label?: string,
): ExperimentView {
  const columns = exp.runParameters().columns.map((c) => ({ name: c.name, type: c.type }));
  const types = new Map(columns.map((c) => [c.name, c.type]));
  return {
    label: label ?? exp.imageName ?? "unnamed experiment",
    imageName: exp.imageName,
    manifestDigest: exp.manifestDigest,
    status: exp.status ?? "unsealed",
    reason: exp.lifecycleReason,
    subject: exp.subject?.digest ?? null,
    annotations: Object.entries(exp.annotations),
    counts: {
      runs: countByStatus(exp.runs),
      solves: countByStatus(exp.runs.flatMap((r) => r.solves)),
      samplings: countByStatus(exp.runs.flatMap((r) => r.samplings)),
    },
    attachments: exp.attachmentNames.map((n) => attachmentView(n, exp.attachmentInfo(n))),
    columns,
    runs: summary.runs.map((r) => runView(r, types, summary.processes.get(r.runId) ?? [])),
    best: { ...objectiveCell(summary.bestObjective), runId: summary.best?.runId ?? null },
  };
}

/**
 * Summarise an Experiment and build its view (reads every Solve and Sampling output).
 *
 * @param exp The Experiment.
 * @param label What the header shows.
 * @returns The view.
 */
export async function buildExperimentView(
  exp: Experiment,
  label?: string,
): Promise<ExperimentView> {
  return experimentViewOf(exp, await summarizeExperiment(exp), label);
}

// ---------------------------------------------------------------- run details

function toPlain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

async function processDetail(
  process: Solve | Sampling,
  summary: ProcessSummary,
): Promise<ProcessDetail> {
  const pairs: [string, string][] = [
    ["adapter", summary.adapter],
    ["options", formatCompact(summary.adapterOptions)],
    ["status", summary.status],
    ["objective", formatObjective(summary.objective)],
    ["feasible", feasibleText(summary)],
  ];
  if (summary.reason !== null) pairs.push(["reason", summary.reason]);
  if (summary.optimality !== null) pairs.push(["optimality", summary.optimality]);
  if (summary.sense !== null) pairs.push(["sense", summary.sense]);
  const diagnostics = process.getDiagnostics();
  let solution: Solution | undefined;
  let samples: SampleSet | null = null;
  const output = await process.getOutput();
  if (summary.kind === "solve") solution = (output as Solution | null) ?? undefined;
  else {
    samples = output as SampleSet | null;
    solution = samples?.best() ??
      (samples && samples.sampleIdsList.length > 0
        ? samples.get(samples.sampleIdsList[0]!)
        : undefined);
  }
  let constraints: ConstraintRow[] = [];
  let constraintCount = 0;
  if (solution !== undefined) {
    const ev = (await process.getInput()).evaluateSummary(solution.state);
    constraintCount = ev.constraints.length;
    constraints = ev.constraints.slice(0, DETAIL_LIMITS.constraints).map((c) => ({
      id: c.id,
      kind: c.kind + (c.removed ? " (removed)" : ""),
      relation: `f(x) ${c.equality} 0`,
      value: formatFloat(c.value),
      violation: formatFloat(c.violation),
      feasible: c.feasible,
    }));
  }
  return {
    kind: summary.kind,
    id: summary.id,
    pairs,
    samples: samples === null ? null : samples.sampleIdsList.slice(0, DETAIL_LIMITS.samples).map((
      id,
    ) => ({
      id,
      objective: formatObjective(samples!.objectives.get(id) ?? null),
      feasible: samples!.feasible.get(id) === true,
    })),
    sampleCount: samples?.sampleIdsList.length ?? 0,
    evaluatedAt: solution === undefined
      ? null
      : summary.kind === "solve"
      ? "solution"
      : "best sample",
    constraints,
    constraintCount,
    diagnostics: diagnostics.slice(0, DETAIL_LIMITS.diagnostics).map((d) =>
      formatCompact(toPlain(d))
    ),
    diagnosticCount: diagnostics.length,
  };
}

async function traceView(run: SealedRun): Promise<TraceView | null> {
  const trace = await run.getTrace();
  if (trace === null || trace.spans.length === 0) return null;
  type Span = (typeof trace.spans)[number];
  const ordered: { span: Span; depth: number }[] = [];
  const byStart = (a: Span, b: Span) =>
    a.startTimeUnixNano < b.startTimeUnixNano
      ? -1
      : a.startTimeUnixNano > b.startTimeUnixNano
      ? 1
      : 0;
  const seen = new Set<Span>();
  const visit = (span: Span, depth: number) => {
    if (seen.has(span)) return;
    seen.add(span);
    ordered.push({ span, depth });
    for (const k of trace.children(span).sort(byStart)) visit(k, depth + 1);
  };
  for (const r of trace.roots().sort(byStart)) visit(r, 0);
  for (const sp of trace.spans) if (!seen.has(sp)) ordered.push({ span: sp, depth: 0 });
  let t0 = ordered[0]!.span.startTimeUnixNano;
  let t1 = ordered[0]!.span.endTimeUnixNano;
  for (const { span } of ordered) {
    if (span.startTimeUnixNano < t0) t0 = span.startTimeUnixNano;
    if (span.endTimeUnixNano > t1) t1 = span.endTimeUnixNano;
  }
  return {
    spans: ordered.slice(0, DETAIL_LIMITS.spans).map(({ span, depth }) => ({
      name: span.name,
      depth,
      startMs: Number(span.startTimeUnixNano - t0) / 1e6,
      durationMs: span.durationMs,
      error: span.status.code === "error",
      attributes: Object.entries(span.attributes).map(([k, v]) => `${k}=${String(v)}`).join(
        "\n",
      ),
    })),
    spanCount: ordered.length,
    totalMs: Math.max(0, Number(t1 - t0)) / 1e6,
  };
}

/**
 * Build one run's details: each Solve and Sampling (constraints evaluated at
 * the solution or best sample, samples, diagnostics), its trace, its
 * attachments — capped by {@linkcode DETAIL_LIMITS}.
 *
 * @param exp The Experiment.
 * @param runId The run.
 * @param processes The run's record summaries (from the view's summary), in table order.
 * @returns The details.
 * @throws {NotFoundError} When the run does not exist.
 */
export async function buildRunDetail(
  exp: Experiment,
  runId: number,
  processes: readonly ProcessSummary[],
): Promise<RunDetail> {
  const run = exp.runById(runId);
  const details: ProcessDetail[] = [];
  for (const p of processes) {
    const process: Solve | Sampling = p.kind === "solve"
      ? run.solves.find((x) => x.solveId === p.id)!
      : run.samplings.find((x) => x.samplingId === p.id)!;
    details.push(await processDetail(process, p));
  }
  return {
    runId,
    processes: details,
    trace: await traceView(run),
    attachments: run.attachmentNames.map((n) => attachmentView(n, run.attachmentInfo(n))),
  };
}

// ---------------------------------------------------------------- comparison

/** A parameter column across Experiments. */
export interface SharedColumn {
  /** Parameter name. */
  readonly name: string;
  /** Whether every compared Experiment has the column. */
  readonly inAll: boolean;
  /** Whether any Experiment's column is numeric (it can be plotted). */
  readonly numeric: boolean;
  /** Labels of the Experiments that have it. */
  readonly experiments: readonly string[];
}

/**
 * The parameter columns of a comparison, in the reference order across
 * Experiments: Experiments in the order they were picked, each one's columns
 * in its own reference order (Python's `run_parameters_df().columns`: first
 * appearance, run by run), a name taking the place of its first appearance.
 * One name is one column whatever its types (each cell keeps its own
 * Experiment's formatting).
 *
 * @param views The compared Experiments, in pick order.
 * @returns The columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedColumns, type ExperimentView } from "./model.ts";
 * const v = (label: string, cols: string[]) =>
 *   ({ label, columns: cols.map((name) => ({ name, type: "int64" })) }) as unknown as ExperimentView;
 * assert.deepEqual(
 *   sharedColumns([v("a", ["n", "seed"]), v("b", ["solver", "n"])]).map((c) => [c.name, c.inAll]),
 *   [["n", true], ["seed", false], ["solver", false]],
 * );
 * ```
 */
export function sharedColumns(views: readonly ExperimentView[]): SharedColumn[] {
  const order: string[] = [];
  const owners = new Map<string, string[]>();
  const numeric = new Set<string>();
  for (const v of views) {
    for (const c of v.columns) {
      if (!owners.has(c.name)) {
        owners.set(c.name, []);
        order.push(c.name);
      }
      owners.get(c.name)!.push(v.label);
      if (c.type !== "string") numeric.add(c.name);
    }
  }
  return order.map((name) => ({
    name,
    inAll: owners.get(name)!.length === views.length,
    numeric: numeric.has(name),
    experiments: owners.get(name)!,
  }));
}

// ---------------------------------------------------------------- listing

/** One Experiment in a listing (Local Registry or a remote repository). */
export interface ListingRow {
  /** Its identity in the listing: the image name. */
  readonly key: string;
  /** Image name (as stored, or as listed). */
  readonly imageName: string;
  /** Experiment status, or `error` when it could not be listed. */
  readonly status: string;
  /** When the name was last written (`""`: unknown). */
  readonly updatedAt: string;
  /** Runs. */
  readonly runs: number | null;
  /** Solves. */
  readonly solves: number | null;
  /** Samplings. */
  readonly samplings: number | null;
  /** Manifest digest, or `""`. */
  readonly digest: string;
  /** Why it could not be listed. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** A listing row's best objective, once computed (or why it could not be). */
export interface BestUpdate {
  /** The row's key. */
  readonly key: string;
  /** The best objective. */
  readonly best: Cell | null;
  /** Why the Experiment could not be read. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/**
 * The code and message of anything thrown, as the CLI prints them.
 *
 * @param e The error.
 * @returns Its `code` (`INTERNAL` when it has none) and message.
 */
export function errorInfo(e: unknown): { code: string; message: string } {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return { code: typeof code === "string" ? code : "INTERNAL", message };
}
