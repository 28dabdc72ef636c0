/**
 * Read-only backend over an `.ommx` archive (an uncompressed tar of an OCI
 * image layout). Tar headers are indexed once; every fetch reads just the
 * member's byte range and verifies size and digest. The archive is never
 * loaded whole.
 *
 * Small blobs fetched front to back (the many small payloads of a many-run
 * archive, whose tar members lie next to each other) are read through a
 * read-ahead window: one read of 256 KiB serves the
 * following blobs that lie inside it, instead of one read per blob. Each blob
 * is still cut out as its own copy and size- and digest-checked before it is
 * returned; a random access pattern reads each blob alone, as before.
 *
 * @module
 */
import { BlobNotFoundError, InvalidArtifactError, SizeMismatchError } from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { verifiedStream, verifyBytes } from "../digest.ts";
import { verifyBytesNow } from "../_verify_now.ts";
import { type ImageIndex, parseImageIndex } from "../image_index.ts";
import {
  digestFromBlobPath,
  OCI_INDEX_FILE,
  OCI_LAYOUT_FILE,
  type OciLayout,
  parseOciLayout,
} from "../layout.ts";
import { blobSource, bytesSource, type RandomAccessSource } from "../random_access.ts";
import { openFileSource } from "../random_access_file.ts";
import type { FetchOptions, ReadOnlyTarget } from "../storage.ts";
import type { TarIndexOptions } from "../tar/reader.ts";
import { walkTar } from "../tar/_walk.ts";
import { BLOB_PATH_HEX_START, hasBlobPathShape } from "../_blob_path_bytes.ts";
import { registerFetchView } from "../_fetch_view.ts";
import { registerIndexedLayerDigest } from "../_indexed_digests.ts";
import { ArchiveBlobIndex } from "./_archive_blob_index.ts";
import { resolveInIndex } from "./_resolve.ts";

/** Blobs up to this size may be served from the read-ahead window. */
const READ_AHEAD_BLOB_MAX = 64 * 1024;

/**
 * Bytes read at once when a small blob starts at or shortly after the end of
 * the previous small fetch (within this distance).
 */
const READ_AHEAD_SIZE = 256 * 1024;

/** One read-ahead read: the archive range `[start, end)` and its bytes. */
interface ReadWindow {
  readonly start: number;
  readonly end: number;
  readonly bytes: Promise<Uint8Array>;
  /** The window's bytes once its read has succeeded. */
  read?: Uint8Array;
}

/** Bytes `from`..`to` of a read window: a view into it, or a fresh copy. */
function windowPart(bytes: Uint8Array, from: number, to: number, view: boolean): Uint8Array {
  return view ? bytes.subarray(from, to) : bytes.slice(from, to);
}

/**
 * What the last {@linkcode ArchiveTarget.existsAll} found: the digests it was
 * given, by position, and each one's member number (-1: absent or another size).
 */
interface CheckedBlobs {
  readonly digests: readonly string[];
  readonly members: Int32Array;
}

/** Options for {@linkcode openArchive}. */
export interface OpenArchiveOptions extends TarIndexOptions {
  /** Name used in messages (default: `archive`). */
  location?: string;
  /** Chunk size of {@linkcode ArchiveTarget.fetchStream} (default 1 MiB). */
  chunkSize?: number;
  /** Largest `index.json` / `oci-layout` accepted, in bytes (default 4 MiB). */
  maxIndexSize?: number;
}

/** A read-only target over an `.ommx` archive. Create with {@linkcode openArchive}. */
export class ArchiveTarget implements ReadOnlyTarget {
  /** Where the archive was opened from. */
  readonly location: string;
  /** The parsed `oci-layout`, or `undefined` for archives without one (v2-era). */
  readonly layout: OciLayout | undefined;
  /** The parsed `index.json`. */
  readonly index: ImageIndex;
  /** The raw `index.json` bytes. */
  readonly indexBytes: Uint8Array;
  #source: RandomAccessSource;
  #blobs: ArchiveBlobIndex;
  #chunkSize: number;
  #filePath: string | undefined;
  #window: ReadWindow | undefined;
  /** End of the last small fetch's member, or -1. */
  #lastEnd = -1;
  #checked: CheckedBlobs | undefined;
  /**
   * What the check of layer digests registered with `registerIndexedLayerDigest`
   * found, by layer position (the members as plain numbers: the list grows as
   * the layers are checked).
   */
  #layers: { digests: unknown[]; members: number[] } | undefined;

