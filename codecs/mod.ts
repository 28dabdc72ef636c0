/**
 * Payload codecs: the {@linkcode AttachmentCodec} contract, the immutable
 * {@linkcode CodecRegistry} looked up by exact media type, the registry of
 * all built-ins ({@linkcode defaultCodecs}), and zstd as the attachment
 * storage step (see `docs/glossary.md#attachment-compression`). The codecs themselves live in the subpaths
 * `codecs/json`, `codecs/bytes`, `codecs/msgpack`, `codecs/trace` and
 * `codecs/ommx`.
 *
 * @example Decode a stored attachment by its descriptor
 * ```ts
 * import {
 *   COMPRESSION_ANNOTATION,
 *   compressZstd,
 *   createCodecRegistry,
 *   decompressZstd,
 *   defaultCodecs,
 *   hasNativeZstd,
 *   logicalMediaType,
 * } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const csv = {
 *   mediaType: "text/csv",
 *   encode: (rows: string) => new TextEncoder().encode(rows),
 *   decode: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
 * };
 * const registry = createCodecRegistry(defaultCodecs, csv);
 *
 * if (await hasNativeZstd()) {
 *   const stored = await compressZstd(new TextEncoder().encode("a,b\n1,2\n"));
 *   const descriptor = { mediaType: "text/csv+zstd", annotations: { [COMPRESSION_ANNOTATION]: "zstd" } };
 *   const { logicalMediaType: type, compression } = logicalMediaType(descriptor);
 *   const bytes = compression === "zstd" ? await decompressZstd(stored) : stored;
 *   assert.equal(await registry.decode(type, bytes), "a,b\n1,2\n");
 * }
 * await assert.rejects(registry.decode("text/tab-separated-values", new Uint8Array()), { code: "UNKNOWN_MEDIA_TYPE" });
 * ```
 *
 * @module
 */

export * from "./codec.ts";
export * from "./registry.ts";
export * from "./default_codecs.ts";
export * from "./zstd.ts";
export * from "./py_float.ts";
export * from "./media_types.ts";
