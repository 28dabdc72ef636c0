/**
 * A tar index: reads member headers through a {@linkcode RandomAccessSource}
 * without reading member bodies, so a multi-gigabyte archive costs one small
 * read per member. Supports ustar, POSIX pax extended headers (`path`,
 * `size`) and GNU long names; returns only regular-file members.
 *
 * @module
 */
import type { RandomAccessSource } from "../random_access.ts";
import { walkTar } from "./_walk.ts";

/** A regular-file member of a tar archive. */
export interface TarEntry {
  /** Member path, with leading `./` removed; never a directory. */
  readonly name: string;
  /** Offset of the member's data in the archive. */
  readonly offset: number;
  /** Data length in bytes. */
  readonly size: number;
  /** Type flag as a one-character string (`0`, or `7` for contiguous files). */
  readonly type: string;
  /** Permission bits. */
  readonly mode: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  /** Offset of the member's (ustar) header. */
  readonly headerOffset: number;
}

/** Options for {@linkcode indexTar}. */
export interface TarIndexOptions {
  /** Largest pax extended header or GNU long name body accepted, in bytes. Default 1 MiB. */
  maxMetadataSize?: number;
  /** Read-ahead window for headers, in bytes. Default 256 KiB. */
  readAheadBytes?: number;
}

/**
 * Index the regular-file members of a tar archive by reading only headers.
 *
 * Every header checksum is verified. A member whose data would run past the
 * end of the source (a truncated archive, or a lying size such as 10 GB in a
 * 1 KB file) is a {@linkcode CorruptArchiveError}; no allocation ever depends
 * on a declared member size. The archive ends at a zero block, or at the end
 * of the source on a block boundary.
 *
 * @example Index an archive built in memory
 * ```ts
 * import { indexTar } from "./reader.ts";
 * import { buildTar } from "./writer.ts";
 * import { bytesSource } from "../random_access.ts";
 * import assert from "node:assert/strict";
 *
 * const tar = await buildTar([{ name: "a.txt", size: 3, body: new Uint8Array([1, 2, 3]) }]);
 * const [entry] = await indexTar(bytesSource(tar));
 * assert.equal(entry?.name, "a.txt");
 * assert.equal(entry?.offset, 512);
 * ```
 *
 * @param source The archive bytes.
 * @param options Limits.
 * @returns Regular-file members in archive order (duplicates kept).
 * @throws {CorruptArchiveError} On a bad checksum, truncation or a size past the end.
 * @throws {LimitExceededError} On oversized metadata or sizes beyond 2^53-1.
 */
export async function indexTar(
  source: RandomAccessSource,
  options: TarIndexOptions = {},
): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  await walkTar(source, options, (name, offset, size, type, mode, mtime, headerOffset) => {
    entries.push({ name, offset, size, type, mode, mtime, headerOffset });
  });
  return entries;
}
