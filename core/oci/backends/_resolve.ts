// Private: resolving a reference against an image index, shared by backends.
import { BlobNotFoundError, InvalidArtifactError } from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import type { ImageIndex } from "../image_index.ts";
import {
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_ARTIFACT_MANIFEST,
  MEDIA_TYPE_IMAGE_MANIFEST,
} from "../media_types.ts";
import { canonicalizeReference, parseReference } from "../reference.ts";

function checkManifestType(d: Descriptor, where: string): void {
  if (d.mediaType === MEDIA_TYPE_ARTIFACT_MANIFEST) {
    throw new InvalidArtifactError(
      `${where}: manifest ${d.digest} uses the deprecated OCI artifact manifest media type`,
    );
  }
  if (d.mediaType !== MEDIA_TYPE_IMAGE_MANIFEST) {
    throw new InvalidArtifactError(
      `${where}: manifest ${d.digest} has media type '${d.mediaType}', expected '${MEDIA_TYPE_IMAGE_MANIFEST}'`,
    );
  }
}

function canonicalOrSelf(text: string): string {
  try {
    return canonicalizeReference(text);
  } catch {
    return text;
  }
}

/** Whether an index entry's ref annotation names `reference` (exact, canonical, or tag). */
export function refMatches(d: Descriptor, reference: string): boolean {
  const name = d.annotations?.[ANNOTATION_REF_NAME];
  if (name === undefined) return false;
  if (name === reference) return true;
  if (canonicalOrSelf(name) === canonicalOrSelf(reference)) return true;
  // Plain OCI layouts store only the tag in the ref annotation.
  try {
    const parsed = parseReference(reference);
    return parsed.tag !== undefined && name === parsed.tag && !reference.includes("/");
  } catch {
    return false;
  }
}

/**
 * Resolve against an index: no reference → exactly one image manifest required;
 * with a reference → the single entry whose ref annotation matches it.
 */
export function resolveInIndex(
  index: ImageIndex,
  reference: string | undefined,
  location: string,
): Descriptor {
  const where = `${location} index.json`;
  if (reference === undefined) {
    const n = index.manifests.length;
    if (n !== 1) {
      throw new InvalidArtifactError(
        n === 0
          ? `${where}: contains no manifest (exactly one required)`
          : `${where}: must contain exactly one manifest, found ${n} manifests`,
      );
    }
    const d = index.manifests[0] as Descriptor;
    checkManifestType(d, where);
    return d;
  }
  const matches = index.manifests.filter((d) => refMatches(d, reference));
  if (matches.length === 0) throw new BlobNotFoundError(reference, location);
  const last = matches[matches.length - 1] as Descriptor;
  checkManifestType(last, where);
  return last;
}
