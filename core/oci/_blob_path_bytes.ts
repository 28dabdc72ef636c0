/**
 * The shape of a blob path given as bytes (a tar header's name field),
 * `blobs/sha256/<64 bytes>`, checked without decoding it to a string: the
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
 * Whether `bytes[start..end)` has the length and prefix of a blob path,
 * `blobs/sha256/` and 64 more bytes; whether those are lowercase hex digits
 * (as `digestFromBlobPath` requires) is for the caller, who reads them at
 * `start +` {@linkcode BLOB_PATH_HEX_START}.
 *
 * @param bytes Holds the path.
 * @param start Start of the path.
 * @param end End of the path (exclusive).
 * @returns Whether the length and the prefix are a blob path's.
 */
export function hasBlobPathShape(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 77) return false;
  for (let i = 0; i < 13; i++) if (bytes[start + i] !== PREFIX[i]) return false;
  return true;
}
