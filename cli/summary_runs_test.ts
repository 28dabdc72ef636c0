// summarizeRuns reads each Solve as far as a run's summary needs (its best-objective
// inputs, its options checked): the same run summaries and the same first error as
// summarizeRun over summarizeProcesses; and bestRecord's rule in one loop.
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { InvalidArtifactError, type SealedRun, type Solve } from "../mod.ts";
import { parsePythonJson } from "../codecs/json/mod.ts";
import type { SolutionSummary } from "../codecs/ommx/mod.ts";
import {
  type BestCandidate,
  bestRecord,
  type ProcessSummary,
  summarizeProcesses,
  summarizeRun,
  summarizeRuns,
} from "./summary.ts";

interface SolveSpec {
  status: "finished" | "failed";
  options: string;
  output: SolutionSummary | null;
  inputSense: "minimize" | "maximize";
}

/** A Solve stand-in: the getters and reads the summaries use, counting the input reads. */
function fakeSolve(runId: number, id: number, spec: SolveSpec, reads: { input: number }): Solve {
  return {
    solveId: id,
    runId,
    status: spec.status,
    adapter: "a",
    adapterOptionsJson: spec.options,
    get adapterOptions() {
      const v = parsePythonJson(spec.options);
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new InvalidArtifactError(
          `Run ${runId} Solve ${id} adapter_options is not a JSON object`,
        );
      }
      return v;
    },
    getDiagnostics: () => [],
    getOutputSummary: () => Promise.resolve(spec.output === null ? null : { ...spec.output }),
    getInput: () => {
      reads.input++;
      return Promise.resolve({ sense: spec.inputSense });
    },
  } as unknown as Solve;
}

function fakeRun(runId: number, specs: SolveSpec[], reads: { input: number }): SealedRun {
  return {
    runId,
    status: "finished",
    lifecycleReason: null,
    parameters: {},
    solves: specs.map((s, i) => fakeSolve(runId, i, s, reads)),
    samplings: [],
    attachmentNames: [],
    hasTrace: false,
  } as unknown as SealedRun;
}

const summaryArb: fc.Arbitrary<SolutionSummary> = fc.record({
  objective: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(NaN), fc.constant(Infinity)),
  feasible: fc.boolean(),
  optimality: fc.constantFrom("optimal", "not-optimal", "unspecified"),
  relaxation: fc.constantFrom("lp-relaxed", "unspecified"),
  sense: fc.constantFrom("minimize", "maximize", undefined),
}) as fc.Arbitrary<SolutionSummary>;

const specArb: fc.Arbitrary<SolveSpec> = fc.record({
  status: fc.constantFrom("finished", "failed"),
  options: fc.constantFrom("{}", '{"t": 1.0}', '{"n": {"a": 1}}', "[1]", "{", "1.5"),
  output: fc.option(summaryArb, { nil: null }),
  inputSense: fc.constantFrom("minimize", "maximize"),
}) as fc.Arbitrary<SolveSpec>;

/** The outcome of a summary call: its value, or its error's class and message. */
async function outcome<T>(p: Promise<T>): Promise<unknown> {
  try {
    return { value: await p };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

Deno.test("summarizeRuns: the run summaries and first error of summarizeRun over summarizeProcesses", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(specArb, { maxLength: 4 }), { maxLength: 5 }),
      async (runs) => {
        const readsA = { input: 0 };
        const readsB = { input: 0 };
        const a = runs.map((specs, i) => fakeRun(i, specs, readsA));
        const b = runs.map((specs, i) => fakeRun(i, specs, readsB));
        const expected = await outcome(
          Promise.all(a.map(async (run) => summarizeRun(run, await summarizeProcesses(run)))),
        );
        const got = await outcome(summarizeRuns(b));
        assert.deepStrictEqual(got, expected);
        if ("value" in (expected as object)) assert.equal(readsB.input, readsA.input);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("bestRecord: the first eligible record's sense, even when unknown, decides", () => {
  const rec = (id: number, objective: number, sense: string | null): BestCandidate => ({
    kind: "solve",
    id,
    objective,
    sense: sense as BestCandidate["sense"],
    status: "finished",
    feasible: true,
    relaxation: "unspecified",
  });
  const ineligible = { ...rec(9, -100, "minimize"), feasible: false };
  // The first eligible record has no sense: only records without one count.
  assert.equal(
    bestRecord([ineligible, rec(0, 5, null), rec(1, 3, null), rec(2, 1, "minimize")])?.id,
    1,
  );
  assert.equal(bestRecord([rec(0, 5, null), rec(1, 1, "minimize"), rec(2, 7, null)])?.id, 0);
  // A known first sense: records of the other sense, or none, are ignored.
  assert.equal(
    bestRecord([ineligible, rec(0, 5, "maximize"), rec(1, 9, null), rec(2, 7, "maximize")])?.id,
    2,
  );
  assert.equal(bestRecord([ineligible]), null);
  // The generic form returns the caller's own objects.
  const full = { ...rec(4, 2, "minimize"), runId: 0 } as unknown as ProcessSummary;
  assert.equal(bestRecord([full]), full);
});
