/**
 * A read-write {@linkcode Target} over an OCI image layout directory
 * (`oci-layout`, `index.json`, `blobs/sha256/<hex>`). Blobs are written to a
 * temporary file, verified, then renamed into place; `index.json` is replaced
 * atomically the same way. Uses `node:fs/promises` (loaded lazily).
 *
 * The directory may have been prepared by an attacker: every file is checked
 * with `lstat` before it is opened (only regular files; a symbolic link only
 * when it resolves inside the layout), a blob's size is checked against its
 * descriptor and `index.json` / `oci-layout` against a cap before a byte is
 * read, and blobs are streamed through the digest check. A FIFO never hangs,
 * `/dev/zero` is never read, a directory or a 3 GB sparse file is a typed
 * error.
 *
 * @module
 */
import { BlobNotFoundError, InvalidArgumentError, InvalidArtifactError } from "../../errors.ts";
import {
  sweepStaleTempFiles,
  tempFileName,
  writeAll,
  writeFileAtomic,
} from "../../_atomic_file.ts";
import { ioError } from "../../_io_error.ts";
import { type Descriptor, parseDescriptor } from "../descriptor.ts";
import { createVerifier, verifiedStream, verifyBytes } from "../digest.ts";
import { encodeImageIndex, type ImageIndex, parseImageIndex } from "../image_index.ts";
import {
  blobPath,
  encodeOciLayout,
  OCI_INDEX_FILE,
  OCI_LAYOUT_FILE,
  type OciLayout,
  parseOciLayout,
} from "../layout.ts";
import { ANNOTATION_REF_NAME, MEDIA_TYPE_IMAGE_INDEX } from "../media_types.ts";
import type { FetchOptions, Target } from "../storage.ts";
import {
  checkRegularFile,
  openRegularFile,
  quickRegularFileSize,
  readExactly,
  readRegularFile,
} from "../_regular_file.ts";
import { refMatches, resolveInIndex } from "./_resolve.ts";

type Fs = typeof import("node:fs/promises");

/** Default cap on `index.json` and `oci-layout`: 4 MiB, as for archives. */
export const DEFAULT_MAX_LAYOUT_INDEX_SIZE: number = 4 << 20;

/** Options for {@linkcode openLayoutDir}. */
export interface OpenLayoutDirOptions {
  /** Create the layout (directory, `oci-layout`, empty `index.json`) when absent. Default `false`. */
  create?: boolean;
  /** Chunk size for streaming reads (default 1 MiB). */
  chunkSize?: number;
  /** Largest `index.json` / `oci-layout` accepted, in bytes (default 4 MiB). */
  maxIndexSize?: number;
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}

async function writeSmallFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, (fh) => writeAll(fh, bytes), { overwrite: true });
}

/** An OCI image layout directory. Create with {@linkcode openLayoutDir}. */
export class LayoutDirTarget implements Target {
  /** The layout root directory. */
  readonly location: string;
  /** The parsed `oci-layout`. */
  readonly layout: OciLayout;
  #fs: Fs;
  #chunkSize: number;
  #maxIndexSize: number;
  #indexLock: Promise<unknown> = Promise.resolve();

  /**
   * Use {@linkcode openLayoutDir} instead.
   *
   * @param root The root directory.
   * @param layout The parsed layout header.
   * @param fs The `node:fs/promises` module.
   * @param chunkSize Streaming chunk size.
   * @param maxIndexSize Largest `index.json` accepted.
   */
  constructor(
    root: string,
    layout: OciLayout,
    fs: Fs,
    chunkSize: number,
    maxIndexSize: number = DEFAULT_MAX_LAYOUT_INDEX_SIZE,
  ) {
    this.location = root;
    this.layout = layout;
    this.#fs = fs;
    this.#chunkSize = chunkSize;
    this.#maxIndexSize = maxIndexSize;
  }

