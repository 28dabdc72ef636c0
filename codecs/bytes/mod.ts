/**
 * Identity codecs for attachments whose value is their bytes (CSV, images,
 * `application/octet-stream`, …).
 *
 * @example
 * ```ts
 * import { bytesCodec, octetStreamCodec } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const png = bytesCodec("image/png");
 * const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
 * assert.deepEqual(await png.decode(await png.encode(data)), data);
 * assert.equal(octetStreamCodec.mediaType, "application/octet-stream");
 * ```
 *
 * @module
 */

export * from "./bytes_codec.ts";
export type { AttachmentCodec } from "../codec.ts";
