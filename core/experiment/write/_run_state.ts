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
  readonly trace?: LayerDescriptor;
  /** Solves, ascending id. */
  readonly solves: readonly ProcessState[];
  /** Samplings, ascending id. */
  readonly samplings: readonly ProcessState[];
  /** Parameters (last write wins). */
  readonly parameters: ReadonlyMap<string, ParameterInput>;
}
