/**
 * The generated single-module runtime entry (`bundle/`, built by
 * `bundle/build.ts`) behaves as the source entry points do:
 *
 * - every shim exports the names of its source entry, each of the same kind;
 * - one class is one class across shims (an `Instance` from `./codecs/ommx`
 *   recorded by a Run from `.`), as each shim re-exports the one bundle;
 * - the same operations through the shims and through `mod.ts` give the same
 *   results: open `examples/demo.ommx`, list runs and solves, decode an
 *   Instance, record an Experiment into an archive (same bytes) and into a
 *   temporary Local Registry, verify with the hash worker beside the bundle
 *   (a planted `Worker` records the module it starts), and a zstd frame;
 * - npm packages are inside the bundle (`fzstd`, loaded on first use where
 *   `node:zlib` has no zstd): it imports nothing but `node:` built-ins;
 * - the build's own rules: entries exporting different values under one
 *   name fail it, and `deno.json` must point at the shims.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as sourceRoot from "../mod.ts";
import * as sourceOmmx from "../codecs/ommx/mod.ts";
import * as sourceCodecs from "../codecs/mod.ts";
import { configProblems, ENTRY_POINTS, entryNames, shimText } from "../bundle/build.ts";

const ROOT = new URL("../", import.meta.url);
const DEMO = fileURLToPath(new URL("examples/demo.ommx", ROOT));

type Root = typeof sourceRoot;
type Ommx = typeof sourceOmmx;
type Codecs = typeof sourceCodecs;

/** A shim, typed as its source entry (`@ts-self-types`). */
async function shim<T>(source: string): Promise<T> {
  const entry = ENTRY_POINTS.find((e) => e.source === source)!;
  return await import(new URL(entry.shim, ROOT).href) as T;
}

const bundleRoot = await shim<Root>("mod.ts");
const bundleOmmx = await shim<Ommx>("codecs/ommx/mod.ts");
const bundleCodecs = await shim<Codecs>("codecs/mod.ts");

function kinds(mod: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.keys(mod).map((k) => [k, typeof mod[k]]));
}

Deno.test("bundle entry: every shim exports its source entry's names, of the same kinds", async () => {
  for (const e of ENTRY_POINTS) {
    const source = await import(new URL(e.source, ROOT).href);
    const bundled = await import(new URL(e.shim, ROOT).href);
    assert.ok(Object.keys(source).length > 0, e.source);
    assert.deepEqual(kinds(bundled), kinds(source), e.shim);
    const text = await Deno.readTextFile(new URL(e.shim, ROOT));
    assert.ok(
      text.startsWith(`// @ts-self-types="../${e.source}"\n`),
      `${e.shim}: types from source`,
    );
  }
});

Deno.test("bundle entry: one class across shims; the bundle's classes are not the source's", async () => {
  const seen = new Map<string, unknown>();
  for (const e of ENTRY_POINTS) {
    const bundled: Record<string, unknown> = await import(new URL(e.shim, ROOT).href);
    for (const [name, value] of Object.entries(bundled)) {
      if (seen.has(name)) assert.equal(value, seen.get(name), `${e.shim} ${name}`);
      seen.set(name, value);
    }
  }
  assert.equal(bundleOmmx.Instance, bundleRoot.Instance);
  assert.equal(bundleCodecs.defaultCodecs, bundleRoot.defaultCodecs);
  assert.notEqual(bundleRoot.Instance, sourceRoot.Instance);
  // Classes keep their names in the bundle (`--keep-names`).
  assert.equal(bundleRoot.Experiment.name, "Experiment");
  assert.equal(bundleOmmx.Function.name, "Function");
  assert.equal(new bundleRoot.DecodeError("x").name, new sourceRoot.DecodeError("x").name);
});

