/**
 * The public-surface check of `deno task check`:
 *
 * 1. `_` means internal: in every library folder that has a `mod.ts`
 *    (below `core/`, `codecs/` and `adapters/`), each `.ts` file whose name does not start
 *    with `_` (tests and generated code aside) is re-exported whole
 *    (`export * from` / `export type * from`) by that `mod.ts`, or by the
 *    `mod.ts` of the nearest folder above it that has one.
 * 2. Every entry point of `deno.json` `exports` (and of the workspace
 *    members) passes `deno doc --lint` on its own, so each names every type
 *    its signatures use.
 *
 * Run: `deno run --allow-read --allow-run .ci/check_mod_exports.ts`. Exits 1
 * and lists every problem when a rule is broken.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const LIBRARY_DIRS = ["core", "codecs", "adapters"];

function isInternalOrTest(name: string): boolean {
  return name.startsWith("_") || name.endsWith("_test.ts") || name === "mod.ts";
}

function list(dir: string): Deno.DirEntry[] {
  return [...Deno.readDirSync(`${ROOT}${dir}`)].sort((a, b) => a.name < b.name ? -1 : 1);
}

function hasMod(dir: string): boolean {
  return list(dir).some((e) => e.isFile && e.name === "mod.ts");
}

/** Public files a folder's `mod.ts` must re-export: its own and those of sub-folders without a `mod.ts`. */
function publicFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of list(dir)) {
    if (e.isFile && e.name.endsWith(".ts") && !isInternalOrTest(e.name)) {
      out.push(`${prefix}${e.name}`);
    } else if (e.isDirectory && e.name !== "gen" && !e.name.startsWith(".")) {
      const sub = `${dir}/${e.name}`;
      if (!hasMod(sub)) out.push(...publicFiles(sub, `${prefix}${e.name}/`));
    }
  }
  return out;
}

function modFolders(dir: string): string[] {
  const out = hasMod(dir) ? [dir] : [];
  for (const e of list(dir)) {
    if (e.isDirectory && e.name !== "gen" && !e.name.startsWith(".")) {
      out.push(...modFolders(`${dir}/${e.name}`));
    }
  }
  return out;
}

function reExported(modText: string): Set<string> {
  const out = new Set<string>();
  for (const m of modText.matchAll(/^export (?:type )?\* from "\.\/([^"]+)";$/gm)) out.add(m[1]!);
  return out;
}

const problems: string[] = [];

for (const base of LIBRARY_DIRS) {
  for (const folder of modFolders(base)) {
    const exported = reExported(await Deno.readTextFile(`${ROOT}${folder}/mod.ts`));
    for (const file of publicFiles(folder)) {
      if (!exported.has(file)) {
        problems.push(
          `${folder}/mod.ts does not re-export ${folder}/${file} (add \`export * from "./${file}";\`, or rename it _${
            file.slice(file.lastIndexOf("/") + 1)
          } if it is internal)`,
        );
      }
    }
  }
}

interface DenoJson {
  exports?: string | Record<string, string>;
  workspace?: string[];
}

async function entryPoints(dir: string): Promise<string[]> {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}${dir}deno.json`)) as DenoJson;
  const exports = typeof json.exports === "string" ? { ".": json.exports } : json.exports ?? {};
  const out = Object.values(exports).map((p) => `${dir}${p.replace(/^\.\//, "")}`);
  for (const member of json.workspace ?? []) {
    out.push(...await entryPoints(`${dir}${member.replace(/^\.\//, "").replace(/\/?$/, "/")}`));
  }
  return out;
}

for (const entry of await entryPoints("")) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", entry],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    const errors = text.split("\n").filter((l) => l.startsWith("error"));
    problems.push(`deno doc --lint ${entry} (alone) fails:\n  ${errors.join("\n  ")}`);
  }
}

if (problems.length > 0) {
  console.error(`check_mod_exports: ${problems.length} problem(s)\n${problems.join("\n")}`);
  Deno.exit(1);
}
console.log(
  "check_mod_exports: every public file is re-exported; every entry point documents alone",
);
