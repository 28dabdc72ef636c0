/**
 * The OMMX Experiment model: open an Experiment (or a generic OMMX artifact)
 * from any storage and read its attachments, Runs, Solves and Samplings.
 *
 * @example Open an Experiment held in memory
 * ```ts ignore
 * import { openExperiment } from "./mod.ts";
 * const exp = await openExperiment(await Deno.readFile("experiment.ommx"));
 * console.log(exp.runs.length);
 * ```
 *
 * @module
 */
export * from "./open.ts";
export * from "./experiment.ts";
export * from "./sealed_run.ts";
export * from "./process.ts";
export * from "./artifact.ts";
export * from "./run_parameters.ts";
export type { AttachmentInfo } from "./attachments.ts";
export { exportFilename } from "./attachment_path.ts";
export {
  type AttachmentTable,
  encodeExperimentConfig,
  type ExperimentConfig,
  type ExperimentStatus,
  parseExperimentConfig,
  type ProcessRecord,
  type RunRecord,
  type RunStatus,
} from "./config.ts";
// Write side (issue 5): record, commit, save, fork.
export {
  createExperiment,
  type CreateExperimentOptions,
  ExperimentBuilder,
  forkExperiment,
  type ForkExperimentOptions,
} from "./experiment_builder.ts";
export * from "./run_builder.ts";
export * from "./run_trace.ts";
export {
  type AttachmentEntry,
  AttachmentWriter,
  type LayerDescriptor,
  type LogBytesOptions,
  type LogFileOptions,
  type LogOptions,
  type StagingContext,
} from "./attachment_writer.ts";
export * from "./typed_annotations.ts";
export {
  experimentArchiveBytes,
  saveExperiment,
  saveExperimentLayout,
  type SaveOptions,
  type SaveSource,
  writeExperimentArchive,
} from "./save.ts";
export { formatReason, isInterruption, MAX_REASON_LENGTH, normalizeReason } from "./reason.ts";
export {
  anonymousExperimentName,
  type AnonymousNameOptions,
  checkpointName,
} from "./anonymous_name.ts";
export * from "./attachment_holder.ts";
export * from "./push.ts";
