/**
 * A read-write {@linkcode Target} over an OCI image layout directory
 * (`oci-layout`, `index.json`, `blobs/sha256/<hex>`). Blobs are written to a
 * temporary file, verified, then renamed into place; `index.json` is replaced
 * atomically the same way. Uses `node:fs/promises` (loaded lazily).
 *
 * @module
 */
import {
  BlobNotFoundError,
  InvalidArgumentError,
  InvalidArtifactError,
  SizeMismatchError,
} from "../../errors.ts";
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
import { refMatches, resolveInIndex } from "./_resolve.ts";

type Fs = typeof import("node:fs/promises");

/** Options for {@linkcode openLayoutDir}. */
export interface OpenLayoutDirOptions {
  /** Create the layout (directory, `oci-layout`, empty `index.json`) when absent. Default `false`. */
  create?: boolean;
  /** Chunk size for streaming reads (default 1 MiB). */
  chunkSize?: number;
}

function isNotFound(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT";
}

function randomSuffix(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function writeAtomic(fs: Fs, dir: string, final: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${dir}/.tmp-${randomSuffix()}`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, final);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/** An OCI image layout directory. Create with {@linkcode openLayoutDir}. */
export class LayoutDirTarget implements Target {
  /** The layout root directory. */
  readonly location: string;
  /** The parsed `oci-layout`. */
  readonly layout: OciLayout;
  #fs: Fs;
  #chunkSize: number;
  #indexLock: Promise<unknown> = Promise.resolve();

  /**
   * Use {@linkcode openLayoutDir} instead.
   *
   * @param root The root directory.
   * @param layout The parsed layout header.
   * @param fs The `node:fs/promises` module.
   * @param chunkSize Streaming chunk size.
   */
  constructor(root: string, layout: OciLayout, fs: Fs, chunkSize: number) {
    this.location = root;
    this.layout = layout;
    this.#fs = fs;
    this.#chunkSize = chunkSize;
  }

  #path(digest: string): string {
    return `${this.location}/${blobPath(digest)}`;
  }

  /**
   * Read and parse `index.json`.
   *
   * @returns The index.
   * @throws {InvalidArtifactError} When missing or invalid.
   */
  async readIndex(): Promise<ImageIndex> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#fs.readFile(`${this.location}/${OCI_INDEX_FILE}`);
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

  /**
   * Whether a blob file exists with the descriptor's size.
   *
   * @param descriptor The descriptor.
   * @returns `true` when present.
   */
  async exists(descriptor: Descriptor): Promise<boolean> {
    try {
      const st = await this.#fs.stat(this.#path(descriptor.digest));
      return st.isFile() && st.size === descriptor.size;
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
      const buf = await this.#fs.readFile(this.#path(descriptor.digest));
      // A plain Uint8Array view, not a Node Buffer.
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
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
    const fs = this.#fs;
    const path = this.#path(descriptor.digest);
    const chunkSize = this.#chunkSize;
    const location = this.location;
    return verifiedStream(descriptor, async () => {
      let handle: Awaited<ReturnType<Fs["open"]>> | undefined;
      try {
        handle = await fs.open(path, "r");
      } catch (e) {
        if (isNotFound(e)) throw new BlobNotFoundError(descriptor.digest, location);
        throw e;
      }
      const closeHandle = async () => {
        const h = handle;
        handle = undefined;
        await h?.close();
      };
      const size = (await handle.stat()).size;
      if (size !== descriptor.size) {
        await closeHandle();
        throw new SizeMismatchError(descriptor.digest, descriptor.size, size);
      }
      let pos = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            options?.signal?.throwIfAborted();
            const want = Math.min(chunkSize, descriptor.size - pos);
            const buf = new Uint8Array(want);
            const { bytesRead } = want > 0 && handle
              ? await handle.read(buf, 0, want, pos)
              : { bytesRead: 0 };
            pos += bytesRead;
            if (bytesRead === 0) {
              await closeHandle();
              controller.close();
            } else controller.enqueue(buf.subarray(0, bytesRead));
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
    await fs.mkdir(dir, { recursive: true });
    const final = this.#path(d.digest);
    if (content instanceof Uint8Array) {
      await verifyBytes(content, d);
      if (await this.exists(d)) return;
      await writeAtomic(fs, dir, final, content);
      return;
    }
    const verifier = await createVerifier(d);
    const tmp = `${dir}/.tmp-${randomSuffix()}`;
    const handle = await fs.open(tmp, "wx");
    const reader = content.getReader();
    let ok = false;
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        verifier.update(value);
        let off = 0;
        while (off < value.length) {
          const { bytesWritten } = await handle.write(value, off, value.length - off);
          off += bytesWritten;
        }
      }
      await verifier.finish();
      await handle.close();
      await fs.rename(tmp, final);
      ok = true;
    } finally {
      if (!ok) {
        await reader.cancel().catch(() => {});
        await handle.close().catch(() => {});
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
      await writeAtomic(
        this.#fs,
        this.location,
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
 * @param options `create` and chunk size.
 * @returns The target.
 * @throws {InvalidArtifactError} When `oci-layout` is missing (without `create`) or invalid.
 */
export async function openLayoutDir(
  root: string,
  options: OpenLayoutDirOptions = {},
): Promise<LayoutDirTarget> {
  const fs: Fs = await import("node:fs/promises");
  const dir = root.replace(/\/+$/, "") || "/";
  let layout: OciLayout;
  try {
    layout = parseOciLayout(await fs.readFile(`${dir}/${OCI_LAYOUT_FILE}`));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (!options.create) {
      throw new InvalidArtifactError(`${dir}: not an OCI image layout (no oci-layout file)`);
    }
    await fs.mkdir(`${dir}/blobs/sha256`, { recursive: true });
    await writeAtomic(fs, dir, `${dir}/${OCI_LAYOUT_FILE}`, encodeOciLayout());
    layout = parseOciLayout(encodeOciLayout());
  }
  try {
    await fs.stat(`${dir}/${OCI_INDEX_FILE}`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (!options.create) throw new InvalidArtifactError(`${dir}: no index.json`);
    await writeAtomic(
      fs,
      dir,
      `${dir}/${OCI_INDEX_FILE}`,
      encodeImageIndex({ schemaVersion: 2, mediaType: MEDIA_TYPE_IMAGE_INDEX, manifests: [] }),
    );
  }
  return new LayoutDirTarget(dir, layout, fs, options.chunkSize ?? 1 << 20);
}
