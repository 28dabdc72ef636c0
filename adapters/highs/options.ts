/**
 * Per-solve options of the HiGHS adapter and their HiGHS option names. They are what
 * `run.logSolve(OMMXHighsAdapter, instance, options)` records as the Solve's adapter options,
 * exactly as given (the reference records its keyword arguments the same way).
 *
 * @module
 */
import { InvalidArgumentError } from "@ommx-ts/experiment";

/** A value of a HiGHS option. */
export type HighsOptionValue = boolean | number | string;

/**
 * Options of one solve. Every field is optional; HiGHS's defaults apply to what is left out.
 *
 * A `type` rather than an `interface` so that it is a `Record<string, unknown>`, as the
 * adapter contract's options are.
 */
export type HighsSolveOptions = {
  /**
   * Send HiGHS's log to the console (`console.log`), as the reference's `verbose=True` does.
   * Without it the log goes to the adapter's `log` callback when one was given, else nowhere.
   */
  verbose?: boolean;
  /** Wall-clock limit in seconds (HiGHS `time_limit`, `>= 0`). */
  timeLimit?: number;
  /** Relative MIP gap to stop at (HiGHS `mip_rel_gap`, `>= 0`; HiGHS's default is 1e-4). */
  mipRelGap?: number;
  /** Absolute MIP gap to stop at (HiGHS `mip_abs_gap`, `>= 0`). */
  mipAbsGap?: number;
  /** Presolve: `true` is HiGHS `"on"`, `false` `"off"`, `"choose"` (the default) lets HiGHS decide. */
  presolve?: boolean | "choose";
  /** The LP algorithm (HiGHS `solver`). */
  solver?: "choose" | "simplex" | "ipm" | "pdlp";
  /** Random seed (HiGHS `random_seed`, an integer `>= 0`). */
  randomSeed?: number;
  /** Branch-and-bound node limit (HiGHS `mip_max_nodes`, an integer `>= 0`). */
  mipMaxNodes?: number;
  /** Primal feasibility tolerance (HiGHS `primal_feasibility_tolerance`, `> 0`). */
  primalFeasibilityTolerance?: number;
  /** Dual feasibility tolerance (HiGHS `dual_feasibility_tolerance`, `> 0`). */
  dualFeasibilityTolerance?: number;
  /** MIP feasibility tolerance (HiGHS `mip_feasibility_tolerance`, `> 0`). */
  mipFeasibilityTolerance?: number;
  /**
   * Any other HiGHS option by its exact snake_case name (see the HiGHS documentation), applied
   * after the fields above. HiGHS checks names and values; a refusal is an `InvalidArgumentError`
   * before the solver runs.
   */
  highsOptions?: Readonly<Record<string, HighsOptionValue>>;
};

/** What {@linkcode highsSettings} returns. */
export interface HighsSettings {
  /** Whether the log goes to the console. */
  readonly verbose: boolean;
  /** HiGHS option name/value pairs, in the order to apply them. */
  readonly settings: readonly (readonly [string, HighsOptionValue])[];
}

type Check = (value: unknown, key: string) => HighsOptionValue;

const number = (min: number, inclusive: boolean, integer = false): Check => (value, key) => {
  const ok = typeof value === "number" && !Number.isNaN(value) &&
    (inclusive ? value >= min : value > min) && (!integer || Number.isSafeInteger(value)) &&
    (integer || value !== -Infinity);
  if (!ok) {
    throw new InvalidArgumentError(
      `HiGHS adapter option ${key} must be ${integer ? "an integer" : "a number"} ${
        inclusive ? ">=" : ">"
      } ${min}, got ${describe(value)}`,
    );
  }
  return value as number;
};

const oneOf = (choices: readonly string[]): Check => (value, key) => {
  if (typeof value !== "string" || !choices.includes(value)) {
    throw new InvalidArgumentError(
      `HiGHS adapter option ${key} must be one of ${choices.join(", ")}, got ${describe(value)}`,
    );
  }
  return value;
};

/** The named options: HiGHS name and value check. */
const NAMED: Readonly<Record<string, readonly [string, Check]>> = {
  timeLimit: ["time_limit", number(0, true)],
  mipRelGap: ["mip_rel_gap", number(0, true)],
  mipAbsGap: ["mip_abs_gap", number(0, true)],
  presolve: ["presolve", (value, key) => {
    if (value === true) return "on";
    if (value === false) return "off";
    if (value === "choose") return "choose";
    throw new InvalidArgumentError(
      `HiGHS adapter option ${key} must be true, false or "choose", got ${describe(value)}`,
    );
  }],
  solver: ["solver", oneOf(["choose", "simplex", "ipm", "pdlp"])],
  randomSeed: ["random_seed", number(0, true, true)],
  mipMaxNodes: ["mip_max_nodes", number(0, true, true)],
  primalFeasibilityTolerance: ["primal_feasibility_tolerance", number(0, false)],
  dualFeasibilityTolerance: ["dual_feasibility_tolerance", number(0, false)],
  mipFeasibilityTolerance: ["mip_feasibility_tolerance", number(0, false)],
};

const KNOWN = ["verbose", ...Object.keys(NAMED), "highsOptions"];

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null ? "null" : typeof value;
}

/**
 * Check per-solve options and turn them into HiGHS option settings.
 *
 * @param options The options as given to `solve`.
 * @returns Whether to log to the console, and the HiGHS settings.
 * @throws {InvalidArgumentError} for an unknown option or a value of the wrong type or range.
 *
 * @example
 * ```ts
 * import { highsSettings } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const { settings } = highsSettings({ timeLimit: 10, presolve: false, highsOptions: { mip_max_leaves: 5 } });
 * assert.deepEqual(settings, [["time_limit", 10], ["presolve", "off"], ["mip_max_leaves", 5]]);
 * assert.throws(() => highsSettings({ time_limit: 10 } as never), { code: "INVALID_ARGUMENT" });
 * ```
 */
export function highsSettings(options: HighsSolveOptions): HighsSettings {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidArgumentError(
      `HiGHS adapter options must be an object, got ${describe(options)}`,
    );
  }
  const settings: (readonly [string, HighsOptionValue])[] = [];
  let verbose = false;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === "verbose") {
      if (typeof value !== "boolean") {
        throw new InvalidArgumentError(
          `HiGHS adapter option verbose must be a boolean, got ${describe(value)}`,
        );
      }
      verbose = value;
    } else if (key === "highsOptions") continue;
    else {
      const named = NAMED[key];
      if (named === undefined) {
        throw new InvalidArgumentError(
          `Unknown HiGHS adapter option ${JSON.stringify(key)} (known: ${
            KNOWN.join(", ")
          }; other HiGHS options go in highsOptions by their snake_case name)`,
        );
      }
      settings.push([named[0], named[1](value, key)]);
    }
  }
  const raw = options.highsOptions;
  if (raw !== undefined) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new InvalidArgumentError(
        `HiGHS adapter option highsOptions must be an object, got ${describe(raw)}`,
      );
    }
    for (const [name, value] of Object.entries(raw)) {
      if (
        typeof value !== "boolean" && typeof value !== "string" &&
        !(typeof value === "number" && !Number.isNaN(value))
      ) {
        throw new InvalidArgumentError(
          `HiGHS option ${name} must be a boolean, a number or a string, got ${describe(value)}`,
        );
      }
      settings.push([name, value]);
    }
  }
  return { verbose, settings };
}
