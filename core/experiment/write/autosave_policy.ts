/**
 * `AutosavePolicy`: when an unsealed Experiment in a Local Registry publishes
 * its rolling `draft` checkpoint after a Run closes (the reference's
 * `AutosavePolicy`). The policy belongs to the session: it is not stored in
 * the Experiment or its checkpoints, and failed or interrupted checkpoints
 * are written whatever it says.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";

/** The four kinds of policy. */
export type AutosaveKind = "everyRunClose" | "everyNRuns" | "minInterval" | "disabled";

let construct: (kind: AutosaveKind, value?: number) => AutosavePolicy;

/**
 * Rolling draft checkpoints after Run close. Build one with a static
 * method and pass it to `Experiment.setAutosavePolicy(...)`.
 *
 * @example
 * ```ts
 * import { AutosavePolicy } from "./autosave_policy.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(AutosavePolicy.everyNRuns(10)), "AutosavePolicy.every_n_runs(10)");
 * assert.equal(AutosavePolicy.minInterval(1.5).seconds, 1.5);
 * assert.throws(() => AutosavePolicy.everyNRuns(0), { code: "INVALID_ARGUMENT" });
 * ```
 */
export class AutosavePolicy {
  /** Which policy this is. */
  readonly kind: AutosaveKind;
  /** For `everyNRuns`: how many closed Runs between checkpoints; else `null`. */
  readonly runs: number | null;
  /** For `minInterval`: the least number of seconds between attempts; else `null`. */
  readonly seconds: number | null;

  private constructor(kind: AutosaveKind, value?: number) {
    this.kind = kind;
    this.runs = kind === "everyNRuns" ? value! : null;
    this.seconds = kind === "minInterval" ? value! : null;
    Object.freeze(this);
  }

  static {
    construct = (kind, value) => new AutosavePolicy(kind, value);
  }

  /**
   * Checkpoint after every Run closes (the default).
   *
   * @returns The policy.
   */
  static everyRunClose(): AutosavePolicy {
    return construct("everyRunClose");
  }

  /**
   * Checkpoint after `runs` more Runs have closed (counted from when the
   * policy was set, then from the last successful checkpoint).
   *
   * @param runs A positive integer.
   * @returns The policy.
   * @throws {InvalidArgumentError} When `runs` is not a positive integer.
   */
  static everyNRuns(runs: number): AutosavePolicy {
    if (!Number.isSafeInteger(runs) || runs <= 0 || runs > 0xffff_ffff) {
      throw new InvalidArgumentError(
        `runs must be greater than zero (a whole number of Runs), got ${String(runs)}`,
      );
    }
    return construct("everyNRuns", runs);
  }

  /**
   * Checkpoint the first Run that closes, then at most once per `seconds`
   * (a failed attempt also waits out the interval).
   *
   * @param seconds A finite number ≥ 0.
   * @returns The policy.
   * @throws {InvalidArgumentError} When `seconds` is negative, NaN or infinite.
   */
  static minInterval(seconds: number): AutosavePolicy {
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      throw new InvalidArgumentError(
        `seconds must be finite and non-negative, got ${String(seconds)}`,
      );
    }
    return construct("minInterval", seconds);
  }

  /**
   * No draft checkpoints after Run close.
   *
   * @returns The policy.
   */
  static disabled(): AutosavePolicy {
    return construct("disabled");
  }

  /**
   * The reference's `repr`: `AutosavePolicy.every_run_close()`,
   * `AutosavePolicy.every_n_runs(N)`, `AutosavePolicy.min_interval(S)`,
   * `AutosavePolicy.disabled()`.
   *
   * @returns The text.
   */
  toString(): string {
    switch (this.kind) {
      case "everyRunClose":
        return "AutosavePolicy.every_run_close()";
      case "everyNRuns":
        return `AutosavePolicy.every_n_runs(${this.runs})`;
      case "minInterval":
        return `AutosavePolicy.min_interval(${this.seconds})`;
      case "disabled":
        return "AutosavePolicy.disabled()";
    }
  }
}
