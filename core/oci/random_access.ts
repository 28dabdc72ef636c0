/**
 * Random-access byte sources: what the tar index and the archive backend read
 * from. Implementations exist for `Uint8Array`, `Blob` (browsers) and files
 * (`random_access_file.ts`).
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

/** A fixed-size byte source that can be read at any offset. */
export interface RandomAccessSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Read exactly `length` bytes at `offset`. The range must lie within
   * `[0, size]`. The returned array may be a view the caller must not mutate.
   *
   * @param offset Start offset.
   * @param length Number of bytes.
   * @returns The bytes.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** `true` when every `read` returns a fresh array the caller owns (no copy needed). */
  readonly ownsReads?: boolean;
  /** Release resources (file handles). Optional. */
  close?(): Promise<void>;
}

/**
 * Throw unless `[offset, offset + length)` lies inside a source of `size` bytes.
 *
 * @example Range check
 * ```ts
 * import { checkRange } from "./random_access.ts";
 * import assert from "node:assert/strict";
 *
 * checkRange(10, 5, 5);
 * assert.throws(() => checkRange(10, 8, 5), { code: "INVALID_ARGUMENT" });
 * ```
 *
 * @param size The source size.
 * @param offset Start offset.
 * @param length Number of bytes.
 * @throws {InvalidArgumentError} When out of range.
 */
export function checkRange(size: number, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 ||
    offset + length > size
  ) {
    throw new InvalidArgumentError(
      `read of ${length} bytes at offset ${offset} is outside a source of ${size} bytes`,
    );
  }
}

/**
 * A source over bytes already in memory (reads are zero-copy views).
 *
 * @example Read a slice
 * ```ts
 * import { bytesSource } from "./random_access.ts";
 * import assert from "node:assert/strict";
 *
 * const src = bytesSource(new Uint8Array([1, 2, 3, 4]));
 * assert.deepEqual(await src.read(1, 2), new Uint8Array([2, 3]));
 * ```
 *
 * @param bytes The content.
 * @returns A random-access source.
 */
export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read(offset: number, length: number): Promise<Uint8Array> {
      try {
        checkRange(bytes.length, offset, length);
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}

/**
 * A source over a `Blob` or `File` (browser uploads): each read is
 * `blob.slice(...).arrayBuffer()`, so the whole file is never loaded.
 *
 * @example Read a Blob
 * ```ts
 * import { blobSource } from "./random_access.ts";
 * import assert from "node:assert/strict";
 *
 * const src = blobSource(new Blob(["hello"]));
 * assert.equal(new TextDecoder().decode(await src.read(1, 3)), "ell");
 * ```
 *
 * @param blob The blob.
 * @returns A random-access source.
 */
export function blobSource(blob: Blob): RandomAccessSource {
  return {
    size: blob.size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      checkRange(blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
