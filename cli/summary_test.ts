// summarizeProcess parses a record's adapter options once (keeping Python floats) and still
// refuses what the `adapterOptions` getter refuses, with the getter's error.
import assert from "node:assert/strict";
import { InvalidArtifactError, PyFloat, type Solve } from "../mod.ts";
import { parsePythonJson } from "../codecs/json/mod.ts";
import { summarizeProcess } from "./summary.ts";

/** A finished-without-output Solve stand-in whose getter behaves as the real one. */
function fakeSolve(json: string): { solve: Solve; getterCalls: () => number } {
  let calls = 0;
  const solve = {
    solveId: 3,
    runId: 1,
    status: "failed",
    adapter: "a",
    adapterOptionsJson: json,
    get adapterOptions() {
      calls++;
      const v = parsePythonJson(json);
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new InvalidArtifactError(
          `Run 1 Solve 3 adapter_options is not a JSON object: ${json}`,
        );
      }
      return v;
    },
    getDiagnostics: () => [],
    getOutput: () => Promise.resolve(null),
    getOutputSummary: () => Promise.resolve(null),
  } as unknown as Solve;
  return { solve, getterCalls: () => calls };
}

Deno.test("summarizeProcess: adapter options parsed once, floats kept as PyFloat", async () => {
  const { solve, getterCalls } = fakeSolve('{"time_limit": 10.0, "threads": 2, "x": NaN}');
  const s = await summarizeProcess(solve);
  assert.ok(s.adapterOptions.time_limit instanceof PyFloat);
  assert.equal(s.adapterOptions.threads, 2);
  assert.equal(getterCalls(), 0, "the getter's parse is not repeated");
});

Deno.test("summarizeProcess: options that are not a JSON object fail as the getter fails", async () => {
  for (const json of ["[1]", "1.5", "null", '"x"', "NaN", "{", ""]) {
    const { solve } = fakeSolve(json);
    await assert.rejects(
      summarizeProcess(solve),
      (e) =>
        (e instanceof InvalidArtifactError && e.message.includes("Run 1 Solve 3")) ||
        (e as { code?: string }).code === "DECODE_ERROR",
      json,
    );
  }
  // The non-object cases name the record, as the getter's error does.
  await assert.rejects(summarizeProcess(fakeSolve("1.5").solve), /Run 1 Solve 3 adapter_options/);
});

Deno.test("summarizeProcess: records sharing an options text get equal, separate objects", async () => {
  for (
    const json of [
      "{}",
      '{"verbose": false, "threads": 2, "name": "x", "big": 12345678901234567890}',
      '{"__proto__": 1, "a": null}',
      '{"nested": {"a": [1]}}',
      '{"time_limit": 10.0}',
    ]
  ) {
    const first = await summarizeProcess(fakeSolve(json).solve);
    const expected = parsePythonJson(json, { preserveFloats: true });
    assert.deepStrictEqual(first.adapterOptions, expected, json);
    first.adapterOptions.added = true; // a caller may change its summary
    if ("nested" in first.adapterOptions) {
      (first.adapterOptions.nested as Record<string, unknown>).a = 0;
    }
    let previous = first.adapterOptions;
    for (let i = 0; i < 3; i++) {
      const again = await summarizeProcess(fakeSolve(json).solve);
      assert.notEqual(again.adapterOptions, previous, json);
      assert.deepStrictEqual(again.adapterOptions, expected, json);
      assert.equal(Object.getPrototypeOf(again.adapterOptions), Object.prototype, json);
      assert.deepEqual(Object.keys(again.adapterOptions), Object.keys(expected as object), json);
      previous = again.adapterOptions;
      previous.added = i;
    }
  }
});
