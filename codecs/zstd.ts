/**
 * Zstandard as a transport step for attachments (see `docs/glossary.md#attachment-compression`): bounded
 * decompression, compression, and the storage-format rules that map a stored
 * layer descriptor to its logical media type.
 *
 * Decompression first walks the frame and block headers of the whole input
 * (no decoding) to reject truncated or malformed input, dictionary frames and
 * inputs that provably exceed the output limit. Frames are then decoded one by
 * one — with `node:zlib` when it has zstd (Deno 2.x, Node ≥ 22.15), otherwise
 * with the pure-JS `fzstd` decoder (browsers, Node 20) — with the remaining
 * output budget as a hard cap, so a zstd bomb fails with
 * {@linkcode LimitExceededError} instead of exhausting memory.
 *
 * The header walk is also what makes `node:zlib` safe to use: in Deno 2.9
 * its zstd decoder returns only the first of several concatenated frames and
 * silently accepts a truncated frame, so frames are split and checked for
 * completeness here before it sees them.
 *
 * @module
 */

import { Decompress } from "npm:fzstd@0.1.1";
import {
  DecodeError,
  InvalidArgumentError,
  InvalidArtifactError,
  LimitExceededError,
  UnsupportedError,
} from "../core/errors.ts";

/** The layer annotation that marks an attachment as stored compressed. */
export const COMPRESSION_ANNOTATION = "org.ommx.v1.attachment.compression";

/** The media-type suffix of zstd-compressed attachments. */
export const ZSTD_SUFFIX = "+zstd";

/** Default cap on decompressed bytes: 1 GiB. */
export const DEFAULT_MAX_ZSTD_OUTPUT_BYTES: number = 1024 * 1024 * 1024;

/**
 * Largest frame window the decoder accepts: 128 MiB, the default limit of the
 * reference decoder (libzstd `ZSTD_WINDOWLOG_LIMIT_DEFAULT` = 27).
 */
export const MAX_ZSTD_WINDOW_BYTES: number = 1 << 27;

/** Which zstd decoder to use. */
export type ZstdImplementation = "auto" | "node" | "js";

/** Options of {@linkcode decompressZstd}. */
export interface DecompressZstdOptions {
  /**
   * Maximum number of decompressed bytes; more is a {@linkcode LimitExceededError}.
   *
   * @default {1073741824} (1 GiB)
   */
  maxOutputBytes?: number;
  /**
   * `"node"` forces `node:zlib` (an {@linkcode UnsupportedError} when it has
   * no zstd), `"js"` forces the pure-JS decoder, `"auto"` prefers `node:zlib`.
   *
   * @default {"auto"}
   */
  implementation?: ZstdImplementation;
  /** What is being decompressed, for error messages (e.g. `attachment "x"`). */
  subject?: string;
}

// ---------------------------------------------------------------------------
// node:zlib feature detection (dynamic import keeps browsers working)

interface NodeZstd {
  zstdDecompressSync(buf: Uint8Array, options?: { maxOutputLength?: number }): Uint8Array;
  zstdCompressSync(buf: Uint8Array, options?: { params?: Record<number, number> }): Uint8Array;
  constants: { ZSTD_c_compressionLevel?: number };
}

let nodeZstdPromise: Promise<NodeZstd | null> | undefined;

function loadNodeZstd(): Promise<NodeZstd | null> {
  nodeZstdPromise ??= (async () => {
    try {
      const zlib = await import("node:zlib") as unknown as Partial<NodeZstd>;
      if (
        typeof zlib.zstdDecompressSync === "function" &&
        typeof zlib.zstdCompressSync === "function"
      ) {
        return zlib as NodeZstd;
      }
    } catch {
      // no node:zlib (browser)
    }
    return null;
  })();
  return nodeZstdPromise;
}

/**
 * Whether `node:zlib` provides zstd in this runtime (then
 * {@linkcode compressZstd} works and decompression uses it).
 *
 * @returns `true` when `node:zlib` has zstd.
 *
 * @example
 * ```ts
 * import { hasNativeZstd } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof (await hasNativeZstd()), "boolean");
 * ```
 */
export async function hasNativeZstd(): Promise<boolean> {
  return (await loadNodeZstd()) !== null;
}

// ---------------------------------------------------------------------------
// frame scan

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_SIZE_MAX = 128 * 1024;

interface FrameInfo {
  readonly start: number;
  readonly end: number;
  readonly skippable: boolean;
  readonly contentSize: number | null;
  readonly windowSize: number;
  readonly hasChecksum: boolean;
}

interface ScanResult {
  readonly frames: FrameInfo[];
  /** Sum of the exact output of raw and RLE blocks: a lower bound on the output. */
  readonly minOutput: number;
}

