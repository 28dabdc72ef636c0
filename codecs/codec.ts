/**
 * The attachment codec contract: the TypeScript form of OMMX's
 * `AttachmentCodec` protocol.
 *
 * @module
 */

/**
 * Encodes and decodes values of one exact media type.
 *
 * A codec never sees bytes of any other media type: the registry and the
 * Experiment model check the stored media type before calling `decode`.
 *
 * @typeParam T The decoded value type.
 */
export interface AttachmentCodec<T> {
  /** The exact media type this codec handles, e.g. `text/csv`. */
  readonly mediaType: string;
  /**
   * Encode a value to bytes.
   *
   * @param value The value to encode.
   * @returns The encoded bytes.
   */
  encode(value: T): Uint8Array | Promise<Uint8Array>;
  /**
   * Decode bytes of {@linkcode AttachmentCodec.mediaType} to a value.
   *
   * @param bytes The payload bytes (already decompressed).
   * @returns The decoded value.
   */
  decode(bytes: Uint8Array): T | Promise<T>;
}
