// Private: the shapes of the names the OMMX SDK synthesises inside its Local
// Registry (docs/glossary.md#anonymous-and-checkpoint-names) as the registry's
// clean-up recognises them, the registry id they derive from, and the
// duration and timestamp text the maintenance functions accept.
//
// Reproduced from ommx 3.0.0b7 (rust/ommx/src/artifact/manifest.rs,
// registry/gc.rs): a repository `<8 lowercase hex>.ommx.local/anonymous`
// (`…/experiment` for anonymous Experiments) with a tag
// `YYYYMMDDTHHMMSS-<12 lowercase hex>`; durations `<digits>[s|m|h|d]`.
import { InvalidArgumentError } from "../../errors.ts";
import { randomHex } from "../../_hex.ts";

const HEX8 = /^[0-9a-f]{8}$/;
const ANONYMOUS_TAG = /^[0-9]{8}T[0-9]{6}-[0-9a-f]{12}$/;

function isLocalRepository(name: string, suffix: string): boolean {
  if (!name.endsWith(suffix)) return false;
  return HEX8.test(name.slice(0, name.length - suffix.length));
}

/** `<id8>.ommx.local/anonymous` (an anonymous Artifact's repository). */
export function isAnonymousArtifactRepository(name: string): boolean {
  return isLocalRepository(name, ".ommx.local/anonymous");
}

/** `<id8>.ommx.local/experiment` (an anonymous Experiment's repository). */
export function isAnonymousExperimentRepository(name: string): boolean {
  return isLocalRepository(name, ".ommx.local/experiment");
}

/** `YYYYMMDDTHHMMSS-<nonce12>`. */
export function isAnonymousTag(tag: string): boolean {
  return ANONYMOUS_TAG.test(tag);
}

/** The `<id8>.ommx.local/<repository>` key of a registry id (its first 8 hex characters). */
export function localRepositoryKey(registryId: string, repository: string): string {
  const id8 = registryId.slice(0, 8);
  if (!HEX8.test(id8)) {
    throw new InvalidArgumentError(
      `registry id must start with 8 lowercase hex characters, got ${JSON.stringify(registryId)}`,
    );
  }
  return `${id8}.ommx.local/${repository}`;
}

/** A new registry id as the SDK writes it: a UUID v4 as 32 lowercase hex characters. */
export function newRegistryId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * `<id8>.ommx.local/<repository>:<local YYYYMMDDTHHMMSS>-<nonce12>`, the name
 * the SDK gives an anonymous Artifact (`repository = "anonymous"`) or an
 * anonymous Experiment (`experiment`).
 */
export function anonymousLocalName(
  registryId: string,
  repository: string,
  now: Date = new Date(),
  nonce: string = randomHex(6),
): string {
  if (!/^[0-9a-f]{12}$/.test(nonce)) {
    throw new InvalidArgumentError(
      `nonce must be 12 lowercase hex characters, got ${JSON.stringify(nonce)}`,
    );
  }
  if (Number.isNaN(now.getTime())) throw new InvalidArgumentError("anonymous name: invalid date");
  const stamp = `${pad(now.getFullYear(), 4)}${pad(now.getMonth() + 1)}${pad(now.getDate())}T${
    pad(now.getHours())
  }${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${localRepositoryKey(registryId, repository)}:${stamp}-${nonce}`;
}

/**
 * Parse a duration as the SDK's `gc --grace-period` / `prune-anonymous
 * --older-than`: a non-negative integer with an optional `s`, `m`, `h` or `d`
 * suffix (no suffix: seconds).
 *
 * @returns Seconds.
 * @throws {InvalidArgumentError} On anything else.
 */
export function parseDurationSeconds(text: string, what: string): number {
  const m = /^([0-9]+)([smhd]?)$/.exec(text);
  if (m === null) {
    throw new InvalidArgumentError(
      text === ""
        ? `${what}: duration must not be empty`
        : `${what}: invalid duration ${
          JSON.stringify(text)
        }; use digits with an s, m, h or d suffix`,
    );
  }
  const factor = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  const seconds = Number(m[1]) * factor;
  if (!Number.isSafeInteger(seconds)) {
    throw new InvalidArgumentError(`${what}: duration is too large: ${text}`);
  }
  return seconds;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp (`refs.updated_at`) as nanoseconds since the epoch.
 *
 * @throws {InvalidArgumentError} When the text is not RFC 3339.
 */
export function rfc3339Nanos(text: string, where: string): bigint {
  const m = RFC3339.exec(text);
  if (m === null) {
    throw new InvalidArgumentError(`${where}: invalid RFC 3339 timestamp ${JSON.stringify(text)}`);
  }
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(`${where}: invalid RFC 3339 timestamp ${JSON.stringify(text)}`);
  }
  const offsetMinutes = sign === undefined
    ? 0
    : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const nanos = BigInt((frac ?? "").padEnd(9, "0") || "0");
  return (BigInt(ms) - BigInt(offsetMinutes) * 60_000n) * 1_000_000n + nanos;
}
