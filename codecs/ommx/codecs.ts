/**
 * {@linkcode AttachmentCodec}s for the eight typed OMMX payload media types.
 * Decoding dispatches on the media type (never by sniffing bytes); v2 codecs
 * encode `ommx.v2.*` bytes; v1 codecs decode only (encoding v1 throws
 * {@linkcode UnsupportedError}: the reference writes v2).
 *
 * @module
 */

import { UnsupportedError } from "../../core/errors.ts";
import type { AttachmentCodec } from "../codec.ts";
import {
  MEDIA_TYPE_V1_INSTANCE,
  MEDIA_TYPE_V1_PARAMETRIC_INSTANCE,
  MEDIA_TYPE_V1_SAMPLE_SET,
  MEDIA_TYPE_V1_SOLUTION,
  MEDIA_TYPE_V2_INSTANCE,
  MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
  MEDIA_TYPE_V2_SAMPLE_SET,
  MEDIA_TYPE_V2_SOLUTION,
} from "../media_types.ts";
import { Instance } from "./instance.ts";
import { ParametricInstance } from "./instance.ts";
import { SampleSet } from "./sample_set.ts";
import { Solution } from "./solution.ts";

function v1Encode(mediaType: string): never {
  throw new UnsupportedError(
    `encoding ${mediaType} is not implemented; write the v2 media type instead`,
  );
}

/**
 * Codec for `application/org.ommx.v1.instance` (decode only).
 *
 * @example
 * ```ts
 * import { ommxV1InstanceCodec } from "./codecs.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ommxV1InstanceCodec.mediaType, "application/org.ommx.v1.instance");
 * ```
 */
export const ommxV1InstanceCodec: AttachmentCodec<Instance> = {
  mediaType: MEDIA_TYPE_V1_INSTANCE,
  encode: () => v1Encode(MEDIA_TYPE_V1_INSTANCE),
  decode: (bytes) => Instance.decode(bytes, "v1"),
};

/**
 * Codec for `application/org.ommx.v2.instance`.
 *
 * @example
 * ```ts
 * import { ommxV2InstanceCodec } from "./codecs.ts";
 * import { Function, Instance } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const bytes = await ommxV2InstanceCodec.encode(new Instance({ objective: Function.constant(2) }));
 * assert.equal((await ommxV2InstanceCodec.decode(bytes)).objective.constant, 2);
 * ```
 */
export const ommxV2InstanceCodec: AttachmentCodec<Instance> = {
  mediaType: MEDIA_TYPE_V2_INSTANCE,
  encode: (value) => value.toBytes(),
  decode: (bytes) => Instance.decode(bytes, "v2"),
};

/** Codec for `application/org.ommx.v1.parametric-instance` (decode only). */
export const ommxV1ParametricInstanceCodec: AttachmentCodec<ParametricInstance> = {
  mediaType: MEDIA_TYPE_V1_PARAMETRIC_INSTANCE,
  encode: () => v1Encode(MEDIA_TYPE_V1_PARAMETRIC_INSTANCE),
  decode: (bytes) => ParametricInstance.decode(bytes, "v1"),
};

/** Codec for `application/org.ommx.v2.parametric-instance`. */
export const ommxV2ParametricInstanceCodec: AttachmentCodec<ParametricInstance> = {
  mediaType: MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
  encode: (value) => value.toBytes(),
  decode: (bytes) => ParametricInstance.decode(bytes, "v2"),
};

/** Codec for `application/org.ommx.v1.solution` (decode only). */
export const ommxV1SolutionCodec: AttachmentCodec<Solution> = {
  mediaType: MEDIA_TYPE_V1_SOLUTION,
  encode: () => v1Encode(MEDIA_TYPE_V1_SOLUTION),
  decode: (bytes) => Solution.decode(bytes, "v1"),
};

/** Codec for `application/org.ommx.v2.solution`. */
export const ommxV2SolutionCodec: AttachmentCodec<Solution> = {
  mediaType: MEDIA_TYPE_V2_SOLUTION,
  encode: (value) => value.toBytes(),
  decode: (bytes) => Solution.decode(bytes, "v2"),
};

/** Codec for `application/org.ommx.v1.sample-set` (decode only). */
export const ommxV1SampleSetCodec: AttachmentCodec<SampleSet> = {
  mediaType: MEDIA_TYPE_V1_SAMPLE_SET,
  encode: () => v1Encode(MEDIA_TYPE_V1_SAMPLE_SET),
  decode: (bytes) => SampleSet.decode(bytes, "v1"),
};

/** Codec for `application/org.ommx.v2.sample-set`. */
export const ommxV2SampleSetCodec: AttachmentCodec<SampleSet> = {
  mediaType: MEDIA_TYPE_V2_SAMPLE_SET,
  encode: (value) => value.toBytes(),
  decode: (bytes) => SampleSet.decode(bytes, "v2"),
};

/** Any friendly OMMX payload. */
export type OmmxPayload = Instance | ParametricInstance | Solution | SampleSet;

/**
 * All eight OMMX codecs, for registering in a codec registry.
 *
 * @example
 * ```ts
 * import { OMMX_CODECS } from "./codecs.ts";
 * import assert from "node:assert/strict";
 * assert.equal(OMMX_CODECS.length, 8);
 * ```
 */
export const OMMX_CODECS: readonly AttachmentCodec<OmmxPayload>[] = [
  ommxV1InstanceCodec,
  ommxV2InstanceCodec,
  ommxV1ParametricInstanceCodec,
  ommxV2ParametricInstanceCodec,
  ommxV1SolutionCodec,
  ommxV2SolutionCodec,
  ommxV1SampleSetCodec,
  ommxV2SampleSetCodec,
] as unknown as readonly AttachmentCodec<OmmxPayload>[];
