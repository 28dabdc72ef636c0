import assert from "node:assert/strict";
import { checkConvexity, type LowerTriangle, MAX_CONVEXITY_BLOCK } from "./_convexity.ts";

/** The lower triangle of a dense symmetric matrix. */
function lower(m: number[][]): LowerTriangle {
  const n = m.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      if (m[i]![j] !== 0) {
        indices.push(i);
        values.push(m[i]![j]!);
      }
    }
    starts.push(indices.length);
  }
  return {
    starts: Int32Array.from(starts),
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
}

/** A seeded generator in [-1, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** `B Bᵀ` for a random `n × k` matrix `B`: positive semidefinite of rank `min(n, k)`. */
function gram(n: number, k: number, seed: number): number[][] {
  const r = random(seed);
  const b = Array.from({ length: n }, () => Array.from({ length: k }, r));
  return b.map((bi) => b.map((bj) => bi.reduce((s, x, t) => s + x * bj[t]!, 0)));
}

Deno.test("convexity: diagonal, coupled, singular and indefinite Hessians", () => {
  assert.equal(checkConvexity(2, lower([[2, 0], [0, 0]]), "convex"), undefined);
  assert.match(checkConvexity(2, lower([[2, 0], [0, -1]]), "convex")!, /is not convex/);
  assert.equal(checkConvexity(2, lower([[-2, 0], [0, 0]]), "concave"), undefined);
  assert.match(checkConvexity(1, lower([[1]]), "concave")!, /is not concave/);
  // (x − y)²: singular, positive semidefinite.
  assert.equal(checkConvexity(2, lower([[2, -2], [-2, 2]]), "convex"), undefined);
  // x·y alone: indefinite (a zero pivot with a non-zero column).
  assert.ok(checkConvexity(2, lower([[0, 1], [1, 0]]), "convex") !== undefined);
  assert.ok(checkConvexity(2, lower([[0, 1], [1, 0]]), "concave") !== undefined);
  // Empty and all-zero Hessians are both.
  assert.equal(checkConvexity(3, lower([[0, 0, 0], [0, 0, 0], [0, 0, 0]]), "convex"), undefined);
});

Deno.test("convexity: random Gram matrices pass; shifting the smallest direction negative fails", () => {
  for (const [n, k, seed] of [[6, 6, 1], [12, 4, 2], [40, 40, 3], [30, 10, 4]] as const) {
    const g = gram(n, k, seed);
    assert.equal(checkConvexity(n, lower(g), "convex"), undefined, `${n}x${k}`);
    assert.equal(checkConvexity(n, lower(g.map((r) => r.map((x) => -x))), "concave"), undefined);
    // Subtract 0.01·vvᵀ along a vector outside the range when rank-deficient, or shift the
    // diagonal below the spectrum otherwise: no longer semidefinite.
    const shifted = g.map((r, i) => r.map((x, j) => x - (i === j ? 1e3 : 0)));
    assert.ok(checkConvexity(n, lower(shifted), "convex") !== undefined, `${n}x${k} shifted`);
  }
  // Rank-deficient: a tiny negative multiple of a null direction of B Bᵀ is caught too.
  const g = gram(8, 3, 9);
  const e = Array.from({ length: 8 }, (_, i) => (i === 7 ? 1 : 0));
  const perturbed = g.map((r, i) => r.map((x, j) => x - 0.01 * e[i]! * e[j]!));
  assert.ok(checkConvexity(8, lower(perturbed), "convex") !== undefined);
});

Deno.test("convexity: blocks are independent; oversized blocks are refused with a reason", () => {
  // Two blocks: one convex, one not.
  const m = [[2, 1, 0, 0], [1, 2, 0, 0], [0, 0, 1, 3], [0, 0, 3, 1]];
  assert.match(checkConvexity(4, lower(m), "convex")!, /not convex/);
  // A path coupling MAX + 1 variables: one block too large to check.
  const n = MAX_CONVEXITY_BLOCK + 1;
  const starts = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    indices.push(j);
    values.push(2);
    if (j + 1 < n) {
      indices.push(j + 1);
      values.push(-1);
    }
    starts[j + 1] = indices.length;
  }
  const verdict = checkConvexity(n, {
    starts,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  }, "convex");
  assert.equal(
    verdict,
    `couples ${n} variables in one block; its convexity is only checked for blocks of up to ${MAX_CONVEXITY_BLOCK}`,
  );
});