  #path(digest: string): string {
    return `${this.location}/${blobPath(digest)}`;
  }

  /**
   * Read and parse `index.json` (a regular file of at most `maxIndexSize` bytes).
   *
   * @returns The index.
   * @throws {InvalidArtifactError} When missing, not a regular file, too large or invalid.
   */
  async readIndex(): Promise<ImageIndex> {
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(`${this.location}/${OCI_INDEX_FILE}`, {
        what: OCI_INDEX_FILE,
        root: this.location,
        maxSize: this.#maxIndexSize,
      });
    } catch (e) {
      if (isNotFound(e)) throw new InvalidArtifactError(`${this.location}: no index.json`);
      throw e;
    }
    return parseImageIndex(bytes);
  }

  /**
   * Resolve a reference against `index.json`; with none, its single manifest.
   *
   * @param reference Optional image name or tag.
   * @returns The manifest descriptor.
   * @throws {InvalidArtifactError} When not exactly one manifest and no reference given.
   * @throws {BlobNotFoundError} When no entry matches.
   */
  async resolve(reference?: string): Promise<Descriptor> {
    return resolveInIndex(await this.readIndex(), reference, this.location);
  }

  #blobOptions(descriptor: Descriptor) {
    return {
      what: `blob ${descriptor.digest}`,
      root: this.location,
      expectedSize: descriptor.size,
      digest: descriptor.digest,
    };
  }

  /**
   * Whether a blob file exists with the descriptor's size: a regular file (or
   * a link to one inside the layout), not hashed.
   *
   * @param descriptor The descriptor.
   * @returns `true` when present.
   * @throws {InvalidArtifactError} When the blob path is not a regular file or links out of the layout.
   */
  async exists(descriptor: Descriptor): Promise<boolean> {
    const quick = quickRegularFileSize(this.#path(descriptor.digest));
    if (quick === null) return false;
    if (quick !== undefined) return quick === descriptor.size;
    try {
      const { size } = await checkRegularFile(
        this.#path(descriptor.digest),
        this.#blobOptions(descriptor),
      );
      return size === descriptor.size;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /**
   * Read and verify a whole blob.
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns The bytes.
   * @throws {BlobNotFoundError} When missing.
   * @throws {SizeMismatchError} On a size mismatch.
   * @throws {DigestMismatchError} On a digest mismatch.
   */
  async fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(this.#path(descriptor.digest), this.#blobOptions(descriptor));
    } catch (e) {
      if (isNotFound(e)) throw new BlobNotFoundError(descriptor.digest, this.location);
      throw e;
    }
    await verifyBytes(bytes, descriptor);
    return bytes;
  }

  /**
   * Stream a blob; the last chunk is delivered only after verification.
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns A verifying stream.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    const path = this.#path(descriptor.digest);
    const chunkSize = this.#chunkSize;
    const location = this.location;
    const blob = this.#blobOptions(descriptor);
    return verifiedStream(descriptor, async () => {
      let handle: Awaited<ReturnType<Fs["open"]>> | undefined;
      try {
        ({ handle } = await openRegularFile(path, blob));
      } catch (e) {
        if (isNotFound(e)) throw new BlobNotFoundError(descriptor.digest, location);
        throw e;
      }
      const closeHandle = async () => {
        const h = handle;
        handle = undefined;
        await h?.close();
      };
      let pos = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            options?.signal?.throwIfAborted();
            const want = Math.min(chunkSize, descriptor.size - pos);
            if (want <= 0 || handle === undefined) {
              await closeHandle();
              controller.close();
              return;
            }
            const buf = new Uint8Array(want);
            await readExactly(handle, buf, 0, want, pos, `${blob.what} (${path})`);
            pos += want;
            controller.enqueue(buf);
          } catch (e) {
            await closeHandle();
            throw e;
          }
        },
        async cancel() {
          await closeHandle();
        },
      }, { highWaterMark: 0 });
    });
  }

  /**
   * Write a blob: streamed into a temporary file while verifying, then
   * renamed to `blobs/sha256/<hex>`. An existing blob is kept.
   *
   * @param expected The descriptor the content must match.
   * @param content Bytes or a stream.
   * @returns Nothing.
   * @throws {SizeMismatchError} On a size mismatch (nothing is left behind).
   * @throws {DigestMismatchError} On a digest mismatch (nothing is left behind).
   */
  async push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    const d = parseDescriptor(expected, "push descriptor");
    const fs = this.#fs;
    const dir = `${this.location}/blobs/sha256`;
    const final = this.#path(d.digest);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      if (content instanceof ReadableStream) await content.cancel().catch(() => {});
      throw ioError(e, "create the directory", dir);
    }
    if (content instanceof Uint8Array) {
      await verifyBytes(content, d);
      if (await this.exists(d)) return;
      content = ReadableStream.from([content]);
    }
    await sweepStaleTempFiles(dir);
    const verifier = await createVerifier(d);
    const tmp = `${dir}/${tempFileName()}`;
    const reader = content.getReader();
    let handle: Awaited<ReturnType<Fs["open"]>> | undefined;
    let ok = false;
    try {
      try {
        handle = await fs.open(tmp, "wx");
      } catch (e) {
        throw ioError(e, "write", tmp);
      }
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        verifier.update(value); // throws before writing past the expected size
        await writeAll(handle, value).catch((e) => {
          throw ioError(e, "write", tmp);
        });
      }
      await verifier.finish();
      await handle.close();
      handle = undefined;
      await fs.rename(tmp, final).catch((e) => {
        throw ioError(e, "write", final);
      });
      ok = true;
    } finally {
      if (!ok) {
        await reader.cancel().catch(() => {});
        await handle?.close().catch(() => {});
        await fs.rm(tmp, { force: true }).catch(() => {});
      }
      reader.releaseLock();
    }
  }

  /**
   * Point `reference` at `descriptor` in `index.json` (replacing any entry
   * with the same ref annotation). The manifest blob must exist.
   *
   * @param descriptor The manifest descriptor.
   * @param reference The ref annotation value (tag or full image name).
   * @returns Nothing.
   * @throws {BlobNotFoundError} When the manifest blob is absent.
   */
  tag(descriptor: Descriptor, reference: string): Promise<void> {
    const run = async () => {
      if (!reference) throw new InvalidArgumentError("empty reference");
      const d = parseDescriptor(descriptor, "tag descriptor");
      if (!(await this.exists(d))) throw new BlobNotFoundError(d.digest, this.location);
      const index = await this.readIndex();
      const manifests = index.manifests.filter((m) =>
        m.annotations?.[ANNOTATION_REF_NAME] !== reference && !refMatches(m, reference)
      );
      manifests.push({
        mediaType: d.mediaType,
        digest: d.digest,
        size: d.size,
        annotations: { ...d.annotations, [ANNOTATION_REF_NAME]: reference },
      });
      await writeSmallFile(
        `${this.location}/${OCI_INDEX_FILE}`,
        encodeImageIndex({ ...index, manifests }),
      );
    };
    const p = this.#indexLock.then(run, run);
    this.#indexLock = p.catch(() => {});
    return p;
  }

  /**
   * Nothing to release (files are opened per operation).
   *
   * @returns Nothing.
   */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Open (or with `create: true`, initialise) an OCI image layout directory.
 * The `oci-layout` file is required and must be version `1.0.0`.
 *
 * @example Create, push, tag and read back
 * ```ts
 * import { openLayoutDir } from "./layout_dir.ts";
 * import { digestOf } from "../digest.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const store = await openLayoutDir(root, { create: true });
 * const bytes = new TextEncoder().encode("{}");
 * const desc = {
 *   mediaType: "application/vnd.oci.image.manifest.v1+json",
 *   digest: await digestOf(bytes),
 *   size: 2,
 * };
 * await store.push(desc, bytes);
 * await store.tag(desc, "v1");
 * assert.equal((await store.resolve()).digest, desc.digest);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @param root The directory.
 * @param options `create`, chunk size, index size cap.
 * @returns The target.
 * @throws {InvalidArtifactError} When `oci-layout` is missing (without `create`), invalid, not a regular file or too large.
 * @throws {IoError} When the directory cannot be read or created.
 */
export async function openLayoutDir(
  root: string,
  options: OpenLayoutDirOptions = {},
): Promise<LayoutDirTarget> {
  const fs: Fs = await import("node:fs/promises");
  const dir = root.replace(/\/+$/, "") || "/";
  const maxIndexSize = options.maxIndexSize ?? DEFAULT_MAX_LAYOUT_INDEX_SIZE;
  let layout: OciLayout;
  try {
    layout = parseOciLayout(
      await readRegularFile(`${dir}/${OCI_LAYOUT_FILE}`, {
        what: OCI_LAYOUT_FILE,
        root: dir,
        maxSize: maxIndexSize,
      }),
    );
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (!options.create) {
      throw new InvalidArtifactError(`${dir}: not an OCI image layout (no oci-layout file)`);
    }
    try {
      await fs.mkdir(`${dir}/blobs/sha256`, { recursive: true });
    } catch (e) {
      throw ioError(e, "create the directory", `${dir}/blobs/sha256`);
    }
    await writeSmallFile(`${dir}/${OCI_LAYOUT_FILE}`, encodeOciLayout());
    layout = parseOciLayout(encodeOciLayout());
  }
  try {
    await fs.lstat(`${dir}/${OCI_INDEX_FILE}`);
  } catch (e) {
    if (!isNotFound(e)) throw ioError(e, "read", `${dir}/${OCI_INDEX_FILE}`);
    if (!options.create) throw new InvalidArtifactError(`${dir}: no index.json`);
    await writeSmallFile(
      `${dir}/${OCI_INDEX_FILE}`,
      encodeImageIndex({ schemaVersion: 2, mediaType: MEDIA_TYPE_IMAGE_INDEX, manifests: [] }),
    );
  }
  return new LayoutDirTarget(dir, layout, fs, options.chunkSize ?? 1 << 20, maxIndexSize);
}