/** Read the demo: runs, parameters, solves, and the first Instance re-encoded. */
async function readDemo(m: Root, ommx: Ommx): Promise<unknown> {
  await using exp = await m.openExperiment(DEMO);
  const runs = [];
  for (const run of exp.runs) {
    const solves = [];
    for (const solve of run.solves) {
      const output = await solve.getOutput();
      solves.push({
        status: solve.status,
        adapter: solve.adapter,
        objective: output?.objective ?? null,
        isSolution: output instanceof ommx.Solution,
      });
    }
    runs.push({ runId: run.runId, status: run.status, parameters: run.parameters, solves });
  }
  const instance = await exp.runs[0]!.solves[0]!.getInput();
  assert.ok(instance instanceof ommx.Instance);
  return {
    imageName: exp.imageName,
    runs,
    instance: Array.from(instance.toBytes()),
    verify: await exp.verify(),
  };
}

Deno.test("bundle entry: reading examples/demo.ommx gives what the source reads", async () => {
  const source = await readDemo(sourceRoot, sourceOmmx);
  const bundled = await readDemo(bundleRoot, bundleOmmx);
  assert.deepEqual(bundled, source);
  assert.ok((source as { runs: unknown[] }).runs.length > 0);
});

/** Record two Runs with a Solve each (the Instance from `ommx`), commit, archive. */
async function record(m: Root, ommx: Ommx): Promise<Uint8Array> {
  const instance = new ommx.Instance({
    sense: "maximize",
    objective: ommx.Function.linear([[1, 3], [2, 2]]),
    decisionVariables: [1, 2].map((id) => ({
      id,
      kind: "binary" as const,
      bound: { lower: 0, upper: 1 },
      subscripts: [],
      parameters: {},
    })),
  });
  const exp = m.createExperiment({
    imageName: "example.com/bundle/entry:v1",
    now: () => new Date(0),
    traceIds: m.sequentialTraceIds(),
  });
  for (const capacity of [10, 20]) {
    await exp.withRun(async (run) => {
      run.logParameter("capacity", capacity);
      await run.logSolve({
        name: "toy.AllOnes",
        solve: (i: sourceOmmx.Instance) => ommx.Solution.evaluate(i, new Map([[1, 1], [2, 1]])),
      }, instance);
    });
  }
  await exp.commit();
  return await m.experimentArchiveBytes(exp);
}

Deno.test("bundle entry: an Experiment recorded through the shims has the source's archive bytes", async () => {
  const source = await record(sourceRoot, sourceOmmx);
  const bundled = await record(bundleRoot, bundleOmmx);
  assert.deepEqual(bundled, source);
  // The bundle reads what the source wrote, and the other way round.
  await using a = await bundleRoot.openExperiment(source);
  await using b = await sourceRoot.openExperiment(bundled);
  assert.equal(a.runs.length, 2);
  assert.equal((await a.runs[1]!.solves[0]!.getOutput())?.objective, 5);
  assert.deepEqual(b.runs.map((r) => r.parameters), a.runs.map((r) => r.parameters));
});

/** Record into a temporary Local Registry, commit, list it, write its archive, verify that. */
async function localRegistry(m: Root, dir: string): Promise<unknown> {
  const root = `${dir}/registry`;
  const exp = await m.Experiment.create("example.com/bundle/local:v1", { root });
  await exp.withRun((run) => run.logParameter("seed", 1));
  const [checkpoint] = await m.listExperimentCheckpoints(null, { root });
  await exp.commit();
  const listed = await m.listExperiments(undefined, { root });
  await exp.save(`${dir}/out.ommx`);
  await using back = await m.openExperiment(`${dir}/out.ommx`);
  return {
    checkpointRuns: checkpoint?.runCount,
    listed: listed.map((r) => r.imageName),
    runs: back.runs.map((r) => r.parameters),
    verify: await back.verify(),
  };
}

