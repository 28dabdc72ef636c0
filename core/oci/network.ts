/**
 * The network settings every remote read and write shares (registries and
 * `http(s)://` archive sources): timeouts, retries, the fetch implementation,
 * and the one loopback rule that decides when plain HTTP is acceptable.
 * The rules themselves are listed in `docs/security.md` ("Network").
 *
 * @module
 */

/** Timeouts, retries and transport of a remote source or registry. */
export interface NetworkOptions {
  /** The fetch implementation (default: `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /**
   * Milliseconds to wait for a response's status and headers, and for the
   * whole body of a small document (manifest, token, error body).
   * Default {@linkcode DEFAULT_TIMEOUT_MS} (30 s).
   */
  timeout?: number;
  /**
   * Milliseconds a blob or archive download may go without delivering
   * {@linkcode MIN_PROGRESS_BYTES} (or the rest of the body): a stalled or
   * dripping body fails with `TIMEOUT`. Default: `timeout`.
   */
  readTimeout?: number;
  /**
   * How many times an idempotent request (GET, HEAD, a manifest PUT) is
   * retried after HTTP 408/429/5xx or a connection failure (never after a
   * timeout). Default {@linkcode DEFAULT_RETRIES} (3).
   */
  retries?: number;
  /** First backoff in milliseconds, doubled on every retry (±10 % jitter). Default 250. */
  retryDelay?: number;
  /** Cap in milliseconds of one backoff, `Retry-After` included. Default 5000. */
  maxRetryDelay?: number;
}

/** The default response timeout in milliseconds (30 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default number of retries of an idempotent request. */
export const DEFAULT_RETRIES = 3;
/** The default first backoff in milliseconds. */
export const DEFAULT_RETRY_DELAY_MS = 250;
/** The default cap of one backoff (and of `Retry-After`) in milliseconds. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 5_000;
/** The progress a download must make within every read timeout: 1 KiB. */
export const MIN_PROGRESS_BYTES = 1024;

/**
 * Whether `host` (a host name or IP literal, with or without `[…]` brackets,
 * without a port) is a true loopback address: `localhost`, an IPv4 literal in
 * `127.0.0.0/8` written as four decimal octets, or the IPv6 literal `::1` (in
 * any spelling). Host names that merely start with `127.` or `localhost`
 * (`127.attacker.example`) are not: they resolve wherever their owner says.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from "./network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isLoopbackHost("127.0.0.1"), true);
 * assert.equal(isLoopbackHost("[::1]"), true);
 * assert.equal(isLoopbackHost("localhost"), true);
 * assert.equal(isLoopbackHost("127.attacker.example"), false);
 * ```
 *
 * @param host The host.
 * @returns `true` for loopback literals and `localhost`.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (h.toLowerCase() === "localhost") return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && v4[1] === "127";
  return isIpv6Loopback(h);
}

/** `::1` in any valid spelling (`0:0:0:0:0:0:0:1`, `0::1`, …); no zone ids. */
function isIpv6Loopback(h: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(h)) return false;
  const halves = h.split("::");
  if (halves.length > 2) return false;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return false;
  const groups = head.concat(Array<string>(missing).fill("0"), tail);
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return groups.every((g, i) => parseInt(g, 16) === (i === 7 ? 1 : 0));
}
