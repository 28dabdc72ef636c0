/**
 * OCI content descriptors: `{mediaType, digest, size, annotations}`.
 *
 * @module
 */
import { checkAnnotations, checkDescriptor } from "./_descriptor_json.ts";
import { MEDIA_TYPE_EMPTY_JSON } from "./media_types.ts";

/** An OCI content descriptor. Every blob is addressed by one. */
export interface Descriptor {
  /** Media type of the referenced content. */
  readonly mediaType: string;
  /** `sha256:` + 64 lowercase hex. */
  readonly digest: string;
  /** Byte length of the referenced content. */
  readonly size: number;
  /** Optional annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Optional artifact type (manifests referenced from an index). */
  readonly artifactType?: string;
}

/**
 * The OCI empty descriptor: media type `application/vnd.oci.empty.v1+json`,
 * content `{}` (2 bytes).
 *
 * @example Use as a config
 * ```ts
 * import { EMPTY_JSON_DESCRIPTOR } from "./descriptor.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EMPTY_JSON_DESCRIPTOR.size, 2);
 * ```
 */
export const EMPTY_JSON_DESCRIPTOR: Descriptor = Object.freeze({
  mediaType: MEDIA_TYPE_EMPTY_JSON,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
});

/**
 * Validate an annotations map from untrusted JSON.
 *
 * @example Accept a string map
 * ```ts
 * import { parseAnnotations } from "./descriptor.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseAnnotations({ a: "b" }, "x"), { a: "b" });
 * assert.throws(() => parseAnnotations({ a: 1 }, "x"), { code: "INVALID_ARTIFACT" });
 * ```
 *
 * @param value The `annotations` JSON value.
 * @param where Where it was found, for messages.
 * @returns A fresh string map.
 * @throws {InvalidArtifactError} When not an object of strings.
 */
export function parseAnnotations(value: unknown, where: string): Record<string, string> {
  return checkAnnotations(value, where, undefined, "", false);
}

/**
 * Validate a descriptor from untrusted JSON: `mediaType` string, valid sha256
 * `digest`, `size` a non-negative safe integer, optional `annotations` string
 * map and `artifactType` string. Other fields (`urls`, `platform`, `data`) are
 * accepted and dropped.
 *
 * @example Parse
 * ```ts
 * import { parseDescriptor } from "./descriptor.ts";
 * import assert from "node:assert/strict";
 *
 * const d = parseDescriptor(
 *   { mediaType: "application/json", digest: "sha256:" + "a".repeat(64), size: 3 },
 *   "layer",
 * );
 * assert.equal(d.size, 3);
 * assert.throws(() => parseDescriptor({ mediaType: "x", digest: "md5:00", size: 1 }, "layer"), {
 *   code: "INVALID_ARTIFACT",
 * });
 * ```
 *
 * @param value The JSON value.
 * @param where Where it was found (e.g. `manifest.layers[2]`), for messages.
 * @returns The descriptor.
 * @throws {InvalidArtifactError} When a field is missing or malformed.
 */
export function parseDescriptor(value: unknown, where = "descriptor"): Descriptor {
  return checkDescriptor(value, where, undefined, false);
}
