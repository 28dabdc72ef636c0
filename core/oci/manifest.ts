/**
 * OCI image manifests: parse (keeping the raw bytes) and canonical encode.
 *
 * @module
 */
import { canonicalJsonBytes } from "./canonical_json.ts";
import { checkManifestBytes, type ImageManifest } from "./_manifest_parse.ts";

/**
 * The largest manifest read: 64 MiB. The OCI distribution specification
 * recommends that registries accept at least 4 MiB, but an Experiment's
 * manifest lists every payload layer (about 200 bytes each): the reference
 * SDK writes an 11.9 MB manifest for 20,000 runs and reads it back, so 4 MiB
 * would refuse real archives; 64 MiB holds about 300,000 layers. A descriptor
 * naming a bigger one is refused before a byte is read.
 *
 * @example
 * ```ts
 * import { MAX_MANIFEST_SIZE } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MAX_MANIFEST_SIZE, 64 * 1024 * 1024);
 * ```
 */
export const MAX_MANIFEST_SIZE: number = 64 << 20;

export type { ImageManifest } from "./_manifest_parse.ts";

/** A parsed manifest together with the exact bytes it was parsed from. */
export interface ParsedManifest {
  /** The parsed view. */
  readonly manifest: ImageManifest;
  /** The verbatim bytes (never re-serialise a manifest you did not write). */
  readonly bytes: Uint8Array;
}

/**
 * Parse and validate image manifest bytes. Any key order and whitespace is
 * accepted; unknown keys are ignored. The deprecated artifact manifest media
 * type and any other non-image-manifest `mediaType` are rejected.
 *
 * @example Parse
 * ```ts
 * import { parseManifest } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * const text = `{ "schemaVersion": 2, "layers": [],
 *   "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": 2,
 *     "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"} }`;
 * const { manifest, bytes } = parseManifest(new TextEncoder().encode(text));
 * assert.equal(manifest.config.size, 2);
 * assert.equal(bytes.length, text.length);
 * ```
 *
 * @param bytes The manifest bytes.
 * @returns The parsed manifest and the same bytes.
 * @throws {InvalidArtifactError} When the JSON is not a valid image manifest.
 */
export function parseManifest(bytes: Uint8Array): ParsedManifest {
  return { manifest: checkManifestBytes(bytes), bytes };
}

/**
 * Encode a manifest as canonical (sorted, compact) JSON bytes (see `docs/glossary.md#sorted-json`), exactly as
 * given: optional fields that are `undefined` are omitted, empty annotation
 * maps are kept. Only use for manifests you author.
 *
 * @example Sorted keys
 * ```ts
 * import { encodeManifest } from "./manifest.ts";
 * import { EMPTY_JSON_DESCRIPTOR } from "./descriptor.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeManifest({ schemaVersion: 2, config: EMPTY_JSON_DESCRIPTOR, layers: [] });
 * assert.ok(new TextDecoder().decode(bytes).startsWith('{"config":{"digest":'));
 * ```
 *
 * @param manifest The manifest.
 * @returns Canonical JSON bytes.
 */
export function encodeManifest(manifest: ImageManifest): Uint8Array {
  return canonicalJsonBytes(manifest);
}
