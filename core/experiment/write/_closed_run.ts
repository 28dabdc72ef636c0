/**
 * {@linkcode closedRun}: a closed Run's writer state as one object and one flat array, kept
 * until the commit. The {@linkcode RunState} a builder used to keep — the state object, two
 * small maps (attachments, parameters) with their arrays, a `solves` array, a Solve record
 * apiece and an attachment entry apiece — took ~480 bytes a run of the writer bench's shape
 * (alive at the next scavenge, so copied once and promoted once); this form takes ~270. The
 * maps, entries and records are rebuilt, equal, each time they are read (the commit reads a
 * run once or twice). Short string parameter values and adapter options are shared between
 * runs ({@linkcode StringPool}): a value such as a solver's name logged by every run, or an
 * adapter's `"{}"` options text (a fresh string a Solve), is kept once.
 *
 * @module
 */
import { StringPool } from "../../_string_pool.ts";
import type { ParameterInput } from "../read/run_parameters.ts";
import type { RunStatus } from "../read/config.ts";
import type { AttachmentEntry, LayerDescriptor } from "./_staging.ts";
import { type ProcessState, processState, type RunState, sortedProcesses } from "./_run_state.ts";
import { smallMapOfFlat } from "./_small_map.ts";

/**
 * The cells' head: how many attachments, parameters and Solves follow (the Samplings fill the
 * rest).
 */
const HEAD = 3;
/** An attachment's cells: name, descriptor, filename (or `undefined`). */
const ATTACHMENT = 3;
/** A parameter's cells: name, value. */
const PARAMETER = 2;
/** A Solve's or Sampling's cells: id, status, input, adapter, options, output, diagnostics. */
const PROCESS = 7;

/** The longest string parameter value shared between runs. */
const POOLED_LENGTH = 64;
/**
 * String parameter values and Solve / Sampling adapter options (`"{}"` for most), shared
 * between the closed runs of every builder of the process.
 */
const values = new StringPool();

/** A short string shared with equal ones of earlier closed runs (a longer one as it is). */
function pooled(value: string): string {
  return value.length <= POOLED_LENGTH ? values.intern(value) : value;
}

/** A closed run kept as its scalars and one flat array of cells (see the module doc). */
class ClosedRun implements RunState {
  readonly runId: number;
  readonly status: RunStatus;
  readonly reason: string | null;
  readonly trace: LayerDescriptor | undefined;
  readonly #cells: readonly unknown[];

  constructor(
    runId: number,
    status: RunStatus,
    reason: string | null,
    trace: LayerDescriptor | undefined,
    cells: readonly unknown[],
  ) {
    this.runId = runId;
    this.status = status;
    this.reason = reason;
    this.trace = trace;
    this.#cells = cells;
  }

  /** The run attachments, in the order they were logged (fresh entries, equal each time). */
  get attachments(): ReadonlyMap<string, AttachmentEntry> {
    const cells = this.#cells;
    const end = HEAD + (cells[0] as number) * ATTACHMENT;
    const flat: unknown[] = [];
    for (let i = HEAD; i < end; i += ATTACHMENT) {
      const filename = cells[i + 2] as string | undefined;
      const descriptor = cells[i + 1] as LayerDescriptor;
      flat.push(cells[i], filename === undefined ? { descriptor } : { descriptor, filename });
    }
    return smallMapOfFlat(flat);
  }

  /** The parameters, in the order they were first logged. */
  get parameters(): ReadonlyMap<string, ParameterInput> {
    const cells = this.#cells;
    const start = HEAD + (cells[0] as number) * ATTACHMENT;
    return smallMapOfFlat(cells.slice(start, start + (cells[1] as number) * PARAMETER));
  }

