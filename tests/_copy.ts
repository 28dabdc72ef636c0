/**
 * Test helper: copy one manifest and every blob it references (config and
 * layers, deduplicated) from any read-only target into any target, blobs
 * first, then the manifest, then the tag.
 *
 * @module
 */
import type { Descriptor } from "../core/oci/descriptor.ts";
import { parseManifest } from "../core/oci/manifest.ts";
import type { ReadOnlyTarget, Target } from "../core/oci/storage.ts";

/** Copy `reference` (default: the source's only manifest) to `dst` under `tag`; returns the manifest descriptor. */
export async function copyManifest(
  src: ReadOnlyTarget,
  dst: Target,
  tag: string,
  reference?: string,
): Promise<Descriptor> {
  const root = await src.resolve(reference);
  const bytes = await src.fetch(root);
  const { manifest } = parseManifest(bytes);
  const seen = new Set<string>();
  for (const d of [manifest.config, ...manifest.layers]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    await dst.push(d, src.fetchStream(d));
  }
  const plain = { mediaType: root.mediaType, digest: root.digest, size: root.size };
  await dst.push(plain, bytes);
  await dst.tag(plain, tag);
  return plain;
}
