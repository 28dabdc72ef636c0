/**
 * An in-memory {@linkcode Target}: blobs in a `Map` keyed by digest, tags in
 * another. Useful for tests and as a staging area.
 *
 * @module
 */
import { BlobNotFoundError, InvalidArgumentError, SizeMismatchError } from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { verifiedStream, verifyBytes } from "../digest.ts";
import { parseDescriptor } from "../descriptor.ts";
import type { FetchOptions, Target } from "../storage.ts";
import { collectVerified } from "./_push.ts";

/**
 * An in-memory target. Pushed content is verified; fetched content is
 * re-verified (the stored bytes are private copies).
 *
 * @example Push, tag, resolve, fetch
 * ```ts
 * import { MemoryTarget } from "./memory.ts";
 * import { digestOf } from "../digest.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryTarget();
 * const bytes = new TextEncoder().encode("{}");
 * const desc = { mediaType: "application/json", digest: await digestOf(bytes), size: 2 };
 * await store.push(desc, bytes);
 * await store.tag(desc, "v1");
 * assert.deepEqual(await store.resolve("v1"), desc);
 * assert.deepEqual(await store.fetch(desc), bytes);
 * ```
 */
export class MemoryTarget implements Target {
  /** Always `memory`. */
  readonly location: string = "memory";
  #blobs = new Map<string, Uint8Array>();
  #refs = new Map<string, Descriptor>();

  /**
   * Store `content` after verifying it against `expected`.
   *
   * @param expected The descriptor it must match.
   * @param content Bytes or a stream.
   * @returns Nothing.
   * @throws {SizeMismatchError} On a size mismatch.
   * @throws {DigestMismatchError} On a digest mismatch.
   */
  async push(
    expected: Descriptor,
    content: Uint8Array | ReadableStream<Uint8Array>,
  ): Promise<void> {
    const d = parseDescriptor(expected, "push descriptor");
    const bytes = await collectVerified(d, content);
    if (!this.#blobs.has(d.digest)) this.#blobs.set(d.digest, bytes);
  }

  /**
   * Point `reference` at `descriptor` (the manifest must have been pushed).
   *
   * @param descriptor The manifest descriptor.
   * @param reference Any non-empty string.
   * @returns Nothing.
   * @throws {BlobNotFoundError} When the manifest blob is absent.
   */
  tag(descriptor: Descriptor, reference: string): Promise<void> {
    if (!reference) return Promise.reject(new InvalidArgumentError("empty reference"));
    if (!this.#blobs.has(descriptor.digest)) {
      return Promise.reject(new BlobNotFoundError(descriptor.digest, this.location));
    }
    this.#refs.set(reference, descriptor);
    return Promise.resolve();
  }

  /**
   * Resolve a tag; with none, the only tag.
   *
   * @param reference The tag.
   * @returns Its descriptor.
   * @throws {BlobNotFoundError} When the reference is unknown.
   * @throws {InvalidArgumentError} When omitted and there is not exactly one tag.
   */
  resolve(reference?: string): Promise<Descriptor> {
    if (reference === undefined) {
      if (this.#refs.size !== 1) {
        return Promise.reject(
          new InvalidArgumentError(
            `memory: a reference is required (${this.#refs.size} tags present)`,
          ),
        );
      }
      return Promise.resolve([...this.#refs.values()][0] as Descriptor);
    }
    const d = this.#refs.get(reference);
    return d ? Promise.resolve(d) : Promise.reject(new BlobNotFoundError(reference, this.location));
  }

  /**
   * Whether the blob exists with the descriptor's size.
   *
   * @param descriptor The descriptor.
   * @returns `true` when present.
   */
  exists(descriptor: Descriptor): Promise<boolean> {
    return Promise.resolve(this.#blobs.get(descriptor.digest)?.length === descriptor.size);
  }

  #get(descriptor: Descriptor): Uint8Array {
    const bytes = this.#blobs.get(descriptor.digest);
    if (!bytes) throw new BlobNotFoundError(descriptor.digest, this.location);
    if (bytes.length !== descriptor.size) {
      throw new SizeMismatchError(descriptor.digest, descriptor.size, bytes.length);
    }
    return bytes;
  }

  /**
   * Fetch a copy of a blob.
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns The bytes.
   * @throws {BlobNotFoundError} When missing.
   */
  async fetch(descriptor: Descriptor, options?: FetchOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const bytes = this.#get(descriptor);
    await verifyBytes(bytes, descriptor);
    return bytes.slice();
  }

  /**
   * Stream a blob (one chunk, a copy), verified by {@linkcode verifiedStream}.
   *
   * @param descriptor The descriptor.
   * @param options Abort signal.
   * @returns A stream that errors when the blob is missing or does not match.
   */
  fetchStream(descriptor: Descriptor, options?: FetchOptions): ReadableStream<Uint8Array> {
    return verifiedStream(descriptor, () => {
      options?.signal?.throwIfAborted();
      const bytes = this.#get(descriptor).slice();
      // Not ReadableStream.from: Chromium (156) does not have it.
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    });
  }

  /**
   * Nothing to release.
   *
   * @returns Nothing.
   */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
