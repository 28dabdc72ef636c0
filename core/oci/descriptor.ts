/**
 * OCI content descriptors: `{mediaType, digest, size, annotations}`.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import { isDigest } from "./digest.ts";
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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
  if (!isPlainObject(value)) throw new InvalidArtifactError(`${where}: must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new InvalidArtifactError(`${where}[${JSON.stringify(k)}]: must be a string`);
    }
    out[k] = v;
  }
  return out;
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
  if (!isPlainObject(value)) throw new InvalidArtifactError(`${where}: must be an object`);
  const { mediaType, digest, size, annotations, artifactType } = value;
  if (typeof mediaType !== "string") {
    throw new InvalidArtifactError(`${where}.mediaType: must be a string`);
  }
  if (!isDigest(digest)) {
    throw new InvalidArtifactError(
      `${where}.digest: invalid digest ${JSON.stringify(digest)} (need sha256:<64 lowercase hex>)`,
    );
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidArtifactError(`${where}.size: must be a non-negative safe integer`);
  }
  const out: {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
    artifactType?: string;
  } = { mediaType, digest, size };
  if (annotations !== undefined) {
    out.annotations = parseAnnotations(annotations, `${where}.annotations`);
  }
  if (artifactType !== undefined) {
    if (typeof artifactType !== "string") {
      throw new InvalidArtifactError(`${where}.artifactType: must be a string`);
    }
    out.artifactType = artifactType;
  }
  return out;
}
