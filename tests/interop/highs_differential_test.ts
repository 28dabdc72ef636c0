/**
 * Differential tests of the HiGHS adapter (adapters/highs) against the reference
 * `ommx-highs-adapter` 3.0.0b7, run for real in the interop venv (tests/interop/highs_reference.py):
 *
 * - instances built by the reference SDK (knapsacks, assignments, infeasible and unbounded
 *   problems, LPs with duals, constant constraints, what neither solves), and every Instance of
 *   the reference corpus (tests/fixtures/reference) and of `../shared/fixtures` (QOBLIB, the
 *   random LP), all as `ommx.v2` bytes;
 * - both adapters solve each one; where the reference solves, ours gives the same objective
 *   (within 1e-6, relative above 1), feasibility, optimality and relaxation flags, the same
 *   values for the variables no constraint or objective uses, the whole state where the optimum
 *   is unique, and the same duals where the reference attaches them to the right constraint;
 *   where it refuses or fails, ours fails with an error of the same kind.
 *
 * The documented differences (adapters/highs/README.md, "Differences from the reference") are
 * listed in {@linkcode DIFFERENCES} and asserted as such, so that a change on either side shows.
 *
 * Needs the reference SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv with python3 on PATH;
 * core/_tools_test_util.ts); skipped with one printed line otherwise.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AdapterNotApplicableError,
  type Experiment,
  Instance,
  openArtifact,
  openExperiment,
  type SealedRun,
  type Solution,
  UnboundedDetected,
} from "@ommx-ts/experiment";
import { OMMXHighsAdapter } from "../../adapters/highs/mod.ts";
import { referencePython } from "../../core/_tools_test_util.ts";
import { runPythonJson, sha } from "./_python_test_util.ts";

const python = referencePython(
  "the HiGHS adapter differential tests (tests/interop/highs_differential_test.ts)",
);

const CORPUS = new URL("../fixtures/reference/", import.meta.url);
const SHARED = new URL("../../../shared/fixtures/", import.meta.url);

type Num = number | { $float: string };
type Outcome =
  | {
    kind: "solution";
    objective: Num;
    feasible: boolean;
    optimality: string;
    relaxation: string;
    state: Record<string, Num>;
    duals: Record<string, Num>;
  }
  | { kind: "error"; type: string; message: string };

const num = (x: Num): number =>
  typeof x === "number"
    ? x
    : x.$float === "NaN"
    ? NaN
    : x.$float === "Infinity"
    ? Infinity
    : -Infinity;

/** The reference's exception → the kind of error ours must throw. */
const ERROR_KINDS: Record<string, string> = {
  InfeasibleDetected: "InfeasibleDetected",
  UnboundedDetected: "UnboundedDetected",
  PreparationTargetNotReachedError: "AdapterNotApplicableError",
  AdapterNotApplicableError: "AdapterNotApplicableError",
  OMMXHighsAdapterError: "OMMXHighsAdapterError",
};

/** Cases whose optimum is unique: the whole state must agree. */
const UNIQUE_OPTIMUM = new Set([
  "knapsack-47",
  "knapsack-30",
  "docstring-example",
  "continuous-lp",
  "lp-duals",
  "mixed-negative-bounds",
]);

