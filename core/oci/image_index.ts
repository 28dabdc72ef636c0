/**
 * OCI image index (`index.json`): parse and struct-order encode.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import { compareCodePoints } from "./canonical_json.ts";
import { type Descriptor, parseAnnotations, parseDescriptor } from "./descriptor.ts";
import { MEDIA_TYPE_IMAGE_INDEX } from "./media_types.ts";
import { isObject, parseJsonBytes } from "./_json.ts";

/** An OCI image index. */
export interface ImageIndex {
  /** Always `2`. */
  readonly schemaVersion: 2;
  /** The index media type; absent in v2-era OMMX archives. */
  readonly mediaType?: string;
  /** Optional artifact type. */
  readonly artifactType?: string;
  /** Manifest descriptors. */
  readonly manifests: readonly Descriptor[];
  /** Index annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Parse and validate `index.json` bytes (any key order and whitespace). A
 * missing `mediaType` is accepted; a present one must be the index type.
 *
 * @example Parse
 * ```ts
 * import { parseImageIndex } from "./image_index.ts";
 * import assert from "node:assert/strict";
 *
 * const index = parseImageIndex(new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}'));
 * assert.equal(index.manifests.length, 0);
 * ```
 *
 * @param bytes The `index.json` bytes.
 * @returns The index.
 * @throws {InvalidArtifactError} When malformed.
 */
export function parseImageIndex(bytes: Uint8Array): ImageIndex {
  const json = parseJsonBytes(bytes, "index.json");
  if (!isObject(json)) throw new InvalidArtifactError("index.json: must be a JSON object");
  const { schemaVersion, mediaType, artifactType, manifests, annotations } = json;
  if (schemaVersion !== 2) {
    throw new InvalidArtifactError(
      `index.json: schemaVersion must be 2, got ${JSON.stringify(schemaVersion)}`,
    );
  }
  if (mediaType !== undefined && mediaType !== MEDIA_TYPE_IMAGE_INDEX) {
    throw new InvalidArtifactError(
      `index.json: mediaType must be ${MEDIA_TYPE_IMAGE_INDEX}, got ${JSON.stringify(mediaType)}`,
    );
  }
  if (artifactType !== undefined && typeof artifactType !== "string") {
    throw new InvalidArtifactError("index.json.artifactType: must be a string");
  }
  if (!Array.isArray(manifests)) {
    throw new InvalidArtifactError("index.json.manifests: must be an array");
  }
  const index: { -readonly [K in keyof ImageIndex]: ImageIndex[K] } = {
    schemaVersion: 2,
    manifests: manifests.map((m, i) => parseDescriptor(m, `index.json.manifests[${i}]`)),
  };
  if (mediaType !== undefined) index.mediaType = mediaType;
  if (artifactType !== undefined) index.artifactType = artifactType;
  if (annotations !== undefined) {
    index.annotations = parseAnnotations(annotations, "index.json.annotations");
  }
  return index;
}

function sortedAnnotations(a: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(a).sort(compareCodePoints)) out[k] = a[k] as string;
  return out;
}

function structDescriptor(d: Descriptor): Record<string, unknown> {
  const out: Record<string, unknown> = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.annotations !== undefined) out.annotations = sortedAnnotations(d.annotations);
  if (d.artifactType !== undefined) out.artifactType = d.artifactType;
  return out;
}

/**
 * Encode an index in struct order (`schemaVersion`, `mediaType`,
 * `artifactType`, `manifests`, `annotations`; descriptors `mediaType`,
 * `digest`, `size`, `annotations`, `artifactType`), compact, annotation maps
 * sorted by code point. This is the byte form the reference writes.
 *
 * @example Reference bytes
 * ```ts
 * import { encodeImageIndex } from "./image_index.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeImageIndex({
 *   schemaVersion: 2,
 *   mediaType: "application/vnd.oci.image.index.v1+json",
 *   manifests: [],
 * });
 * assert.equal(
 *   new TextDecoder().decode(bytes),
 *   '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}',
 * );
 * ```
 *
 * @param index The index.
 * @returns Compact JSON bytes.
 */
export function encodeImageIndex(index: ImageIndex): Uint8Array {
  const out: Record<string, unknown> = { schemaVersion: index.schemaVersion };
  if (index.mediaType !== undefined) out.mediaType = index.mediaType;
  if (index.artifactType !== undefined) out.artifactType = index.artifactType;
  out.manifests = index.manifests.map(structDescriptor);
  if (index.annotations !== undefined) out.annotations = sortedAnnotations(index.annotations);
  return new TextEncoder().encode(JSON.stringify(out));
}
