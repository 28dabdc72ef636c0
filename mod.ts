/**
 * ommx-ts: read OMMX Experiment artifacts from TypeScript, in Deno, Node, Bun
 * and browsers.
 *
 * Open a `.ommx` archive (by path, URL, bytes or `Blob`) or an OCI layout
 * directory with {@linkcode openExperiment}; walk its Runs, Solves and
 * Samplings; read attachments through the codec registry, always after a
 * strict media-type check. Generic OMMX artifacts open with
 * {@linkcode openArtifact}.
 *
 * @example Read runs and their solves
 * ```ts ignore
 * import { openExperiment } from "@ommx-ts/experiment";
 *
 * await using exp = await openExperiment("experiment.ommx");
 * for (const run of exp.runs) {
 *   console.log(run.runId, run.status, run.parameters);
 *   for (const solve of run.solves) {
 *     console.log((await solve.getOutput())?.objective);
 *   }
 * }
 * ```
 *
 * @module
 */
export * from "./core/errors.ts";
export * from "./core/experiment/mod.ts";
export type { Descriptor } from "./core/oci/descriptor.ts";
export type { ReadOnlyTarget, Target } from "./core/oci/storage.ts";
export type { AttachmentCodec } from "./codecs/codec.ts";
export { type CodecRegistry, createCodecRegistry } from "./codecs/registry.ts";
export { defaultCodecs } from "./codecs/mod.ts";
export { Instance, ParametricInstance, SampleSet, Solution } from "./codecs/ommx/mod.ts";
export { TraceResult } from "./codecs/trace/mod.ts";
