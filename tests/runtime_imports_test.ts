/**
 * Runtime imports stay runtime: the library resolves without this repository's `deno.json`, and
 * what it downloads is what it uses.
 *
 * - A script in a temporary directory outside the checkout imports every entry point of
 *   `deno.json`'s `exports` by absolute file URL (`--no-config`, so nothing of ours resolves its
 *   specifiers) and reads `examples/demo.ommx` through `openExperiment` and the `codecs/ommx`
 *   `Solution` class; it must print what this process reads. It runs with `--cached-only`: this
 *   module imports the same library, so Deno's cache already holds every package it needs.
 * - `deno task demo` with an empty `DENO_DIR` must download only npm packages the library code
 *   (`mod.ts`, `core/`, `codecs/`, `cli/`, and the adapters under `adapters/`: the demo solves
 *   with HiGHS) names — no test-only package. Skipped with one printed line when the npm registry
 *   is unreachable.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import { openExperiment, Solution } from "../mod.ts";

const ROOT = new URL("../", import.meta.url);
const DEMO = fileURLToPath(new URL("examples/demo.ommx", ROOT));
const dec = new TextDecoder();

/** What the outside script prints, computed the same way in this process. */
async function readDemo(): Promise<unknown> {
  await using exp = await openExperiment(DEMO);
  const solves = [];
  for (const run of exp.runs) {
    for (const solve of run.solves) {
      const output = await solve.getOutput();
      solves.push({
        runId: run.runId,
        status: solve.status,
        objective: output?.objective ?? null,
        isSolution: output instanceof Solution,
      });
    }
  }
  return { imageName: exp.imageName, status: exp.status, runs: exp.runs.length, solves };
}

Deno.test("runtime imports: a script outside the checkout imports the library by file URL", async () => {
  const exports = (JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  }).exports;
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ommx-outside-" }));
  try {
    assert.ok(relative(fileURLToPath(ROOT), dir).startsWith(".."), `${dir} is inside the checkout`);
    const url = (path: string) => JSON.stringify(new URL(path, ROOT).href);
    const entries = Object.values(exports);
    const script = [
      `import { openExperiment } from ${url("mod.ts")};`,
      `import { Solution } from ${url("codecs/ommx/mod.ts")};`,
      ...entries.map((path, i) => `import * as entry${i} from ${url(path)};`),
      `const entries = [${entries.map((_, i) => `entry${i}`).join(", ")}];`,
      `await using exp = await openExperiment(Deno.args[0]);`,
      `const solves = [];`,
      `for (const run of exp.runs) {`,
      `  for (const solve of run.solves) {`,
      `    const output = await solve.getOutput();`,
      `    solves.push({ runId: run.runId, status: solve.status, ` +
      `objective: output?.objective ?? null, isSolution: output instanceof Solution });`,
      `  }`,
      `}`,
      `console.log(JSON.stringify({ exports: entries.map((e) => Object.keys(e).length > 0), ` +
      `demo: { imageName: exp.imageName, status: exp.status, runs: exp.runs.length, solves } }));`,
      ``,
    ].join("\n");
    await Deno.writeTextFile(join(dir, "read_demo.ts"), script);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--cached-only", "--allow-read", "read_demo.ts", DEMO],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    const got = JSON.parse(dec.decode(out.stdout).trim().split("\n").at(-1)!) as {
      exports: boolean[];
      demo: { runs: number; solves: { isSolution: boolean }[] };
    };
    assert.deepEqual(got.exports, entries.map(() => true), "every entry point exports something");
    assert.deepEqual(got.demo, await readDemo());
    assert.ok(got.demo.runs > 0 && got.demo.solves.some((s) => s.isSolution), "a non-trivial read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const NPM_SPECIFIER = /"npm:((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@\d/g;

/** The npm package names `npm:` specifiers in these files name (`npm:name@version/sub`). */
async function npmPackages(files: Iterable<string>): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of (await Deno.readTextFile(file)).matchAll(NPM_SPECIFIER)) {
      names.add(m[1]!);
    }
  }
  return names;
}

/** Every `.ts` file below `dir` (a path relative to the checkout). */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const e of Deno.readDirSync(path)) {
      const child = join(path, e.name);
      if (e.isDirectory) walk(child);
      else if (e.isFile && e.name.endsWith(".ts")) out.push(child);
    }
  };
  walk(fileURLToPath(new URL(dir, ROOT)));
  return out;
}