function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

function scanFrames(bytes: Uint8Array, subject: string): ScanResult {
  const frames: FrameInfo[] = [];
  let minOutput = 0;
  let pos = 0;
  const need = (n: number, what: string) => {
    if (pos + n > bytes.length) {
      throw new DecodeError(
        `${subject}: truncated zstd data (${what} at offset ${pos} needs ${n} bytes, ${
          bytes.length - pos
        } left)`,
      );
    }
  };
  while (pos < bytes.length) {
    const start = pos;
    need(4, "frame magic");
    const magic = u32le(bytes, pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      need(4, "skippable frame size");
      const size = u32le(bytes, pos);
      pos += 4;
      need(size, "skippable frame content");
      pos += size;
      frames.push({
        start,
        end: pos,
        skippable: true,
        contentSize: 0,
        windowSize: 0,
        hasChecksum: false,
      });
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      throw new DecodeError(
        `${subject}: not zstd data (bad frame magic 0x${
          magic.toString(16).padStart(8, "0")
        } at offset ${start})`,
      );
    }
    need(1, "frame header descriptor");
    const fhd = bytes[pos++]!;
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const reserved = (fhd >> 3) & 1;
    const hasChecksum = ((fhd >> 2) & 1) === 1;
    const dictFlag = fhd & 3;
    if (reserved) {
      throw new DecodeError(
        `${subject}: invalid zstd frame header at offset ${start} (reserved bit set)`,
      );
    }
    let windowSize = 0;
    if (!singleSegment) {
      need(1, "window descriptor");
      const wd = bytes[pos++]!;
      const windowLog = 10 + (wd >> 3);
      const base = 2 ** windowLog;
      windowSize = base + (base / 8) * (wd & 7);
    }
    const dictBytes = [0, 1, 2, 4][dictFlag]!;
    need(dictBytes, "dictionary id");
    let dictId = 0;
    for (let i = 0; i < dictBytes; i++) dictId += bytes[pos + i]! * 2 ** (8 * i);
    pos += dictBytes;
    if (dictId !== 0) {
      throw new UnsupportedError(
        `${subject}: zstd frame at offset ${start} needs dictionary ${dictId}; dictionaries are not supported`,
      );
    }
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    need(fcsBytes, "frame content size");
    let contentSize: number | null = null;
    if (fcsBytes > 0) {
      let v = 0;
      for (let i = 0; i < fcsBytes; i++) v += bytes[pos + i]! * 2 ** (8 * i);
      contentSize = fcsBytes === 2 ? v + 256 : v;
    }
    pos += fcsBytes;
    if (singleSegment) windowSize = contentSize ?? 0;
    const blockMax = Math.min(Math.max(windowSize, 1), BLOCK_SIZE_MAX);
    for (;;) {
      need(3, "block header");
      const bh = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16);
      pos += 3;
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) {
        throw new DecodeError(`${subject}: invalid zstd block type at offset ${pos - 3}`);
      }
      if (size > blockMax) {
        throw new DecodeError(
          `${subject}: zstd block at offset ${
            pos - 3
          } has size ${size} > block maximum ${blockMax}`,
        );
      }
      if (type === 1) {
        need(1, "RLE block byte");
        pos += 1;
        minOutput += size;
      } else {
        need(size, "block content");
        pos += size;
        if (type === 0) minOutput += size;
      }
      if (last) break;
    }
    if (hasChecksum) {
      need(4, "frame checksum");
      pos += 4;
    }
    frames.push({ start, end: pos, skippable: false, contentSize, windowSize, hasChecksum });
  }
  return { frames, minOutput };
}

// ---------------------------------------------------------------------------
// decoding

class OutputLimit extends Error {}

function decodeFrameJs(frame: Uint8Array, budget: number, subject: string): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const d = new Decompress((chunk: Uint8Array) => {
    total += chunk.length;
    if (total > budget) throw new OutputLimit();
    if (chunk.length > 0) chunks.push(chunk);
  });
  try {
    d.push(frame, true);
  } catch (e) {
    if (e instanceof OutputLimit) throw e;
    throw new DecodeError(`${subject}: corrupt zstd data (${(e as Error).message})`, { cause: e });
  }
  return chunks;
}

