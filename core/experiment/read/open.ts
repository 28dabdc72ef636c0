/**
 * Opening Experiments and generic artifacts from any source: a `.ommx` file
 * path, an OCI layout directory path, a `URL`, bytes, a `Blob`, or any
 * {@linkcode ReadOnlyTarget}.
 *
 * @module
 */
import { InvalidArgumentError, InvalidArtifactError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import { type ImageManifest, MAX_MANIFEST_SIZE } from "../../oci/manifest.ts";
import { checkManifestBytes } from "../../oci/_manifest_parse.ts";
import { indexedLayerDigestOf } from "../../oci/_indexed_digests.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import type {
  OpenRemoteRegistryOptions,
  RemoteTarget,
} from "../../oci/backends/remote_registry.ts";
import type { HttpSourceOptions } from "../../oci/random_access_http.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";
import { defaultCodecs } from "../../../codecs/default_codecs.ts";
import { loadSealedExperiment, type SealedExperiment } from "./sealed_experiment.ts";
import { type Artifact, loadArtifact } from "./artifact.ts";

/** An image in a remote OCI registry, e.g. `{ registry: "ghcr.io/team/exp:v1" }`. */
export interface RegistrySource extends OpenRemoteRegistryOptions {
  /** The image reference (`host[:port]/repository:tag` or `@sha256:…`). */
  registry: string;
}

/** An image in the OMMX Local Registry of the Python/Rust SDK, e.g. `{ localRegistry: "ghcr.io/team/exp:v1" }`. */
export interface LocalRegistrySource {
  /** The image name as the SDK stored it. */
  localRegistry: string;
  /** The registry root (default: `OMMX_LOCAL_REGISTRY_ROOT`, else the SDK's data directory). */
  root?: string;
}

/**
 * An `.ommx` archive on a web server, with network options, e.g.
 * `{ url: "https://example.com/exp.ommx", timeout: 10_000 }`. Read by HTTP
 * range requests, or downloaded once into a capped temporary file when the
 * server does not answer them (see {@linkcode openHttpSource}). A plain
 * `URL` source is the same with the default options.
 */
export interface UrlSource extends HttpSourceOptions {
  /** An `http:` or `https:` URL. */
  url: string | URL;
}

/** Anything {@linkcode openSealedExperiment} and {@linkcode openArtifact} read from. */
export type ArtifactSource =
  | string
  | URL
  | Uint8Array
  | Blob
  | ReadOnlyTarget
  | RegistrySource
  | LocalRegistrySource
  | UrlSource;

/**
 * The archive backend, loaded on first use: importing the package does not
 * load the tar index (`tests/import_cost_test.ts`).
 */
async function archiveBackend(): Promise<typeof import("../../oci/backends/archive.ts")> {
  return await import("../../oci/backends/archive.ts");
}

/** Read-ahead of tar headers over HTTP: small, as every read is a request. */
const HTTP_READ_AHEAD = 64 * 1024;

/** Open an archive on a web server (see {@linkcode UrlSource}). */
async function openUrlSource(source: UrlSource): Promise<ReadOnlyTarget> {
  const { url, ...options } = source;
  const href = String(url);
  if (!/^https?:/i.test(href)) {
    throw new InvalidArgumentError(
      `Unsupported URL ${JSON.stringify(href)}: a url source must be http: or https:`,
    );
  }
  // Loaded on first use: the HTTP client is not part of importing the package.
  const { openHttpSource } = await import("../../oci/random_access_http.ts");
  const http = await openHttpSource(href, options);
  const { openArchive } = await archiveBackend();
  return await openArchive(http, { location: href, readAheadBytes: HTTP_READ_AHEAD });
}

/** Options of {@linkcode openSealedExperiment} (and of the package root's `openExperiment`). */
export interface OpenExperimentOptions {
  /** Codec registry for typed decoding (default: every built-in codec). */
  codecs?: CodecRegistry;
  /** Accept `draft` checkpoints. Default `false`, as the reference. */
  allowDraft?: boolean;
  /** Cap on the decompressed size of zstd attachments. Default 1 GiB. */
  maxDecompressedBytes?: number;
  /** Which manifest to open when the source holds several (a tag or image name). */
  reference?: string;
}

/** Options of {@linkcode openArtifact}. */
export interface OpenArtifactOptions {
  /** Codec registry for typed decoding (default: every built-in codec). */
  codecs?: CodecRegistry;
  /** Which manifest to open when the source holds several. */
  reference?: string;
}

function isTarget(source: unknown): source is ReadOnlyTarget {
  return typeof source === "object" && source !== null &&
    typeof (source as ReadOnlyTarget).resolve === "function" &&
    typeof (source as ReadOnlyTarget).fetch === "function";
}

/**
 * Open the registry repository a {@linkcode RegistrySource} names. Without
 * explicit credentials, Deno and Node fall back to the reference's
 * `OMMX_BASIC_AUTH_*` variables.
 *
 * @param source The registry reference and client options.
 * @returns The remote target; the caller closes it.
 */
export async function openRegistrySource(source: RegistrySource): Promise<RemoteTarget> {
  const { registry, ...options } = source;
  const serverSide = typeof (globalThis as { process?: unknown }).process === "object";
  if (options.credentials === undefined && serverSide) {
    const { envCredentials } = await import("../../oci/backends/registry_env_credentials.ts");
    options.credentials = envCredentials();
  }
  // Loaded on first use: the registry client is not part of importing the package.
  const { openRemoteRegistry } = await import("../../oci/backends/remote_registry.ts");
  return await openRemoteRegistry(registry, options);
}

