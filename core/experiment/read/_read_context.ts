/**
 * What every view of a loaded artifact shares: the storage target, the
 * manifest's layers and the codec registry.
 *
 * @module
 */
import type { Descriptor } from "../../oci/descriptor.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";

/** Default cap on decompressed attachment bytes: 1 GiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES: number = 1 << 30;

/** Shared state of one opened artifact. */
export interface ReadContext {
  /** Where the blobs live. */
  readonly target: ReadOnlyTarget;
  /** The manifest's layers, in order. */
  readonly layers: readonly Descriptor[];
  /** Codecs for typed decoding. */
  readonly codecs: CodecRegistry;
  /** Cap on the decompressed size of zstd attachments. */
  readonly maxDecompressedBytes: number;
}
