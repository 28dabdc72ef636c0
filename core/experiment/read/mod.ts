/**
 * The read room: the sealed OMMX Experiment model. Open an Experiment (or a
 * generic OMMX artifact) from any storage with {@linkcode openSealedExperiment} /
 * {@linkcode openArtifact}; walk its {@linkcode SealedRun}s, their
 * {@linkcode Solve} and {@linkcode Sampling} records and the run-parameter
 * table; read attachments through the codec registry after a strict
 * media-type check. Nothing here writes; the write room (`../write/`) builds
 * on this module's exports only.
 *
 * @example Read back an Experiment from its archive bytes
 * ```ts
 * import { openSealedExperiment } from "./mod.ts";
 * import { createExperimentBuilder, experimentArchiveBytes } from "../write/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/read:v1" });
 * await builder.withRun((run) => run.logParameter("seed", 7));
 * const bytes = await experimentArchiveBytes(await builder.commit());
 *
 * await using exp = await openSealedExperiment(bytes);
 * assert.equal(exp.imageName, "example.com/demo/read:v1");
 * assert.deepEqual(exp.runs.map((r) => [r.runId, r.status, r.parameters]), [[0, "finished", { seed: 7 }]]);
 * ```
 *
 * @module
 */
export * from "./artifact.ts";
export * from "./attachment_holder.ts";
export * from "./attachment_info.ts";
export * from "./attachment_path.ts";
export * from "./catalogue.ts";
export * from "./checkpoints.ts";
export * from "./config.ts";
export * from "./open.ts";
export * from "./process.ts";
export * from "./remote_catalogue.ts";
export * from "./run_parameters.ts";
export * from "./sealed_experiment.ts";
export * from "./sealed_run.ts";
