import assert from "node:assert/strict";
import { runParametersView } from "./run_parameters.ts";
import type { RunParameterColumn, RunParameterTable } from "../../../codecs/msgpack/mod.ts";

const table = (columns: [string, RunParameterColumn][]): RunParameterTable => ({
  columns: new Map(columns),
});

Deno.test("runParametersView: ids 0..n−1 and ids with gaps give the same rows and columns", () => {
  const cols = (ids: number[]): [string, RunParameterColumn][] => [
    ["seed", { type: "int64", values: new Map([[ids[2]!, 7], [ids[0]!, 42]]) }],
    ["alpha", { type: "float64", values: new Map([[ids[1]!, 0.5]]) }],
    ["name", { type: "string", values: new Map([[ids[0]!, "a"], [ids[3]!, "d"]]) }],
  ];
  const dense = runParametersView(table(cols([0, 1, 2, 3])), [3, 1, 0, 2, 1]);
  assert.deepEqual(dense.columns, [
    { name: "name", type: "string" },
    { name: "seed", type: "int64" },
    { name: "alpha", type: "float64" },
  ]);
  assert.deepEqual(dense.rows, [
    { runId: 0, values: { seed: 42, name: "a" } },
    { runId: 1, values: { alpha: 0.5 } },
    { runId: 2, values: { seed: 7 } },
    { runId: 3, values: { name: "d" } },
  ]);
  for (const ids of [[1, 2, 3, 4], [0, 1, 2, 5], [0, 2, 3, 4], [10, 20, 30, 40]]) {
    const view = runParametersView(table(cols(ids)), [...ids].reverse().concat(ids[1]!));
    assert.deepEqual(view.columns, dense.columns, String(ids));
    assert.deepEqual(view.rows.map((r) => r.runId), ids);
    assert.deepEqual(view.rows.map((r) => r.values), dense.rows.map((r) => r.values));
    assert.ok(view.rows.every((r) => Object.isFrozen(r.values)));
  }
});

Deno.test("runParametersView: of several cells of missing runs, the first of the first column is named", () => {
  const t = table([
    ["a", { type: "bool", values: new Map([[0, true], [9, true], [8, false]]) }],
    ["b", { type: "bool", values: new Map([[7, true]]) }],
  ]);
  assert.throws(
    () => runParametersView(t, [0, 1]),
    /^InvalidArtifactError: Run-parameter table references Run 9, but/,
  );
});

Deno.test("runParametersView: a cell of a run the config lacks is refused, ids dense or not", () => {
  for (const runIds of [[0, 1, 2], [0, 1, 3], [5, 6, 7], []]) {
    for (const missing of [-1, 0.5, 4, 2 ** 32, 2 ** 53 - 1]) {
      if (runIds.includes(missing)) continue;
      const t = table([["p", {
        type: "bool",
        values: new Map([[runIds[0] ?? 0, true], [missing, false]]),
      }]]);
      assert.throws(() => runParametersView(t, runIds), (e: unknown) => {
        assert.equal((e as { code?: string }).code, "INVALID_ARTIFACT");
        assert.equal(
          (e as Error).message,
          runIds.length === 0 && missing !== 0
            ? "Run-parameter table references Run 0, but Experiment config does not contain it"
            : `Run-parameter table references Run ${missing}, but Experiment config does not contain it`,
        );
        return true;
      }, `${runIds} ${missing}`);
    }
  }
});
