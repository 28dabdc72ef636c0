/**
 * Test helper kept for existing tests: `copyImage` with the old argument order.
 *
 * @module
 */
import type { Descriptor } from "../core/oci/descriptor.ts";
import type { ReadOnlyTarget, Target } from "../core/oci/storage.ts";
import { copyImage } from "../core/oci/copy.ts";

/** Copy `reference` (default: the source's only manifest) to `dst` under `tag`. */
export function copyManifest(
  src: ReadOnlyTarget,
  dst: Target,
  tag: string,
  reference?: string,
): Promise<Descriptor> {
  return copyImage(src, dst, tag, reference === undefined ? {} : { reference });
}
