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
