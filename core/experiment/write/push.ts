/**
 * Publishing a sealed Experiment to another store: a remote OCI registry, the
 * Python SDK's OMMX Local Registry, or any writable target (layout directory,
 * memory), blobs first, manifest bytes verbatim, then the tag.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { CopyImageOptions } from "../../oci/copy.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { parseReference } from "../../oci/reference.ts";
import type { Target } from "../../oci/storage.ts";
import type { StoredExperiment } from "./save.ts";
import { type LocalRegistrySource, openRegistrySource, type RegistrySource } from "../read/open.ts";

/** Options of {@linkcode pushExperiment}. */
export interface PushExperimentOptions {
  /** Called after each blob. */
  onProgress?: (
    progress: { blobs: number; bytes: number; totalBlobs: number; totalBytes: number },
  ) => void;
}

/**
 * Push an Experiment (committed, forked or opened from anywhere) to a remote
 * OCI registry — `{ registry: "ghcr.io/team/exp:v1" }` —, into the Python
 * SDK's OMMX Local Registry — `{ localRegistry: "ghcr.io/team/exp:v1", root? }`
 * (created when absent, as the SDK does; a name already pointing at another
 * manifest is refused with `ReferenceConflictError`, as the SDK refuses) —
 * or to any writable target under `tag`. The manifest is pushed byte for
 * byte, so its digest is unchanged and the Python SDK reads exactly this
 * Experiment (`Experiment.load(name)` for the Local Registry).
 *
 * @example Push to a local registry
 * ```ts ignore
 * import { openExperiment, pushExperiment } from "@ommx-ts/experiment";
 * const exp = await openExperiment("experiment.ommx");
 * await pushExperiment(exp, { registry: "127.0.0.1:5000/team/exp:v1" });
 * ```
 *
 * @param experiment The Experiment (or any OMMX `Artifact`: the same copy).
 * @param destination `{ registry }` (credentials as for `openExperiment`), `{ localRegistry, root? }`, or a target.
 * @param tag With a target: the reference to tag (default: the Experiment's image name).
 * @param options Progress callback.
 * @returns The manifest descriptor at the destination.
 */
export async function pushExperiment(
  experiment: StoredExperiment,
  destination: RegistrySource | LocalRegistrySource | Target,
  tag?: string,
  options: PushExperimentOptions = {},
): Promise<Descriptor> {
  const source = experiment.storage;
  const copyOptions: CopyImageOptions = {
    manifest: experiment.manifestDescriptor,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  // Loaded on first use: the copy is not part of importing the package.
  const { copyImage } = await import("../../oci/copy.ts");
  let target: Target;
  let reference: string;
  if ("localRegistry" in destination && typeof destination.localRegistry === "string") {
    const { openLocalRegistry } = await import("../../oci/backends/local_registry.ts");
    const local = await openLocalRegistry({
      writable: true,
      create: true,
      ...(destination.root === undefined ? {} : { root: destination.root }),
    });
    try {
      return await copyImage(source, local, destination.localRegistry, copyOptions);
    } finally {
      await local.close();
    }
  }
  if ("registry" in destination && typeof destination.registry === "string") {
    const ref = parseReference(destination.registry);
    if (ref.tag === undefined) {
      throw new InvalidArgumentError(
        `pushExperiment: ${destination.registry} names no tag to publish under`,
      );
    }
    reference = ref.tag;
    target = await openRegistrySource(destination);
  } else {
    target = destination as Target;
    reference = tag ?? experiment.imageName ?? "";
    if (reference === "") {
      throw new InvalidArgumentError("pushExperiment: no tag given and the Experiment has no name");
    }
  }
  return await copyImage(source, target, reference, copyOptions);
}
