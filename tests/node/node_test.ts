/**
 * The library in Node.js: `node_smoke.ts` is bundled with `deno bundle` (plain
 * and `--minify`, which renames classes) and run by `node` on the reference
 * corpus; its JSON summary must equal the one computed here in Deno. Node 20 has no zstd in `node:zlib`, so this covers
 * the pure-JS `fzstd` decoder, and the typed `UnsupportedError` of zstd
 * compression there. The HiGHS adapter solves in Node as in Deno, its
 * `highs.wasm` copied beside the bundle (as an application ships it). `.ci/run` runs this file with the system's
 * Node 20 and again with Node 22 (`OMMX_TEST_NODE`, from `.ci/install_node22.sh`). Skipped (one printed line) when `node` is not on PATH: found through
 * core/_tools_test_util.ts, never by spawning `node` (Deno 2.9 runs itself for an absent `node`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ARCHIVES, summarize, type Summary } from "./node_smoke.ts";
import { requireTool, TOOLS } from "../../core/_tools_test_util.ts";

const CORPUS = fileURLToPath(new URL("../fixtures/reference/", import.meta.url));
const SMOKE = fileURLToPath(new URL("node_smoke.ts", import.meta.url));

async function run(cmd: string, args: string[], cwd?: string) {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    ...(cwd === undefined ? {} : { cwd }),
  }).output();
  const dec = new TextDecoder();
  return { code, stdout: dec.decode(stdout), stderr: dec.decode(stderr) };
}

const NODE = requireTool(TOOLS.node, "the Node.js smoke tests (tests/node/node_test.ts)");

/** Bundle the smoke module for Node; returns the bundle path. */
async function bundle(dir: string, minify: boolean): Promise<string> {
  const out = join(dir, minify ? "node_smoke.min.mjs" : "node_smoke.mjs");
  // Deno 2.9 documents --platform browser|deno and does not check the value:
  // "node" (or anything else) gives the same bundle as "deno" — ESM with
  // `node:` built-ins left as imports and npm packages inlined, which is what
  // Node needs.
  const { code, stderr } = await run(Deno.execPath(), [
    "bundle",
    "--quiet",
    "--platform",
    "deno",
    "--format",
    "esm",
    ...(minify ? ["--minify"] : []),
    "-o",
    out,
    SMOKE,
  ]);
  assert.equal(code, 0, `deno bundle failed:\n${stderr}`);
  return out;
}

Deno.test({
  name: "node: the smoke module lists every archive of the corpus",
  fn() {
    const names = [...Deno.readDirSync(CORPUS)]
      .filter((e) => e.isFile && e.name.endsWith(".ommx"))
      .map((e) => e.name.slice(0, -".ommx".length))
      .sort();
    assert.deepEqual([...ARCHIVES], names);
  },
});

let denoSummary: Promise<Summary> | undefined;

/** The summary computed in-process by Deno (once). */
function inDenoSummary(): Promise<Summary> {
  denoSummary ??= summarize(CORPUS).then((s) => JSON.parse(JSON.stringify(s)) as Summary);
  return denoSummary;
}

for (const minify of [false, true]) {
  Deno.test({
    name: `node: a bundled${
      minify ? ", minified" : ""
    } smoke run in Node reads and writes exactly as Deno does`,
    ignore: NODE === undefined,
    fn: () => compareWithNode(minify),
  });
}

/** Where Deno keeps `npm:highs@1.15.3` (its `build/highs.wasm` goes beside the bundle). */
async function highsPackageDir(): Promise<string> {
  const { stdout } = await run(Deno.execPath(), ["info", "--json", "npm:highs@1.15.3"]);
  return (JSON.parse(stdout) as { npmPackages: Record<string, { localPath: string }> })
    .npmPackages["highs@1.15.3"]!.localPath;
}

async function compareWithNode(minify: boolean): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ommx-node-test-" });
  try {
    const script = await bundle(dir, minify);
    await Deno.copyFile(
      join(await highsPackageDir(), "build", "highs.wasm"),
      join(dir, "highs.wasm"),
    );
    // Run from an unrelated directory, so nothing resolves against the repo.
    const node = await run(NODE!, [script, CORPUS], dir);
    assert.equal(node.code, 0, `node failed:\n${node.stderr}`);
    const inNode = JSON.parse(node.stdout) as Summary;
    const inDeno = await inDenoSummary();

    assert.equal(inNode.runtime.runtime, "node");
    assert.equal(inDeno.runtime.runtime, "deno");
    assert.deepEqual(inNode.corpus, inDeno.corpus);
    assert.deepEqual(inNode.written, inDeno.written);
    assert.deepEqual(inNode.highs, inDeno.highs);
    // deno-lint-ignore no-explicit-any
    const highs = inNode.highs as any;
    assert.equal(highs.solves[0].objective, 42);
    assert.equal(highs.solves[0].optimality, "optimal");
    assert.equal(highs.solves[0].termination, "Optimal");
    assert.equal(highs.solves[1].status, "failed");
    assert.equal(highs.solves[1].termination, "Infeasible");
    assert.deepEqual(highs.error, {
      name: "InfeasibleDetected",
      code: "INFEASIBLE",
      message: "Model was infeasible",
    });
    assert.equal(highs.qp.objective, -0.25);

    // Independent of Deno: raw attachment bytes (zstd ones decoded by fzstd on
    // Node 20) hash to what the reference SDK reports.
    const expected = JSON.parse(
      await Deno.readTextFile(join(CORPUS, "attachments.expected.json")),
    ) as { attachments: Record<string, { sha256: string; compressed: boolean }> };
    // deno-lint-ignore no-explicit-any
    const got = (inNode.corpus["attachments"] as any).attachments as Record<
      string,
      { sha256: string; info: { compression: string | null } }
    >;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected.attachments).sort());
    let zstd = 0;
    for (const [name, e] of Object.entries(expected.attachments)) {
      assert.equal(got[name]!.sha256, e.sha256, name);
      assert.equal(got[name]!.info.compression, e.compressed ? "zstd" : null, name);
      if (e.compressed) zstd++;
    }
    assert.ok(zstd >= 3, `only ${zstd} compressed attachments`);

    // The written Experiment reopens under the digest it was committed with.
    // deno-lint-ignore no-explicit-any
    const written = inNode.written as any;
    assert.equal(written.reopened.manifestDigest, written.committedDigest);
    assert.deepEqual(written.reopened.runs.map((r: { status: string }) => r.status), [
      "finished",
      "failed",
    ]);
    assert.equal(written.reopened.runs[0].trace.spans > 0, true);
    for (const source of ["bytes", "blob", "layout"]) {
      assert.equal(written.otherSources[source].manifestDigest, written.committedDigest, source);
    }
    assert.equal(written.otherSources.inMemoryEqualsFile, true);
    assert.ok(written.selfTraced.includes("Run"), String(written.selfTraced));

    // zstd compression needs node:zlib zstd (Node >= 22.15): a typed error before.
    const native = await run(NODE!, [
      "-e",
      "process.stdout.write(String(typeof require('node:zlib').zstdCompressSync === 'function'))",
    ]);
    assert.deepEqual(inDeno.runtime.zstdWrite.ok, true);
    if (native.stdout === "true") {
      assert.deepEqual(inNode.runtime.zstdWrite, inDeno.runtime.zstdWrite);
    } else {
      assert.deepEqual(inNode.runtime.zstdWrite, {
        ok: false,
        name: "UnsupportedError",
        code: "UNSUPPORTED",
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
