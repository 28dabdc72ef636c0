/**
 * The limits and options of zstd decompression ({@linkcode DecompressZstdOptions}):
 * shared by the public `zstd.ts` and the decoder (`_zstd_frames.ts`), which
 * loads on first use.
 *
 * @module
 */

/** Default cap on decompressed bytes: 1 GiB. */
export const DEFAULT_MAX_ZSTD_OUTPUT_BYTES: number = 1024 * 1024 * 1024;

/**
 * Largest frame window the decoder accepts: 128 MiB, the default limit of the
 * reference decoder (libzstd `ZSTD_WINDOWLOG_LIMIT_DEFAULT` = 27).
 */
export const MAX_ZSTD_WINDOW_BYTES: number = 1 << 27;

/** Which zstd decoder to use. */
export type ZstdImplementation = "auto" | "node" | "js";

/** Options of {@linkcode decompressZstd} and {@linkcode decompressZstdStream}. */
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
