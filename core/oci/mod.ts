/**
 * OCI building blocks for OMMX artifacts, with nothing OMMX-specific in them:
 * SHA-256 digests and verifying readers, descriptors, image manifests and
 * indexes (parse + canonical encode), the image-layout header, image
 * references, a header-only tar index and a byte-exact ustar writer, the
 * small storage interfaces ({@linkcode Fetcher}, {@linkcode Pusher},
 * {@linkcode ReadOnlyTarget}, {@linkcode Target}, …) and {@linkcode copyImage}
 * between any two of them. The storage backends implementing them live in
 * `./backends/mod.ts`.
 *
 * @example Write an archive in memory and read a blob back through the backend
 * ```ts
 * import {
 *   buildTar,
 *   digestOf,
 *   encodeImageIndex,
 *   encodeManifest,
 *   encodeOciLayout,
 *   EMPTY_JSON_DESCRIPTOR,
 *   MEDIA_TYPE_IMAGE_MANIFEST,
 * } from "./mod.ts";
 * import { openArchive } from "./backends/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const layer = new TextEncoder().encode("hello");
 * const layerDesc = { mediaType: "text/plain", digest: await digestOf(layer), size: 5 };
 * const manifest = encodeManifest({
 *   schemaVersion: 2,
 *   artifactType: "application/x.example",
 *   config: EMPTY_JSON_DESCRIPTOR,
 *   layers: [layerDesc],
 * });
 * const manifestDesc = {
 *   mediaType: MEDIA_TYPE_IMAGE_MANIFEST,
 *   digest: await digestOf(manifest),
 *   size: manifest.length,
 * };
 * const index = encodeImageIndex({ schemaVersion: 2, manifests: [manifestDesc] });
 * const blob = (d: { digest: string }, body: Uint8Array) => ({
 *   name: `blobs/sha256/${d.digest.slice(7)}`,
 *   size: body.length,
 *   body,
 * });
 * const tar = await buildTar([
 *   { name: "oci-layout", size: 30, body: encodeOciLayout() },
 *   blob(manifestDesc, manifest),
 *   blob(EMPTY_JSON_DESCRIPTOR, new TextEncoder().encode("{}")),
 *   blob(layerDesc, layer),
 *   { name: "index.json", size: index.length, body: index },
 * ]);
 *
 * const archive = await openArchive(tar);
 * assert.equal((await archive.resolve()).digest, manifestDesc.digest);
 * assert.equal(new TextDecoder().decode(await archive.fetch(layerDesc)), "hello");
 * ```
 *
 * @module
 */
export * from "./digest.ts";
export * from "./media_types.ts";
export * from "./descriptor.ts";
export * from "./canonical_json.ts";
export * from "./manifest.ts";
export * from "./image_index.ts";
export * from "./layout.ts";
export * from "./reference.ts";
export * from "./random_access.ts";
export * from "./random_access_file.ts";
export * from "./random_access_http.ts";
export * from "./network.ts";
export * from "./storage.ts";
export * from "./tar/reader.ts";
export * from "./tar/writer.ts";
export * from "./copy.ts";
