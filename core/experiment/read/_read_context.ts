/**
 * What every view of a loaded artifact shares: the storage target, the
 * manifest's layers and the codec registry.
 *
 * @module
 */
import { LimitExceededError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import { fetchReadyOf, fetchViewOf } from "../../oci/_fetch_view.ts";
import type { CodecRegistry } from "../../../codecs/registry.ts";

/**
 * Default cap on a payload held in memory — an attachment after zstd
 * decompression, an Instance, a Solution, a trace: 1 GiB.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES: number = 1 << 30;

/** The largest Experiment config read: 256 MiB (about a million runs). */
export const MAX_CONFIG_SIZE: number = 256 << 20;

/** Shared state of one opened artifact. */
export interface ReadContext {
  /** Where the blobs live. */
  readonly target: ReadOnlyTarget;
  /** The manifest's layers, in order. */
  readonly layers: readonly Descriptor[];
  /** Codecs for typed decoding. */
  readonly codecs: CodecRegistry;
  /** Cap on a payload held in memory (after zstd decompression). */
  readonly maxDecompressedBytes: number;
}

/**
 * Fetch a whole payload blob, refusing one larger than the context's cap
 * before reading it.
 *
 * @param ctx The artifact context.
 * @param descriptor The blob.
 * @param what What it is, for the message.
 * @param transient Whether the caller only reads the bytes and keeps no reference to them
 * (nor changes them): then a target that can may return a view into a buffer shared with
 * other blobs (`core/oci/_fetch_view.ts`) — the same checks, errors and bytes, no copy.
 * @param layer The blob's number in `ctx.layers`, if known: passed to such a view fetch, which
 * may then skip a lookup the layers' existence check already made.
 * @returns The verified bytes.
 * @throws {LimitExceededError} When the blob is larger than `maxDecompressedBytes`.
 */
export async function fetchPayload(
  ctx: ReadContext,
  descriptor: Descriptor,
  what: string,
  transient = false,
  layer?: number,
): Promise<Uint8Array> {
  if (descriptor.size > ctx.maxDecompressedBytes) {
    throw new LimitExceededError(
      `${what} (${descriptor.digest}) is ${descriptor.size} bytes, more than the limit of ${ctx.maxDecompressedBytes} bytes held in memory (maxDecompressedBytes)`,
    );
  }
  const view = transient ? fetchViewOf(ctx.target) : undefined;
  return await (view === undefined ? ctx.target.fetch(descriptor) : view(descriptor, layer));
}

/**
 * {@linkcode fetchPayload} of a transient payload (see its `transient`) without an
 * await, when the target holds the verified bytes in memory already (a blob inside an
 * archive's read-ahead window), with the target's checks and errors. `undefined` when it
 * cannot answer now — and for a blob over the context's size limit, whose refusal (with
 * its message) is `fetchPayload`'s: then call `fetchPayload`.
 *
 * @param ctx The artifact context.
 * @param descriptor The blob.
 * @param layer The blob's number in `ctx.layers`, if known (as for `fetchPayload`).
 * @returns The verified bytes (possibly a view: keep no reference), or `undefined`.
 */
export function fetchPayloadNow(
  ctx: ReadContext,
  descriptor: Descriptor,
  layer?: number,
): Uint8Array | undefined {
  if (descriptor.size > ctx.maxDecompressedBytes) return undefined;
  return fetchReadyOf(ctx.target)?.(descriptor, layer);
}
