/**
 * The OMMX Experiment model: the Python-shaped {@linkcode Experiment}
 * (unsealed while recording, then the committed view) over two rooms,
 * `read/` (the sealed model: `SealedExperiment`, `SealedRun`, `Solve`,
 * `Sampling`, `Artifact`, checkpoint listing) and `write/` (builders,
 * commit, save, push, fork, checkpoints). See `docs/architecture.md` for
 * what each room holds and which imports are allowed; their own `mod.ts`
 * files export their machinery.
 *
 * @example Record in memory, commit, save as archive bytes, open them
 * ```ts
 * import { createExperiment, openExperiment } from "./mod.ts";
 * import { experimentArchiveBytes } from "./write/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const exp = createExperiment({ imageName: "example.com/demo/exp:v1" });
 * await exp.withRun((run) => run.logParameter("capacity", 47));
 * await exp.commit();
 * await using back = await openExperiment(await experimentArchiveBytes(exp));
 * assert.equal(back.runs[0]?.parameters.capacity, 47);
 * ```
 *
 * @module
 */
export * from "./experiment.ts";
