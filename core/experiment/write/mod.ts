/**
 * The write room: record an OMMX Experiment and seal it — the machinery
 * under the package root's `Experiment`. {@linkcode createExperimentBuilder}
 * (in memory, or in a {@linkcode LocalRegistrySession} with checkpoints),
 * {@linkcode forkExperimentBuilder} and {@linkcode restoreExperimentBuilder}
 * start an {@linkcode ExperimentBuilder}; log attachments and Runs
 * (parameters, Solves, Samplings, traces, adapters called through
 * {@linkcode Run.logSolve}, solvers driven by hand through
 * {@linkcode OpenSolve}), then `commit()`; save the sealed Experiment as a
 * `.ommx` archive or a layout directory, or push it to a registry. The
 * write room builds on the read room's exports (`../read/mod.ts`): a commit
 * returns its `SealedExperiment`, and save, push and fork copy from its
 * `storage`.
 *
 * @example Record, commit, save in memory
 * ```ts
 * import { createExperimentBuilder, experimentArchiveBytes } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperimentBuilder({ imageName: "example.com/demo/write:v1" });
 * await builder.logJson("dataset", { rows: 3 });
 * const exp = await builder.commit();
 * assert.equal(exp.status, "finished");
 * assert.equal((await experimentArchiveBytes(exp)).length % 512, 0);
 * ```
 *
 * @module
 */
export * from "./adapter.ts";
export * from "./artifact_draft.ts";
export * from "./artifact_io.ts";
export * from "./attachment_writer.ts";
export * from "./autosave_policy.ts";
export * from "./experiment_builder.ts";
export * from "./local_registry_session.ts";
export * from "./open_solve.ts";
export * from "./payload_like.ts";
export * from "./push.ts";
export * from "./run.ts";
export * from "./save.ts";
export * from "./trace_options.ts";
