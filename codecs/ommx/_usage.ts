/**
 * Usage analysis of an instance, as the reference SDK computes it: which decision variables the
 * active formulation uses (objective and active constraints of every kind; named functions and
 * dependencies do not count), the role of each variable (used, else fixed, else dependent, else
 * irrelevant) and `Instance.stats()`.
 *
 * Internal: used by `Instance`; not part of the published API.
 *
 * @module
 */

import type { ProblemData } from "./instance_data.ts";

/**
 * What the usage analysis reads of a problem: its data, or the `Instance` / `ParametricInstance`
 * itself (whose `constraints` are the active ones; removed ones are skipped either way).
 */
export type UsageView = {
  readonly [
    K in
      | "objective"
      | "decisionVariables"
      | "constraints"
      | "indicatorConstraints"
      | "oneHotConstraints"
      | "sos1Constraints"
      | "decisionVariableDependency"
  ]: ProblemData[K] extends (infer T)[] ? readonly T[]
    : ProblemData[K] extends Map<infer K2, infer V> ? ReadonlyMap<K2, V>
    : ProblemData[K];
};

/** `Instance.stats()`, with the reference's keys. */
export interface InstanceStats {
  /** Decision-variable counts. */
  decision_variables: {
    /** All decision variables. */
    total: number;
    /** By kind. */
    by_kind: {
      /** Binary. */
      binary: number;
      /** Integer. */
      integer: number;
      /** Continuous. */
      continuous: number;
      /** Semi-integer. */
      semi_integer: number;
      /** Semi-continuous. */
      semi_continuous: number;
    };
    /** By usage (the last four are exclusive, in this priority). */
    by_usage: {
      /** Used by the objective. */
      used_in_objective: number;
      /** Used by an active regular constraint. */
      used_in_constraints: number;
      /** Used by the objective or an active constraint of any kind. */
      used: number;
      /** Fixed (a substituted value) and not used. */
      fixed: number;
      /** Defined by a dependency, neither used nor fixed. */
      dependent: number;
      /** None of the above. */
      irrelevant: number;
    };
  };
  /** Regular constraints. */
  constraints: {
    /** Active and removed. */
    total: number;
    /** Active. */
    active: number;
    /** Removed. */
    removed: number;
  };
}

/**
 * IDs the objective and the active constraints (all kinds) use, ascending.
 *
 * @param d The problem.
 * @returns The IDs.
 */
export function usedIdsOf(d: UsageView): number[] {
  const used = new Set<number>(d.objective.requiredIds());
  for (const c of d.constraints) {
    if (!c.removedReason) { for (const id of c.function.requiredIds()) used.add(id); }
  }
  for (const c of d.indicatorConstraints) {
    if (c.removedReason) continue;
    for (const id of c.function.requiredIds()) used.add(id);
    used.add(c.indicatorVariable);
  }
  for (const c of [...d.oneHotConstraints, ...d.sos1Constraints]) {
    if (!c.removedReason) { for (const id of c.variables) used.add(id); }
  }
  return [...used].sort((a, b) => a - b);
}

/**
 * The IDs a state must give: {@linkcode usedIdsOf}.
 *
 * @param d The problem.
 * @returns The IDs, ascending.
 */
export function requiredIdsOf(d: UsageView): number[] {
  return usedIdsOf(d);
}

/** The role of each decision variable. */
export type VariableRole = "used" | "fixed" | "dependent" | "irrelevant";

/**
 * Each decision variable's role (used, else fixed, else dependent, else irrelevant).
 *
 * @param d The problem.
 * @returns Variable ID → role.
 */
export function variableRoles(d: UsageView): Map<number, VariableRole> {
  const used = new Set(usedIdsOf(d));
  const out = new Map<number, VariableRole>();
  for (const v of [...d.decisionVariables].sort((a, b) => a.id - b.id)) {
    out.set(
      v.id,
      used.has(v.id)
        ? "used"
        : v.substitutedValue !== undefined
        ? "fixed"
        : d.decisionVariableDependency.has(v.id)
        ? "dependent"
        : "irrelevant",
    );
  }
  return out;
}

/**
 * `Instance.stats()`.
 *
 * @param d The problem data (removed constraints included).
 * @returns The statistics.
 */
export function instanceStats(d: ProblemData): InstanceStats {
  const count = (k: string) => d.decisionVariables.filter((v) => v.kind === k).length;
  const inConstraints = new Set<number>();
  for (const c of d.constraints) {
    if (!c.removedReason) { for (const id of c.function.requiredIds()) inConstraints.add(id); }
  }
  const roles = [...variableRoles(d).values()];
  const role = (r: VariableRole) => roles.filter((x) => x === r).length;
  const removed = d.constraints.filter((c) => c.removedReason).length;
  return {
    decision_variables: {
      total: d.decisionVariables.length,
      by_kind: {
        binary: count("binary"),
        integer: count("integer"),
        continuous: count("continuous"),
        semi_integer: count("semi-integer"),
        semi_continuous: count("semi-continuous"),
      },
      by_usage: {
        used_in_objective: d.objective.requiredIds().length,
        used_in_constraints: inConstraints.size,
        used: role("used"),
        fixed: role("fixed"),
        dependent: role("dependent"),
        irrelevant: role("irrelevant"),
      },
    },
    constraints: {
      total: d.constraints.length,
      active: d.constraints.length - removed,
      removed,
    },
  };
}
