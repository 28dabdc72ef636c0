/**
 * Interop: v1 Solutions and SampleSets logged through the writer (converted to v2, with the
 * derived fields the reference re-checks computed) are what the reference SDK reads.
 *
 * Every QOBLIB archive in ../shared/fixtures/qoblib-labs/ (v1 Instance + v1 Solution) is logged
 * as a Solve (input = its Instance), the random_lp_instance fixture as the input of Solves whose
 * v1 Solutions the reference SDK evaluates, and v1 Solutions / SampleSets the reference SDK makes
 * (removed constraints, fractional integers, several samples) as Solves and Samplings. The
 * Experiment is saved, imported with `Experiment.import_archive`, and objective, feasibility
 * flags, every constraint value, every variable value and the input Instance must equal what the
 * SDK reads from the original v1 payloads; our own decode of those payloads must agree too.
 *
 * Skipped with one printed line without the venv; the fixture cases without ../shared.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createExperiment,
  Instance,
  openArtifact,
  SampleSet,
  saveExperiment,
  Solution,
} from "../../mod.ts";
import { runPythonJson } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const root = new URL("../../", import.meta.url);
const found = referencePython(
  "the v1 Solution/SampleSet round trip (tests/interop/v1_results_test.ts)",
);
const python = found ?? "";
const shared = fileURLToPath(new URL("../shared/fixtures/", root));
const hasPython = found !== undefined;

function fixtureArchives(): string[] {
  try {
    return [...Deno.readDirSync(join(shared, "qoblib-labs"))]
      .filter((e) => e.name.endsWith(".ommx"))
      .map((e) => join(shared, "qoblib-labs", e.name))
      .sort();
  } catch {
    return [];
  }
}
const qoblib = fixtureArchives();
const randomLp = join(shared, "ommx-repo", "random_lp_instance.ommx");
if (hasPython && qoblib.length === 0) {
  console.log(`v1_results_test: QOBLIB / random_lp cases skipped — ${shared} is absent`);
}

type Json = Record<string, unknown>;
type Report = Record<string, {
  kind: "solution" | "sample-set";
  status: string;
  logged: Json;
  original: Json;
  logged_input: Json;
  original_input: Json;
}>;

/** Layers of a v1 generic artifact, by media-type suffix. */
async function v1Layers(path: string): Promise<Map<string, Uint8Array>> {
  await using art = await openArtifact(path);
  const out = new Map<string, Uint8Array>();
  for (const d of art.layers) {
    const kind = d.mediaType.replace("application/org.ommx.v1.", "");
    if (!out.has(kind)) out.set(kind, await art.getBlob(d));
  }
  return out;
}

let work: Promise<{ dir: string; cases: string[]; report: Report }> | undefined;

function logAndRead(): Promise<{ dir: string; cases: string[]; report: Report }> {
  work ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-v1-results-" });
    for (const path of qoblib) {
      const layers = await v1Layers(path);
      const name = path.split("/").at(-1)!.replace(/\.ommx$/, "");
      await Deno.writeFile(join(dir, `${name}.instance.v1`), layers.get("instance")!);
      await Deno.writeFile(join(dir, `${name}.solution.v1`), layers.get("solution")!);
    }
    if (qoblib.length > 0) {
      const layers = await v1Layers(randomLp);
      await Deno.writeFile(join(dir, "random_lp.instance.v1"), layers.get("instance")!);
    }
    const made = await runPythonJson<string[]>(python, "v1_results.py", ["make", dir], {});
    assert.ok(made.length >= 8, `v1_results.py make wrote ${made}`);
    const cases: string[] = [];
    const builder = createExperiment({ imageName: "ghcr.io/ommx-ts/interop/v1-results:v1" });
    await builder.withRun(async (run) => {
      for (const file of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
        const m = file.match(/^(.*)\.(solution|sample-set)\.v1$/);
        if (!m) continue;
        const [, name, kind] = m as unknown as [string, string, string];
        const input = Instance.decode(await Deno.readFile(join(dir, `${name}.instance.v1`)), "v1");
        const bytes = await Deno.readFile(join(dir, file));
        const record = { input, adapter: "ommx_ts.interop.v1", adapterOptions: { case: name } };
        if (kind === "solution") {
          await run.logFinishedSolve({ ...record, output: Solution.decode(bytes, "v1") });
        } else {
          await run.logFinishedSampling({ ...record, output: SampleSet.decode(bytes, "v1") });
        }
        cases.push(name);
      }
    });
    const archive = join(dir, "experiment.ommx");
    await saveExperiment(await builder.commit(), archive);
    const report = await runPythonJson<Report>(python, "v1_results.py", ["read", archive, dir], {});
    return { dir, cases, report };
  })();
  return work;
}

