/**
 * The tar header walk behind `indexTar`, without building an entry object per
 * member: the caller's visitor receives each regular-file member's fields and
 * keeps what it needs (the archive backend keeps only offsets and sizes of
 * blob members). Same checks, order and errors as `indexTar`. A caller may
 * also look at a member's name as header bytes before it is decoded (see
 * {@linkcode TarRawNameVisitor}): the archive backend reads a blob's digest
 * from them without a string for the name.
 *
 * @module
 */
import { CorruptArchiveError, LimitExceededError } from "../../errors.ts";
import type { RandomAccessSource } from "../random_access.ts";
import { readIntoOf } from "../_read_into.ts";
import { BLOCK, headerChecksum, paddingOf } from "./_header.ts";

/** Limits of {@linkcode walkTar} (the public `TarIndexOptions`). */
export interface WalkTarOptions {
  /** Largest pax extended header or GNU long name body accepted, in bytes. Default 1 MiB. */
  maxMetadataSize?: number;
  /** Read-ahead window for headers, in bytes. Default 256 KiB. */
  readAheadBytes?: number;
}

/**
 * Receives one regular-file member: path (leading `./` removed, never a
 * directory), data offset, data length, type flag, permission bits,
 * modification time and the offset of its header.
 */
export type TarMemberVisitor = (
  name: string,
  offset: number,
  size: number,
  type: string,
  mode: number,
  mtime: number,
  headerOffset: number,
) => void;

/**
 * Receives a regular-file member whose path is the header's name field alone
 * (no pax `path`, no GNU long name, no ustar prefix) as bytes, before the
 * name is decoded: `bytes[nameStart..nameEnd)`, non-empty, not starting with
 * `./` or a UTF-8 byte-order mark, not ending with `/` — so the name the walk
 * would decode is exactly these bytes as UTF-8. Return `true` when the member
 * is handled; on `false` the walk decodes the name and calls the
 * {@linkcode TarMemberVisitor} as usual. `bytes` (the walk's read-ahead
 * window) is only valid during the call.
 */
export type TarRawNameVisitor = (
  bytes: Uint8Array,
  nameStart: number,
  nameEnd: number,
  offset: number,
  size: number,
) => boolean;

const utf8 = new TextDecoder("utf-8");

function cString(h: Uint8Array, start: number, length: number): string {
  let end = start;
  const stop = start + length;
  while (end < stop && h[end] !== 0) end++;
  return utf8.decode(h.subarray(start, end));
}

function parseNumeric(
  h: Uint8Array,
  start: number,
  length: number,
  what: string,
  at: number,
): number {
  const first = h[start] as number;
  if (first & 0x80) {
    if (first === 0xff) {
      throw new CorruptArchiveError(`tar header at offset ${at}: negative ${what}`);
    }
    let v = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      v = v * 256 + (h[i] as number);
      if (v > Number.MAX_SAFE_INTEGER) {
        throw new LimitExceededError(`tar header at offset ${at}: ${what} exceeds 2^53-1`);
      }
    }
    return v;
  }
  let s = start;
  let e = start + length;
  while (s < e && (h[s] === 0x20 || h[s] === 0)) s++;
  // A NUL ends the field; trailing spaces are tolerated.
  let n = s;
  while (n < e && h[n] !== 0) n++;
  e = n;
  while (e > s && h[e - 1] === 0x20) e--;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = h[i] as number;
    if (c < 0x30 || c > 0x37) {
      throw new CorruptArchiveError(`tar header at offset ${at}: ${what} field is not octal`);
    }
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function isZeroBlock(w: Uint8Array, b: number): boolean {
  for (let i = b; i < b + BLOCK; i++) if (w[i] !== 0) return false;
  return true;
}

interface PaxOverrides {
  path?: string;
  size?: number;
}

function parsePax(body: Uint8Array, at: number): PaxOverrides {
  const out: PaxOverrides = {};
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // trailing NUL padding written by some tools
    let sp = pos;
    while (sp < body.length && body[sp] !== 0x20) sp++;
    const len = Number(utf8.decode(body.subarray(pos, sp)));
    if (!Number.isSafeInteger(len) || len <= sp - pos + 1 || pos + len > body.length) {
      throw new CorruptArchiveError(`pax header at offset ${at}: malformed record length`);
    }
    const record = body.subarray(sp + 1, pos + len);
    if (record[record.length - 1] !== 0x0a) {
      throw new CorruptArchiveError(`pax header at offset ${at}: record not newline-terminated`);
    }
    const eq = record.indexOf(0x3d);
    if (eq < 0) throw new CorruptArchiveError(`pax header at offset ${at}: record without '='`);
    const key = utf8.decode(record.subarray(0, eq));
    const value = utf8.decode(record.subarray(eq + 1, record.length - 1));
    if (key === "path") out.path = value;
    else if (key === "size") {
      if (!/^[0-9]+$/.test(value)) {
        throw new CorruptArchiveError(`pax header at offset ${at}: invalid size ${value}`);
      }
      const size = Number(value);
      if (!Number.isSafeInteger(size)) {
        throw new LimitExceededError(`pax header at offset ${at}: size ${value} exceeds 2^53-1`);
      }
      out.size = size;
    }
    pos += len;
  }
  return out;
}

function stripDotSlash(name: string): string {
  let n = name;
  while (n.startsWith("./")) n = n.slice(2);
  return n;
}

/**
 * Walk the headers of a tar archive, calling `visit` for every regular-file
 * member in archive order (duplicates included). Every header checksum is
 * verified; see `indexTar` for the errors.
 *
 * @param source The archive bytes.
 * @param options Limits.
 * @param visit Called once per regular-file member (unless `rawName` handled it).
 * @param rawName Optional: offered each member whose name is the header's name field alone first.
 * @returns When the walk is done.
 */
