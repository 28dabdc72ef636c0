/**
 * Shared frozen values for the common unlabelled, binary rows of a problem: an Instance built from
 * data keeps its decision variables and constraints with one shared empty `subscripts` array, one
 * shared empty `parameters` object and (for `[0, 1]`) one shared bound instead of its own. A
 * 4–8-variable knapsack was kept at ~2.5 KB on the JS heap, half of it these empty objects
 * (BENCHMARKS.md, issue 13, branch i13in).
 *
 * The shared values are frozen: code that tries to change what an Instance hands out (e.g.
 * `inst.decisionVariables[0].subscripts.push(1)`) gets a `TypeError` instead of changing every
 * other row — `Instance`'s rows were never meant to be edited in place (build a new Instance).
 *
 * @module
 */
import type { Function } from "./function.ts";
import type { Bound, Label } from "./types.ts";

/** The shared, frozen empty `subscripts` array. */
export const EMPTY_SUBSCRIPTS: number[] = Object.freeze([]) as unknown as number[];

/** The shared, frozen empty `parameters` object. */
export const EMPTY_PARAMETERS: Record<string, string> = Object.freeze({});

/** The shared, frozen binary bound `[0, 1]`. */
export const BINARY_BOUND: Bound = Object.freeze({ lower: 0, upper: 1 });

/** A `Map` that stays empty: every change throws (`Object.freeze` does not stop a `Map`'s `set`). */
class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new TypeError("this map is shared and cannot be changed");
  }
  override delete(): boolean {
    throw new TypeError("this map is shared and cannot be changed");
  }
  override clear(): void {
    throw new TypeError("this map is shared and cannot be changed");
  }
}

/** The shared empty decision-variable dependency map (its `set`, `delete` and `clear` throw). */
export const EMPTY_DEPENDENCY: ReadonlyMap<number, Function> = Object.freeze(
  new EmptyMap<number, Function>(),
);

function isEmptyRecord(r: Readonly<Record<string, string>>): boolean {
  for (const _ in r) return false;
  return true;
}

/**
 * A row with its empty `subscripts` / `parameters` replaced by the shared ones: the row itself
 * when there is nothing to share or it is not a plain object (a `ModelVariable` keeps its
 * class), else a copy with the same properties in the same order.
 *
 * @param row The row.
 * @param bound For a decision variable, the bound to keep (the shared binary one or its own).
 * @returns The row or its compact copy.
 */
function compactRow<T extends Label>(row: T, bound?: Bound): T {
  const subscripts = row.subscripts.length === 0 ? EMPTY_SUBSCRIPTS : row.subscripts;
  const parameters = isEmptyRecord(row.parameters) ? EMPTY_PARAMETERS : row.parameters;
  const sameBound = bound === undefined || bound === (row as { bound?: Bound }).bound;
  if (subscripts === row.subscripts && parameters === row.parameters && sameBound) return row;
  if (Object.getPrototypeOf(row) !== Object.prototype) return row;
  const out: T = { ...row, subscripts, parameters };
  if (!sameBound) (out as { bound?: Bound }).bound = bound;
  return out;
}

/**
 * A constraint (or any labelled row) with shared empty labels; see {@linkcode compactRow}.
 *
 * @param row The row.
 * @returns The row or its compact copy.
 */
export function compactLabelled<T extends Label>(row: T): T {
  return compactRow(row);
}

/**
 * A bound as kept: the shared binary bound for exactly `{ lower: 0, upper: 1 }` (not `-0`, no
 * other keys), else the bound itself.
 *
 * @param b The bound.
 * @returns The bound to keep.
 */
export function sharedBound(b: Bound): Bound {
  return Object.is(b.lower, 0) && Object.is(b.upper, 1) && Object.keys(b).length === 2
    ? BINARY_BOUND
    : b;
}

/**
 * A decision variable with shared empty labels and, for `[0, 1]`, the shared binary bound; see
 * {@linkcode compactRow}.
 *
 * @param v The variable.
 * @returns The variable or its compact copy.
 */
export function compactVariable<T extends Label & { bound: Bound }>(v: T): T {
  return compactRow(v, sharedBound(v.bound));
}

/**
 * Shared empty labels for a new label (`subscripts` / `parameters` copied when not empty).
 *
 * @param subscripts The subscripts, if any.
 * @param parameters The parameters, if any.
 * @returns The label's `subscripts` and `parameters`.
 */
export function sharedLabels(
  subscripts: readonly number[] | undefined,
  parameters: Readonly<Record<string, string>> | undefined,
): Pick<Label, "subscripts" | "parameters"> {
  return {
    subscripts: subscripts === undefined || subscripts.length === 0
      ? EMPTY_SUBSCRIPTS
      : [...subscripts],
    parameters: parameters === undefined || isEmptyRecord(parameters)
      ? EMPTY_PARAMETERS
      : { ...parameters },
  };
}
