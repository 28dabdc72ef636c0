/**
 * Decoding payloads through the codec registry, with the reference's rules:
 * JSON, the OMMX typed payloads (descriptor annotations merged, the message
 * wins) and raw bytes for unregistered media types.
 *
 * @module
 */
import type {
  Instance,
  ParametricInstance,
  SampleSet,
  Solution,
} from "../../../codecs/ommx/mod.ts";
import {
  OMMX_MEDIA_TYPES,
  type OmmxPayloadKind,
  ommxPayloadKind,
} from "../../../codecs/media_types.ts";
import { MediaTypeMismatchError } from "../../errors.ts";
import type { ReadContext } from "./_read_context.ts";
import { hasNoKeys } from "../../_no_keys.ts";

/** The class each typed payload kind decodes to. */
export interface TypedPayloads {
  /** Instance. */
  instance: Instance;
  /** ParametricInstance. */
  parametric_instance: ParametricInstance;
  /** Solution. */
  solution: Solution;
  /** SampleSet. */
  sample_set: SampleSet;
}

/**
 * Decode a typed payload whose media type the caller already checked.
 *
 * @param ctx The artifact context.
 * @param kind The payload kind.
 * @param mediaType The exact logical media type.
 * @param bytes The payload.
 * @param annotations The layer descriptor's annotations.
 * @returns The decoded object.
 */
export async function decodeTyped<K extends OmmxPayloadKind>(
  ctx: ReadContext,
  kind: K,
  mediaType: string,
  bytes: Uint8Array,
  annotations: Readonly<Record<string, string>>,
): Promise<TypedPayloads[K]> {
  if (!OMMX_MEDIA_TYPES[kind].includes(mediaType)) {
    throw new MediaTypeMismatchError(OMMX_MEDIA_TYPES[kind].join(" or "), mediaType);
  }
  const value = await ctx.codecs.decode(mediaType, bytes) as {
    mergeLayerAnnotations(a: Readonly<Record<string, string>>): unknown;
  };
  // The built-in classes merge descriptor annotations the reference's way (message wins);
  // a caller-registered codec for an OMMX media type may return anything.
  if (typeof value?.mergeLayerAnnotations !== "function") return value as TypedPayloads[K];
  // Nothing to merge (what the reference SDK writes): the merged copy would equal the freshly
  // decoded object, which nothing else holds, so skip copying it.
  if (hasNoKeys(annotations)) return value as TypedPayloads[K];
  return value.mergeLayerAnnotations(annotations) as TypedPayloads[K];
}

/**
 * Decode any layer by its logical media type: through the registry when it
 * has a codec (OMMX payloads get their annotations merged), raw bytes otherwise.
 *
 * @param ctx The artifact context.
 * @param mediaType The exact logical media type.
 * @param bytes The payload.
 * @param annotations The layer descriptor's annotations.
 * @returns The decoded value, or the bytes.
 */
export async function decodeLayer(
  ctx: ReadContext,
  mediaType: string,
  bytes: Uint8Array,
  annotations: Readonly<Record<string, string>>,
): Promise<unknown> {
  const kind = ommxPayloadKind(mediaType);
  if (kind !== null) return decodeTyped(ctx, kind, mediaType, bytes, annotations);
  if (!ctx.codecs.has(mediaType)) return bytes;
  return await ctx.codecs.decode(mediaType, bytes);
}
