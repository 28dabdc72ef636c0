/**
 * Whether a quadratic objective is convex (minimise) or concave (maximise) — checked before
 * HiGHS is called, because HiGHS's QP solver does not check it and returns a stationary point of
 * a non-convex objective as "Optimal" (internal).
 *
 * The Hessian is split into the blocks of variables coupled by off-diagonal terms; a single
 * variable needs the sign of its diagonal, a larger block a semidefiniteness test by symmetric
 * elimination (an LDLᵀ factorisation without pivoting that tolerates zero pivots whose column is
 * zero) with a relative tolerance of 1e-9 of the largest entry.
 *
 * @module
 */

/** The largest coupled block tested (elimination is cubic in its size). */
export const MAX_CONVEXITY_BLOCK = 2000;
/** Relative tolerance of the semidefiniteness test. */
const RELATIVE_TOLERANCE = 1e-9;

/** A lower-triangular column-compressed symmetric matrix. */
export interface LowerTriangle {
  /** Column starts. */
  readonly starts: Int32Array;
  /** Row of each entry (`>=` its column). */
  readonly indices: Int32Array;
  /** Values. */
  readonly values: Float64Array;
}

/**
 * Check that `Q` is positive (convex) or negative (concave) semidefinite.
 *
 * @param n Dimension.
 * @param q The lower triangle of `Q`.
 * @param want Which curvature the objective needs.
 * @returns Undefined when it holds, else why not (completing "the quadratic objective …").
 */
export function checkConvexity(
  n: number,
  q: LowerTriangle,
  want: "convex" | "concave",
): string | undefined {
  const sign = want === "convex" ? 1 : -1;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let scale = 0;
  const touched = new Uint8Array(n);
  for (let col = 0; col < n; col++) {
    for (let k = q.starts[col]!; k < q.starts[col + 1]!; k++) {
      scale = Math.max(scale, Math.abs(q.values[k]!));
      touched[col] = 1;
      touched[q.indices[k]!] = 1;
      const a = find(col);
      const b = find(q.indices[k]!);
      if (a !== b) parent[a] = b;
    }
  }
  const blocks = new Map<number, number[]>();
  for (let col = 0; col < n; col++) {
    if (touched[col] === 0) continue;
    const root = find(col);
    const block = blocks.get(root);
    if (block === undefined) blocks.set(root, [col]);
    else block.push(col);
  }
  const tolerance = RELATIVE_TOLERANCE * scale;
  const failure = `is not ${want} (HiGHS ${
    want === "convex" ? "minimises convex" : "maximises concave"
  } quadratic objectives only)`;
  for (const block of blocks.values()) {
    if (block.length === 1) {
      const d = diagonal(q, block[0]!);
      if (sign * d < 0) return failure;
      continue;
    }
    if (block.length > MAX_CONVEXITY_BLOCK) {
      return `couples ${block.length} variables in one block; its convexity is only checked for blocks of up to ${MAX_CONVEXITY_BLOCK}`;
    }
    if (!semidefinite(q, block, sign, tolerance)) return failure;
  }
  return undefined;
}

function diagonal(q: LowerTriangle, col: number): number {
  for (let k = q.starts[col]!; k < q.starts[col + 1]!; k++) {
    if (q.indices[k] === col) return q.values[k]!;
  }
  return 0;
}

/** `sign · Q` restricted to `block` is positive semidefinite (within `tolerance`). */
function semidefinite(
  q: LowerTriangle,
  block: readonly number[],
  sign: number,
  tolerance: number,
): boolean {
  const s = block.length;
  const local = new Map<number, number>();
  block.forEach((col, i) => local.set(col, i));
  // Dense lower triangle, row-major: m[i * s + j] for j <= i.
  const m = new Float64Array(s * s);
  for (const col of block) {
    const j = local.get(col)!;
    for (let k = q.starts[col]!; k < q.starts[col + 1]!; k++) {
      const i = local.get(q.indices[k]!)!;
      const v = sign * q.values[k]!;
      if (i >= j) m[i * s + j] = v;
      else m[j * s + i] = v;
    }
  }
  for (let k = 0; k < s; k++) {
    const d = m[k * s + k]!;
    if (d < -tolerance) return false;
    if (d <= tolerance) {
      // A zero pivot: PSD only if its column is zero too (every 2×2 minor d·mᵢᵢ − mᵢₖ² ≥ 0).
      for (let i = k + 1; i < s; i++) {
        const off = m[i * s + k]!;
        if (off * off > Math.max(d, tolerance) * Math.max(m[i * s + i]!, tolerance)) return false;
      }
      continue;
    }
    for (let i = k + 1; i < s; i++) {
      const l = m[i * s + k]! / d;
      if (l === 0) continue;
      for (let j = k + 1; j <= i; j++) m[i * s + j]! -= l * m[j * s + k]!;
    }
  }
  return true;
}