/** Where ours deliberately differs from the reference, and what ours does instead. */
const DIFFERENCES: Record<string, { reference: string; ours: (o: Solution | Error) => void }> = {
  "unbounded-integer": {
    // HiGHS's presolve says "infeasible or unbounded"; the reference decodes whatever columns
    // HiGHS left (x = 0) as a solution. Ours runs HiGHS again without presolve, which proves it.
    reference: "solution",
    ours: (o) => assert.ok(o instanceof UnboundedDetected, String(o)),
  },
  "convex-qp": {
    // The reference's input class is linear; ours solves convex quadratic objectives.
    reference: "PreparationTargetNotReachedError",
    ours: (o) => {
      assert.ok(!(o instanceof Error), String(o));
      assert.ok(Math.abs(o.objective + 0.25) < 1e-6, String(o.objective));
    },
  },
  "semi-continuous": {
    // The reference refuses semi-continuous variables ("support planned"); HiGHS takes them.
    reference: "PreparationTargetNotReachedError",
    ours: (o) => {
      assert.ok(!(o instanceof Error), String(o));
      assert.equal(o.objective, 4.5);
    },
  },
  "fixed-binary": {
    // A binary with bound [1, 1]: the reference sends [0, 1] to HiGHS and gets an infeasible
    // Solution (x0 = 0, objective 1); ours keeps the bound.
    reference: "solution",
    ours: (o) => {
      assert.ok(!(o instanceof Error), String(o));
      assert.equal(o.state.get(0), 1);
      assert.equal(o.objective, 0);
      assert.equal(o.feasible, true);
    },
  },
  "one-hot": {
    // The reference lowers one-hot/indicator/SOS1 constraints (Instance.prepare) first; ours
    // refuses them before solving (issue 14).
    reference: "solution",
    ours: (o) => assert.ok(o instanceof AdapterNotApplicableError, String(o)),
  },
};

/** Every Instance of an Experiment archive: attachments of the Experiment and its Runs, Solve and Sampling inputs. */
async function experimentInstances(exp: Experiment): Promise<Instance[]> {
  const out: Instance[] = [];
  const holders: (Experiment | SealedRun)[] = [exp, ...exp.runs];
  for (const holder of holders) {
    for (const name of holder.attachmentNames) {
      if (!/\.instance$/.test(holder.attachmentMediaType(name))) continue;
      const value = await holder.getAttachment(name);
      if (value instanceof Instance) out.push(value);
    }
  }
  for (const run of exp.runs) {
    for (const p of [...run.solves, ...run.samplings]) out.push(await p.getInput());
  }
  return out;
}

async function listOmmx(dir: URL): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith(".ommx")).sort();
  } catch {
    return [];
  }
}

/** Write the corpus's and the shared fixtures' Instances (deduplicated) as `<name>.instance`. */
async function writeFixtureInstances(dir: string): Promise<string[]> {
  const seen = new Set<string>();
  const names: string[] = [];
  const write = async (name: string, instance: Instance) => {
    const bytes = instance.toBytes();
    const digest = sha(bytes);
    if (seen.has(digest)) return;
    seen.add(digest);
    names.push(name);
    await Deno.writeFile(join(dir, `${name}.instance`), bytes);
  };
  for (const file of await listOmmx(CORPUS)) {
    await using exp = await openExperiment(new URL(file, CORPUS));
    let i = 0;
    for (const instance of await experimentInstances(exp)) {
      await write(`corpus-${file.slice(0, -5)}-${i++}`, instance);
    }
  }
  const shared = [
    ...(await listOmmx(new URL("qoblib-labs/", SHARED))).map((f) => `qoblib-labs/${f}`),
    ...(await listOmmx(new URL("ommx-repo/", SHARED))).map((f) => `ommx-repo/${f}`),
  ];
  if (shared.length === 0) {
    console.log(`skip: no ../shared/fixtures at ${fileURLToPath(SHARED)} (outside the workplace)`);
  }
  for (const file of shared) {
    const artifact = await openArtifact(new URL(file, SHARED));
    try {
      await write(`shared-${file.replace(/[/.]/g, "-")}`, await artifact.getInstance());
    } finally {
      await artifact.close();
    }
  }
  return names;
}

/** The ids the objective and the active regular constraints use (the columns). */
function usedIds(instance: Instance): Set<number> {
  const used = new Set(instance.objective.usedIds());
  for (const c of instance.constraints) for (const id of c.function.usedIds()) used.add(id);
  return used;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
}

