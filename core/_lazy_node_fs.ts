/**
 * Internal: `node:fs/promises` imported on the first call of one of its
 * functions. Under Deno, importing it loads Node's compatibility layer
 * (~10 MiB of resident memory, BENCHMARKS.md, branch i13n); a backend that
 * takes its ordinary path through `Deno.*` calls keeps `node:fs` for the rare
 * cases (and for Node and Bun) without paying for it up front.
 *
 * @module
 */

type Fs = typeof import("node:fs/promises");

let loaded: Promise<Fs> | undefined;

/**
 * A stand-in for `node:fs/promises`: each function loads the module on its
 * first call and then calls the real one (same results, same errors). Only
 * the module's functions can be used through it (not `constants`).
 *
 * @example
 * ```ts
 * import { lazyNodeFs } from "./_lazy_node_fs.ts";
 * import assert from "node:assert/strict";
 *
 * const fs = lazyNodeFs();
 * const dir = await Deno.makeTempDir();
 * await fs.writeFile(`${dir}/a`, "x");
 * assert.equal(await fs.readFile(`${dir}/a`, "utf8"), "x");
 * await assert.rejects(fs.lstat(`${dir}/missing`), { code: "ENOENT" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @returns The stand-in.
 */
export function lazyNodeFs(): Fs {
  return new Proxy({} as Fs, {
    get(_target, name) {
      return async (...args: unknown[]) => {
        const fs = await (loaded ??= import("node:fs/promises"));
        return await (fs[name as keyof Fs] as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}
