/**
 * Identity codecs: the payload bytes are the value.
 *
 * @module
 */

import type { AttachmentCodec } from "../codec.ts";
import { InvalidArgumentError } from "../../core/errors.ts";

/**
 * Create an identity codec for one media type: `decode` returns the bytes,
 * `encode` returns them (both as given, without copying).
 *
 * @param mediaType The exact media type, e.g. `text/csv`.
 * @returns The codec.
 * @throws {InvalidArgumentError} When `mediaType` is empty.
 *
 * @example
 * ```ts
 * import { bytesCodec } from "./bytes_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const csv = bytesCodec("text/csv");
 * const bytes = new TextEncoder().encode("a,b\n1,2\n");
 * assert.equal(csv.mediaType, "text/csv");
 * assert.equal(await csv.decode(bytes), bytes);
 * ```
 */
export function bytesCodec(mediaType: string): AttachmentCodec<Uint8Array> {
  if (typeof mediaType !== "string" || mediaType === "") {
    throw new InvalidArgumentError("bytesCodec needs a non-empty media type");
  }
  return {
    mediaType,
    encode(value: Uint8Array): Uint8Array {
      if (!(value instanceof Uint8Array)) {
        throw new InvalidArgumentError(
          `${mediaType}: bytes codec can only encode a Uint8Array, got ${typeof value}`,
        );
      }
      return value;
    },
    decode(bytes: Uint8Array): Uint8Array {
      return bytes;
    },
  };
}

/**
 * The identity codec for `application/octet-stream`, the fallback media type
 * of file attachments.
 *
 * @example
 * ```ts
 * import { octetStreamCodec } from "./bytes_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(octetStreamCodec.mediaType, "application/octet-stream");
 * ```
 */
export const octetStreamCodec: AttachmentCodec<Uint8Array> = bytesCodec("application/octet-stream");