export async function walkTar(
  source: RandomAccessSource,
  options: WalkTarOptions,
  visit: TarMemberVisitor,
  rawName?: TarRawNameVisitor,
): Promise<void> {
  const maxMeta = options.maxMetadataSize ?? 1 << 20;
  const total = source.size;
  let pax: PaxOverrides = {};
  let longName: string | undefined;
  // Headers are read through a read-ahead window: an archive of many small
  // blobs then costs a few large reads instead of one read per member. A
  // header is read in place (`w`, from `b`): no view and no await per member.
  const windowSize = options.readAheadBytes ?? 256 * 1024;
  let windowStart = 0;
  let w: Uint8Array = new Uint8Array(0);
  let words: Uint32Array | undefined;
  // A source that reads into a caller's buffer refills one window (allocated on the first
  // read) instead of handing out a fresh one per read; nothing keeps a window past a member.
  const readInto = readIntoOf(source);
  let own: Uint8Array | undefined;
  /** Make `[at, at + length)` part of the window; returns its start in `w`. */
  const fill = async (at: number, length: number): Promise<number> => {
    if (at < windowStart || at + length > windowStart + w.length) {
      windowStart = at;
      const n = Math.min(Math.max(length, windowSize), total - at);
      if (readInto !== undefined && n <= windowSize) {
        own ??= new Uint8Array(windowSize);
        w = own.subarray(0, n);
        if (!readInto(at, w)) w = await source.read(at, n);
      } else {
        w = await source.read(at, n);
      }
      words = w.byteOffset % 4 === 0
        ? new Uint32Array(w.buffer, w.byteOffset, w.length >>> 2)
        : undefined;
    }
    return at - windowStart;
  };
  let pos = 0;
  while (pos < total) {
    if (pos + BLOCK > total) {
      throw new CorruptArchiveError(
        `truncated tar: ${total - pos} bytes at offset ${pos} are not a full header`,
      );
    }
    const b = pos >= windowStart && pos + BLOCK <= windowStart + w.length
      ? pos - windowStart
      : await fill(pos, BLOCK);
    if (isZeroBlock(w, b)) break;
    const stored = parseNumeric(w, b + 148, 8, "checksum", pos);
    const sum = headerChecksum(w, b, words);
    if (stored !== sum.unsigned && stored !== sum.signed) {
      throw new CorruptArchiveError(
        `tar header at offset ${pos}: bad checksum (stored ${stored}, computed ${sum.unsigned})`,
      );
    }
    const typeByte = w[b + 156] as number;
    const type = typeByte === 0 ? "0" : String.fromCharCode(typeByte);
    const isMeta = type === "x" || type === "g" || type === "L" || type === "K";
    let size = parseNumeric(w, b + 124, 12, "size", pos);
    if (!isMeta && pax.size !== undefined) size = pax.size;
    const dataOffset = pos + BLOCK;
    if (dataOffset + size > total) {
      throw new CorruptArchiveError(
        `tar member at offset ${pos} declares ${size} bytes, which run past the end of the ` +
          `archive (${total} bytes)`,
      );
    }
    if (type === "x" || type === "L") {
      if (size > maxMeta) {
        throw new LimitExceededError(
          `tar ${type === "x" ? "pax header" : "GNU long name"} at offset ${pos} is ${size} ` +
            `bytes (limit ${maxMeta})`,
        );
      }
      const d = await fill(dataOffset, size);
      const body = w.slice(d, d + size);
      if (type === "x") pax = { ...pax, ...parsePax(body, pos) };
      else longName = cString(body, 0, body.length);
    } else if (!isMeta) {
      if (type === "0" || type === "7") {
        let name: string | undefined;
        let rawEnd = -1;
        if (pax.path !== undefined) name = pax.path;
        else if (longName !== undefined) name = longName;
        else {
          let end = b;
          while (end < b + 100 && w[end] !== 0) end++;
          // POSIX ustar ("ustar\0"): prepend the prefix field. GNU ("ustar  ") uses it otherwise.
          const posix = w[b + 257] === 0x75 && w[b + 262] === 0 && w[b + 263] === 0x30 &&
            w[b + 264] === 0x30;
          if (posix && w[b + 345] !== 0) {
            name = `${cString(w, b + 345, 155)}/${utf8.decode(w.subarray(b, end))}`;
          } else if (
            // The name is these bytes as they stand: nothing to strip, not empty, not a directory.
            // (0x2f is `/`, never part of a multi-byte UTF-8 sequence; 0xef may start a BOM,
            // which the decoder drops.)
            rawName !== undefined && end > b && w[end - 1] !== 0x2f && w[b] !== 0xef &&
            !(w[b] === 0x2e && w[b + 1] === 0x2f)
          ) rawEnd = end;
          else name = utf8.decode(w.subarray(b, end));
        }
        if (rawEnd >= 0) {
          const mode = parseNumeric(w, b + 100, 8, "mode", pos);
          const mtime = parseNumeric(w, b + 136, 12, "mtime", pos);
          if (!rawName!(w, b, rawEnd, dataOffset, size)) {
            visit(utf8.decode(w.subarray(b, rawEnd)), dataOffset, size, type, mode, mtime, pos);
          }
        } else {
          name = stripDotSlash(name!);
          if (name.length > 0 && !name.endsWith("/")) {
            const mode = parseNumeric(w, b + 100, 8, "mode", pos);
            const mtime = parseNumeric(w, b + 136, 12, "mtime", pos);
            visit(name, dataOffset, size, type, mode, mtime, pos);
          }
        }
      }
      pax = {};
      longName = undefined;
    }
    pos = dataOffset + size + paddingOf(size);
  }
}
