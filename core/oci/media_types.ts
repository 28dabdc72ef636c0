/**
 * OCI media types (image-spec v1.1). OMMX-specific media types live with the
 * OMMX model, not here.
 *
 * @module
 */

/**
 * OCI image manifest.
 *
 * @example Compare
 * ```ts
 * import { MEDIA_TYPE_IMAGE_MANIFEST } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MEDIA_TYPE_IMAGE_MANIFEST, "application/vnd.oci.image.manifest.v1+json");
 * ```
 */
export const MEDIA_TYPE_IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/**
 * OCI image index (`index.json`).
 *
 * @example Compare
 * ```ts
 * import { MEDIA_TYPE_IMAGE_INDEX } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(MEDIA_TYPE_IMAGE_INDEX.endsWith("index.v1+json"));
 * ```
 */
export const MEDIA_TYPE_IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";

/**
 * The OCI empty descriptor's media type (content `{}`).
 *
 * @example Compare
 * ```ts
 * import { MEDIA_TYPE_EMPTY_JSON } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MEDIA_TYPE_EMPTY_JSON, "application/vnd.oci.empty.v1+json");
 * ```
 */
export const MEDIA_TYPE_EMPTY_JSON = "application/vnd.oci.empty.v1+json";

/**
 * The OCI layout header (`oci-layout` file).
 *
 * @example Compare
 * ```ts
 * import { MEDIA_TYPE_LAYOUT_HEADER } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(MEDIA_TYPE_LAYOUT_HEADER.includes("layout.header"));
 * ```
 */
export const MEDIA_TYPE_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

/**
 * The deprecated OCI artifact manifest (image-spec 1.1 RC); readers reject it.
 *
 * @example Compare
 * ```ts
 * import { MEDIA_TYPE_ARTIFACT_MANIFEST } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(MEDIA_TYPE_ARTIFACT_MANIFEST.includes("artifact.manifest"));
 * ```
 */
export const MEDIA_TYPE_ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";

/**
 * The annotation key naming the image reference of an index entry.
 *
 * @example Compare
 * ```ts
 * import { ANNOTATION_REF_NAME } from "./media_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ANNOTATION_REF_NAME, "org.opencontainers.image.ref.name");
 * ```
 */
export const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
