/**
 * The writer state of closed Runs and their Solve / Sampling records: what a
 * builder hands to the commit, and what a fork rebuilds from its parent.
 *
 * @module
 */
import type { ParameterInput } from "../read/run_parameters.ts";
import type { RunStatus } from "../read/config.ts";
import type { AttachmentEntry, LayerDescriptor } from "./_staging.ts";

/** A recorded Solve or Sampling (internal writer state). */
export interface ProcessState {
  /** `solve_id` / `sampling_id`. */
  readonly id: number;
  /** Status. */
  readonly status: RunStatus;
  /** Input layer. */
  readonly input: LayerDescriptor;
  /** Output layer (finished only). */
  readonly output?: LayerDescriptor;
  /** Adapter name. */
  readonly adapter: string;
  /** Adapter options JSON text. */
  readonly adapterOptions: string;
  /** Diagnostics layer. */
  readonly diagnostics?: LayerDescriptor;
}

/** A closed Run as the committer sees it. */
export interface RunState {
  /** Run id. */
  readonly runId: number;
  /** Final status. */
  readonly status: RunStatus;
  /** Reason (failed/interrupted), or `null`. */
  readonly reason: string | null;
  /** Run attachments. */
  readonly attachments: ReadonlyMap<string, AttachmentEntry>;
  /** Trace layer. */
  readonly trace?: LayerDescriptor | undefined;
  /** Solves, ascending id. */
  readonly solves: readonly ProcessState[];
  /** Samplings, ascending id. */
  readonly samplings: readonly ProcessState[];
  /** Parameters (last write wins). */
  readonly parameters: ReadonlyMap<string, ParameterInput>;
}

/** The Solves or Samplings of a run that has none: one frozen empty array shared by all runs. */
const NO_PROCESSES: readonly ProcessState[] = Object.freeze([]);

/**
 * A closed run's Solves or Samplings, ascending by id: a sorted copy, or for none the one shared
 * frozen empty array (a fresh `[]` a run cost 32 bytes kept until the commit; most runs have
 * no Samplings or no Solves).
 *
 * @param records The records, in any order.
 * @returns The records by ascending id.
 */
export function sortedProcesses(records: readonly ProcessState[]): readonly ProcessState[] {
  return records.length === 0 ? NO_PROCESSES : [...records].sort((a, b) => a.id - b.id);
}

/**
 * A Solve or Sampling record, built in one object literal with exactly the keys it has
 * (`output` and `diagnostics` only when present, in the order `id`, `status`, `input`,
 * `adapter`, `adapterOptions`, `output`, `diagnostics`). Adding `output` after the literal
 * gave every record an out-of-object property store (~50 B a closed run, kept until the
 * commit).
 *
 * @param id `solve_id` / `sampling_id`.
 * @param status The status.
 * @param input The input layer.
 * @param adapter The adapter name.
 * @param adapterOptions The adapter options JSON text.
 * @param output The output layer, if any.
 * @param diagnostics The diagnostics layer, if any.
 * @returns The record.
 */
export function processState(
  id: number,
  status: RunStatus,
  input: LayerDescriptor,
  adapter: string,
  adapterOptions: string,
  output: LayerDescriptor | undefined,
  diagnostics: LayerDescriptor | undefined,
): ProcessState {
  if (output === undefined) {
    return diagnostics === undefined
      ? { id, status, input, adapter, adapterOptions }
      : { id, status, input, adapter, adapterOptions, diagnostics };
  }
  return diagnostics === undefined
    ? { id, status, input, adapter, adapterOptions, output }
    : { id, status, input, adapter, adapterOptions, output, diagnostics };
}
