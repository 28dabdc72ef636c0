/**
 * QUBO and HUBO: the formats of the active objective (`as_qubo_format`, `as_hubo_format`) and
 * the preparation drivers `to_qubo` / `to_hubo` of the reference SDK (ommx 3.0.0b7): its
 * `PreparationPolicy.for_qubo` / `for_hubo` phases, each applied only while the instance is not
 * yet in the target class (used variables binary, minimisation, no active constraints, objective
 * degree ≤ 2 for QUBO), in this order: special constraints lowered, active objective converted
 * to minimisation, integer slack for inequalities, fixed-weight penalty, used integers
 * log-encoded, binary powers reduced (QUBO only). (The penalty comes before the encoding, as
 * measured on the reference: its removed constraints keep the integer variables.)
 *
 * Internal: used by `Instance`; not part of the published API.
 *
 * @module
 */

import { InvalidArgumentError } from "../../core/errors.ts";
import type { Monomial } from "./function.ts";
import type { InstanceData, ProblemData } from "./instance_data.ts";
import { usedIdsOf } from "./_usage.ts";
import {
  addIntegerSlackToInequality,
  convertActiveObjective,
  convertAllIndicators,
  convertAllOneHots,
  convertAllSos1,
  convertInequalityToEqualityWithIntegerSlack,
  ExactSlackUnavailable,
  logEncode,
  penaltyWithFixedWeights,
  reduceBinaryPower,
  uniformPenaltyWithFixedWeight,
} from "./_transform.ts";
import { DEFAULT_FEASIBILITY_ATOL } from "./_feasibility.ts";
import { stateEntries } from "./_evaluate.ts";

/** Options of `Instance.toQubo` / `toHubo` (Python's keyword arguments). */
export interface QuboConversionOptions {
  /** One penalty weight for every constraint (default 1 when `penaltyWeights` is not given). */
  uniformPenaltyWeight?: number;
  /** Constraint ID → penalty weight (exactly the active constraints at the penalty phase). */
  penaltyWeights?: ReadonlyMap<number, number> | Readonly<Record<number, number>>;
  /** Largest integer-slack range, and the fallback inequality slack's upper bound (default 31). */
  inequalityIntegerSlackMaxRange?: number;
}

const EPSILON = Number.EPSILON;

function checkFormat(d: ProblemData, what: "QUBO" | "HUBO"): void {
  if (d.sense === "maximize") {
    throw new InvalidArgumentError(`${what} format is only for minimization problems`);
  }
  if (d.constraints.some((c) => !c.removedReason)) {
    throw new InvalidArgumentError(
      `the instance still has constraints; use a penalty method or another way to make it unconstrained first`,
    );
  }
  const special = [
    ["indicator", d.indicatorConstraints],
    ["one-hot", d.oneHotConstraints],
    ["SOS1", d.sos1Constraints],
  ].filter(([, cs]) => (cs as { removedReason?: unknown }[]).some((c) => !c.removedReason))
    .map(([k]) => k);
  if (special.length > 0) {
    throw new InvalidArgumentError(
      `${what} format does not support ${
        special.join(", ")
      } constraints; lower or convert them first`,
    );
  }
  const binary = new Set(d.decisionVariables.filter((v) => v.kind === "binary").map((v) => v.id));
  const bad = d.objective.requiredIds().filter((id) => !binary.has(id));
  if (bad.length > 0) {
    throw new InvalidArgumentError(
      `the objective uses non-binary decision variables ${bad.join(", ")}`,
    );
  }
}

/**
 * The active objective as QUBO coefficients.
 *
 * @param d The problem.
 * @returns `[i, j, value]` ascending, and the offset.
 */
export function asQuboFormat(d: ProblemData): { qubo: [number, number, number][]; offset: number } {
  checkFormat(d, "QUBO");
  let offset = 0;
  const quad = new Map<number | string, [number, number, number]>();
  let tooHigh: readonly number[] | undefined;
  d.objective.forEachTerm((ids, c) => {
    if (Math.abs(c) <= EPSILON) return;
    if (ids.length === 0) {
      offset += c;
      return;
    }
    if (ids.length > 2) {
      tooHigh ??= ids;
      return;
    }
    const i = ids[0]!;
    const j = ids[ids.length - 1]!;
    const key = j < 2 ** 26 ? i * 2 ** 26 + j : `${i},${j}`;
    const prev = quad.get(key);
    const value = (prev?.[2] ?? 0) + c;
    if (prev) prev[2] = value;
    else quad.set(key, [i, j, value]);
    if (Math.abs(value) < EPSILON) quad.delete(key);
  });
  if (tooHigh) {
    throw new InvalidArgumentError(
      `the objective has the term of degree ${tooHigh.length} over [${
        tooHigh.join(", ")
      }]; QUBO needs degree 2 at most`,
    );
  }
  return { qubo: sortPairs(quad), offset };
}

