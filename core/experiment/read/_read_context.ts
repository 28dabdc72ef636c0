/**
 * What every view of a loaded artifact shares: the storage target, the
 * manifest's layers and the codec registry.
 *
 * @module
 */
import { LimitExceededError } from "../../errors.ts";
import type { Descriptor } from "../../oci/descriptor.ts";
import type { ReadOnlyTarget } from "../../oci/storage.ts";
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
 * @returns The verified bytes.
 * @throws {LimitExceededError} When the blob is larger than `maxDecompressedBytes`.
 */
export async function fetchPayload(
  ctx: ReadContext,
  descriptor: Descriptor,
  what: string,
): Promise<Uint8Array> {
  if (descriptor.size > ctx.maxDecompressedBytes) {
    throw new LimitExceededError(
      `${what} (${descriptor.digest}) is ${descriptor.size} bytes, more than the limit of ${ctx.maxDecompressedBytes} bytes held in memory (maxDecompressedBytes)`,
    );
  }
  return await ctx.target.fetch(descriptor);
}

/**
 * Manifests (parsed objects) whose every layer a loader found in a target.
 * The sealed Experiment's loader records its check; a second view of the
 * same manifest object over the same target (the Artifact view every opened
 * Experiment also builds) then need not ask the store about every layer again.
 */
const layersFound = new WeakMap<object, ReadOnlyTarget>();

/**
 * Record that every layer of `manifest` was found in `target`.
 *
 * @param manifest The parsed manifest object.
 * @param target The target checked.
 */
export function recordLayersFound(manifest: object, target: ReadOnlyTarget): void {
  layersFound.set(manifest, target);
}

/**
 * Whether {@linkcode recordLayersFound} recorded this manifest object for this target.
 *
 * @param manifest The parsed manifest object.
 * @param target The target.
 * @returns `true` when its layers were found there already.
 */
export function layersFoundIn(manifest: object, target: ReadOnlyTarget): boolean {
  return layersFound.get(manifest) === target;
}
