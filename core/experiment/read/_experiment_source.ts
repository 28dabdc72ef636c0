/**
 * Which storage target backs a sealed {@linkcode Experiment}: the write side
 * needs the raw blobs of an Experiment to save or fork it. Experiments made
 * by `commit()` or opened through {@linkcode openExperimentTarget} are
 * registered here.
 *
 * @module
 */
import type { ReadOnlyTarget } from "../../oci/storage.ts";
import type { Experiment } from "./experiment.ts";

const targets = new WeakMap<object, ReadOnlyTarget>();

/**
 * Remember the target an Experiment was loaded from.
 *
 * @param experiment The Experiment.
 * @param target Its storage.
 */
export function registerExperimentTarget(experiment: Experiment, target: ReadOnlyTarget): void {
  targets.set(experiment, target);
}

/**
 * The target an Experiment was loaded from, when known.
 *
 * @param experiment The Experiment.
 * @returns The target, or `undefined`.
 */
export function experimentTarget(experiment: Experiment): ReadOnlyTarget | undefined {
  return targets.get(experiment);
}
