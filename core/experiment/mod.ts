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
export * from "./read/open.ts";
export * from "./read/experiment.ts";
export * from "./read/sealed_run.ts";
export * from "./read/process.ts";
export * from "./read/artifact.ts";
export * from "./read/run_parameters.ts";
export type { AttachmentInfo } from "./read/attachment_info.ts";
export { exportFilename } from "./read/attachment_path.ts";
export {
  type AttachmentTable,
  encodeExperimentConfig,
  type ExperimentConfig,
  type ExperimentStatus,
  parseExperimentConfig,
  type ProcessRecord,
  type RunRecord,
  type RunStatus,
} from "./read/config.ts";
// Write side (issue 5): record, commit, save, fork.
export {
  createExperiment,
  type CreateExperimentOptions,
  ExperimentBuilder,
  forkExperiment,
  type ForkExperimentOptions,
} from "./write/experiment_builder.ts";
export * from "./write/run_builder.ts";
export * from "./write/_run_trace.ts";
export {
  type AttachmentEntry,
  AttachmentWriter,
  type LayerDescriptor,
  type LogBytesOptions,
  type LogFileOptions,
  type LogOptions,
  type StagingContext,
} from "./write/attachment_writer.ts";
export * from "./write/typed_annotations.ts";
export {
  experimentArchiveBytes,
  saveExperiment,
  saveExperimentLayout,
  type SaveOptions,
  type SaveSource,
  writeExperimentArchive,
} from "./write/save.ts";
export {
  formatReason,
  isInterruption,
  MAX_REASON_LENGTH,
  normalizeReason,
} from "./write/_reason.ts";
export {
  anonymousExperimentName,
  type AnonymousNameOptions,
  checkpointName,
} from "./write/_anonymous_name.ts";
export * from "./read/attachment_holder.ts";
export * from "./write/push.ts";
