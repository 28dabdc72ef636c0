/**
 * The process-wide Local Registry root, as the reference's
 * `get_local_registry_root()` / `set_local_registry_root(path)`: set at most
 * once per process; until then every default root is
 * `OMMX_LOCAL_REGISTRY_ROOT`, else the reference's data directory.
 *
 * @module
 */
import { InvalidArgumentError, InvalidStateError } from "../../errors.ts";

let fixed: string | undefined;

/**
 * The root set by {@linkcode setLocalRegistryRoot}, if any.
 *
 * @returns The root, or `undefined`.
 */
export function localRegistryRootOverride(): string | undefined {
  return fixed;
}

/**
 * Set the Local Registry root of this process (the reference's
 * `set_local_registry_root`): every Local Registry operation without an
 * explicit `root` uses it. It can be set once; setting the same path again
 * is allowed.
 *
 * @example
 * ```ts ignore
 * import { setLocalRegistryRoot } from "./local_registry_root.ts";
 * setLocalRegistryRoot("/data/ommx-registry");
 * ```
 *
 * @param path An absolute or relative directory (resolved against the working directory).
 * @returns Nothing.
 * @throws {InvalidStateError} When a different root was already set.
 * @throws {InvalidArgumentError} When `path` is empty.
 */
export async function setLocalRegistryRoot(path: string | URL): Promise<void> {
  const nodePath = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const text = path instanceof URL ? fileURLToPath(path) : String(path);
  if (text === "") throw new InvalidArgumentError("setLocalRegistryRoot: empty path");
  const resolved = nodePath.resolve(text);
  if (fixed !== undefined && fixed !== resolved) {
    throw new InvalidStateError(
      `The local registry root is already set to ${fixed}; it can be set once per process`,
    );
  }
  fixed = resolved;
}
