/**
 * The CLI's network settings: `--timeout <seconds>` (accepted by every
 * command), else the `OMMX_TS_TIMEOUT` environment variable (seconds), else
 * the library default (30 s). The timeout bounds the wait for every
 * response, every small document (manifest, token, error body), and every
 * pause of a download (see `NetworkOptions`). A bad value is a usage error.
 *
 * @module
 */
import type { NetworkOptions } from "../mod.ts";
import { type ParsedArgs, UsageError } from "./args.ts";

/** The environment variable read when `--timeout` is absent. */
export const TIMEOUT_ENV = "OMMX_TS_TIMEOUT";

/** The largest timeout accepted, in seconds (timers hold at most 2^31−1 ms). */
const MAX_SECONDS = 2_147_483;

/**
 * Parse a timeout in seconds (`30`, `0.5`) into milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTimeoutSeconds } from "./network_options.ts";
 * assert.equal(parseTimeoutSeconds("0.5", "--timeout", "x"), 500);
 * assert.throws(() => parseTimeoutSeconds("0", "--timeout", "x"), { name: "UsageError" });
 * ```
 *
 * @param text The value.
 * @param what Where it came from, for the message (`--timeout`, `OMMX_TS_TIMEOUT`).
 * @param usage The command's usage line.
 * @returns Milliseconds (at least 1).
 * @throws {UsageError} When the text is not a positive number of seconds.
 */
export function parseTimeoutSeconds(text: string, what: string, usage: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
    throw new UsageError(
      `${what} must be a positive number of seconds up to ${MAX_SECONDS}, got ${
        JSON.stringify(text)
      }`,
      usage,
    );
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/** `OMMX_TS_TIMEOUT`, read only when the env permission for it is granted (never prompts). */
function readTimeoutEnv(): string | undefined {
  try {
    const granted = Deno.permissions.querySync({ name: "env", variable: TIMEOUT_ENV });
    return granted.state === "granted" ? Deno.env.get(TIMEOUT_ENV) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The network options of a command: `--timeout`, else `OMMX_TS_TIMEOUT`
 * (an empty variable counts as unset), else none (the library defaults).
 *
 * @param args The parsed arguments.
 * @param env The variable's value (default: read from the environment).
 * @returns Options for sources and registries.
 * @throws {UsageError} On a bad value.
 */
export function networkOptions(
  args: ParsedArgs,
  env: string | undefined = readTimeoutEnv(),
): NetworkOptions {
  const usage = args.usage ?? "ommx-ts <command> <source> [--timeout seconds]";
  const flag = args.values.timeout;
  if (typeof flag === "string") return { timeout: parseTimeoutSeconds(flag, "--timeout", usage) };
  if (env !== undefined && env.trim() !== "") {
    return { timeout: parseTimeoutSeconds(env, TIMEOUT_ENV, usage) };
  }
  return {};
}
