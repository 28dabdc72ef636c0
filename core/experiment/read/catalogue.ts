/**
 * The OMMX Local Registry as a catalogue, as the Python SDK lists it:
 * {@linkcode listExperiments} (Python `ommx.experiment.list_experiments`)
 * and {@linkcode listArtifacts} (`ommx.artifact.list_artifacts`). A listing
 * reads only manifests and Experiment configs — the digest-addressed copies
 * the SDK keeps in `index.sqlite3` (`artifact_manifests`,
 * `experiment_configs`), each re-hashed against its digest, or the blobs
 * themselves when a copy is missing or damaged — never payload layers, so
 * it stays fast for hundreds of Experiments.
 *
 * As in the SDK, a ref that cannot be listed (a name or digest that does not
 * parse, a manifest or config that is missing, altered or not OMMX) is
 * skipped with a {@linkcode RegistryListWarning}, or with `strict: true`
 * fails the whole listing. Unlike the SDK, listing never writes: where the
 * SDK back-fills or repairs its cache rows from the blobs, ommx-ts reads the
 * blobs and leaves the rows to the SDK (the records are the same).
 *
 * @example List the finished Experiments of a project
 * ```ts ignore
 * import { listExperiments } from "@ommx-ts/experiment";
 *
 * for (const ref of await listExperiments("ghcr.io/team/knapsack")) {
 *   if (ref.status === "finished") console.log(ref.imageName, ref.runCount, ref.solveCount);
 * }
 * ```
 *
 * @module
 */
import type { ExperimentRef } from "./_experiment_ref.ts";
import type {
  ArtifactRef,
  ListArtifactsOptions,
  ListExperimentsOptions,
} from "./_catalogue_impl.ts";

export type { ExperimentRef } from "./_experiment_ref.ts";
export type {
  ArtifactRef,
  ListArtifactsOptions,
  ListExperimentsOptions,
} from "./_catalogue_impl.ts";
export {
  formatRegistryListWarning,
  type RegistryListWarning,
  type RegistryListWarningStage,
} from "./_registry_list_warning.ts";

/**
 * List the Experiments in the Local Registry (Python
 * `ommx.experiment.list_experiments`): one {@linkcode ExperimentRef} per
 * name whose image name starts with `prefix` (the whole `host/repo:tag`
 * text), in name order, read from manifests and configs only. Experiment
 * checkpoints (the registry's internal `<id8>.ommx.local/checkpoint:…` refs)
 * are not listed. A root holding no registry lists nothing.
 *
 * @example
 * ```ts
 * import { listExperiments } from "./catalogue.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * assert.deepEqual(await listExperiments(undefined, { root }), []);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param prefix Image-name prefix (none: all).
 * @param options Root, `strict`, warning sink.
 * @returns The Experiments.
 * @throws {InvalidArtifactError} With `strict`, on the first ref that cannot be listed.
 */
export async function listExperiments(
  prefix?: string,
  options: ListExperimentsOptions = {},
): Promise<ExperimentRef[]> {
  return await (await catalogue()).listExperiments(prefix, options);
}

/**
 * List the OMMX artifacts in the Local Registry (Python
 * `ommx.artifact.list_artifacts`): one {@linkcode ArtifactRef} per name
 * whose image name starts with `prefix`, Experiments included, in name
 * order, read from manifests only. Internal refs (Experiment checkpoints)
 * only with `includeInternal`. A root holding no registry lists nothing.
 *
 * @example
 * ```ts
 * import { listArtifacts } from "./catalogue.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * assert.deepEqual(await listArtifacts(undefined, { root, includeInternal: true }), []);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param prefix Image-name prefix (none: all).
 * @param options Root, `includeInternal`, `strict`, warning sink.
 * @returns The artifacts.
 * @throws {InvalidArtifactError} With `strict`, on the first ref that cannot be listed.
 */
export async function listArtifacts(
  prefix?: string,
  options: ListArtifactsOptions = {},
): Promise<ArtifactRef[]> {
  return await (await catalogue()).listArtifacts(prefix, options);
}

/**
 * The catalogue pass, loaded on first use: importing the package does not load it
 * (`tests/import_cost_test.ts`).
 */
async function catalogue(): Promise<typeof import("./_catalogue_impl.ts")> {
  return await import("./_catalogue_impl.ts");
}