/**
 * Open the storage behind a source without interpreting it.
 *
 * @param source A path, URL, bytes, Blob, target, or registry or URL source.
 * @returns A read-only target; the caller closes it.
 */
export async function openSource(source: ArtifactSource): Promise<ReadOnlyTarget> {
  if (isTarget(source)) return source;
  if (typeof source === "object" && source !== null && "registry" in source) {
    return await openRegistrySource(source);
  }
  if (
    typeof source === "object" && source !== null && "url" in source && !(source instanceof URL)
  ) {
    return await openUrlSource(source);
  }
  if (typeof source === "object" && source !== null && "localRegistry" in source) {
    const { openLocalRegistry } = await import("../../oci/backends/local_registry.ts");
    return await openLocalRegistry({
      imageName: source.localRegistry,
      ...(source.root === undefined ? {} : { root: source.root }),
    });
  }
  if (source instanceof Uint8Array) {
    return await (await archiveBackend()).openArchive(source, { location: "bytes" });
  }
  if (source instanceof Blob) {
    const name = (source as { name?: unknown }).name;
    return await (await archiveBackend()).openArchive(source, {
      location: typeof name === "string" ? name : "blob",
    });
  }
  let path: string;
  if (source instanceof URL) {
    if (source.protocol === "http:" || source.protocol === "https:") {
      return await openUrlSource({ url: source });
    }
    if (source.protocol !== "file:") {
      throw new InvalidArgumentError(`Unsupported URL scheme ${source.protocol} in ${source.href}`);
    }
    const { fileURLToPath } = await import("node:url");
    path = fileURLToPath(source);
  } else if (typeof source === "string") {
    path = source;
  } else {
    throw new InvalidArgumentError(`Unsupported source ${Object.prototype.toString.call(source)}`);
  }
  // Deno's own stat when it answers (no node:fs loaded); node:fs for the error text.
  const { denoIsDirectory } = await import("../../_file_port.ts");
  const isDirectory = await denoIsDirectory(path) ?? await nodeIsDirectory(path);
  if (isDirectory) {
    const { openLayoutDir } = await import("../../oci/backends/layout_dir.ts");
    return await openLayoutDir(path);
  }
  return await (await archiveBackend()).openArchiveFile(path);
}

async function nodeIsDirectory(path: string): Promise<boolean> {
  const fs = await import("node:fs/promises");
  const stat = await fs.stat(path).catch((cause) => {
    throw new InvalidArgumentError(
      `Cannot open ${JSON.stringify(path)}: ${(cause as Error).message}`,
    );
  });
  return stat.isDirectory();
}

async function loadManifest(
  target: ReadOnlyTarget,
  reference: string | undefined,
): Promise<{ descriptor: Descriptor; manifest: ImageManifest }> {
  const descriptor = await target.resolve(reference);
  if (descriptor.size > MAX_MANIFEST_SIZE) {
    throw new InvalidArtifactError(
      `${target.location}: manifest ${descriptor.digest} is ${descriptor.size} bytes, more than the limit of ${MAX_MANIFEST_SIZE}`,
    );
  }
  // The target's own check of layer digests, when it has one (the archive: its tar index),
  // spares the reader a check of each; the existence check then reuses what it found.
  const bytes = await target.fetch(descriptor);
  const manifest = checkManifestBytes(bytes, indexedLayerDigestOf(target));
  return { descriptor, manifest };
}

/**
 * Open an Experiment in place: index the archive (or directory), read and
 * validate the manifest and config, never loading payload blobs until asked.
 *
 * @param source A `.ommx` path, a layout directory, a URL, bytes, a Blob or a target.
 * @param options Codecs, draft handling, limits.
 * @returns The Experiment; close it (or `await using`) to release files.
 *
 * @example Open and list runs
 * ```ts ignore
 * import { openSealedExperiment } from "./open.ts";
 * await using exp = await openSealedExperiment("tests/fixtures/reference/runs.ommx");
 * console.log(exp.runs.map((r) => r.status));
 * ```
 */
export async function openSealedExperiment(
  source: ArtifactSource,
  options: OpenExperimentOptions = {},
): Promise<SealedExperiment> {
  const target = await openSource(source);
  try {
    const { descriptor, manifest } = await loadManifest(target, options.reference);
    return await loadSealedExperiment(target, descriptor, manifest, {
      codecs: options.codecs ?? defaultCodecs,
      ...(options.allowDraft === undefined ? {} : { allowDraft: options.allowDraft }),
      ...(options.maxDecompressedBytes === undefined
        ? {}
        : { maxDecompressedBytes: options.maxDecompressedBytes }),
    });
  } catch (e) {
    if (target !== source) await target.close().catch(() => {});
    throw e;
  }
}

/**
 * Open any OMMX artifact (generic artifacts, legacy v1-config artifacts, Experiments) as layers.
 *
 * @param source A `.ommx` path, a layout directory, a URL, bytes, a Blob or a target.
 * @param options Codecs and reference.
 * @returns The artifact.
 *
 * @example Read the first Instance of a generic artifact
 * ```ts ignore
 * import { openArtifact } from "./open.ts";
 * await using artifact = await openArtifact("random_lp_instance.ommx");
 * const instance = await artifact.getInstance();
 * console.log(instance.numVariables);
 * ```
 */
export async function openArtifact(
  source: ArtifactSource,
  options: OpenArtifactOptions = {},
): Promise<Artifact> {
  const target = await openSource(source);
  try {
    const { descriptor, manifest } = await loadManifest(target, options.reference);
    return await loadArtifact(target, descriptor, manifest, {
      codecs: options.codecs ?? defaultCodecs,
    });
  } catch (e) {
    if (target !== source) await target.close().catch(() => {});
    throw e;
  }
}
