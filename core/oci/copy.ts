/**
 * Copy an image (manifest, config and layers) between any two storage
 * targets: archive → registry, registry → layout directory, memory → anything.
 *
 * @module
 */
import type { Descriptor } from "./descriptor.ts";
import { parseManifest } from "./manifest.ts";
import type { ReadOnlyTarget, Target } from "./storage.ts";

/** Options of {@linkcode copyImage}. */
export interface CopyImageOptions {
  /** Which manifest to copy from `src` (default: its only one). */
  reference?: string;
  /** The manifest descriptor to copy, when already known (skips resolving `reference`). */
  manifest?: Descriptor;
  /** Called after each blob: blobs done, their bytes, and the totals. */
  onProgress?: (
    progress: { blobs: number; bytes: number; totalBlobs: number; totalBytes: number },
  ) => void;
}

/**
 * Copy one image from `src` to `dst` and point `tag` at it. Blobs go first
 * (each verified by the destination's `push` against its descriptor; blobs the
 * destination already has are skipped), then the manifest bytes verbatim, then
 * the tag, so a failure part-way never leaves a tag pointing at missing blobs.
 *
 * @example Copy between two in-memory targets
 * ```ts
 * import { copyImage } from "./mod.ts";
 * import { MemoryTarget } from "./backends/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const src = new MemoryTarget();
 * const empty = new TextEncoder().encode("{}");
 * const config = {
 *   mediaType: "application/vnd.oci.empty.v1+json",
 *   digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
 *   size: 2,
 * };
 * await src.push(config, empty);
 * const manifestBytes = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, config, layers: [] }));
 * const { createHash } = await import("node:crypto");
 * const manifest = {
 *   mediaType: "application/vnd.oci.image.manifest.v1+json",
 *   digest: `sha256:${createHash("sha256").update(manifestBytes).digest("hex")}`,
 *   size: manifestBytes.length,
 * };
 * await src.push(manifest, manifestBytes);
 * await src.tag(manifest, "v1");
 * const dst = new MemoryTarget();
 * const copied = await copyImage(src, dst, "v2", { reference: "v1" });
 * assert.equal((await dst.resolve("v2")).digest, copied.digest);
 * ```
 *
 * @param src Where the image is.
 * @param dst Where it goes.
 * @param tag The reference to point at it in `dst`.
 * @param options Source reference and progress callback.
 * @returns The manifest descriptor in `dst`.
 */
export async function copyImage(
  src: ReadOnlyTarget,
  dst: Target,
  tag: string,
  options: CopyImageOptions = {},
): Promise<Descriptor> {
  const root = options.manifest ?? await src.resolve(options.reference);
  const bytes = await src.fetch(root);
  const { manifest } = parseManifest(bytes);
  const seen = new Set<string>();
  const blobs = [manifest.config, ...manifest.layers].filter((d) =>
    !seen.has(d.digest) && seen.add(d.digest)
  );
  const totalBytes = blobs.reduce((n, d) => n + d.size, 0);
  let done = 0;
  let doneBytes = 0;
  for (const d of blobs) {
    if (!(await dst.exists(d))) await dst.push(d, src.fetchStream(d));
    done++;
    doneBytes += d.size;
    options.onProgress?.({ blobs: done, bytes: doneBytes, totalBlobs: blobs.length, totalBytes });
  }
  const plain: Descriptor = { mediaType: root.mediaType, digest: root.digest, size: root.size };
  await dst.push(plain, bytes);
  await dst.tag(plain, tag);
  return plain;
}
