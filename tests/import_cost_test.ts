/**
 * Importing the package root stays cheap (issue 13, target 2): what `mod.ts` loads and builds
 * at import is what every process pays before its first line.
 *
 * - What only an async function needs is not in the static module graph of `mod.ts`
 *   (`deno info --json`, following runtime imports only) and is still loaded by a dynamic
 *   `import()` (a string literal, so `deno bundle` and JSR see it): the remote registry client
 *   and the HTTP range reader (when a `registry` or `url` source is opened), the storage backends
 *   (archive, layout directory, Local Registry), the Local Registry session, the archive layout
 *   and tar writer, the fork's inheritance, the draft view's overlay, the image copy, atomic file
 *   writing, the file-type probe, the registry credentials from the environment, parallel
 *   verify, the MPS codec, the `codecs/mod.ts` barrel, the Local Registry catalogue
 *   and checkpoint listing's pass, the remote listing, the registry maintenance functions,
 *   and the zstd decoder and encoder (`zstd.ts` keeps the storage-format rules) — `LAZY`
 *   below. Every module Deno loads costs start-up time (BENCHMARKS.md, issue 13, fifth
 *   session).
 * - The CLI (`cli/main.ts`) loads the module of the command it runs only: no `cli/commands/`
 *   module is in its static runtime graph, and each is a dynamic import.
 * - protobuf-es is off the runtime path: neither `npm:@bufbuild/protobuf` nor any generated
 *   `*_pb.ts` is reachable from `mod.ts` or `cli/main.ts` by a non-type import; the library
 *   encodes and decodes with the static codecs (`package_static.ts`, one per protobuf package,
 *   `codecs/_gen_static.ts`).
 * - No protobuf descriptor of the generated modules (`codecs/*\/gen/`) is built by importing
 *   `mod.ts`: a fresh process imports it and every generated module and finds every exported
 *   `file_*` / `*Schema` stand-in without own properties (`core/_lazy_object.ts`, applied by
 *   `codecs/gen.sh`), also after an `Instance` round trip (the library no longer reads them);
 *   a descriptor builds when it is first read.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);
const dec = new TextDecoder();

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/**
 * An entry's module graph from one `deno info --json`: the modules importing it
 * evaluates (static runtime imports only: no types, no dynamic imports), and every
 * module a dynamic `import()` anywhere in the graph names with a string literal.
 */
async function moduleGraph(entry: URL): Promise<{ statics: Set<string>; dynamic: Set<string> }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fileURLToPath(entry)],
    cwd: fileURLToPath(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  const info = JSON.parse(dec.decode(out.stdout)) as { modules: InfoModule[] };
  const byUrl = new Map(info.modules.map((m) => [m.specifier, m]));
  const statics = new Set<string>();
  const stack = [entry.href];
  while (stack.length > 0) {
    const url = stack.pop()!;
    if (statics.has(url)) continue;
    statics.add(url);
    for (const dep of byUrl.get(url)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) stack.push(dep.code.specifier);
    }
  }
  const dynamic = new Set<string>();
  for (const m of info.modules) {
    for (const dep of m.dependencies ?? []) {
      if (dep.isDynamic && dep.code) dynamic.add(dep.code.specifier);
    }
  }
  return { statics, dynamic };
}

/** Modules that load on first use: not in the static runtime graph of `mod.ts`. */
const LAZY = [
  "core/oci/backends/remote_registry.ts",
  "core/oci/_http.ts",
  "core/oci/random_access_http.ts",
  "core/oci/backends/archive.ts",
  "core/oci/backends/layout_dir.ts",
  "core/oci/backends/local_registry.ts",
  "core/experiment/write/local_registry_session.ts",
  "core/oci/tar/writer.ts",
  "core/oci/copy.ts",
  "core/_atomic_file.ts",
  "core/_file_port.ts",
  "core/oci/backends/registry_env_credentials.ts",
  "core/oci/_parallel_verify.ts",
  "core/oci/layout.ts",
  "core/oci/image_index.ts",
  "core/experiment/write/_inherit.ts",
  "core/experiment/write/_overlay_target.ts",
  "codecs/ommx/_mps.ts",
  "codecs/mod.ts",
  "core/experiment/read/_catalogue_impl.ts",
  "core/experiment/read/_remote_catalogue_impl.ts",
  "core/oci/backends/_local_registry_maintenance_impl.ts",
  "codecs/_zstd_frames.ts",
];

