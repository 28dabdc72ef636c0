/**
 * The core of ommx-ts: the error hierarchy and the OCI layer (digests,
 * manifests, tar, storage backends).
 *
 * @example Canonical image references and typed errors
 * ```ts
 * import { canonicalizeReference, InvalidReferenceError } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canonicalizeReference("alpine"), "docker.io/library/alpine:latest");
 * assert.throws(() => canonicalizeReference("INVALID/IMAGE"), InvalidReferenceError);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./oci/mod.ts";
export * from "./oci/backends/mod.ts";