const expectedCases = [
  ...qoblib.map((p) => p.split("/").at(-1)!.replace(/\.ommx$/, "")),
  ...(qoblib.length > 0 ? ["random_lp-lower", "random_lp-upper"] : []),
  "py-active-violated",
  "py-all-feasible",
  "py-fractional-integer",
  "py-removed-violated",
  "py-samples",
  "py-samples-max",
];

Deno.test({
  name: "interop: every v1 case was logged and imported by the Python SDK",
  ignore: !hasPython,
  sanitizeResources: false,
  fn: async () => {
    const { cases, report } = await logAndRead();
    assert.deepEqual([...cases].sort(), [...expectedCases].sort());
    assert.deepEqual(Object.keys(report).sort(), [...expectedCases].sort());
  },
});

for (const name of expectedCases) {
  Deno.test({
    name: `interop: ${name} logged from v1 reads as the reference reads the original`,
    ignore: !hasPython,
    sanitizeResources: false,
    fn: async () => {
      const { dir, report } = await logAndRead();
      const r = report[name];
      assert.ok(r, `${name} is missing from the Python report`);
      assert.equal(r.status, "finished");
      assert.deepStrictEqual(r.logged, r.original, "output");
      assert.deepStrictEqual(r.logged_input, r.original_input, "input instance");
      // Our own v1 decode agrees with the reference on the derived fields.
      const bytes = await Deno.readFile(join(dir, `${name}.${r.kind}.v1`));
      // deno-lint-ignore no-explicit-any
      const o = r.original as any;
      if (r.kind === "solution") {
        const s = Solution.decode(bytes, "v1");
        assertSolutionLike(s, o, name);
      } else {
        const ss = SampleSet.decode(bytes, "v1");
        assert.deepEqual(Object.fromEntries([...ss.feasible].map(([k, v]) => [k, v])), o.feasible);
        assert.deepEqual(
          Object.fromEntries([...ss.feasibleRelaxed].map(([k, v]) => [k, v])),
          o.feasible_relaxed,
        );
        for (const id of ss.sampleIdsList) {
          assertSolutionLike(ss.get(id), o.samples[id], `${name}#${id}`);
        }
      }
    },
  });
}

// deno-lint-ignore no-explicit-any
function assertSolutionLike(s: Solution, o: any, what: string): void {
  assert.equal(s.objective, o.objective, `${what} objective`);
  assert.equal(s.feasible, o.feasible, `${what} feasible`);
  assert.equal(s.feasibleRelaxed, o.feasible_relaxed, `${what} feasible_relaxed`);
  assert.equal(s.feasibilityAtol ?? 1e-6, o.feasibility_atol, `${what} feasibility_atol`);
  const constraints = Object.fromEntries(
    s.constraints.map((c) => [String(c.id), [c.value, c.feasible]]),
  );
  assert.deepStrictEqual(constraints, o.constraints, `${what} constraints`);
  for (const v of s.decisionVariables) {
    assert.equal(s.state.get(v.id) ?? v.value, o.variables[String(v.id)][0], `${what} x${v.id}`);
  }
  assert.equal(s.decisionVariables.length, Object.keys(o.variables).length, `${what} variables`);
}

Deno.test({
  name: "interop: cleanup of the v1 results work directory",
  ignore: !hasPython,
  fn: async () => {
    if (work) await Deno.remove((await work).dir, { recursive: true });
  },
});