function compare(name: string, instance: Instance, ref: Outcome, ours: Solution | Error): void {
  const difference = DIFFERENCES[name];
  if (difference !== undefined) {
    assert.equal(ref.kind === "error" ? ref.type : "solution", difference.reference, name);
    difference.ours(ours);
    return;
  }
  if (ref.kind === "error") {
    assert.ok(ours instanceof Error, `${name}: the reference fails (${ref.type}), ours solved`);
    const want = ERROR_KINDS[ref.type];
    assert.ok(
      want !== undefined,
      `${name}: unexpected reference error ${ref.type}: ${ref.message}`,
    );
    assert.equal(ours.name, want, `${name}: ${ours}`);
    return;
  }
  assert.ok(!(ours instanceof Error), `${name}: the reference solves, ours fails: ${ours}`);
  const objective = num(ref.objective);
  assert.ok(
    close(ours.objective, objective),
    `${name}: objective ${ours.objective} vs ${objective}`,
  );
  assert.equal(ours.feasible, ref.feasible, `${name}: feasible`);
  assert.equal(ours.optimality, ref.optimality, `${name}: optimality`);
  assert.equal(ours.relaxation, ref.relaxation, `${name}: relaxation`);
  const refState = new Map(Object.entries(ref.state).map(([k, v]) => [Number(k), num(v)]));
  assert.deepEqual([...ours.state.keys()].sort((a, b) => a - b), [...refState.keys()], name);
  const used = usedIds(instance);
  for (const [id, value] of refState) {
    if (UNIQUE_OPTIMUM.has(name) || !used.has(id)) {
      assert.ok(
        close(ours.state.get(id)!, value),
        `${name}: x${id} = ${ours.state.get(id)} vs ${value}`,
      );
    }
  }
  // The reference attaches row k's dual to the constraint with id k: right only when the rows
  // are exactly the constraints 0..n-1 (no constant constraint skipped).
  const ids = instance.constraints.map((c) => c.id).sort((a, b) => a - b);
  const rowsAreIds = ids.every((id, k) => id === k) &&
    instance.constraints.every((c) => c.function.degree() >= 1);
  const ourDuals = new Map(ours.constraints.map((c) => [c.id, c.dualVariable]));
  if (rowsAreIds) {
    for (const [id, dual] of Object.entries(ref.duals)) {
      const mine = ourDuals.get(Number(id));
      assert.ok(
        mine !== undefined && close(mine, num(dual)),
        `${name}: dual of ${id}: ${mine} vs ${num(dual)}`,
      );
    }
    assert.equal(
      [...ourDuals.values()].filter((d) => d !== undefined).length,
      Object.keys(ref.duals).length,
      `${name}: as many duals`,
    );
  }
}

Deno.test({
  name:
    "interop: the HiGHS adapter agrees with ommx-highs-adapter 3.0.0b7 on the reference's instances, the corpus and the shared fixtures",
  ignore: python === undefined,
  sanitizeResources: false,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-highs-diff-" });
    try {
      const generated = await runPythonJson<string[]>(python!, "highs_reference.py", [
        "generate",
        dir,
      ], {});
      assert.ok(generated.length >= 20, generated.join(", "));
      const fixtures = await writeFixtureInstances(dir);
      assert.ok(fixtures.length >= 4, fixtures.join(", "));
      const reference = await runPythonJson<Record<string, Outcome>>(
        python!,
        "highs_reference.py",
        ["solve", dir],
        {},
      );
      const names = [...generated, ...fixtures];
      assert.deepEqual(Object.keys(reference).sort(), [...names].sort());
      const tally: Record<string, number> = {};
      for (const name of names) {
        await t.step(name, async () => {
          const bytes = await Deno.readFile(join(dir, `${name}.instance`));
          const instance = Instance.decode(bytes, "v2");
          const ours = await OMMXHighsAdapter.solve(instance).catch((e: Error) => e);
          compare(name, instance, reference[name]!, ours);
          const key = `${
            reference[name]!.kind === "error"
              ? (reference[name] as { type: string }).type
              : "solution"
          }`;
          tally[key] = (tally[key] ?? 0) + 1;
        });
      }
      console.log(
        `highs differential: ${names.length} instances, reference outcomes ${
          JSON.stringify(tally)
        }`,
      );
      // Both sides solved and failed in every way this suite is meant to cover.
      assert.ok((tally.solution ?? 0) >= 10);
      for (
        const kind of [
          "InfeasibleDetected",
          "UnboundedDetected",
          "OMMXHighsAdapterError",
          "PreparationTargetNotReachedError",
        ]
      ) {
        assert.ok((tally[kind] ?? 0) >= 1, `${kind}: ${JSON.stringify(tally)}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