Deno.test("import cost: mod.ts loads the backends, writers and clients only async functions need on first use", async () => {
  const entry = new URL("mod.ts", ROOT);
  const { statics: graph, dynamic } = await moduleGraph(entry);
  const own = [...graph].filter((u) => u.startsWith(ROOT.href));
  assert.ok(own.length > 100, `only ${own.length} modules of ours found`);
  assert.ok(graph.has(new URL("core/experiment/read/open.ts", ROOT).href), "open.ts is loaded");
  for (const path of LAZY) {
    const url = new URL(path, ROOT).href;
    assert.ok(!graph.has(url), `${path} is loaded by importing mod.ts`);
    if (path !== "codecs/mod.ts" && path !== "core/oci/_http.ts") {
      assert.ok(dynamic.has(url), `${path} is not loaded by a dynamic import() any more`);
    }
  }
});

Deno.test("import cost: the CLI loads only the command it runs", async () => {
  const { statics: graph, dynamic } = await moduleGraph(new URL("cli/main.ts", ROOT));
  const commands = [...graph].filter((u) => u.startsWith(new URL("cli/commands/", ROOT).href));
  assert.deepEqual(commands, [], "cli/main.ts loads command modules at import");
  for await (const e of Deno.readDir(new URL("cli/commands/", ROOT))) {
    if (!e.name.endsWith(".ts") || e.name.startsWith("_")) continue;
    const url = new URL(`cli/commands/${e.name}`, ROOT).href;
    assert.ok(dynamic.has(url), `cli/commands/${e.name} is not loaded by a dynamic import()`);
  }
});

Deno.test("import cost: protobuf-es and the *_pb.ts modules are not runtime imports of mod.ts or the CLI", async () => {
  for (const entry of ["mod.ts", "cli/main.ts"]) {
    const { statics: graph } = await moduleGraph(new URL(entry, ROOT));
    assert.ok(
      graph.has(new URL("codecs/ommx/gen/ommx/v2/package_static.ts", ROOT).href),
      `${entry}: the static codecs are loaded`,
    );
    const offending = [...graph].filter((u) => /@bufbuild\/protobuf|_pb\.ts$/.test(u));
    assert.deepEqual(offending, [], `${entry} loads protobuf-es at run time`);
  }
});

async function generatedModules(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith("_pb.ts")) out.push(new URL(e.name, dir).href);
    }
  };
  for (const codec of ["ommx", "trace"]) await walk(new URL(`codecs/${codec}/gen/`, ROOT));
  return out.sort();
}

Deno.test("import cost: importing mod.ts and a round trip build no protobuf descriptor; a first read builds it", async () => {
  const gen = await generatedModules();
  assert.ok(gen.length >= 20, `only ${gen.length} generated modules found`);
  const url = (path: string) => JSON.stringify(new URL(path, ROOT).href);
  const script = [
    `import { Function, Instance } from ${url("mod.ts")};`,
    `import { InstanceSchema } from ${url("codecs/ommx/gen/ommx/v2/instance_pb.ts")};`,
    `const gen = ${JSON.stringify(gen)};`,
    `const built = [];`,
    `let descs = 0;`,
    `for (const m of gen) {`,
    `  for (const [name, value] of Object.entries(await import(m))) {`,
    `    if (!/^file_|Schema$/.test(name)) continue;`,
    `    descs++;`,
    `    if (Object.getOwnPropertyNames(value).length > 0) built.push(name);`,
    `  }`,
    `}`,
    `const inst = new Instance({ sense: "minimize", objective: Function.linear([[1, 2]]),`,
    `  decisionVariables: [{ id: 1, kind: "binary", bound: { lower: 0, upper: 1 },`,
    `    subscripts: [], parameters: {} }] });`,
    `const back = Instance.decode(inst.toBytes(), "v2");`,
    `for (const m of gen) {`,
    `  for (const [name, value] of Object.entries(await import(m))) {`,
    `    if (/^file_|Schema$/.test(name) && Object.getOwnPropertyNames(value).length > 0) {`,
    `      built.push(name);`,
    `    }`,
    `  }`,
    `}`,
    `console.log(JSON.stringify({ descs, built, sense: back.sense,`,
    `  usedTypeName: InstanceSchema.typeName }));`,
  ].join("\n");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", script],
    cwd: fileURLToPath(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  const result = JSON.parse(dec.decode(out.stdout)) as {
    descs: number;
    built: string[];
    sense: unknown;
    usedTypeName: string;
  };
  assert.ok(result.descs > 100, `only ${result.descs} descriptors found`);
  assert.deepEqual(result.built, [], "descriptors built by importing mod.ts or by a round trip");
  assert.equal(result.sense, "minimize", "the round trip decodes");
  assert.equal(result.usedTypeName, "ommx.v2.Instance", "a descriptor builds on first use");
});