function decodeFrameNode(
  zlib: NodeZstd,
  frame: Uint8Array,
  budget: number,
  subject: string,
): Uint8Array[] {
  let out: Uint8Array;
  try {
    out = zlib.zstdDecompressSync(frame, { maxOutputLength: Math.max(budget, 1) });
  } catch (e) {
    if (e instanceof RangeError) throw new OutputLimit();
    throw new DecodeError(`${subject}: corrupt zstd data (${(e as Error).message})`, { cause: e });
  }
  if (out.length > budget) throw new OutputLimit();
  return [out];
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Decompress zstd data (one or more concatenated frames, skippable frames
 * allowed) with a hard cap on the output size.
 *
 * @param bytes The compressed bytes (the whole blob).
 * @param options The output cap, decoder choice and a subject for messages.
 * @returns The decompressed bytes.
 * @throws {LimitExceededError} When the output would exceed `maxOutputBytes`.
 * @throws {DecodeError} On truncated, corrupt or non-zstd input.
 * @throws {UnsupportedError} On dictionary frames, or `implementation: "node"` without native zstd.
 *
 * @example Round trip
 * ```ts
 * import { compressZstd, decompressZstd, hasNativeZstd } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * if (await hasNativeZstd()) {
 *   const data = new TextEncoder().encode("hello hello hello");
 *   assert.deepEqual(await decompressZstd(await compressZstd(data)), data);
 *   await assert.rejects(decompressZstd(await compressZstd(data), { maxOutputBytes: 4 }), { code: "LIMIT_EXCEEDED" });
 * }
 * ```
 */
export async function decompressZstd(
  bytes: Uint8Array,
  options: DecompressZstdOptions = {},
): Promise<Uint8Array> {
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_ZSTD_OUTPUT_BYTES;
  const subject = options.subject ?? "zstd";
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new InvalidArgumentError(
      `maxOutputBytes must be a non-negative safe integer, got ${maxOutputBytes}`,
    );
  }
  const implementation = options.implementation ?? "auto";
  const tooLarge = (detail: string) =>
    new LimitExceededError(
      `${subject}: decompressed size exceeds the limit of ${maxOutputBytes} bytes (${detail})`,
    );

  const { frames, minOutput } = scanFrames(bytes, subject);
  if (minOutput > maxOutputBytes) {
    throw tooLarge(`raw and RLE blocks alone produce ${minOutput} bytes`);
  }
  let declared = 0;
  for (const f of frames) declared += f.contentSize ?? 0;
  if (declared > maxOutputBytes) {
    throw tooLarge(`frames declare ${declared} bytes`);
  }
  for (const f of frames) {
    if (!f.skippable && f.windowSize > MAX_ZSTD_WINDOW_BYTES) {
      throw new DecodeError(
        `${subject}: zstd frame at offset ${f.start} needs a ${f.windowSize}-byte window, more than the ${MAX_ZSTD_WINDOW_BYTES}-byte decoder limit`,
      );
    }
  }

  let zlib: NodeZstd | null = null;
  if (implementation !== "js") {
    zlib = await loadNodeZstd();
    if (zlib === null && implementation === "node") {
      throw new UnsupportedError("node:zlib has no zstd support in this runtime");
    }
  }

  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const f of frames) {
    if (f.skippable) continue;
    const frame = bytes.subarray(f.start, f.end);
    const budget = maxOutputBytes - total;
    let out: Uint8Array[];
    try {
      out = zlib !== null
        ? decodeFrameNode(zlib, frame, budget, subject)
        : decodeFrameJs(frame, budget, subject);
    } catch (e) {
      if (e instanceof OutputLimit) throw tooLarge(`frame at offset ${f.start}`);
      throw e;
    }
    let frameTotal = 0;
    for (const c of out) frameTotal += c.length;
    if (f.contentSize !== null && frameTotal !== f.contentSize) {
      throw new DecodeError(
        `${subject}: corrupt zstd frame at offset ${f.start} (declares ${f.contentSize} bytes, decodes to ${frameTotal})`,
      );
    }
    chunks.push(...out);
    total += frameTotal;
  }
  return concat(chunks, total);
}

/**
 * Compress bytes to a single zstd frame with `node:zlib`.
 *
 * The output is encoder-dependent: readers must not expect byte
 * equality with the reference SDK.
 *
 * @param bytes The bytes to compress.
 * @param level The zstd compression level (default 3, the reference's level).
 * @returns The compressed bytes.
 * @throws {UnsupportedError} When `node:zlib` has no zstd in this runtime.
 *
 * @example
 * ```ts
 * import { compressZstd, hasNativeZstd } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * if (await hasNativeZstd()) {
 *   const packed = await compressZstd(new Uint8Array(1000));
 *   assert.deepEqual([...packed.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
 * }
 * ```
 */
