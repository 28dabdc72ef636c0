/**
 * Small storage interfaces, in the spirit of oras-go's `content` package.
 *
 * A backend implements only what it can; the Experiment model only ever sees
 * these interfaces and never knows which backend it sits on.
 *
 * @module
 */
import type { Descriptor } from "./descriptor.ts";
import { EXISTS_CONCURRENCY, mapBounded } from "../_each_bounded.ts";

/** Options for a single blob fetch. */
export interface FetchOptions {
  /** Abort the read. */
  signal?: AbortSignal;
}

/** Fetches blobs by descriptor. Every implementation verifies size and digest. */
export interface Fetcher {
  /**
   * Read the whole blob named by `descriptor`, verifying its size and digest.
   *
   * @param descriptor The blob's descriptor.
   * @param options Fetch options.
   * @returns The verified bytes.
   */
  fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array>;
  /**
   * Stream the blob named by `descriptor`. The stream errors with a typed
   * error on a size or digest mismatch when it reaches the end.
   *
   * @param descriptor The blob's descriptor.
   * @param options Fetch options.
   * @returns A stream of the blob's bytes.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array>;
}

/** Read-only storage: fetch plus existence checks. */
export interface ReadOnlyStorage extends Fetcher {
  /**
   * Whether the blob exists with the descriptor's size (content not hashed).
   *
   * @param descriptor The blob's descriptor.
   * @returns `true` when present with a matching size.
   */
  exists(descriptor: Descriptor): Promise<boolean>;
  /**
   * Optional: {@linkcode ReadOnlyStorage.exists} for many blobs in one call,
   * for a backend that answers from an index in memory (no promise per blob).
   *
   * @param descriptors The blobs' descriptors.
   * @returns One answer per descriptor, in order.
   */
  existsAll?(descriptors: readonly Descriptor[]): Promise<boolean[]>;
}

/**
 * Whether each blob exists with its descriptor's size: the storage's
 * `existsAll` when it has one, else `exists` per blob with a bounded number
 * of checks at once.
 *
 * @example
 * ```ts
 * import { existsEach } from "./storage.ts";
 * import assert from "node:assert/strict";
 *
 * const d = { mediaType: "x/y", digest: "sha256:" + "0".repeat(64), size: 1 };
 * const storage = { exists: (x: typeof d) => Promise.resolve(x.size === 1) };
 * assert.deepEqual(await existsEach(storage, [d, { ...d, size: 2 }]), [true, false]);
 * ```
 *
 * @param storage The storage.
 * @param descriptors The blobs' descriptors.
 * @returns One answer per descriptor, in order.
 */
export function existsEach(
  storage: Pick<ReadOnlyStorage, "exists" | "existsAll">,
  descriptors: readonly Descriptor[],
): Promise<boolean[]> {
  if (storage.existsAll !== undefined) return storage.existsAll(descriptors);
  return mapBounded(descriptors, EXISTS_CONCURRENCY, (d) => storage.exists(d));
}

/** Pushes blobs, verifying them against the expected descriptor. */
export interface Pusher {
  /**
   * Store `content` under `expected`; throws when size or digest differ.
   *
   * @param expected The descriptor the content must match.
   * @param content The bytes, or a stream of them.
   */
  push(expected: Descriptor, content: Uint8Array | ReadableStream<Uint8Array>): Promise<void>;
}

/** What {@linkcode FilePusher.pushFile} stored. */
export interface DigestedBlob {
  /** `sha256:<hex>` of the content. */
  readonly digest: string;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * A {@linkcode Pusher} that also stores a local file whose digest is not
 * known yet: it copies the file into its own storage (staged on disk) while
 * hashing it, then stores it under the digest it found — the file is read
 * and hashed once, however large.
 */
export interface FilePusher extends Pusher {
  /**
   * Store a file's bytes.
   *
   * @param path The file.
   * @returns The digest and size stored under.
   */
  pushFile(path: string): Promise<DigestedBlob>;
}

/**
 * Whether a pusher can store a file itself.
 *
 * @example
 * ```ts
 * import { canPushFiles } from "./storage.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canPushFiles({ push: async () => {} }), false);
 * ```
 *
 * @param pusher The pusher.
 * @returns `true` when it has `pushFile`.
 */
export function canPushFiles(pusher: Pusher): pusher is FilePusher {
  return typeof (pusher as Partial<FilePusher>).pushFile === "function";
}

/** Resolves a reference (tag, full image name, or nothing) to a manifest descriptor. */
export interface Resolver {
  /**
   * Resolve a reference to a manifest descriptor.
   *
   * @param reference A tag or image name; omitted means "the only manifest".
   * @returns The manifest descriptor, with its annotations.
   */
  resolve(reference?: string): Promise<Descriptor>;
}

/** Associates a reference with a manifest descriptor. */
export interface Tagger {
  /**
   * Point `reference` at `descriptor`.
   *
   * @param descriptor The manifest descriptor.
   * @param reference The tag or image name.
   */
  tag(descriptor: Descriptor, reference: string): Promise<void>;
}

/** A readable store that can also resolve references; what readers open. */
export interface ReadOnlyTarget extends ReadOnlyStorage, Resolver {
  /** Human-readable description of where this target reads from (for messages). */
  readonly location: string;
  /** Release file handles and other resources. */
  close(): Promise<void>;
}

/** A full read-write target. */
export interface Target extends ReadOnlyTarget, Pusher, Tagger {}
