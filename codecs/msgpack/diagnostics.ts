/**
 * Adapter diagnostics payloads (see `docs/glossary.md#adapter-diagnostics`): one MessagePack array of
 * adapter-defined reports.
 *
 * @module
 */

import { MEDIA_TYPE_DIAGNOSTICS } from "../media_types.ts";
import type { AttachmentCodec } from "../codec.ts";
import { DecodeError, EncodeError } from "../../core/errors.ts";
import { describeNode, MsgpackReader } from "./_wire.ts";
import { decodeMsgpack, type DecodeMsgpackOptions, encodeMsgpack } from "./msgpack.ts";

/**
 * Decode a diagnostics blob: exactly one MessagePack array and nothing after
 * it. Values convert as in {@linkcode decodeMsgpack} (maps with string keys →
 * plain objects, other maps → `Map`, bin → `Uint8Array`, integers beyond
 * 2^53 → `bigint`).
 *
 * @param bytes The blob.
 * @param options Float preservation, depth limit, subject for messages.
 * @returns The reports, in record order.
 * @throws {DecodeError} When the blob is not exactly one MessagePack array.
 *
 * @example
 * ```ts
 * import { decodeDiagnostics } from "./diagnostics.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodeDiagnostics(new Uint8Array([0x91, 0x81, 0xa1, 0x6e, 0x0c])), [{ n: 12 }]);
 * assert.throws(() => decodeDiagnostics(new Uint8Array([0x80])), { code: "DECODE_ERROR" });
 * ```
 */
export function decodeDiagnostics(
  bytes: Uint8Array,
  options: DecodeMsgpackOptions = {},
): unknown[] {
  const subject = options.subject ?? "diagnostics";
  const first = bytes[0];
  const isArray = first !== undefined &&
    ((first & 0xf0) === 0x90 || first === 0xdc || first === 0xdd);
  if (!isArray) {
    // Decode anyway so that malformed input reports what is wrong with it.
    const top = new MsgpackReader(bytes, subject, options.maxDepth).readSingle();
    throw new DecodeError(
      `${subject}: expected a MessagePack array at the top level, got ${describeNode(top)}`,
    );
  }
  return decodeMsgpack(bytes, { ...options, subject }) as unknown[];
}

/**
 * Encode diagnostics reports as one MessagePack array with minimal-width
 * headers (see {@linkcode encodeMsgpack} for the value rules).
 *
 * @param reports The reports.
 * @returns The blob.
 * @throws {EncodeError} When `reports` is not an array or holds unencodable values.
 *
 * @example
 * ```ts
 * import { encodeDiagnostics } from "./diagnostics.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeDiagnostics([{ kind: "incumbent", objective: 3.5, node: 12 }]);
 * assert.equal(bytes.length, 42);
 * ```
 */
export function encodeDiagnostics(reports: readonly unknown[]): Uint8Array {
  if (!Array.isArray(reports)) {
    throw new EncodeError(`Diagnostics must be an array of reports, got ${typeof reports}`);
  }
  return encodeMsgpack(reports);
}

/**
 * The codec for `application/org.ommx.diagnostic+msgpack`.
 *
 * @example
 * ```ts
 * import { diagnosticsCodec } from "./diagnostics.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = await diagnosticsCodec.encode([{ gap: 0.5 }]);
 * assert.deepEqual(await diagnosticsCodec.decode(bytes), [{ gap: 0.5 }]);
 * ```
 */
export const diagnosticsCodec: AttachmentCodec<unknown[]> = {
  mediaType: MEDIA_TYPE_DIAGNOSTICS,
  encode: (reports: unknown[]): Uint8Array => encodeDiagnostics(reports),
  decode: (bytes: Uint8Array): unknown[] =>
    decodeDiagnostics(bytes, { subject: MEDIA_TYPE_DIAGNOSTICS }),
};
