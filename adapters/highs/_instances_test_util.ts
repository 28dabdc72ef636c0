/**
 * Small instances for the adapter's tests, built from plain data through the public API.
 *
 * @module
 */
import {
  type Constraint,
  type DecisionVariable,
  Function,
  type Function as OmmxFunction,
  Instance,
  type InstanceData,
  type Kind,
} from "@ommx-ts/experiment";

/** A decision variable. */
export function variable(
  id: number,
  kind: Kind,
  lower: number,
  upper: number,
  extra: Partial<DecisionVariable> = {},
): DecisionVariable {
  return { id, kind, bound: { lower, upper }, subscripts: [], parameters: {}, ...extra };
}

/** A binary variable. */
export const binary = (id: number): DecisionVariable => variable(id, "binary", 0, 1);

/** A regular constraint `f (=|<=) 0`. */
export function constraint(id: number, equality: "=" | "<=", f: OmmxFunction): Constraint {
  return { id, equality, function: f, subscripts: [], parameters: {} };
}

/** An instance. */
export function instance(
  data: Partial<InstanceData> & Pick<InstanceData, "objective">,
): Instance {
  return new Instance(data);
}

/** The knapsack of the reference's docstring (optimum 42 with items 0 and 3). */
export function knapsack(capacity = 47): Instance {
  const p = [10, 13, 18, 32, 7, 15];
  const w = [11, 15, 20, 35, 10, 33];
  return instance({
    sense: "maximize",
    objective: Function.linear(p.map((c, i) => [i, c])),
    decisionVariables: p.map((_, i) => binary(i)),
    constraints: [constraint(0, "<=", Function.linear(w.map((c, i) => [i, c]), -capacity))],
  });
}
