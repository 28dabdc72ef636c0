/**
 * Registry credentials from the environment, as the reference SDK reads them
 * (see `docs/glossary.md#registry-transport`): when `OMMX_BASIC_AUTH_DOMAIN` equals the registry `host[:port]`,
 * HTTP Basic with `OMMX_BASIC_AUTH_USERNAME` / `OMMX_BASIC_AUTH_PASSWORD`.
 * Deno/Node only (the environment is read through `node:process`, lazily);
 * browser code passes credentials to {@linkcode openRemoteRegistry} directly.
 * Docker's `config.json` and credential helpers are not read.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { CredentialsProvider, RegistryCredentials } from "./remote_registry.ts";

/**
 * A credentials provider for {@linkcode openRemoteRegistry} that applies the
 * `OMMX_BASIC_AUTH_*` rule. Pass `env` to use explicit values instead of the
 * process environment.
 *
 * @example Explicit environment
 * ```ts
 * import { envCredentials } from "./registry_env_credentials.ts";
 * import assert from "node:assert/strict";
 *
 * const provider = envCredentials({
 *   OMMX_BASIC_AUTH_DOMAIN: "registry.example.com:5000",
 *   OMMX_BASIC_AUTH_USERNAME: "alice",
 *   OMMX_BASIC_AUTH_PASSWORD: "pw",
 * });
 * assert.deepEqual(await provider("registry.example.com:5000"), { username: "alice", password: "pw" });
 * assert.equal(await provider("ghcr.io"), undefined);
 * ```
 *
 * @param env Environment values; default: the process environment, read at call time.
 * @returns A provider that throws {@linkcode InvalidArgumentError} when the
 *   domain matches but the username or password is missing.
 */
export function envCredentials(
  env?: Readonly<Record<string, string | undefined>>,
): CredentialsProvider {
  return async (registry: string): Promise<RegistryCredentials | undefined> => {
    const values = env ?? (await import("node:process")).env;
    const domain = values.OMMX_BASIC_AUTH_DOMAIN;
    if (!domain || domain !== registry) return undefined;
    const username = values.OMMX_BASIC_AUTH_USERNAME;
    const password = values.OMMX_BASIC_AUTH_PASSWORD;
    if (username === undefined || password === undefined) {
      throw new InvalidArgumentError(
        `OMMX_BASIC_AUTH_DOMAIN is ${registry} but OMMX_BASIC_AUTH_${
          username === undefined ? "USERNAME" : "PASSWORD"
        } is not set`,
      );
    }
    return { username, password };
  };
}
