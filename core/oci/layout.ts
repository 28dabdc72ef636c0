/**
 * The OCI image layout header file `oci-layout`.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import { parseDigest } from "./digest.ts";
import { isObject, parseJsonBytes } from "./_json.ts";

/**
 * The only supported layout version.
 *
 * @example Compare
 * ```ts
 * import { OCI_LAYOUT_VERSION } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(OCI_LAYOUT_VERSION, "1.0.0");
 * ```
 */
export const OCI_LAYOUT_VERSION = "1.0.0";

/**
 * File name of the layout header.
 *
 * @example Compare
 * ```ts
 * import { OCI_LAYOUT_FILE } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(OCI_LAYOUT_FILE, "oci-layout");
 * ```
 */
export const OCI_LAYOUT_FILE = "oci-layout";

/**
 * File name of the layout's index.
 *
 * @example Compare
 * ```ts
 * import { OCI_INDEX_FILE } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(OCI_INDEX_FILE, "index.json");
 * ```
 */
export const OCI_INDEX_FILE = "index.json";

/** The parsed `oci-layout` document. */
export interface OciLayout {
  /** Always `1.0.0` once validated. */
  readonly imageLayoutVersion: string;
}

/**
 * Parse and validate `oci-layout` bytes; only version `1.0.0` is accepted.
 *
 * @example Parse
 * ```ts
 * import { parseOciLayout } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * const l = parseOciLayout(new TextEncoder().encode('{ "imageLayoutVersion": "1.0.0" }'));
 * assert.equal(l.imageLayoutVersion, "1.0.0");
 * ```
 *
 * @param bytes The file content.
 * @returns The layout header.
 * @throws {InvalidArtifactError} When malformed or of another version.
 */
export function parseOciLayout(bytes: Uint8Array): OciLayout {
  const json = parseJsonBytes(bytes, OCI_LAYOUT_FILE);
  if (!isObject(json)) throw new InvalidArtifactError("oci-layout: must be a JSON object");
  if (json.imageLayoutVersion !== OCI_LAYOUT_VERSION) {
    throw new InvalidArtifactError(
      `oci-layout: unsupported imageLayoutVersion ${
        JSON.stringify(json.imageLayoutVersion)
      } (need "${OCI_LAYOUT_VERSION}")`,
    );
  }
  return { imageLayoutVersion: OCI_LAYOUT_VERSION };
}

/**
 * The exact 30 bytes `{"imageLayoutVersion":"1.0.0"}` (no trailing newline).
 *
 * @example Length
 * ```ts
 * import { encodeOciLayout } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(encodeOciLayout().length, 30);
 * ```
 *
 * @returns Fresh bytes.
 */
export function encodeOciLayout(): Uint8Array {
  return new TextEncoder().encode(`{"imageLayoutVersion":"${OCI_LAYOUT_VERSION}"}`);
}

/**
 * The layout-relative path of a blob: `blobs/sha256/<hex>`.
 *
 * @example Path
 * ```ts
 * import { blobPath } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(blobPath("sha256:" + "0".repeat(64)), "blobs/sha256/" + "0".repeat(64));
 * ```
 *
 * @param digest A valid digest.
 * @returns The relative path.
 * @throws {InvalidDigestError} When the digest is invalid.
 */
export function blobPath(digest: string): string {
  return `blobs/sha256/${parseDigest(digest).hex}`;
}

/**
 * The digest named by a layout-relative blob path, or `undefined` when the
 * path is not exactly `blobs/sha256/<64 lowercase hex>`.
 *
 * @example Round trip
 * ```ts
 * import { digestFromBlobPath } from "./layout.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(digestFromBlobPath("blobs/sha256/" + "a".repeat(64)), "sha256:" + "a".repeat(64));
 * assert.equal(digestFromBlobPath("../blobs/sha256/" + "a".repeat(64)), undefined);
 * ```
 *
 * @param path A path relative to the layout root.
 * @returns The digest, or `undefined`.
 */
export function digestFromBlobPath(path: string): string | undefined {
  const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path);
  return m ? `sha256:${m[1]}` : undefined;
}
