/**
 * Synthesised local image names (see `docs/glossary.md#anonymous-and-checkpoint-names`): anonymous Experiment names and
 * checkpoint names, in the reference SDK's shapes.
 *
 * The reference takes `<id8>` from its Local Registry's UUID. ommx-ts has no
 * Local Registry, so `<id8>` is random per process unless the caller passes
 * one ({@linkcode processRegistryId}); the shape is what readers recognise.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import { randomHex } from "../../_hex.ts";
import { sha256Hex } from "../../oci/digest.ts";
import { anonymousLocalName } from "../../oci/backends/_local_registry_names.ts";

const ID8_RE = /^[0-9a-f]{8}$/;

let processId: string | undefined;

/**
 * The `<id8>` used for names synthesised by this process (random, fixed for
 * the process lifetime).
 *
 * @returns 8 lowercase hex characters.
 *
 * @example
 * ```ts
 * import { processRegistryId } from "./_anonymous_name.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(processRegistryId(), /^[0-9a-f]{8}$/);
 * assert.equal(processRegistryId(), processRegistryId());
 * ```
 */
export function processRegistryId(): string {
  processId ??= randomHex(4);
  return processId;
}

function checkId8(id: string): string {
  if (!ID8_RE.test(id)) {
    throw new InvalidArgumentError(
      `registryId must be 8 lowercase hex characters, got ${JSON.stringify(id)}`,
    );
  }
  return id;
}

/** Inputs of {@linkcode anonymousExperimentName}; everything defaults to "now/random". */
export interface AnonymousNameOptions {
  /** `<id8>`; default {@linkcode processRegistryId}. */
  registryId?: string;
  /** The timestamp (formatted in local time, as the reference); default now. */
  now?: Date;
  /** 12 lowercase hex characters; default random. */
  nonce?: string;
}

/**
 * An anonymous Experiment name `<id8>.ommx.local/experiment:<YYYYMMDDTHHMMSS>-<nonce12>`.
 *
 * @param options Registry id, time and nonce.
 * @returns The name.
 *
 * @example
 * ```ts
 * import { anonymousExperimentName } from "./_anonymous_name.ts";
 * import assert from "node:assert/strict";
 *
 * const name = anonymousExperimentName({
 *   registryId: "0123abcd", now: new Date(2026, 0, 2, 3, 4, 5), nonce: "00112233aabb",
 * });
 * assert.equal(name, "0123abcd.ommx.local/experiment:20260102T030405-00112233aabb");
 * ```
 */
export function anonymousExperimentName(options: AnonymousNameOptions = {}): string {
  return anonymousLocalName(
    checkId8(options.registryId ?? processRegistryId()),
    "experiment",
    options.now,
    options.nonce,
  );
}

/**
 * The checkpoint name `<id8>.ommx.local/checkpoint:<sha256 hex of the requested name>`.
 *
 * @param requestedImageName The canonical display form of the requested name.
 * @param registryId `<id8>`; default {@linkcode processRegistryId}.
 * @returns The checkpoint name.
 *
 * @example
 * ```ts
 * import { checkpointName } from "./_anonymous_name.ts";
 * import assert from "node:assert/strict";
 *
 * const name = await checkpointName("ghcr.io/a/b:v1", "0123abcd");
 * assert.match(name, /^0123abcd\.ommx\.local\/checkpoint:[0-9a-f]{64}$/);
 * ```
 */
export async function checkpointName(
  requestedImageName: string,
  registryId?: string,
): Promise<string> {
  const id = checkId8(registryId ?? processRegistryId());
  const hex = await sha256Hex(new TextEncoder().encode(requestedImageName));
  return `${id}.ommx.local/checkpoint:${hex}`;
}
