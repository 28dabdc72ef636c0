/**
 * Under Deno, writing an Experiment into a new Local Registry loads none of Node's
 * compatibility layer (`node:fs`, `node:crypto`, … cost ~10 MiB of resident memory; only
 * `node:sqlite`, the registry's index, is needed). A script outside the checkout runs the
 * writer's ordinary path (create, runs with parameters, a JSON attachment and a Solve, commit)
 * with an import map that turns those built-ins into a module that marks the process and throws;
 * it must finish, never load the mark, and leave an Experiment this process reads back.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openExperiment } from "../mod.ts";

const ROOT = new URL("../", import.meta.url);
const dec = new TextDecoder();

/** The built-ins that load Node's compatibility layer. */
const NODE_LAYER = [
  "node:fs",
  "node:fs/promises",
  "node:crypto",
  "node:os",
  "node:path",
  "node:process",
  "node:url",
];

Deno.test("writer: a Local Registry write under Deno loads no node:fs, node:crypto, …", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ommx-node-free-" }));
  try {
    const url = (path: string) => JSON.stringify(new URL(path, ROOT).href);
    await Deno.writeTextFile(
      join(dir, "node_layer.js"),
      `globalThis.ommxNodeLayerLoaded = true;\nthrow new Error("Node's compatibility layer loaded");\n`,
    );
    await Deno.writeTextFile(
      join(dir, "import_map.json"),
      JSON.stringify({
        imports: Object.fromEntries(NODE_LAYER.map((m) => [m, "./node_layer.js"])),
      }),
    );
    const script = [
      `import { AutosavePolicy, Experiment, Function, Instance, Solution } from ${url("mod.ts")};`,
      `const instance = (i) => new Instance({`,
      `  sense: "maximize",`,
      `  objective: Function.linear([[0, 10 + i], [1, 13]]),`,
      `  decisionVariables: [0, 1].map((id) => ({ id, kind: "binary", bound: { lower: 0, upper: 1 }, ` +
      `subscripts: [], parameters: {} })),`,
      `  constraints: [{ id: 0, function: Function.linear([[0, 11], [1, 15]], -20), ` +
      `equality: "<=", subscripts: [], parameters: {} }],`,
      `});`,
      `const fixed = { name: "t.Fixed", solve: (inst) => Solution.evaluate(inst, new Map([[0, 1], [1, 0]])) };`,
      `const exp = await Experiment.create("ghcr.io/ommx-ts/test/node-free:v1", { root: Deno.args[0] });`,
      `exp.setAutosavePolicy(AutosavePolicy.disabled());`,
      `for (let i = 0; i < 3; i++) {`,
      `  await exp.withRun(async (run) => {`,
      `    run.logParameter("seed", i);`,
      `    await run.logJson("config", { i });`,
      `    await run.logSolve(fixed, instance(i));`,
      `  });`,
      `}`,
      `await exp.commit();`,
      `await exp.close();`,
      `console.log(globalThis.ommxNodeLayerLoaded === true ? "loaded" : "node-free");`,
      ``,
    ].join("\n");
    await Deno.writeTextFile(join(dir, "write.js"), script);
    const registry = join(dir, "registry");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--cached-only",
        "--import-map=import_map.json",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "write.js",
        registry,
      ],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(out.code, 0, dec.decode(out.stderr));
    assert.equal(dec.decode(out.stdout).trim(), "node-free");
    await using exp = await openExperiment({
      localRegistry: "ghcr.io/ommx-ts/test/node-free:v1",
      root: registry,
    });
    assert.equal(exp.runs.length, 3);
    assert.deepEqual(exp.runs.map((r) => r.parameters.seed), [0, 1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
