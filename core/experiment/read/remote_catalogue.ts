/**
 * The Experiments of one remote repository, listed from its tags: for each
 * tag the manifest and the Experiment config only, never a payload layer —
 * what `ommx-ts serve oci://host/repo` shows. The Python SDK lists only its
 * Local Registry ({@linkcode listExperiments}); this is the same record,
 * {@linkcode ExperimentRef}, for a registry reached over the network,
 * through the registry client and its timeouts, retries and size caps.
 *
 * A tag that cannot be listed (not a valid reference, gone between the tag
 * list and the manifest request, a manifest or config that is refused) is
 * an entry with its error; a tag of another artifact kind is an entry
 * without an Experiment. Neither stops the listing.
 *
 * @example List a repository's finished Experiments
 * ```ts ignore
 * import { listRemoteExperiments } from "@ommx-ts/experiment";
 *
 * const { entries } = await listRemoteExperiments("ghcr.io/team/knapsack");
 * for (const e of entries) if (e.experiment?.status === "finished") console.log(e.imageName);
 * ```
 *
 * @module
 */
import type {
  ListRemoteExperimentsOptions,
  RemoteExperimentListing,
} from "./_remote_catalogue_impl.ts";

export type {
  ListRemoteExperimentsOptions,
  RemoteExperimentEntry,
  RemoteExperimentListing,
} from "./_remote_catalogue_impl.ts";

/**
 * List the Experiments of a remote repository from its tags (see the module
 * doc): the tag list (`GET /v2/<repo>/tags/list`, paged), then for each tag
 * its manifest and, for an Experiment, its config. Credentials as for
 * {@linkcode openExperiment} (explicit, else the environment's).
 *
 * @param repository `host[:port]/repository` (a tag or digest in it is ignored).
 * @param options Network options and credentials, `limit`, `concurrency`, `onEntry`.
 * @returns One entry per tag, and whether the tag list was cut at `limit`.
 * @throws {InvalidReferenceError} When `repository` does not parse.
 * @throws {RegistryError} When the tag list cannot be read (one tag's failure is its entry's `error`).
 * @throws {BlobNotFoundError} When the registry does not know the repository.
 */
export async function listRemoteExperiments(
  repository: string,
  options: ListRemoteExperimentsOptions = {},
): Promise<RemoteExperimentListing> {
  // The listing (and the registry client it opens) loads on first use (`tests/import_cost_test.ts`).
  const { listRemoteExperiments } = await import("./_remote_catalogue_impl.ts");
  return await listRemoteExperiments(repository, options);
}
