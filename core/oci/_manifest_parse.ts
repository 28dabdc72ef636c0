/**
 * Internal: the image manifest reader behind `parseManifest` (`manifest.ts`,
 * which imports this file), with one option the public function does not
 * take: a target's check of layer digests against its own blob index
 * (`_indexed_digests.ts`), used by the Experiment open. Every check, its
 * order, code and message are those of `parseManifest`.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import type { Descriptor } from "./descriptor.ts";
import { checkAnnotations, checkDescriptor } from "./_descriptor_json.ts";
import type { IndexedLayerDigest } from "./_indexed_digests.ts";
import { StringPool } from "../_string_pool.ts";
import { MEDIA_TYPE_ARTIFACT_MANIFEST, MEDIA_TYPE_IMAGE_MANIFEST } from "./media_types.ts";
import { isObject, parseJsonBytes } from "./_json.ts";

/** An OCI image manifest (schema version 2). */
export interface ImageManifest {
  /** Always `2`. */
  readonly schemaVersion: 2;
  /** Optional; when present it is the image manifest media type. */
  readonly mediaType?: string;
  /** The artifact type (OMMX artifacts always set it). */
  readonly artifactType?: string;
  /** The config descriptor. */
  readonly config: Descriptor;
  /** Ordered layer descriptors. */
  readonly layers: readonly Descriptor[];
  /** The manifest this one refers to. */
  readonly subject?: Descriptor;
  /** Manifest annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The checked layers, their media types shared through one pool (a few types, thousands of layers). */
function layersOf(
  layers: readonly unknown[],
  indexed: IndexedLayerDigest | undefined,
): Descriptor[] {
  const pool = new StringPool();
  return layers.map((l, i) => checkDescriptor(l, "manifest.layers", i, true, pool, indexed));
}

/**
 * Parse and validate image manifest bytes (see `parseManifest`).
 *
 * @param bytes The manifest bytes.
 * @param indexed The target's check of layer digests, if it has one: a layer digest it
 * indexed is not checked again; any other is checked as without it.
 * @returns The parsed manifest.
 * @throws {InvalidArtifactError} When the JSON is not a valid image manifest.
 */
export function checkManifestBytes(
  bytes: Uint8Array,
  indexed?: IndexedLayerDigest,
): ImageManifest {
  const json = parseJsonBytes(bytes, "manifest");
  if (!isObject(json)) throw new InvalidArtifactError("manifest: must be a JSON object");
  const { schemaVersion, mediaType, artifactType, config, layers, subject, annotations } = json;
  if (schemaVersion !== 2) {
    throw new InvalidArtifactError(
      `manifest: schemaVersion must be 2, got ${JSON.stringify(schemaVersion)}`,
    );
  }
  if (mediaType !== undefined) {
    if (mediaType === MEDIA_TYPE_ARTIFACT_MANIFEST) {
      throw new InvalidArtifactError(
        `manifest: the deprecated OCI artifact manifest (${MEDIA_TYPE_ARTIFACT_MANIFEST}) is not supported`,
      );
    }
    if (mediaType !== MEDIA_TYPE_IMAGE_MANIFEST) {
      throw new InvalidArtifactError(
        `manifest: mediaType must be ${MEDIA_TYPE_IMAGE_MANIFEST}, got ${
          JSON.stringify(mediaType)
        }`,
      );
    }
  }
  if (artifactType !== undefined && typeof artifactType !== "string") {
    throw new InvalidArtifactError("manifest.artifactType: must be a string");
  }
  if (config === undefined) throw new InvalidArtifactError("manifest: missing config");
  if (!Array.isArray(layers)) throw new InvalidArtifactError("manifest.layers: must be an array");
  const manifest: {
    -readonly [K in keyof ImageManifest]: ImageManifest[K];
  } = {
    schemaVersion: 2,
    config: checkDescriptor(config, "manifest.config", undefined, true),
    layers: layersOf(layers, indexed),
  };
  if (mediaType !== undefined) manifest.mediaType = mediaType as string;
  if (artifactType !== undefined) manifest.artifactType = artifactType;
  if (subject !== undefined) {
    manifest.subject = checkDescriptor(subject, "manifest.subject", undefined, true);
  }
  if (annotations !== undefined) {
    manifest.annotations = checkAnnotations(
      annotations,
      "manifest.annotations",
      undefined,
      "",
      true,
    );
  }
  return manifest;
}