  /** The Solves, ascending by id. */
  get solves(): readonly ProcessState[] {
    const start = this.#processStart();
    return processes(this.#cells, start, start + (this.#cells[2] as number) * PROCESS);
  }

  /** The Samplings, ascending by id. */
  get samplings(): readonly ProcessState[] {
    const cells = this.#cells;
    return processes(cells, this.#processStart() + (cells[2] as number) * PROCESS, cells.length);
  }

  /**
   * This run with a trace layer (the same cells).
   *
   * @param trace The trace layer.
   * @returns The new state.
   */
  withTrace(trace: LayerDescriptor): ClosedRun {
    return new ClosedRun(this.runId, this.status, this.reason, trace, this.#cells);
  }

  #processStart(): number {
    const cells = this.#cells;
    return HEAD + (cells[0] as number) * ATTACHMENT + (cells[1] as number) * PARAMETER;
  }
}

/** The records in `cells[start, end)` (none: the one shared empty array). */
function processes(cells: readonly unknown[], start: number, end: number): readonly ProcessState[] {
  const out: ProcessState[] = [];
  for (let i = start; i < end; i += PROCESS) {
    out.push(processState(
      cells[i] as number,
      cells[i + 1] as RunStatus,
      cells[i + 2] as LayerDescriptor,
      cells[i + 3] as string,
      cells[i + 4] as string,
      cells[i + 5] as LayerDescriptor | undefined,
      cells[i + 6] as LayerDescriptor | undefined,
    ));
  }
  return out.length === 0 ? sortedProcesses(out) : out;
}

/** Write a list's records into `cells` from `at`, ascending by id; returns the end. */
function putProcesses(cells: unknown[], at: number, list: readonly ProcessState[]): number {
  for (const p of sortedProcesses(list)) {
    cells[at++] = p.id;
    cells[at++] = p.status;
    cells[at++] = p.input;
    cells[at++] = p.adapter;
    cells[at++] = pooled(p.adapterOptions);
    cells[at++] = p.output;
    cells[at++] = p.diagnostics;
  }
  return at;
}

/** What a Run hands over when it closes. */
export interface ClosedRunInput {
  /** Run id. */
  readonly runId: number;
  /** Final status. */
  readonly status: RunStatus;
  /** Reason (failed/interrupted), or `null`. */
  readonly reason: string | null;
  /** Run attachments, in logging order. */
  readonly attachments: ReadonlyMap<string, AttachmentEntry>;
  /** Trace layer, if any. */
  readonly trace: LayerDescriptor | undefined;
  /** Solves, any order. */
  readonly solves: readonly ProcessState[];
  /** Samplings, any order. */
  readonly samplings: readonly ProcessState[];
  /** Parameters (last write wins), in first-logged order. */
  readonly parameters: ReadonlyMap<string, ParameterInput>;
}

/**
 * A closed run's state in its compact form: the same attachments, parameters (in the same
 * order), Solves and Samplings (ascending by id) when read back.
 *
 * @param run What the Run hands over.
 * @returns The state the builder keeps.
 *
 * @example
 * ```ts
 * import { closedRun } from "./_closed_run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = closedRun({
 *   runId: 3,
 *   status: "finished",
 *   reason: null,
 *   attachments: new Map(),
 *   trace: undefined,
 *   solves: [],
 *   samplings: [],
 *   parameters: new Map([["seed", 7]]),
 * });
 * assert.deepEqual([...run.parameters], [["seed", 7]]);
 * ```
 */
export function closedRun(run: ClosedRunInput): RunState {
  const { attachments, parameters, solves, samplings } = run;
  // Exactly sized (an array grown by `push` keeps spare slots).
  const cells: unknown[] = new Array(
    HEAD + attachments.size * ATTACHMENT + parameters.size * PARAMETER +
      (solves.length + samplings.length) * PROCESS,
  );
  cells[0] = attachments.size;
  cells[1] = parameters.size;
  cells[2] = solves.length;
  let at = HEAD;
  for (const [name, entry] of attachments) {
    cells[at++] = name;
    cells[at++] = entry.descriptor;
    cells[at++] = entry.filename;
  }
  for (const [name, value] of parameters) {
    cells[at++] = name;
    cells[at++] = typeof value === "string" ? pooled(value) : value;
  }
  putProcesses(cells, putProcesses(cells, at, solves), samplings);
  return new ClosedRun(run.runId, run.status, run.reason, run.trace, cells);
}

/**
 * A closed run with its trace layer: the same state otherwise.
 *
 * @param run The closed run.
 * @param trace The trace layer.
 * @returns The new state (a new object: the assembly cache follows runs by identity).
 */
export function withTrace(run: RunState, trace: LayerDescriptor): RunState {
  return run instanceof ClosedRun ? run.withTrace(trace) : { ...run, trace };
}
