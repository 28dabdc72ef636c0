/**
 * Interop: the generic artifacts in ../shared/fixtures/ (written by earlier
 * reference versions) read through `openArtifact` exactly as the pinned Python
 * SDK reads them: manifest annotations, layers, Instance counts, ids, sense and
 * annotations view, Solution objective, feasibility and state.
 *
 * Skipped with one printed line without ../shared or without the reference SDK (core/_tools_test_util.ts).
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openArtifact } from "../../mod.ts";
import { normaliseExpected, toExpectedForm } from "../conformance/_corpus_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const root = new URL("../../", import.meta.url);
const shared = fileURLToPath(new URL("../shared/fixtures/", root));

function list(): string[] {
  try {
    const out: string[] = [];
    for (const dir of ["ommx-repo", "qoblib-labs"]) {
      for (const e of Deno.readDirSync(join(shared, dir))) {
        if (e.name.endsWith(".ommx")) out.push(join(shared, dir, e.name));
      }
    }
    return out.sort();
  } catch {
    return [];
  }
}

const files = list();
if (files.length === 0) console.log(`shared_fixtures_test: skipped — ${shared} is absent`);
const python = files.length === 0 ? undefined : referencePython(
  "the shared-fixture cross-checks (tests/interop/shared_fixtures_test.ts)",
);

let reference: Promise<Record<string, Record<string, unknown>>> | undefined;
function referenceReading(): Promise<Record<string, Record<string, unknown>>> {
  reference ??= (async () => {
    const out = await new Deno.Command(python!, {
      args: [fileURLToPath(new URL("read_shared_fixtures.py", import.meta.url)), ...files],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout));
  })();
  return reference;
}

for (const path of python === undefined ? [] : files) {
  const name = basename(path);
  Deno.test(`shared fixture ${name} reads as the reference SDK reads it`, async () => {
    // deno-lint-ignore no-explicit-any
    const exp = (await referenceReading())[name] as any;
    await using artifact = await openArtifact(path);
    assert.deepStrictEqual({ ...artifact.annotations }, exp.annotations, "manifest annotations");
    assert.deepStrictEqual(
      artifact.layers.map((l) => ({
        media_type: l.mediaType,
        digest: l.digest,
        size: l.size,
        annotations: { ...l.annotations },
      })),
      exp.layers,
      "layers",
    );
    const inst = await artifact.getInstance();
    assert.equal(inst.numVariables, exp.instance.num_variables, "num_variables");
    assert.equal(inst.constraints.length, exp.instance.num_constraints, "num_constraints");
    assert.deepStrictEqual(
      [...inst.variableIds].sort((a, b) => a - b),
      exp.instance.variable_ids,
      "variable ids",
    );
    assert.deepStrictEqual(
      [...inst.constraintIds].sort((a, b) => a - b),
      exp.instance.constraint_ids,
      "constraint ids",
    );
    assert.equal(inst.sense, exp.instance.sense, "sense");
    assert.deepStrictEqual({ ...inst.annotations }, exp.instance.annotations, "annotations");
    if (exp.solution === undefined) return;
    const sol = await artifact.getSolution();
    assert.deepStrictEqual(
      toExpectedForm(sol.objective),
      normaliseExpected(exp.solution.objective),
    );
    assert.equal(sol.feasible, exp.solution.feasible, "feasible");
    assert.deepStrictEqual(
      toExpectedForm(sol.state),
      normaliseExpected(exp.solution.state),
      "state",
    );
    assert.deepStrictEqual(
      { ...sol.annotations },
      exp.solution.annotations,
      "solution annotations",
    );
  });
}
