/**
 * The `ommx.v2.Solution` bytes of the usual solution written straight from
 * its data: decision variables with kinds, bounds and values, regular
 * constraints (value, feasibility, used variables, dual value), the flags,
 * sense, annotations and `feasibility_atol`. No message objects are built
 * (the message path makes ~15 KiB of garbage for a 150-byte solution). The
 * bytes are those of the message path (`solutionToV2Message` + `toBinary`),
 * field for field in protobuf-es's order, which the caller of
 * {@linkcode writeUsualSolution} uses for anything else (labels, removed
 * constraints, the other constraint kinds, named functions, metadata).
 *
 * @module
 */
import { encodeWith } from "../../core/_protobuf.ts";
import type { DecisionVariable } from "./instance_data.ts";
import type { Equality, Label, Optimality, Relaxation, Sense } from "./types.ts";
import {
  equalityToNumber,
  optimalityToNumber,
  relaxationToNumber,
  senseToNumber,
} from "./_conversions.ts";
import { hasLabel } from "./_wire_common.ts";
import {
  isId,
  sortedById,
  writeId,
  writeKindAndBound,
  writeStringMap,
} from "./_wire_writer_common.ts";

/** The solution data the writer reads (a structural part of `SolutionData`). */
export interface UsualSolution {
  /** Variable values by ID. */
  readonly state: ReadonlyMap<number, number>;
  /** Objective value. */
  readonly objective: number;
  /** Feasibility including removed constraints. */
  readonly feasible: boolean;
  /** Optimality claim. */
  readonly optimality: Optimality;
  /** Relaxation status. */
  readonly relaxation: Relaxation;
  /** Direction. */
  readonly sense?: Sense;
  /** Decision variables (with their values). */
  readonly decisionVariables: readonly (DecisionVariable & { value: number })[];
  /** Evaluated named functions. */
  readonly namedFunctions: readonly unknown[];
  /** Process metadata. */
  readonly metadata?: unknown;
  /** Annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** An evaluated constraint with its derived fields filled in. */
export interface UsualConstraint extends Label {
  /** Constraint ID. */
  readonly id: number;
  /** Kind. */
  readonly kind: string;
  /** Equality (`=` when absent). */
  readonly equality?: Equality;
  /** Value. */
  readonly value: number;
  /** Feasibility. */
  readonly feasible?: boolean;
  /** Used variables. */
  readonly usedDecisionVariableIds: readonly number[];
  /** Dual value. */
  readonly dualVariable?: number;
  /** Removal. */
  readonly removedReason?: unknown;
}

/**
 * The `ommx.v2.Solution` bytes, written directly, when the solution is of the
 * usual kind (see the module documentation). The caller has checked the data
 * and derived the constraints' feasibility and `feasible_relaxed`.
 *
 * @param d The data.
 * @param constraints The constraints with their derived fields.
 * @param feasibleRelaxed The derived `feasible_relaxed`.
 * @param atol The `feasibility_atol` written.
 * @returns The bytes, or `undefined` when the solution needs the message path.
 */
export function writeUsualSolution(
  d: UsualSolution,
  constraints: readonly UsualConstraint[],
  feasibleRelaxed: boolean,
  atol: number,
): Uint8Array | undefined {
  if (d.namedFunctions.length > 0 || d.metadata !== undefined) return undefined;
  const variables = sortedById(d.decisionVariables);
  const rows = sortedById(constraints);
  if (variables === undefined || rows === undefined) return undefined;
  for (const v of variables) if (hasLabel(v)) return undefined;
  for (const c of rows) {
    if (c.kind !== "regular" || c.removedReason || hasLabel(c)) return undefined;
    for (const id of c.usedDecisionVariableIds) if (!isId(id)) return undefined;
  }
  return encodeWith((w) => {
    // 1 required_features: none with regular constraints only.
    if (!Object.is(d.objective, 0)) w.tag(2, 1).double(d.objective);
    w.tag(3, 2).fork(); // decision_variables: entries only
    for (const v of variables) {
      w.tag(1, 2).fork();
      writeId(w.tag(1, 0), v.id);
      w.tag(2, 2).fork();
      writeKindAndBound(w, v);
      const value = d.state.get(v.id) ?? v.value;
      if (!Object.is(value, 0)) w.tag(3, 1).double(value);
      w.join();
      w.join();
    }
    w.join();
    w.tag(4, 2).fork(); // evaluated_regular_constraints: entries only
    for (const c of rows) {
      w.tag(1, 2).fork();
      writeId(w.tag(1, 0), c.id);
      w.tag(2, 2).fork();
      const equality = equalityToNumber(c.equality ?? "=");
      if (equality !== 0) w.tag(1, 0).int32(equality);
      if (!Object.is(c.value, 0)) w.tag(2, 1).double(c.value);
      if (c.feasible === true) w.tag(3, 0).bool(true);
      const used = c.usedDecisionVariableIds;
      if (used.length > 0) {
        w.tag(4, 2).fork();
        for (let i = 0; i < used.length; i++) writeId(w, used[i]!);
        w.join();
      }
      if (c.dualVariable !== undefined) w.tag(5, 1).double(c.dualVariable);
      w.join();
      w.join();
    }
    w.join();
    if (d.feasible) w.tag(5, 0).bool(true);
    const optimality = optimalityToNumber(d.optimality);
    if (optimality !== 0) w.tag(6, 0).int32(optimality);
    const relaxation = relaxationToNumber(d.relaxation);
    if (relaxation !== 0) w.tag(7, 0).int32(relaxation);
    w.tag(8, 0).bool(feasibleRelaxed);
    const sense = senseToNumber(d.sense);
    if (sense !== 0) w.tag(9, 0).int32(sense);
    writeStringMap(w, 12, d.annotations);
    w.tag(16, 1).double(atol);
  });
}
