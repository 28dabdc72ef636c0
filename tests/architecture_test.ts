/**
 * The architecture of ommx-ts as a test: every import of the package (static,
 * dynamic and type-only, as `deno info --json` reports them) must follow an
 * arrow of `docs/architecture.json`, no import cycle may exist, and
 * `docs/architecture.md` must show the same table. A planted package proves
 * the checker fails on the imports it forbids.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type ArchitectureRules,
  checkGraph,
  findCycles,
  loadGraph,
  roomOf,
  tableOfDocument,
} from "./_architecture_test_util.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const rules: ArchitectureRules = JSON.parse(
  await Deno.readTextFile(`${ROOT}docs/architecture.json`),
);

const SOURCE_DIRS = ["core", "codecs", "cli", "adapters", "tests", "bench", "examples", "bundle"];

async function sourceFiles(root: string, dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = [...Deno.readDirSync(`${root}${dir}`)];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory && !e.name.startsWith(".")) await walk(path);
      else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
    }
  };
  for (const d of dirs) await walk(d);
  const rootMod = await Deno.stat(`${root}mod.ts`).then(() => true, () => false);
  return [...(rootMod ? ["mod.ts"] : []), ...out.sort()];
}

Deno.test("architecture: every import of the package follows docs/architecture.json; no cycles", async () => {
  const files = await sourceFiles(ROOT, SOURCE_DIRS);
  assert.ok(files.length > 150, `found only ${files.length} files`);
  const graph = await loadGraph(ROOT, files, `${ROOT}deno.json`);
  assert.ok(graph.edges.length > 500, `only ${graph.edges.length} imports read`);
  assert.ok(graph.edges.some((e) => e.kind === "type"), "type-only imports are read");
  assert.ok(graph.edges.some((e) => e.kind === "dynamic"), "dynamic imports are read");
  const findings = checkGraph(graph, rules);
  assert.deepEqual(findings.unassigned, [], "every file belongs to a room");
  assert.deepEqual(findings.violations, [], "imports across arrows the table does not allow");
  assert.deepEqual(findings.cycles, [], "import cycles");
});

Deno.test("architecture: no library room may import the generated entry (bundle/)", () => {
  const library = ["base", "oci", "storage", "core-entry", "codecs", "generated", "read", "write"];
  for (const room of [...library, "model", "root", "cli", "unit-tests"]) {
    const allowed = rules.allow[room];
    assert.ok(allowed !== undefined, room);
    assert.ok(!allowed.some((r) => r.replace(/[!*]$/, "") === "bundle"), `${room} imports bundle/`);
  }
  assert.equal(roomOf(rules, "bundle/mod.js"), "bundle");
  assert.equal(roomOf(rules, "bundle/_ommx_ts.js"), "bundle");
});

Deno.test("architecture: docs/architecture.md mirrors the allowed-arrow table of architecture.json", async () => {
  const doc = tableOfDocument(await Deno.readTextFile(`${ROOT}docs/architecture.md`));
  assert.deepEqual(doc, rules.allow);
  assert.deepEqual(Object.keys(rules.allow).sort(), rules.rooms.map((r) => r.name).sort());
});

Deno.test("architecture: each file belongs to the last room whose paths match it", () => {
  assert.equal(roomOf(rules, "core/errors.ts"), "base");
  assert.equal(roomOf(rules, "core/_code_points.ts"), "base");
  assert.equal(roomOf(rules, "core/oci/digest.ts"), "oci");
  assert.equal(roomOf(rules, "core/oci/tar/reader.ts"), "oci");
  assert.equal(roomOf(rules, "core/oci/backends/archive.ts"), "storage");
  assert.equal(roomOf(rules, "core/oci/backends/archive_test.ts"), "unit-tests");
  assert.equal(roomOf(rules, "codecs/ommx/gen/ommx/v2/instance_pb.ts"), "generated");
  assert.equal(roomOf(rules, "core/experiment/read/sealed_experiment.ts"), "read");
  assert.equal(roomOf(rules, "core/experiment/write/_commit.ts"), "write");
  assert.equal(roomOf(rules, "core/experiment/mod.ts"), "model");
  assert.equal(roomOf(rules, "mod.ts"), "root");
  assert.equal(roomOf(rules, "README.md"), undefined);
});

Deno.test("architecture: cycles are found through type-only and dynamic imports", () => {
  const cycles = findCycles({
    files: ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts"],
    edges: [
      { from: "a.ts", to: "b.ts", kind: "code" },
      { from: "b.ts", to: "c.ts", kind: "type" },
      { from: "c.ts", to: "a.ts", kind: "dynamic" },
      { from: "d.ts", to: "a.ts", kind: "code" },
      { from: "e.ts", to: "e.ts", kind: "type" },
    ],
  });
  assert.deepEqual(cycles, ["a.ts -> b.ts -> c.ts", "e.ts"]);
});

Deno.test("architecture: the checker fails on planted bad imports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-arch-planted-" });
  const root = `${dir}/`;
  const files: Record<string, string> = {
    "core/errors.ts": "export class OmmxError extends Error {}\n",
    // core/oci must not know codecs or the model
    "core/oci/planted.ts": 'import { x } from "../../codecs/planted.ts";\nexport const y = x;\n',
    // codecs must not reach storage (and a dynamic import counts)
    "codecs/planted.ts":
      'export const x = 1;\nexport const load = () => import("../core/oci/backends/planted.ts");\n',
    "core/oci/backends/planted.ts": 'import "../../errors.ts";\nexport const z = 2;\n',
    // the read room never imports the write room
    "core/experiment/read/planted.ts":
      'import { w } from "../write/planted.ts";\nexport const r = w;\n',
    // the write room sees only the read room's exported interface (an allowed import beside it)
    "core/experiment/write/planted.ts":
      'import type { R } from "../read/_internal.ts";\nimport { open } from "../read/open.ts";\nexport const w = 3;\nexport type W = R;\nexport { open };\n',
    "core/experiment/read/_internal.ts": "export type R = number;\n",
    "core/experiment/read/open.ts": "export const open = 4;\n",
    // library -> cli, library -> tests, anything -> examples
    "core/experiment/read/uses_cli.ts": 'import "../../../cli/main.ts";\n',
    "cli/main.ts": 'import "../mod.ts";\n',
    "mod.ts": 'export * from "./core/experiment/read/open.ts";\n',
    "codecs/uses_tests.ts": 'import "../tests/_helper_test_util.ts";\n',
    "tests/_helper_test_util.ts": "export const h = 5;\n",
    "tests/uses_example.ts": 'import "../examples/demo.ts";\n',
    "examples/demo.ts": "export const d = 6;\n",
    // a type-only cycle inside one room
    "core/oci/cycle_a.ts": 'import type { B } from "./cycle_b.ts";\nexport type A = B[];\n',
    "core/oci/cycle_b.ts": 'import type { A } from "./cycle_a.ts";\nexport type B = A | number;\n',
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(`${root}${path.slice(0, path.lastIndexOf("/") + 1)}`, { recursive: true });
      await Deno.writeTextFile(`${root}${path}`, text);
    }
    const graph = await loadGraph(root, Object.keys(files));
    const findings = checkGraph(graph, rules);
    assert.deepEqual(findings.violations.sort(), [
      "codecs/planted.ts -> core/oci/backends/planted.ts (codecs -> storage, dynamic)",
      "codecs/uses_tests.ts -> tests/_helper_test_util.ts (codecs -> tests, code)",
      "core/experiment/read/planted.ts -> core/experiment/write/planted.ts (read -> write, code)",
      "core/experiment/read/uses_cli.ts -> cli/main.ts (read -> cli, code)",
      "core/experiment/write/planted.ts -> core/experiment/read/_internal.ts (write -> read, type)",
      "core/oci/planted.ts -> codecs/planted.ts (oci -> codecs, code)",
      "tests/uses_example.ts -> examples/demo.ts (tests -> examples, code)",
    ]);
    assert.deepEqual(findings.cycles, ["core/oci/cycle_a.ts -> core/oci/cycle_b.ts"]);
    assert.deepEqual(findings.unassigned, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