Deno.test("bundle entry: a temporary Local Registry and an archive file, as from source", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-bundle-entry-" });
  try {
    await Deno.mkdir(`${dir}/source`);
    await Deno.mkdir(`${dir}/bundle`);
    const source = await localRegistry(sourceRoot, `${dir}/source`);
    const bundled = await localRegistry(bundleRoot, `${dir}/bundle`);
    assert.deepEqual(bundled, source);
    assert.deepEqual((source as { listed: string[] }).listed, ["example.com/bundle/local:v1"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle entry: verify hashes large blobs in the bundle's own worker", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-bundle-worker-" });
  const RealWorker = globalThis.Worker;
  const started: string[] = [];
  try {
    // Two blobs of 16 MiB (the parallel threshold): this thread hashes one, a worker the other.
    const exp = bundleRoot.createExperiment({ imageName: "example.com/bundle/big:v1" });
    for (const fill of [1, 2]) {
      const bytes = new Uint8Array(16 << 20).fill(fill);
      await exp.logAttachment(`blob${fill}`, "application/octet-stream", bytes);
    }
    await exp.commit();
    await exp.save(`${dir}/big.ommx`);
    globalThis.Worker = class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        started.push(String(url));
        super(url, options);
      }
    };
    await using back = await bundleRoot.openExperiment(`${dir}/big.ommx`);
    const result = await back.verify();
    assert.ok(result.bytes > 32 << 20);
    assert.deepEqual(started, [new URL("bundle/_hash_worker.js", ROOT).href]);
  } finally {
    globalThis.Worker = RealWorker;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundle entry: npm packages are inside the bundle; only node: built-ins are imported", async () => {
  const text = await Deno.readTextFile(new URL("bundle/_ommx_ts.js", ROOT));
  const specifiers = new Set(
    [...text.matchAll(/(?:\bimport\s*\(\s*|\bfrom\s*)"([^"]+)"/g)].map((m) => m[1]!),
  );
  assert.ok(specifiers.has("node:fs/promises"), [...specifiers].join(" "));
  assert.deepEqual([...specifiers].filter((s) => !s.startsWith("node:")), []);
  // fzstd (the decoder where node:zlib has no zstd) is bundled, loaded on first use.
  assert.match(text, /fzstd|Decompress/);
  const frame = await sourceCodecs.compressZstd(
    new TextEncoder().encode("hello, bundle\n".repeat(64)),
  );
  assert.deepEqual(
    await bundleCodecs.decompressZstd(frame),
    await sourceCodecs.decompressZstd(frame),
  );
});

Deno.test("bundle entry: the build refuses what one bundle cannot serve", async () => {
  const names = await entryNames();
  assert.equal(names.length, ENTRY_POINTS.length);
  assert.ok(names[0]!.includes("Experiment"));
  assert.equal(
    shimText(ENTRY_POINTS[1]!, ["a", "b"]),
    '// @ts-self-types="../core/mod.ts"\n' +
      "// Generated by bundle/build.ts (`deno task bundle:entry`); do not edit.\n" +
      'export { a, b } from "./_ommx_ts.js";\n',
  );
  const dir = await Deno.makeTempDir({ prefix: "ommx-bundle-names-" });
  try {
    await Deno.writeTextFile(`${dir}/a.ts`, "export const x = 1;\nexport const y = 1;\n");
    await Deno.writeTextFile(`${dir}/b.ts`, 'export const x = 2;\nexport { y } from "./a.ts";\n');
    await Deno.writeTextFile(`${dir}/c.ts`, 'export { x, y } from "./a.ts";\n');
    const entry = (name: string) => ({ subpath: name, source: `${dir}/${name}.ts`, shim: "" });
    assert.deepEqual(await entryNames([entry("a"), entry("c")]), [["x", "y"], ["x", "y"]]);
    await assert.rejects(
      entryNames([entry("a"), entry("b")]),
      /b and a export different values as x/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  assert.deepEqual(configProblems(config), []);
  assert.deepEqual(
    configProblems({ ...config, exports: { ...config.exports, "./core": "./core/mod.ts" } }),
    ['deno.json exports["./core"] is not "./bundle/core.js"'],
  );
  assert.deepEqual(configProblems({ ...config, publish: { include: ["mod.ts"] } }), [
    'deno.json publish.include does not list "bundle/"',
  ]);
});
