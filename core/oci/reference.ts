/**
 * Image references (`host[:port]/repository[:tag][@digest]`): parsing and the
 * canonical form used by the reference OMMX SDK.
 *
 * @module
 */
import { InvalidReferenceError } from "../errors.ts";
import { isDigest } from "./digest.ts";

/** A canonical image reference. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `ghcr.io`, `localhost:5000`, `docker.io`. */
  readonly registry: string;
  /** Repository path, lowercase, e.g. `jij-inc/ommx/demo`. */
  readonly repository: string;
  /** Tag; `latest` when neither tag nor digest was given. */
  readonly tag?: string;
  /** `sha256:` digest, for digest references. */
  readonly digest?: string;
}

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_RE = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

/**
 * Parse an image reference and canonicalise it: Docker Hub default host
 * (`docker.io`, with `index.docker.io` and a leading `registry-1.docker.io/`
 * folded into it), `library/` for single-segment Docker Hub names, and tag
 * `latest` when neither tag nor digest is given.
 *
 * @example Canonicalise
 * ```ts
 * import { parseReference } from "./reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseReference("alpine"), {
 *   registry: "docker.io",
 *   repository: "library/alpine",
 *   tag: "latest",
 * });
 * ```
 *
 * @param text The reference text.
 * @returns The canonical reference.
 * @throws {InvalidReferenceError} When the text is not a valid reference.
 */
export function parseReference(text: string): ImageReference {
  if (typeof text !== "string" || text.length === 0) {
    throw new InvalidReferenceError(String(text), "empty reference");
  }
  let rest = text;
  if (rest.startsWith("registry-1.docker.io/")) rest = "docker.io/" + rest.slice(21);

  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) {
      throw new InvalidReferenceError(text, "digest must be sha256:<64 lowercase hex>");
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw new InvalidReferenceError(text, `invalid tag ${JSON.stringify(tag)}`);
    }
  }
  if (rest.length === 0) throw new InvalidReferenceError(text, "missing repository");
  if (rest.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(text, `name longer than ${MAX_NAME_LENGTH} characters`);
  }

  let registry = "docker.io";
  let repository = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      repository = rest.slice(slash + 1);
      if (!DOMAIN_RE.test(registry)) {
        throw new InvalidReferenceError(text, `invalid registry host ${JSON.stringify(registry)}`);
      }
    }
  }
  if (registry === "index.docker.io") registry = "docker.io";
  if (repository.length === 0) throw new InvalidReferenceError(text, "missing repository");
  for (const component of repository.split("/")) {
    if (!PATH_COMPONENT_RE.test(component)) {
      throw new InvalidReferenceError(
        text,
        /[A-Z]/.test(component)
          ? "repository must be lowercase"
          : `invalid repository path component ${JSON.stringify(component)}`,
      );
    }
  }
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  if (tag === undefined && digest === undefined) tag = "latest";

  const out: { registry: string; repository: string; tag?: string; digest?: string } = {
    registry,
    repository,
  };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/**
 * The display form: `host/repository:tag`, `host/repository@digest`, or
 * `host/repository:tag@digest` when both are present.
 *
 * @example Display
 * ```ts
 * import { formatReference, parseReference } from "./reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatReference(parseReference("jij-inc/ommx")), "docker.io/jij-inc/ommx:latest");
 * ```
 *
 * @param ref A reference.
 * @returns Its display string.
 */
export function formatReference(ref: ImageReference): string {
  let s = `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/**
 * Parse and re-format: the canonical display string of a reference.
 *
 * @example Legacy host
 * ```ts
 * import { canonicalizeReference } from "./reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canonicalizeReference("registry-1.docker.io/alpine:3"), "docker.io/library/alpine:3");
 * ```
 *
 * @param text The reference text.
 * @returns The canonical display string.
 * @throws {InvalidReferenceError} When invalid.
 */
export function canonicalizeReference(text: string): string {
  return formatReference(parseReference(text));
}

/**
 * The repository key `host[:port]/repository`.
 *
 * @example Key
 * ```ts
 * import { parseReference, repositoryKey } from "./reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(repositoryKey(parseReference("ghcr.io/a/b:v1")), "ghcr.io/a/b");
 * ```
 *
 * @param ref A reference.
 * @returns The repository key.
 */
export function repositoryKey(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * The "reference" part: the digest if present, else the tag, else `latest`.
 *
 * @example Digest wins
 * ```ts
 * import { parseReference, referenceKey } from "./reference.ts";
 * import assert from "node:assert/strict";
 *
 * const d = "sha256:" + "1".repeat(64);
 * assert.equal(referenceKey(parseReference(`ghcr.io/a/b:v1@${d}`)), d);
 * ```
 *
 * @param ref A reference.
 * @returns The digest, tag or `latest`.
 */
export function referenceKey(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? "latest";
}
