/**
 * Whether a blob path given as bytes (a tar header's name field) is
 * `blobs/sha256/<64 lowercase hex>`, without decoding it to a string: the
 * archive index reads tens of thousands of such names and needs only their
 * hex digits.
 *
 * @module
 */

/** `blobs/sha256/` */
const PREFIX = [0x62, 0x6c, 0x6f, 0x62, 0x73, 0x2f, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x2f];

/** Where the hex digits start in a blob path. */
export const BLOB_PATH_HEX_START = 13;

/**
 * Whether `bytes[0..end)` is exactly `blobs/sha256/<64 lowercase hex>` (the
 * paths `digestFromBlobPath` accepts, as UTF-8); the digits are then at
 * {@linkcode BLOB_PATH_HEX_START}.
 *
 * @param bytes Holds the path from index 0.
 * @param end End of the path (exclusive).
 * @returns Whether it is a blob path.
 */
export function isBlobPathBytes(bytes: Uint8Array, end: number): boolean {
  if (end !== 77) return false;
  for (let i = 0; i < 13; i++) if (bytes[i] !== PREFIX[i]) return false;
  for (let i = 13; i < 77; i++) {
    const c = bytes[i] as number;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}
