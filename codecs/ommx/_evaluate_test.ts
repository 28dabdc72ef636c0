import assert from "node:assert/strict";
import { mulberry32 } from "../../core/_random_test_util.ts";
import { type Compiled, compileLinear, compileTerms, Evaluator } from "./_evaluate.ts";
import { variableValueValid } from "./_feasibility.ts";
import { Function } from "./function.ts";
import type { DecisionVariable, ProblemData } from "./instance_data.ts";
import type { Kind } from "./types.ts";

/** The compiled function as plain data (typed arrays as arrays, `-0` kept), or the error. */
function outcome(compile: () => Compiled | undefined): unknown {
  try {
    const c = compile();
    if (c === undefined) return undefined;
    return {
      constant: Object.is(c.constant, -0) ? "-0" : c.constant,
      cols: [...c.cols.subarray(0, c.offsets[c.coefficients.length])],
      offsets: [...c.offsets.subarray(0, c.coefficients.length + 1)],
      coefficients: Array.from(c.coefficients, (v) => Object.is(v, -0) ? "-0" : v),
      required: [...c.required],
    };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

Deno.test("compileLinear: the same compiled function (or error) as term by term, for the linear functions it takes", () => {
  const rand = mulberry32(0x13);
  const pick = (n: number) => Math.floor(rand() * n);
  const number = () => {
    const r = rand();
    if (r < 0.1) return 0;
    if (r < 0.15) return -0;
    if (r < 0.17) return [Infinity, -Infinity, NaN][pick(3)]!;
    return Math.round((rand() - 0.5) * 1e4) / 7;
  };
  let fast = 0;
  for (let n = 0; n < 3000; n++) {
    const terms = pick(n % 5 === 0 ? 45 : 10);
    const span = 1 + pick(n % 3 === 0 ? 6 : 60);
    const big = n % 11 === 0 ? 2 ** 30 : 0;
    const pairs: [number, number][] = [];
    // Every fourth function over IDs 0, 1, 2, … in order (its columns often the identity).
    for (let t = 0; t < terms; t++) pairs.push([big + (n % 4 === 0 ? t : pick(span)), number()]);
    const f = Function.linear(pairs, number());
    // Columns for most IDs; some missing (an unknown ID).
    const index = new Map<number, number>();
    for (let id = 0; id < Math.max(span, terms); id++) {
      if (n % 7 !== 0 || rand() < 0.9) index.set(big + id, n % 2 === 0 ? id : id * 3);
    }
    const linear = outcome(() => compileLinear(f, index, "row"));
    if (linear !== undefined) fast++;
    else continue;
    assert.deepEqual(linear, outcome(() => compileTerms(f, index, "row")), `case ${n}`);
  }
  assert.ok(fast > 1000, `${fast} functions on the fast path`);
});

Deno.test("compileLinear: quadratic, long or repeating functions are left to compileTerms", () => {
  const index = new Map([[0, 0], [1, 1]]);
  assert.equal(compileLinear(Function.quadratic([[0, 1, 2]]), index, "q"), undefined);
  assert.equal(compileLinear(Function.linear([[0, 1], [0, 2]]), index, "dup"), undefined);
  assert.equal(compileLinear(Function.linear([[0, NaN]]), index, "nan"), undefined);
  assert.equal(compileLinear(Function.linear([[0, 1]], Infinity), index, "inf"), undefined);
  const long = Function.linear(Array.from({ length: 33 }, (_, i) => [i, 1] as [number, number]));
  assert.equal(compileLinear(long, index, "long"), undefined);
  const usual = compileLinear(Function.linear([[1, 3], [0, 0]], -0), index, "u");
  assert.deepEqual(usual?.required, [1]);
  assert.ok(Object.is(usual?.constant, 0));
});

function problem(variables: DecisionVariable[]): ProblemData {
  return {
    sense: "minimize",
    objective: Function.linear([]),
    decisionVariables: variables,
    constraints: [],
    indicatorConstraints: [],
    oneHotConstraints: [],
    sos1Constraints: [],
    namedFunctions: [],
    decisionVariableDependency: new Map(),
    annotations: {},
  };
}

Deno.test("Evaluator.variablesValid: the first check (variable by variable) and the cached tables agree with variableValueValid", () => {
  const rand = mulberry32(0x77);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const kinds: Kind[] = ["binary", "integer", "continuous", "semi-continuous", "semi-integer"];
  const ends = [-Infinity, -2.5, -1, -0, 0, 0.3, 1, 1.0000001, 2, 7.5, Infinity];
  const values = [NaN, Infinity, -1, -0, 0, 1e-7, 0.5, 1, 1 - 1e-7, 2, 2.4, 7.5, 8, -2.5];
  let valid = 0;
  for (let n = 0; n < 400; n++) {
    const variables: DecisionVariable[] = Array.from({ length: 1 + (n % 4) }, (_, id) => {
      const [a, b] = [pick(ends), pick(ends)];
      return {
        id,
        kind: pick(kinds),
        bound: { lower: Math.min(a, b), upper: Math.max(a, b) },
        subscripts: [],
        parameters: {},
      };
    });
    const atol = pick([1e-6, 0.1, 0.6]);
    const ev = new Evaluator(problem(variables));
    const rows = Array.from({ length: 3 }, () => Float64Array.from(variables, () => pick(values)));
    for (const row of rows) {
      const expected = variables.every((v, c) =>
        variableValueValid(v.kind, v.bound, row[c]!, atol)
      );
      if (expected) valid++;
      assert.equal(ev.variablesValid(row, atol), expected, `case ${n}`);
    }
  }
  assert.ok(valid > 100 && valid < 1100, `${valid} valid rows`);
});

Deno.test("Evaluator.populate: fixed variables take their fixed value, missing irrelevant ones the bound's value nearest 0", () => {
  const v = (id: number, kind: Kind, lower: number, upper: number, fixed?: number) => {
    const d: DecisionVariable = {
      id,
      kind,
      bound: { lower, upper },
      subscripts: [],
      parameters: {},
    };
    if (fixed !== undefined) d.substitutedValue = fixed;
    return d;
  };
  const ev = new Evaluator(problem([
    v(0, "continuous", 2, 5),
    v(1, "continuous", -5, -2, 3),
    v(2, "integer", -3, 4),
    v(3, "semi-continuous", 2, 5),
    v(4, "continuous", -9, -4),
    v(5, "binary", 0, 1, 1),
  ]));
  // The first state is looked up by the ID map, later ones by the dense table: the same rows
  // and the same refusals.
  for (let k = 0; k < 3; k++) {
    const row = new Float64Array(6);
    ev.populate(k === 1 ? { 5: 1 } : new Map([[5, 1]]), 1e-6, "the state", row);
    assert.deepEqual([...row], [2, 3, 0, 0, -4, 1]);
    assert.throws(
      () => ev.populate(new Map([[5, 1], [9, 1], [6, 0]]), 1e-6, "the state", row),
      /decision variable.*9.*6|decision variable.*6.*9/,
    );
  }
});
