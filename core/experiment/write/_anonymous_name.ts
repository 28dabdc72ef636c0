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
import { sha256Hex } from "../../oci/digest.ts";

const ID8_RE = /^[0-9a-f]{8}$/;
const NONCE_RE = /^[0-9a-f]{12}$/;

function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

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

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
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
  return anonymousLocalName(options.registryId ?? processRegistryId(), "experiment", options);
}

/**
 * A synthesised local name `<id8>.ommx.local/<repository>:<YYYYMMDDTHHMMSS>-<nonce12>`
 * (`experiment` for anonymous Experiments, `anonymous` for unnamed imported
 * artifacts, as the reference).
 *
 * @param registryId The registry id (its first 8 hex digits are used).
 * @param repository The local repository.
 * @param options Time and nonce.
 * @returns The name.
 */
export function anonymousLocalName(
  registryId: string,
  repository: "experiment" | "anonymous",
  options: Omit<AnonymousNameOptions, "registryId"> = {},
): string {
  const id = checkId8(registryId.slice(0, 8));
  const t = options.now ?? new Date();
  if (Number.isNaN(t.getTime())) throw new InvalidArgumentError("anonymous name: invalid date");
  const nonce = options.nonce ?? randomHex(6);
  if (!NONCE_RE.test(nonce)) {
    throw new InvalidArgumentError(
      `nonce must be 12 lowercase hex characters, got ${JSON.stringify(nonce)}`,
    );
  }
  const stamp = `${pad(t.getFullYear(), 4)}${pad(t.getMonth() + 1)}${pad(t.getDate())}T${
    pad(t.getHours())
  }${pad(t.getMinutes())}${pad(t.getSeconds())}`;
  return `${id}.ommx.local/${repository}:${stamp}-${nonce}`;
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