const isTestFile = (path: string) => /(_test\.ts|_test_util\.ts)$/.test(path);

/** The packages in `<denoDir>/npm/<registry host>/`, scoped ones as `@scope/name`. */
function cachedPackages(denoDir: string): string[] {
  const out: string[] = [];
  const npm = join(denoDir, "npm");
  for (const host of Deno.readDirSync(npm)) {
    if (!host.isDirectory) continue;
    for (const e of Deno.readDirSync(join(npm, host.name))) {
      if (!e.isDirectory) continue;
      if (!e.name.startsWith("@")) out.push(e.name);
      else {
        for (const s of Deno.readDirSync(join(npm, host.name, e.name))) {
          if (s.isDirectory) out.push(`${e.name}/${s.name}`);
        }
      }
    }
  }
  return out.sort();
}

/** Whether a child Deno can reach the npm registry Deno would use (15 s at most). */
async function registryReachable(registry: string): Promise<boolean> {
  const code = `await fetch(${JSON.stringify(registry)}, { method: "HEAD", ` +
    `signal: AbortSignal.timeout(15_000) }).then((r) => r.body?.cancel());`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

Deno.test("runtime imports: `deno task demo` on an empty Deno cache downloads only library packages", async () => {
  const registry = Deno.env.get("NPM_CONFIG_REGISTRY") ?? "https://registry.npmjs.org/";
  if (!await registryReachable(registry)) {
    console.log(
      `skip: npm registry ${registry} unreachable — the empty-cache demo check ` +
        "(tests/runtime_imports_test.ts) needs network access to it",
    );
    return;
  }
  const library = await npmPackages(
    ["mod.ts", ...["core/", "codecs/", "cli/", "adapters/"].flatMap(tsFiles)]
      .map((p) => fileURLToPath(new URL(p, ROOT)))
      .filter((p) => !isTestFile(p)),
  );
  const everything = await npmPackages(
    ["mod.ts", "core/", "codecs/", "cli/", "adapters/", "tests/", "examples/", "bench/"].flatMap((
      p,
    ) => p.endsWith(".ts") ? [fileURLToPath(new URL(p, ROOT))] : tsFiles(p)),
  );
  const testOnly = [...everything].filter((name) => !library.has(name));
  assert.ok(library.has("@bufbuild/protobuf"), [...library].join(", "));
  assert.ok(testOnly.includes("fast-check"), testOnly.join(", "));

  const denoDir = await Deno.makeTempDir({ prefix: "ommx-empty-deno-dir-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "demo"],
      cwd: fileURLToPath(ROOT),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { DENO_DIR: denoDir, NO_COLOR: "1" },
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    assert.match(dec.decode(out.stdout), /knapsack-sweep/);
    const downloaded = cachedPackages(denoDir);
    console.log(`empty-cache demo downloaded: ${downloaded.join(", ")}`);
    // The payload codecs are static (`package_static.ts`): protobuf-es is named by the library only in
    // types and in the generated `*_pb.ts`, which nothing at run time imports.
    assert.ok(
      !downloaded.includes("@bufbuild/protobuf"),
      `the demo loaded protobuf-es: ${downloaded.join(", ")}`,
    );
    assert.ok(downloaded.includes("highs"), `the demo solves with HiGHS: ${downloaded.join(", ")}`);
    assert.deepEqual(
      downloaded.filter((name) => !library.has(name)),
      [],
      `the demo downloaded packages the library does not use (test-only: ${testOnly.join(", ")})`,
    );
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});
