/**
 * The OMMX Experiment model in two rooms: `read/` (the sealed model: open,
 * `Experiment`, `SealedRun`, `Solve`, `Sampling`, `Artifact`) and `write/`
 * (builders, commit, save, push, fork). This module is the layer above both;
 * it re-exports them. See `docs/architecture.md` for what each room holds and
 * which imports are allowed.
 *
 * @example Record an Experiment, seal it, open its archive
 * ```ts
 * import { createExperiment, experimentArchiveBytes, openExperiment } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const builder = createExperiment({ imageName: "example.com/demo/exp:v1" });
 * await builder.withRun((run) => run.logParameter("capacity", 47));
 * await using exp = await openExperiment(await experimentArchiveBytes(await builder.commit()));
 * assert.equal(exp.runs[0]?.parameters.capacity, 47);
 * ```
 *
 * @module
 */
export * from "./read/mod.ts";
export * from "./write/mod.ts";
