import assert from "node:assert/strict";
import { mulberry32 } from "../../core/_random_test_util.ts";
import { type Compiled, compileLinear, compileTerms } from "./_evaluate.ts";
import { Function } from "./function.ts";

/** The compiled function as plain data (typed arrays as arrays, `-0` kept), or the error. */
function outcome(compile: () => Compiled | undefined): unknown {
  try {
    const c = compile();
    if (c === undefined) return undefined;
    return {
      constant: Object.is(c.constant, -0) ? "-0" : c.constant,
      cols: [...c.cols],
      offsets: [...c.offsets],
      coefficients: [...c.coefficients].map((v) => Object.is(v, -0) ? "-0" : v),
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
    for (let t = 0; t < terms; t++) pairs.push([big + pick(span), number()]);
    const f = Function.linear(pairs, number());
    // Columns for most IDs; some missing (an unknown ID).
    const index = new Map<number, number>();
    for (let id = 0; id < span; id++) if (n % 7 !== 0 || rand() < 0.9) index.set(big + id, id * 3);
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
