/**
 * Helpers of the Instance / Function differential tests: one call of
 * `tests/interop/instance_oracle.py` (the reference SDK) per batch of requests, and comparable
 * normal forms of what both sides produce (instances, solutions, sample sets, functions), with
 * numbers rounded to 12 significant digits so that sums taken in another order compare equal.
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  Function,
  Instance,
  Monomial,
  ParametricInstance,
  SampleSet,
  Solution,
} from "../../codecs/ommx/mod.ts";
import type { InstanceData, ParametricInstanceData } from "../../codecs/ommx/instance_data.ts";

const here = new URL(".", import.meta.url);

/** One oracle answer. */
export type Answer<T = unknown> = { ok: T } | { error: { type: string; message: string } };

/**
 * Run a batch of requests through the reference SDK.
 *
 * @param python The interpreter.
 * @param requests The requests (see instance_oracle.py).
 * @returns One answer per request.
 */
export async function oracle(python: string, requests: object[]): Promise<Answer<unknown>[]> {
  const child = new Deno.Command(python, {
    args: [new URL("instance_oracle.py", here).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(requests)));
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(
    new TextDecoder().decode(out.stdout).replaceAll("-Infinity", '"-Infinity"')
      .replaceAll(/(?<!-)Infinity/g, '"Infinity"').replaceAll("NaN", '"NaN"'),
  );
}

/**
 * The value of an answer, failing the test with the Python error otherwise.
 *
 * @param a The answer.
 * @returns Its value.
 */
export function ok<T>(a: Answer<unknown> | undefined): T {
  assert.ok(a, "no answer");
  if ("error" in a) assert.fail(`the reference SDK failed: ${a.error.type}: ${a.error.message}`);
  return a.ok as T;
}

/**
 * Base64 of bytes.
 *
 * @param b The bytes.
 * @returns Base64 text.
 */
export function b64(b: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < b.length; i += 0x8000) {
    bin += String.fromCharCode(...b.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * Bytes of base64.
 *
 * @param s Base64 text.
 * @returns The bytes.
 */
export function unb64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A number rounded to 12 significant digits (`-0` as `0`).
 *
 * @param x The number.
 * @returns The rounded number.
 */
export function r12(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  return Number(x.toPrecision(12));
}

/**
 * A function's canonical terms, rounded.
 *
 * @param f The function.
 * @returns `[[ids], coefficient]` by degree then IDs.
 */
export function termsOf(f: Function): [number[], number][] {
  return f.terms.map((t) => [t.ids, r12(t.coefficient)]);
}

/**
 * Terms as the oracle prints them, rounded and ordered like {@linkcode termsOf}.
 *
 * @param t `[[ids], coefficient]` terms.
 * @returns The normal form.
 */
export function pyTerms(t: [number[], number][]): [number[], number][] {
  return t.map(([ids, c]) => [ids, r12(c)] as [number[], number]).sort((a, b) =>
    a[0].length - b[0].length ||
    a[0].join(",").localeCompare(b[0].join(","), "en", { numeric: true })
  );
}

/**
 * Function terms for an oracle request.
 *
 * @param f The function.
 * @returns `[[ids], coefficient]` terms.
 */
export const fnReq = (f: Function): [number[], number][] =>
  f.terms.map((t: Monomial) => [[...t.ids], t.coefficient]);

const byId = <T extends { id: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.id - b.id);

function label(
  l: {
    name?: string;
    subscripts: number[];
    parameters: Record<string, string>;
    description?: string;
  },
) {
  return {
    name: l.name ?? "",
    subscripts: l.subscripts,
    parameters: Object.fromEntries(Object.entries(l.parameters).sort()),
    description: l.description ?? "",
  };
}

/**
 * A comparable normal form of instance data.
 *
 * @param d The data (of an instance or a parametric instance).
 * @returns The normal form.
 */
export function normalInstance(d: InstanceData | ParametricInstanceData): unknown {
  const removed = (r: { reason: string; parameters: Record<string, string> } | undefined) =>
    r
      ? { reason: r.reason, parameters: Object.fromEntries(Object.entries(r.parameters).sort()) }
      : null;
  const f = (x: Function) => termsOf(x);
  return {
    sense: d.sense,
    objective: f(d.objective),
    decisionVariables: byId(d.decisionVariables).map((v) => ({
      id: v.id,
      kind: v.kind,
      bound: [v.bound.lower, v.bound.upper],
      fixed: v.substitutedValue ?? null,
      ...label(v),
    })),
    constraints: byId(d.constraints).map((c) => ({
      id: c.id,
      equality: c.equality,
      function: f(c.function),
      removed: removed(c.removedReason),
      provenance: c.provenance ?? [],
      ...label(c),
    })),
    indicator: byId(d.indicatorConstraints).map((c) => ({
      id: c.id,
      indicator: c.indicatorVariable,
      equality: c.equality,
      function: f(c.function),
      removed: removed(c.removedReason),
    })),
    oneHot: byId(d.oneHotConstraints).map((c) => ({
      id: c.id,
      variables: [...c.variables].sort((a, b) => a - b),
      removed: removed(c.removedReason),
    })),
    sos1: byId(d.sos1Constraints).map((c) => ({
      id: c.id,
      variables: [...c.variables].sort((a, b) => a - b),
      removed: removed(c.removedReason),
    })),
    named: byId(d.namedFunctions).map((n) => ({ id: n.id, function: f(n.function), ...label(n) })),
    dependency: [...d.decisionVariableDependency].sort((a, b) => a[0] - b[0]).map((
      [k, g],
    ) => [k, f(g)]),
    output: d.outputObjective
      ? {
        sense: d.outputObjective.sense,
        function: f(d.outputObjective.function),
        preserves: d.outputObjective.preservesOptimality,
      }
      : null,
    parameters: "parameters" in d
      ? byId(d.parameters).map((p) => ({ id: p.id, ...label(p) }))
      : null,
  };
}

/**
 * Assert that two problems are the same.
 *
 * @param ours Our instance or parametric instance.
 * @param theirs The reference's, decoded.
 * @param what For the message.
 */
export function assertSameProblem(
  ours: Instance | ParametricInstance,
  theirs: Instance | ParametricInstance,
  what: string,
): void {
  assertSame(normalInstance(ours.toData()), normalInstance(theirs.toData()), what);
}

/**
 * Assert that two normal forms are equal: their JSON texts first (fast on large instances), the
 * structural diff only when they differ.
 *
 * @param ours Our normal form.
 * @param theirs The reference's.
 * @param what For the message.
 */
export function assertSame(ours: unknown, theirs: unknown, what: string): void {
  if (JSON.stringify(ours) === JSON.stringify(theirs)) return;
  assert.deepEqual(ours, theirs, what);
  assert.fail(`${what}: the JSON texts differ`);
}

/**
 * A comparable normal form of a solution.
 *
 * @param s The solution.
 * @returns The normal form.
 */
export function normalSolution(s: Solution): unknown {
  return {
    objective: r12(s.objective),
    sense: s.sense ?? null,
    feasible: s.feasible,
    feasibleRelaxed: s.feasibleRelaxed ?? null,
    state: [...s.state].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, r12(v)]),
    variables: byId(s.decisionVariables).map((v) => ({
      id: v.id,
      kind: v.kind,
      bound: [v.bound.lower, v.bound.upper],
      value: r12(v.value),
      ...label(v),
    })),
    constraints: [...s.constraints].sort((a, b) => a.kind.localeCompare(b.kind) || a.id - b.id)
      .map((c) => ({
        id: c.id,
        kind: c.kind,
        equality: c.equality ?? null,
        value: r12(c.value),
        feasible: c.feasible ?? null,
        used: [...c.usedDecisionVariableIds].sort((a, b) => a - b),
        removed: c.removedReason?.reason ?? null,
        indicatorActive: c.indicatorActive ?? null,
        activeVariable: c.activeVariable ?? null,
        ...label(c),
      })),
    named: byId(s.namedFunctions).map((n) => ({
      id: n.id,
      value: r12(n.value),
      used: [...n.usedDecisionVariableIds].sort((a, b) => a - b),
      ...label(n),
    })),
    atol: s.feasibilityAtol ?? null,
  };
}

/**
 * A comparable normal form of a sample set.
 *
 * @param s The sample set.
 * @returns The normal form.
 */
export function normalSampleSet(s: SampleSet): unknown {
  const values = (m: { ids(): number[]; get(id: number): number | undefined }) =>
    m.ids().map((id) => [id, r12(m.get(id)!)]);
  const flags = (m: ReadonlyMap<number, boolean>) => [...m].sort((a, b) => a[0] - b[0]);
  return {
    sense: s.sense,
    sampleIds: s.sampleIdsList,
    objectives: [...s.objectives].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, r12(v)]),
    feasible: flags(s.feasible),
    feasibleRelaxed: flags(s.feasibleRelaxed),
    variables: byId(s.decisionVariables).map((v) => ({
      id: v.id,
      kind: v.kind,
      bound: [v.bound.lower, v.bound.upper],
      samples: values(v.samples),
      ...label(v),
    })),
    constraints: [...s.constraints].sort((a, b) => a.kind.localeCompare(b.kind) || a.id - b.id)
      .map((c) => ({
        id: c.id,
        kind: c.kind,
        equality: c.equality ?? null,
        values: c.kind === "regular" || c.kind === "indicator" ? values(c.values) : [],
        feasible: flags(c.feasible),
        used: [...c.usedDecisionVariableIds].sort((a, b) => a - b),
        removed: c.removedReason?.reason ?? null,
        ...label(c),
      })),
    named: byId(s.namedFunctions).map((n) => ({
      id: n.id,
      values: values(n.values),
      used: [...n.usedDecisionVariableIds].sort((a, b) => a - b),
      ...label(n),
    })),
    atol: s.feasibilityAtol ?? null,
  };
}
