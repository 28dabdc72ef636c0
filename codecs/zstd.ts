/**
 * Zstandard as a transport step for attachments (see `docs/glossary.md#attachment-compression`): bounded
 * decompression, compression, and the storage-format rules that map a stored
 * layer descriptor to its logical media type.
 *
 * Decompression walks the frame and block headers as the bytes arrive (no
 * decoding) to reject malformed input, dictionary frames, oversized windows
 * and inputs that provably exceed the output limit (a frame's declared content
 * size, or its raw and RLE blocks) before the decoder sees them. Frames are
 * then decoded one by one — with `node:zlib` when it has zstd (Deno 2.x,
 * Node ≥ 22.15), otherwise with the pure-JS `fzstd` decoder (browsers,
 * Node 20) — into a small reused buffer, with the remaining output budget as a
 * hard cap, so a zstd bomb fails with {@linkcode LimitExceededError} after
 * using a few megabytes, never the limit. When the input is too large *and*
 * malformed, the size error wins: the limit is checked before any later part
 * of the input is looked at.
 *
 * Memory: {@linkcode decompressZstd} returns one exact-size buffer and holds
 * nothing else of output size. When every frame declares its content size the
 * output is decoded straight into it; otherwise (the reference SDK's streaming
 * encoder writes no size) a first pass counts the output (keeping it when it is
 * small) and a second pass fills the exact buffer. {@linkcode decompressZstdStream}
 * decodes a stream of compressed chunks into a stream of output chunks in
 * bounded memory (for writing a large attachment to a file).
 *
 * The header walk is also what makes `node:zlib` safe to use: in Deno 2.9
 * its zstd decoder returns only the first of several concatenated frames and
 * silently accepts a truncated frame, so frames are split and checked for
 * completeness here before it sees them.
 *
 * @module
 */

import { InvalidArgumentError, InvalidArtifactError, UnsupportedError } from "../core/errors.ts";
import type { DecompressZstdOptions } from "./_zstd_limits.ts";
import type { ZstdDecoding } from "./_zstd_frames.ts";

export {
  type DecompressZstdOptions,
  DEFAULT_MAX_ZSTD_OUTPUT_BYTES,
  MAX_ZSTD_WINDOW_BYTES,
  type ZstdImplementation,
} from "./_zstd_limits.ts";

/** The layer annotation that marks an attachment as stored compressed. */
export const COMPRESSION_ANNOTATION = "org.ommx.v1.attachment.compression";

/** The media-type suffix of zstd-compressed attachments. */
export const ZSTD_SUFFIX = "+zstd";

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
  return await (await zstdFrames()).hasNativeZstd();
}

/**
 * Decompress zstd data (one or more concatenated frames, skippable frames
 * allowed) with a hard cap on the output size. The result is one buffer of
 * exactly the output size; nothing else of that size is held while decoding
 * (see the module doc), and a bomb is rejected after a few megabytes.
 *
 * @param bytes The compressed bytes (the whole blob).
 * @param options The output cap, decoder choice and a subject for messages.
 * @returns The decompressed bytes.
 * @throws {LimitExceededError} When the output would exceed `maxOutputBytes` (checked before any other error in the part of the input that proves it).
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
  return await (await zstdFrames()).decompressZstd(bytes, options);
}

/**
 * Decompress a stream of zstd bytes into a stream of output chunks, in
 * bounded memory (the input is fed in small pieces; each output chunk is
 * handed on before more input is decoded). The same checks and limit as
 * {@linkcode decompressZstd}; the stream errors with the typed error.
 *
 * @param input The compressed bytes.
 * @param options The output cap, decoder choice and a subject for messages.
 * @returns The decompressed bytes, as a stream.
 *
 * @example Stream a round trip
 * ```ts
 * import { compressZstd, decompressZstdStream, hasNativeZstd } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * if (await hasNativeZstd()) {
 *   const packed = await compressZstd(new TextEncoder().encode("abc".repeat(1000)));
 *   const chunks = await Array.fromAsync(decompressZstdStream(ReadableStream.from([packed])));
 *   assert.equal(chunks.reduce((n, c) => n + c.length, 0), 3000);
 * }
 * ```
 */
export function decompressZstdStream(
  input: ReadableStream<Uint8Array>,
  options: DecompressZstdOptions = {},
): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let decoding: ZstdDecoding | undefined;
  let pending: Uint8Array[] = [];
  let chunk: Uint8Array | undefined;
  let at = 0;
  const PIECE = 4096;
  return new ReadableStream<Uint8Array>({
    start: async () => {
      const { checkOptions, decoderFactory, ZstdDecoding } = await zstdFrames();
      const { max, subject, implementation } = checkOptions(options);
      const factory = await decoderFactory(implementation, subject);
      decoding = new ZstdDecoding(subject, max, factory, (c) => void pending.push(c.slice()));
      reader = input.getReader();
    },
    pull: async (controller) => {
      try {
        while (pending.length === 0) {
          if (chunk === undefined || at >= chunk.length) {
            const next = await reader!.read();
            if (next.done) {
              decoding!.finish();
              if (pending.length === 0) {
                controller.close();
                return;
              }
              break;
            }
            chunk = next.value;
            at = 0;
          }
          decoding!.feed(chunk.subarray(at, at + PIECE));
          at += PIECE;
        }
      } catch (e) {
        await reader?.cancel().catch(() => {});
        throw e;
      }
      const out = pending;
      pending = [];
      for (const c of out) controller.enqueue(c);
    },
    cancel: async (reason) => {
      await reader?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
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
  return await (await zstdFrames()).compressZstd(bytes, level);
}

/**
 * The decoder and encoder, loaded on first use: importing the package does not load them
 * (`tests/import_cost_test.ts`).
 */
async function zstdFrames(): Promise<typeof import("./_zstd_frames.ts")> {
  return await import("./_zstd_frames.ts");
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