  /**
   * Use {@linkcode openArchive} instead.
   *
   * @param init Internal state.
   */
  constructor(init: {
    location: string;
    layout: OciLayout | undefined;
    index: ImageIndex;
    indexBytes: Uint8Array;
    source: RandomAccessSource;
    blobs: ArchiveBlobIndex;
    chunkSize: number;
    filePath?: string | undefined;
  }) {
    this.location = init.location;
    this.layout = init.layout;
    this.index = init.index;
    this.indexBytes = init.indexBytes;
    this.#source = init.source;
    this.#blobs = init.blobs;
    this.#chunkSize = init.chunkSize;
    this.#filePath = init.filePath;
    registerFetchView(
      this,
      (descriptor, position) => this.#fetch(descriptor, true, position),
      (descriptor, position) => this.#fetchReady(descriptor, position),
    );
    registerIndexedLayerDigest(this, (digest, position) => this.#indexedLayer(digest, position));
  }

  /**
   * Whether `digest` (of the manifest layer at `position`) is a digest the
   * tar index holds: its 64 digits were checked as lowercase hex when indexed,
   * so it is well-formed. The member found (or -1) is kept by position for
   * {@linkcode ArchiveTarget.existsAll}; position 0 starts a new list.
   */
  #indexedLayer(digest: unknown, position: number): digest is string {
    const n = this.#blobs.get(digest as string) ?? -1;
    if (position === 0 || this.#layers === undefined) this.#layers = { digests: [], members: [] };
    this.#layers.digests[position] = digest;
    this.#layers.members[position] = n;
    return n >= 0;
  }

  /**
   * Where a blob's bytes lie in the archive file, so that they can be hashed
   * elsewhere (a worker thread of `Experiment.verify`).
   *
   * @param descriptor The blob's descriptor.
   * @returns The file, offset and size; `undefined` unless the archive was opened by path.
   * @throws {BlobNotFoundError} When missing.
   * @throws {SizeMismatchError} When the member's size differs.
   */
  blobFileRange(
    descriptor: Descriptor,
  ): { path: string; offset: number; size: number } | undefined {
    if (this.#filePath === undefined) return undefined;
    const n = this.#member(descriptor);
    return { path: this.#filePath, offset: this.#blobs.offsets[n]!, size: descriptor.size };
  }

  /**
   * Digests of every blob member (deduplicated), in archive order.
   *
   * @returns The digests.
   */
  blobDigests(): string[] {
    return this.#blobs.digests();
  }

  /**
   * Resolve a reference. With none, the archive's single image manifest.
   *
   * @param reference Optional image name or tag matched against the ref annotation.
   * @returns The manifest descriptor from `index.json`.
   * @throws {InvalidArtifactError} When `index.json` does not hold exactly one image manifest.
   * @throws {BlobNotFoundError} When no entry matches `reference`.
   */
  resolve(reference?: string): Promise<Descriptor> {
    try {
      return Promise.resolve(resolveInIndex(this.index, reference, this.location));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The blob's member number, checked against the descriptor's size: the
   * number {@linkcode ArchiveTarget.existsAll} found at `position` when it was
   * given the same digest there (a string compare, no index lookup), else
   * looked up.
   */
  #member(descriptor: Descriptor, position?: number): number {
    const checked = this.#checked;
    const found = position !== undefined && checked !== undefined &&
        checked.digests[position] === descriptor.digest
      ? checked.members[position]!
      : -1;
    const n = found >= 0 ? found : this.#blobs.get(descriptor.digest);
    if (n === undefined) throw new BlobNotFoundError(descriptor.digest, this.location);
    const size = this.#blobs.sizes[n]!;
    if (size !== descriptor.size) {
      throw new SizeMismatchError(descriptor.digest, descriptor.size, size);
    }
    return n;
  }

  /**
   * The blob's member number when present with the descriptor's size, else -1:
   * with `position`, the member the check of layer digests found for the same
   * digest at that position (no index lookup), else looked up.
   */
  #present(descriptor: Descriptor, position?: number): number {
    const layers = this.#layers;
    const n = position !== undefined && layers !== undefined &&
        layers.digests[position] === descriptor.digest
      ? layers.members[position]!
      : this.#blobs.get(descriptor.digest) ?? -1;
    return n >= 0 && this.#blobs.sizes[n] === descriptor.size ? n : -1;
  }

  /**
   * Whether the blob is present with the descriptor's size (not hashed).
   *
   * @param descriptor The blob's descriptor.
   * @returns `true` when present with a matching size.
   */
  exists(descriptor: Descriptor): Promise<boolean> {
    return Promise.resolve(this.#present(descriptor) >= 0);
  }

  /**
   * {@linkcode ArchiveTarget.exists} for many blobs, answered from the tar
   * index. The member numbers found are kept (until the next call), so that a
   * fetch told a blob's position in this list (the view fetch of
   * `core/oci/_fetch_view.ts`, by a manifest layer's number) finds its member
   * without a second lookup. A descriptor whose digest the check of layer
   * digests (`registerIndexedLayerDigest`) was given at the same position is
   * answered from what it found, without a lookup either (once: this call
   * drops it).
   *
   * @param descriptors The blobs' descriptors.
   * @returns One answer per descriptor, in order.
   */
  existsAll(descriptors: readonly Descriptor[]): Promise<boolean[]> {
    // Two `map`s rather than one loop filling three arrays: cheaper in a cold open.
    const members = new Int32Array(descriptors.length);
    const out = descriptors.map((d, i) => (members[i] = this.#present(d, i)) >= 0);
    const digests = descriptors.map((d) => d.digest);
    this.#checked = { digests, members };
    this.#layers = undefined; // what this call keeps in `#checked` instead
    return Promise.resolve(out);
  }

  /**
   * Read and verify a whole blob.
   *
   * @param descriptor The blob's descriptor.
   * @param options Abort signal.
   * @returns The verified bytes.
   * @throws {BlobNotFoundError} When missing.
   * @throws {SizeMismatchError} When the member's size differs.
   * @throws {DigestMismatchError} When the bytes do not hash to the digest.
   */
  fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    return this.#fetch(descriptor, false, undefined, options);
  }

  /**
   * {@linkcode ArchiveTarget.fetch}; with `view`, a small blob served from the
   * read-ahead window is a view into it rather than a copy (the fetch
   * registered by `registerFetchView`, for callers that keep no reference);
   * `position` as for {@linkcode ArchiveTarget.existsAll}.
   */
  async #fetch(
    descriptor: Descriptor,
    view: boolean,
    position?: number,
    options?: FetchOptions,
  ): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const n = this.#member(descriptor, position);
    const offset = this.#blobs.offsets[n]!;
    const size = descriptor.size;
    const bytes = size <= READ_AHEAD_BLOB_MAX && this.#source.ownsReads
      ? this.#fromReadWindow(offset, size, view) ?? await this.#readAhead(offset, size, view)
      : await this.#source.read(offset, size);
    await verifyBytes(bytes, descriptor);
    return bytes;
  }

  /**
   * {@linkcode ArchiveTarget.#fetch} of a view without an await: a small
   * member inside the read-ahead window already read, verified synchronously
   * (`verifyBytesNow`); `undefined` when the window does not hold it or the
   * digest needs an await (then `#fetch` serves it, with the same bookkeeping).
   * The member's checks throw as `#fetch`'s do, in the same order.
   */
  #fetchReady(descriptor: Descriptor, position?: number): Uint8Array | undefined {
    const size = descriptor.size;
    if (size > READ_AHEAD_BLOB_MAX || !this.#source.ownsReads) return undefined;
    const bytes = this.#fromReadWindow(
      this.#blobs.offsets[this.#member(descriptor, position)]!,
      size,
      true,
    );
    return bytes !== undefined && verifyBytesNow(bytes, descriptor) ? bytes : undefined;
  }

  /**
   * {@linkcode ArchiveTarget.#readAhead} without an await when the current
   * window has been read and holds the member: the same bytes (a copy, or with
   * `view` a view); `undefined` (and nothing changed) otherwise.
   */
  #fromReadWindow(start: number, size: number, view: boolean): Uint8Array | undefined {
    const w = this.#window;
    const end = start + size;
    if (w?.read === undefined || start < w.start || end > w.end) return undefined;
    this.#lastEnd = end;
    return windowPart(w.read, start - w.start, end - w.start, view);
  }

  /**
   * Read a small member's bytes (a fresh copy, or with `view` a view into the
   * window): from the current window when it holds them; through a new window
   * when the member starts at or shortly after the previous small fetch's end
   * (front-to-back reading); else alone. When a window read fails (a file that
   * shrank), the member is read alone, so the error is the one its own read gives.
   */
  async #readAhead(start: number, size: number, view: boolean): Promise<Uint8Array> {
    const end = start + size;
    const lastEnd = this.#lastEnd;
    this.#lastEnd = end;
    const w = this.#window;
    if (w !== undefined && start >= w.start && end <= w.end) {
      try {
        return windowPart(await w.bytes, start - w.start, end - w.start, view);
      } catch {
        return await this.#source.read(start, size);
      }
    }
    if (lastEnd < 0 || start < lastEnd || start - lastEnd > READ_AHEAD_SIZE) {
      return await this.#source.read(start, size);
    }
    const length = Math.min(Math.max(READ_AHEAD_SIZE, size), this.#source.size - start);
    const window: ReadWindow = {
      start,
      end: start + length,
      bytes: this.#source.read(start, length),
    };
    this.#window = window;
    try {
      const bytes = await window.bytes;
      window.read = bytes;
      return windowPart(bytes, 0, size, view);
    } catch {
      if (this.#window === window) this.#window = undefined;
      return await this.#source.read(start, size);
    }
  }

  /**
   * Stream a blob in chunks, verified by {@linkcode verifiedStream}: the final
   * chunk is only delivered after the digest has been verified, so a consumer
   * never sees a clean end on bad data.
   *
   * @param descriptor The blob's descriptor.
   * @param options Abort signal.
   * @returns A stream that errors with a typed error on mismatch.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    const source = this.#source;
    const chunkSize = this.#chunkSize;
    return verifiedStream(descriptor, () => {
      const offset = this.#blobs.offsets[this.#member(descriptor)]!;
      const size = descriptor.size;
      let pos = 0;
      let pending: Promise<Uint8Array> | undefined;
      // Copy unless the source hands out fresh arrays, so a zero-copy view of
      // the caller's bytes is never handed out mutable.
      const readAt = async (at: number, n: number): Promise<Uint8Array> => {
        const bytes = await source.read(offset + at, n);
        return source.ownsReads ? bytes : bytes.slice();
      };
      return new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          options?.signal?.throwIfAborted();
          const n = Math.min(chunkSize, size - pos);
          if (n <= 0) {
            controller.close();
            return;
          }
          const chunk = await (pending ?? readAt(pos, n));
          pos += n;
          // Start reading the next chunk before this one is hashed, so file
          // I/O and SHA-256 overlap.
          const next = Math.min(chunkSize, size - pos);
          pending = next > 0 ? readAt(pos, next) : undefined;
          pending?.catch(() => {}); // surfaced by the next pull
          controller.enqueue(chunk);
        },
        cancel: () => {
          pending = undefined;
        },
      }, { highWaterMark: 0 });
    });
  }

  /**
   * Close the underlying source (file handle).
   *
   * @returns Nothing.
   */
  async close(): Promise<void> {
    await this.#source.close?.();
  }
}

/** Sources opened by {@linkcode openArchiveFile}, and their paths. */
const filePaths = new WeakMap<RandomAccessSource, string>();

/** A member's name, data offset and size. */
interface Member {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

async function readSmall(
  source: RandomAccessSource,
  entry: Member,
  limit: number,
  location: string,
): Promise<Uint8Array> {
  if (entry.size > limit) {
    throw new InvalidArtifactError(
      `${location}: ${entry.name} is ${entry.size} bytes (limit ${limit})`,
    );
  }
  return await source.read(entry.offset, entry.size);
}

/**
 * Open an `.ommx` archive from a random-access source, a `Uint8Array` or a
 * `Blob`. Indexes the tar headers once; keeps `oci-layout` (validated when
 * present), `index.json` (required) and `blobs/sha256/<hex>` members. Member
 * paths are matched exactly after stripping `./`, so names like `../x` or
 * `/abs` are never treated as blobs. The source is closed if opening fails.
 *
 * @example Open an archive built in memory
 * ```ts
 * import { openArchive } from "./archive.ts";
 * import { buildTar } from "../tar/writer.ts";
 * import assert from "node:assert/strict";
 *
 * const index = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
 * const tar = await buildTar([{ name: "index.json", size: index.length, body: index }]);
 * const target = await openArchive(tar);
 * assert.equal(target.layout, undefined);
 * await assert.rejects(target.resolve(), { code: "INVALID_ARTIFACT" });
 * ```
 *
 * @param input The archive.
 * @param options Location name, chunk size and limits.
 * @returns The target.
 * @throws {CorruptArchiveError} When the tar is damaged.
 * @throws {InvalidArtifactError} When `index.json` is missing or invalid, or `oci-layout` is invalid.
 */
export async function openArchive(
  input: RandomAccessSource | Uint8Array | Blob,
  options: OpenArchiveOptions = {},
): Promise<ArchiveTarget> {
  const source = input instanceof Uint8Array
    ? bytesSource(input)
    : input instanceof Blob
    ? blobSource(input)
    : input;
  const location = options.location ?? "archive";
  const limit = options.maxIndexSize ?? 4 << 20;
  try {
    const blobs = new ArchiveBlobIndex();
    let layoutEntry: Member | undefined;
    let indexEntry: Member | undefined;
    await walkTar(
      source,
      options,
      (name, offset, size) => {
        if (name === OCI_LAYOUT_FILE) layoutEntry = { name, offset, size };
        else if (name === OCI_INDEX_FILE) indexEntry = { name, offset, size };
        else {
          const digest = digestFromBlobPath(name);
          if (digest !== undefined) blobs.addDigest(digest, offset, size);
        }
      },
      // Most members are `blobs/sha256/<hex>` in the header's name field: their hex digits go
      // into the index as bytes; any other name is decoded and handled above.
      (bytes, nameStart, nameEnd, offset, size) => {
        return hasBlobPathShape(bytes, nameStart, nameEnd) &&
          blobs.addHex(bytes, nameStart + BLOB_PATH_HEX_START, offset, size);
      },
    );
    const layout = layoutEntry
      ? parseOciLayout(await readSmall(source, layoutEntry, limit, location))
      : undefined;
    if (!indexEntry) throw new InvalidArtifactError(`${location}: no index.json member`);
    const indexBytes = await readSmall(source, indexEntry, limit, location);
    const index = parseImageIndex(indexBytes);
    return new ArchiveTarget({
      location,
      layout,
      index,
      indexBytes,
      source,
      blobs,
      chunkSize: options.chunkSize ?? 1 << 20,
      filePath: filePaths.get(source),
    });
  } catch (e) {
    await source.close?.().catch(() => {});
    throw e;
  }
}

/**
 * Open an `.ommx` file by path (Deno, Node, Bun) with positioned reads.
 * Call `close()` on the result to release the file handle.
 *
 * @example Open a file
 * ```ts
 * import { openArchiveFile } from "./archive.ts";
 * import { buildTar } from "../tar/writer.ts";
 * import assert from "node:assert/strict";
 *
 * const index = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
 * const path = await Deno.makeTempFile({ suffix: ".ommx" });
 * await Deno.writeFile(path, await buildTar([{ name: "index.json", size: index.length, body: index }]));
 * const target = await openArchiveFile(path);
 * assert.equal(target.index.manifests.length, 0);
 * await target.close();
 * await Deno.remove(path);
 * ```
 *
 * @param path The file path.
 * @param options As for {@linkcode openArchive}; `location` defaults to `path`.
 * @returns The target.
 */
export async function openArchiveFile(
  path: string,
  options: OpenArchiveOptions = {},
): Promise<ArchiveTarget> {
  const source = await openFileSource(path);
  filePaths.set(source, path);
  return await openArchive(source, { location: path, ...options });
}