export async function compressZstd(bytes: Uint8Array, level = 3): Promise<Uint8Array> {
  const zlib = await loadNodeZstd();
  if (zlib === null) {
    throw new UnsupportedError(
      "zstd compression needs node:zlib with zstd (Deno 2, Node >= 22.15)",
    );
  }
  const param = zlib.constants.ZSTD_c_compressionLevel ?? 100;
  const out = zlib.zstdCompressSync(bytes, { params: { [param]: level } });
  return new Uint8Array(out);
}

// ---------------------------------------------------------------------------
// storage format (docs/glossary.md#attachment-compression)

/** The parts of a layer descriptor that decide its storage format. */
export interface StoredDescriptor {
  /** The stored media type. */
  readonly mediaType: string;
  /** The layer annotations. */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** The digest, used only to name the layer in error messages. */
  readonly digest?: string | undefined;
}

/** The logical view of a stored attachment layer. */
export interface LogicalMediaType {
  /** The media type callers see (compression suffix removed). */
  readonly logicalMediaType: string;
  /** The storage compression to undo before decoding, or `null`. */
  readonly compression: "zstd" | null;
}

/**
 * Derive an attachment's logical media type and storage compression from its
 * layer descriptor (see `docs/glossary.md#attachment-compression`): without the compression annotation the stored
 * type is the logical type (even when it ends in `+zstd`); with `zstd` the
 * stored type must end in `+zstd` after a non-empty prefix, which is the
 * logical type.
 *
 * @param descriptor The layer's media type and annotations.
 * @returns The logical media type and the compression.
 * @throws {InvalidArtifactError} On a `zstd` marker without a `+zstd` suffix or with an empty prefix.
 * @throws {UnsupportedError} On any other marker value ("Unsupported Attachment compression").
 *
 * @example
 * ```ts
 * import { COMPRESSION_ANNOTATION, logicalMediaType } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   logicalMediaType({ mediaType: "text/csv+zstd", annotations: { [COMPRESSION_ANNOTATION]: "zstd" } }),
 *   { logicalMediaType: "text/csv", compression: "zstd" },
 * );
 * assert.deepEqual(
 *   logicalMediaType({ mediaType: "text/csv+zstd" }),
 *   { logicalMediaType: "text/csv+zstd", compression: null },
 * );
 * ```
 */
export function logicalMediaType(descriptor: StoredDescriptor): LogicalMediaType {
  const marker = descriptor.annotations !== undefined &&
      Object.hasOwn(descriptor.annotations, COMPRESSION_ANNOTATION)
    ? descriptor.annotations[COMPRESSION_ANNOTATION]
    : undefined;
  const { mediaType } = descriptor;
  const what = descriptor.digest
    ? `layer ${descriptor.digest}`
    : `layer of media type '${mediaType}'`;
  if (marker === undefined) return { logicalMediaType: mediaType, compression: null };
  if (marker !== "zstd") {
    throw new UnsupportedError(
      `Unsupported Attachment compression ${JSON.stringify(marker)} on ${what}`,
    );
  }
  if (!mediaType.endsWith(ZSTD_SUFFIX) || mediaType.length === ZSTD_SUFFIX.length) {
    throw new InvalidArtifactError(
      `Invalid attachment storage format: ${what} is marked zstd-compressed but its media type '${mediaType}' is not '<logical type>+zstd'`,
    );
  }
  return { logicalMediaType: mediaType.slice(0, -ZSTD_SUFFIX.length), compression: "zstd" };
}

/**
 * The stored media type and annotations for an attachment written with the
 * given compression (inverse of {@linkcode logicalMediaType}).
 *
 * @param logical The logical media type.
 * @param compression `"zstd"` or `null`.
 * @param annotations The caller's annotations (must not contain the marker key).
 * @returns The stored media type and annotations.
 * @throws {InvalidArgumentError} When `annotations` already holds the reserved marker key.
 *
 * @example
 * ```ts
 * import { storedMediaType } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(storedMediaType("a/b+zstd", "zstd"), {
 *   mediaType: "a/b+zstd+zstd",
 *   annotations: { "org.ommx.v1.attachment.compression": "zstd" },
 * });
 * ```
 */
export function storedMediaType(
  logical: string,
  compression: "zstd" | null,
  annotations: Readonly<Record<string, string>> = {},
): { mediaType: string; annotations: Record<string, string> } {
  if (Object.hasOwn(annotations, COMPRESSION_ANNOTATION)) {
    throw new InvalidArgumentError(
      `Annotation key '${COMPRESSION_ANNOTATION}' is reserved and cannot be set by callers`,
    );
  }
  if (compression === null) return { mediaType: logical, annotations: { ...annotations } };
  return {
    mediaType: logical + ZSTD_SUFFIX,
    annotations: { ...annotations, [COMPRESSION_ANNOTATION]: "zstd" },
  };
}
