/**
 * Content sniffing for `logFile` without an explicit media type: a small
 * magic-number table covering the common formats the reference's `infer`
 * crate recognises; anything else is `application/octet-stream`, as in the
 * reference.
 *
 * @module
 */
import { MEDIA_TYPE_OCTET_STREAM } from "../../../codecs/media_types.ts";

const TABLE: readonly [number, readonly number[], string][] = [
  [0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
  [0, [0xff, 0xd8, 0xff], "image/jpeg"],
  [0, [0x47, 0x49, 0x46, 0x38], "image/gif"],
  [0, [0x42, 0x4d], "image/bmp"],
  [0, [0x25, 0x50, 0x44, 0x46, 0x2d], "application/pdf"],
  [0, [0x50, 0x4b, 0x03, 0x04], "application/zip"],
  [0, [0x1f, 0x8b], "application/gzip"],
  [0, [0x28, 0xb5, 0x2f, 0xfd], "application/zstd"],
  [0, [0x42, 0x5a, 0x68], "application/x-bzip2"],
  [0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "application/x-xz"],
  [0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], "application/x-7z-compressed"],
  [0, [0x7f, 0x45, 0x4c, 0x46], "application/x-executable"],
  [0, [0x00, 0x61, 0x73, 0x6d], "application/wasm"],
  [0, [
    0x53,
    0x51,
    0x4c,
    0x69,
    0x74,
    0x65,
    0x20,
    0x66,
    0x6f,
    0x72,
    0x6d,
    0x61,
    0x74,
    0x20,
    0x33,
    0x00,
  ], "application/vnd.sqlite3"],
];

/**
 * Guess a media type from the first bytes of a file.
 *
 * @param head The first bytes (8 KiB is plenty).
 * @returns The media type, or `application/octet-stream`.
 *
 * @example
 * ```ts
 * import { sniffMediaType } from "./_media_sniff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sniffMediaType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "image/png");
 * assert.equal(sniffMediaType(new TextEncoder().encode("Maximize")), "application/octet-stream");
 * ```
 */
export function sniffMediaType(head: Uint8Array): string {
  for (const [offset, magic, type] of TABLE) {
    if (head.length >= offset + magic.length && magic.every((b, i) => head[offset + i] === b)) {
      return type;
    }
  }
  if (
    head.length >= 12 && head[0] === 0x52 && head[1] === 0x49 && head[2] === 0x46 &&
    head[3] === 0x46 && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 &&
    head[11] === 0x50
  ) return "image/webp";
  return MEDIA_TYPE_OCTET_STREAM;
}
