/**
 * The OMMX media types, exact strings (see `docs/glossary.md#media-types`). Note the inconsistent
 * namespaces (`org.ommx.v1.experiment.*` vs `org.ommx.diagnostic…`): they are
 * what the reference writes.
 *
 * @module
 */

/** Manifest `artifactType` of generic OMMX artifacts. */
export const ARTIFACT_TYPE_GENERIC = "application/org.ommx.v1.artifact";
/** Manifest `artifactType` of Experiments. */
export const ARTIFACT_TYPE_EXPERIMENT = "application/org.ommx.v1.experiment";
/** Config media type of v2-era generic artifacts (read only). */
export const MEDIA_TYPE_LEGACY_CONFIG = "application/org.ommx.v1.config+json";
/** Config media type of Experiments. */
export const MEDIA_TYPE_EXPERIMENT_CONFIG = "application/org.ommx.v1.experiment.config+json";
/** The run-parameter table layer. */
export const MEDIA_TYPE_RUN_PARAMETERS =
  "application/org.ommx.v1.experiment.run-parameters+msgpack";
/** Adapter diagnostics layers. */
export const MEDIA_TYPE_DIAGNOSTICS = "application/org.ommx.diagnostic+msgpack";
/** Run trace layers. */
export const MEDIA_TYPE_TRACE = "application/org.ommx.trace.otlp+protobuf";
/** JSON attachments. */
export const MEDIA_TYPE_JSON = "application/json";
/** Fallback media type of file attachments. */
export const MEDIA_TYPE_OCTET_STREAM = "application/octet-stream";

/** `ommx.v1.Instance`. */
export const MEDIA_TYPE_V1_INSTANCE = "application/org.ommx.v1.instance";
/** `ommx.v2.Instance`. */
export const MEDIA_TYPE_V2_INSTANCE = "application/org.ommx.v2.instance";
/** `ommx.v1.ParametricInstance`. */
export const MEDIA_TYPE_V1_PARAMETRIC_INSTANCE = "application/org.ommx.v1.parametric-instance";
/** `ommx.v2.ParametricInstance`. */
export const MEDIA_TYPE_V2_PARAMETRIC_INSTANCE = "application/org.ommx.v2.parametric-instance";
/** `ommx.v1.Solution`. */
export const MEDIA_TYPE_V1_SOLUTION = "application/org.ommx.v1.solution";
/** `ommx.v2.Solution`. */
export const MEDIA_TYPE_V2_SOLUTION = "application/org.ommx.v2.solution";
/** `ommx.v1.SampleSet`. */
export const MEDIA_TYPE_V1_SAMPLE_SET = "application/org.ommx.v1.sample-set";
/** `ommx.v2.SampleSet`. */
export const MEDIA_TYPE_V2_SAMPLE_SET = "application/org.ommx.v2.sample-set";

/** The kinds of typed OMMX payload. */
export type OmmxPayloadKind = "instance" | "parametric_instance" | "solution" | "sample_set";

/** Media types accepted for each typed payload kind (v1 and v2). */
export const OMMX_MEDIA_TYPES: Readonly<Record<OmmxPayloadKind, readonly [string, string]>> = {
  instance: [MEDIA_TYPE_V1_INSTANCE, MEDIA_TYPE_V2_INSTANCE],
  parametric_instance: [MEDIA_TYPE_V1_PARAMETRIC_INSTANCE, MEDIA_TYPE_V2_PARAMETRIC_INSTANCE],
  solution: [MEDIA_TYPE_V1_SOLUTION, MEDIA_TYPE_V2_SOLUTION],
  sample_set: [MEDIA_TYPE_V1_SAMPLE_SET, MEDIA_TYPE_V2_SAMPLE_SET],
};

/**
 * The typed payload kind of a media type, or `null` for anything else.
 *
 * @param mediaType An exact media type.
 * @returns The kind, or `null`.
 *
 * @example
 * ```ts
 * import { ommxPayloadKind } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ommxPayloadKind("application/org.ommx.v2.solution"), "solution");
 * assert.equal(ommxPayloadKind("application/json"), null);
 * ```
 */
export function ommxPayloadKind(mediaType: string): OmmxPayloadKind | null {
  for (const [kind, types] of Object.entries(OMMX_MEDIA_TYPES)) {
    if (types.includes(mediaType)) return kind as OmmxPayloadKind;
  }
  return null;
}
