/**
 * The warning a Local Registry listing reports for a ref it skipped or read
 * around ({@linkcode RegistryListWarning}), and its text as the SDK words it.
 * Shared by the catalogue (`catalogue.ts`, `_catalogue_impl.ts`) and the
 * checkpoint listing (`checkpoints.ts`); a module of its own so that the
 * catalogue's pass can load on first use.
 *
 * @module
 */

/** The listing stage a {@linkcode RegistryListWarning} comes from (the SDK's stage names). */
export type RegistryListWarningStage =
  | "manifest backfill"
  | "manifest cache repair"
  | "experiment config backfill"
  | "experiment config cache repair"
  | "checkpoint projection";

/** One ref a listing skipped or read around (the SDK emits these as `RuntimeWarning`). */
export interface RegistryListWarning {
  /** The ref's image name as stored (even when it does not parse). */
  readonly imageName: string;
  /** The ref's manifest digest as stored. */
  readonly manifestDigest: string;
  /** Where it happened. */
  readonly stage: RegistryListWarningStage;
  /** What was wrong, and whether the record was read from the blobs instead. */
  readonly message: string;
  /**
   * The error code of what was wrong (`INVALID_ARTIFACT`, `BLOB_NOT_FOUND`,
   * `DIGEST_MISMATCH`, …; an ommx-ts addition, the SDK's warning is text).
   */
  readonly code: string;
}

/**
 * The warning's text, as the SDK words it, with control characters escaped.
 *
 * @param w The warning.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { formatRegistryListWarning } from "./_registry_list_warning.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatRegistryListWarning({
 *     imageName: "a\u001b:v1", manifestDigest: "sha256:00", stage: "manifest backfill", message: "gone",
 *     code: "BLOB_NOT_FOUND",
 *   }),
 *   "Local Registry listing issue for a\\x1b:v1 (sha256:00) during manifest backfill: gone",
 * );
 * ```
 */
export function formatRegistryListWarning(w: RegistryListWarning): string {
  const text =
    `Local Registry listing issue for ${w.imageName} (${w.manifestDigest}) during ${w.stage}: ${w.message}`;
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