/** The triples ascending by `(i, j)`: a native sort of the numeric keys when every key is one. */
function sortPairs(
  quad: Map<number | string, [number, number, number]>,
): [number, number, number][] {
  const keys = [...quad.keys()];
  if (keys.every((k) => typeof k === "number")) {
    return Array.from(Float64Array.from(keys as number[]).sort(), (k) => quad.get(k)!);
  }
  return [...quad.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/**
 * The active objective as HUBO coefficients.
 *
 * @param d The problem.
 * @returns Terms over distinct binary IDs (lexicographic order) and the offset.
 */
export function asHuboFormat(d: ProblemData): { hubo: Monomial[]; offset: number } {
  checkFormat(d, "HUBO");
  let offset = 0;
  const hubo = new Map<string, Monomial>();
  d.objective.forEachTerm((ids0, c) => {
    if (Math.abs(c) <= EPSILON) return;
    if (ids0.length === 0) {
      offset += c;
      return;
    }
    const ids = [...new Set(ids0)];
    const key = ids.join(",");
    const prev = hubo.get(key);
    const value = (prev?.coefficient ?? 0) + c;
    if (prev) prev.coefficient = value;
    else hubo.set(key, { ids, coefficient: value });
    if (Math.abs(value) < EPSILON) hubo.delete(key);
  });
  return { hubo: [...hubo.values()].sort((a, b) => compareIds(a.ids, b.ids)), offset };
}

/** Why an instance is not in the target class (empty when it is). */
function mismatches(d: ProblemData, target: "qubo" | "hubo"): string[] {
  const out: string[] = [];
  const byId = new Map(d.decisionVariables.map((v) => [v.id, v]));
  const nonBinary = usedIdsOf(d).filter((id) => byId.get(id)?.kind !== "binary");
  if (nonBinary.length > 0) {
    out.push(`used decision variables ${nonBinary.join(", ")} are not binary`);
  }
  if (target === "qubo" && d.objective.degree() > 2) {
    out.push(`the objective has degree ${d.objective.degree()} > 2`);
  }
  if (d.sense !== "minimize") out.push("the sense is not minimize");
  if (d.constraints.some((c) => !c.removedReason)) out.push("active regular constraints remain");
  for (
    const [k, cs] of [
      ["indicator", d.indicatorConstraints],
      ["one-hot", d.oneHotConstraints],
      ["SOS1", d.sos1Constraints],
    ] as const
  ) {
    if (cs.some((c) => !c.removedReason)) out.push(`active ${k} constraints remain`);
  }
  return out;
}

function weightsOf(
  w: ReadonlyMap<number, number> | Readonly<Record<number, number>>,
): Map<number, number> {
  return new Map(stateEntries(w, "the penalty weights"));
}

/**
 * Prepare a copy of the data for QUBO or HUBO formatting, as `to_qubo` / `to_hubo` do.
 *
 * @param d The instance data (a fresh copy; changed).
 * @param target `qubo` or `hubo`.
 * @param options Penalty weights and slack range.
 * @returns The prepared data.
 * @throws {InvalidArgumentError} for conflicting options, a failed phase, or when the phases are
 *   exhausted before the instance is in the class.
 */
export function prepareFor(
  d: InstanceData,
  target: "qubo" | "hubo",
  options: QuboConversionOptions,
): InstanceData {
  if (options.uniformPenaltyWeight !== undefined && options.penaltyWeights !== undefined) {
    throw new InvalidArgumentError(
      "Both uniformPenaltyWeight and penaltyWeights are given; they are mutually exclusive",
    );
  }
  const range = options.inequalityIntegerSlackMaxRange ?? 31;
  if (!Number.isSafeInteger(range) || range < 0) {
    throw new InvalidArgumentError(
      `inequalityIntegerSlackMaxRange ${range} is not a non-negative integer`,
    );
  }
  const atol = DEFAULT_FEASIBILITY_ATOL;
  const done = () => mismatches(d, target).length === 0;
  if (done()) return d;
  const phases: (() => void)[] = [
    () => {
      convertAllIndicators(d);
      convertAllOneHots(d);
      convertAllSos1(d);
    },
    () => {
      convertActiveObjective(d, "minimize");
    },
    () => {
      const ids = d.constraints.filter((c) => !c.removedReason && c.equality === "<=")
        .map((c) => c.id).sort((a, b) => a - b);
      for (const id of ids) {
        try {
          convertInequalityToEqualityWithIntegerSlack(d, id, range, atol);
        } catch (e) {
          if (!(e instanceof ExactSlackUnavailable)) throw e;
          addIntegerSlackToInequality(d, id, range);
        }
      }
    },
    () => {
      if (options.penaltyWeights !== undefined) {
        penaltyWithFixedWeights(d, weightsOf(options.penaltyWeights), atol);
      } else uniformPenaltyWithFixedWeight(d, options.uniformPenaltyWeight ?? 1, atol);
    },
    () => {
      logEncode(d, [], atol);
    },
  ];
  if (target === "qubo") phases.push(() => void reduceBinaryPower(d));
  for (const phase of phases) {
    phase();
    if (done()) return d;
  }
  throw new InvalidArgumentError(
    `the instance could not be prepared as a ${target.toUpperCase()}: ${
      mismatches(d, target).join("; ")
    }`,
  );
}
