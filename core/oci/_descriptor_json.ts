/**
 * Internal: validation of descriptors and annotation maps read from JSON,
 * shared by `parseDescriptor` / `parseAnnotations` (`descriptor.ts`) and the
 * manifest and index parsers. Two savings for the thousands of layers of a
 * large manifest, with the same checks and messages: the location in a
 * message (`manifest.layers[12]`) is built only when a check fails, and an
 * annotation map the caller parsed itself (and so owns) is kept instead of
 * copied.
 *
 * @module
 */
import { InvalidArtifactError } from "../errors.ts";
import { isDigest } from "./digest.ts";
import { isObject } from "./_json.ts";
import type { StringPool } from "../_string_pool.ts";
import type { IndexedLayerDigest } from "./_indexed_digests.ts";

/** What `checkDescriptor` returns (the `Descriptor` of `descriptor.ts`, which imports this file). */
interface CheckedDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly artifactType?: string;
}

/** `where`, or `where[index]` when an index is given. */
function at(where: string, index: number | undefined): string {
  return index === undefined ? where : `${where}[${index}]`;
}

/**
 * Validate an annotations map (an object of strings).
 *
 * @param value The `annotations` JSON value.
 * @param where Where it was found, for messages (with `index` and `suffix`: `where[index]suffix`).
 * @param index An index after `where`, or `undefined`.
 * @param suffix Text after the index (`.annotations`).
 * @param owned Whether `value` is the caller's own fresh JSON (then it is returned as is).
 * @returns A string map: `value` itself when owned, else a fresh copy.
 * @throws {InvalidArtifactError} When not an object of strings.
 */
export function checkAnnotations(
  value: unknown,
  where: string,
  index: number | undefined,
  suffix: string,
  owned: boolean,
): Record<string, string> {
  if (!isObject(value)) {
    throw new InvalidArtifactError(`${at(where, index)}${suffix}: must be an object`);
  }
  // A plain JSON object without an own "__proto__" key (which a copy treats the way the
  // runtime treats assigning `__proto__`) is kept; anything else is copied.
  if (
    owned && Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, "__proto__")
  ) {
    for (const k in value) {
      if (typeof value[k] !== "string") {
        throw new InvalidArtifactError(
          `${at(where, index)}${suffix}[${JSON.stringify(k)}]: must be a string`,
        );
      }
    }
    return value as Record<string, string>;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new InvalidArtifactError(
        `${at(where, index)}${suffix}[${JSON.stringify(k)}]: must be a string`,
      );
    }
    out[k] = v;
  }
  return out;
}

/**
 * Validate a descriptor (see `parseDescriptor`).
 *
 * @param value The JSON value.
 * @param where Where it was found (`manifest.layers`), for messages.
 * @param index Its index in `where`, or `undefined` when `where` names it alone.
 * @param owned Whether `value` is the caller's own fresh JSON (its annotations are then kept).
 * @param pool Where the media type is shared with the other descriptors of one parse, if given.
 * @param indexed With `index`: the target's check that the digest is one it indexed (then
 * well-formed, not checked again here); a digest it does not know is checked as without it.
 * @returns A fresh descriptor object.
 * @throws {InvalidArtifactError} When a field is missing or malformed.
 */
export function checkDescriptor(
  value: unknown,
  where: string,
  index: number | undefined,
  owned: boolean,
  pool?: StringPool,
  indexed?: IndexedLayerDigest,
): CheckedDescriptor {
  if (!isObject(value)) {
    throw new InvalidArtifactError(`${at(where, index)}: must be an object`);
  }
  const { mediaType, digest, size, annotations, artifactType } = value;
  if (typeof mediaType !== "string") {
    throw new InvalidArtifactError(`${at(where, index)}.mediaType: must be a string`);
  }
  if (
    !((indexed !== undefined && index !== undefined && indexed(digest, index)) || isDigest(digest))
  ) {
    throw new InvalidArtifactError(
      `${at(where, index)}.digest: invalid digest ${
        JSON.stringify(digest)
      } (need sha256:<64 lowercase hex>)`,
    );
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidArtifactError(`${at(where, index)}.size: must be a non-negative safe integer`);
  }
  const type = pool === undefined ? mediaType : pool.intern(mediaType);
  // One object literal a shape, so common annotations sit in-object (no property array).
  const out: {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
    artifactType?: string;
  } = annotations === undefined ? { mediaType: type, digest, size } : {
    mediaType: type,
    digest,
    size,
    annotations: checkAnnotations(annotations, where, index, ".annotations", owned),
  };
  if (artifactType !== undefined) {
    if (typeof artifactType !== "string") {
      throw new InvalidArtifactError(`${at(where, index)}.artifactType: must be a string`);
    }
    out.artifactType = artifactType;
  }
  return out;
}
