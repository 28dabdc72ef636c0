/**
 * The remote listing behind `remote_catalogue.ts`'s `listRemoteExperiments`
 * (documented there): each tag's manifest and Experiment config read over the
 * registry API, with the types of its options and result. Loaded on first use.
 *
 * @module
 */
import { InvalidArtifactError, LimitExceededError, OmmxError } from "../../errors.ts";
import { parseManifest } from "../../oci/manifest.ts";
import { formatReference, parseReference } from "../../oci/reference.ts";
import type {
  OpenRemoteRegistryOptions,
  RemoteTarget,
} from "../../oci/backends/remote_registry.ts";
import {
  ARTIFACT_TYPE_EXPERIMENT,
  MEDIA_TYPE_EXPERIMENT_CONFIG,
} from "../../../codecs/media_types.ts";
import type { ExperimentRef } from "./_experiment_ref.ts";
import { experimentRefFrom } from "./_experiment_ref.ts";
import { openRegistrySource } from "./open.ts";

/** The manifest annotation a listing reads the time from (remote registries keep no ref time). */
const ANNOTATION_CREATED = "org.opencontainers.image.created";

/** Largest Experiment config read while listing, in bytes. */
const MAX_CONFIG_SIZE = 16 << 20;

/** One tag of a remote repository, as {@linkcode listRemoteExperiments} saw it. */
export interface RemoteExperimentEntry {
  /** The tag, as the registry sent it. */
  readonly tag: string;
  /** `registry/repository:tag` (display form when the tag parses, else as sent). */
  readonly imageName: string;
  /**
   * The Experiment, or `null` (another artifact kind, or an error). Its
   * `updatedAt` is the manifest's `org.opencontainers.image.created`
   * annotation, or `""` when there is none: the registry API records no time.
   */
  readonly experiment: ExperimentRef | null;
  /** The manifest's `artifactType`, when the manifest was read. */
  readonly artifactType: string | null;
  /** Why the tag could not be listed, or `null`. */
  readonly error: OmmxError | null;
}

/** What {@linkcode listRemoteExperiments} returns. */
export interface RemoteExperimentListing {
  /** One entry per tag, in the registry's tag order. */
  readonly entries: RemoteExperimentEntry[];
  /** Whether the repository had more tags than `limit`. */
  readonly truncated: boolean;
}

/** Options of {@linkcode listRemoteExperiments}. */
export interface ListRemoteExperimentsOptions extends OpenRemoteRegistryOptions {
  /** The most tags listed (default 10,000). */
  limit?: number;
  /** Tags read at the same time (default 8). */
  concurrency?: number;
  /** Called with each entry as soon as it and every entry before it are ready (tag order). */
  onEntry?: (entry: RemoteExperimentEntry, index: number) => void;
}

function asOmmxError(e: unknown): OmmxError {
  if (e instanceof OmmxError) return e;
  return new InvalidArtifactError(e instanceof Error ? e.message : String(e), { cause: e });
}

async function entryOf(target: RemoteTarget, tag: string): Promise<RemoteExperimentEntry> {
  const base = `${target.reference.registry}/${target.reference.repository}`;
  let imageName = `${base}:${tag}`;
  let artifactType: string | null = null;
  try {
    imageName = formatReference(parseReference(imageName));
    const descriptor = await target.resolve(tag);
    const { manifest } = parseManifest(await target.fetch(descriptor));
    artifactType = manifest.artifactType ?? null;
    if (artifactType !== ARTIFACT_TYPE_EXPERIMENT) {
      return { tag, imageName, experiment: null, artifactType, error: null };
    }
    if (manifest.config.mediaType !== MEDIA_TYPE_EXPERIMENT_CONFIG) {
      throw new InvalidArtifactError(
        `${imageName}: Experiment config media type is ${manifest.config.mediaType}, expected ${MEDIA_TYPE_EXPERIMENT_CONFIG}`,
      );
    }
    if (manifest.config.size > MAX_CONFIG_SIZE) {
      throw new LimitExceededError(
        `${imageName}: Experiment config is ${manifest.config.size} bytes (limit ${MAX_CONFIG_SIZE})`,
      );
    }
    const created = manifest.annotations?.[ANNOTATION_CREATED];
    const experiment = experimentRefFrom({
      imageName,
      manifestDigest: descriptor.digest,
      configDigest: manifest.config.digest,
      updatedAt: typeof created === "string" ? created : "",
      annotations: manifest.annotations ?? {},
    }, await target.fetch(manifest.config));
    return { tag, imageName, experiment, artifactType, error: null };
  } catch (e) {
    return { tag, imageName, experiment: null, artifactType, error: asOmmxError(e) };
  }
}

/**
 * The body of `remote_catalogue.ts`'s `listRemoteExperiments` (documented there).
 *
 * @param repository `host[:port]/repository` (a tag or digest in it is ignored).
 * @param options Network options and credentials, `limit`, `concurrency`, `onEntry`.
 * @returns One entry per tag, and whether the tag list was cut at `limit`.
 */
export async function listRemoteExperiments(
  repository: string,
  options: ListRemoteExperimentsOptions = {},
): Promise<RemoteExperimentListing> {
  const { limit, concurrency = 8, onEntry, ...network } = options;
  const target = await openRegistrySource({ registry: repository, ...network });
  try {
    const { tags, truncated } = await target.listTags(limit === undefined ? {} : { limit });
    const entries: RemoteExperimentEntry[] = new Array(tags.length);
    const ready: boolean[] = new Array(tags.length).fill(false);
    let next = 0;
    let reported = 0;
    const worker = async () => {
      while (next < tags.length) {
        const i = next++;
        entries[i] = await entryOf(target, tags[i]!);
        ready[i] = true;
        while (reported < tags.length && ready[reported]) {
          onEntry?.(entries[reported]!, reported);
          reported++;
        }
      }
    };
    const width = Math.max(1, Math.min(concurrency, tags.length));
    await Promise.all(Array.from({ length: width }, worker));
    return { entries, truncated };
  } finally {
    await target.close();
  }
}
