/**
 * The adapter's own error: what the reference raises as `OMMXHighsAdapterError` (a constant
 * constraint that cannot hold, a HiGHS status that is an error, a model HiGHS refuses). The
 * solver outcomes shared by every adapter — `InfeasibleDetected`, `UnboundedDetected`,
 * `NoSolutionReturned`, `AdapterNotApplicableError` — come from `@ommx-ts/experiment`.
 *
 * @module
 */
import { OmmxError, type OmmxErrorOptions } from "@ommx-ts/experiment";

/**
 * A failure of the HiGHS adapter or of HiGHS itself (code `ADAPTER_ERROR`), named as the
 * reference's `ommx_highs_adapter.OMMXHighsAdapterError`.
 *
 * @example
 * ```ts
 * import { OMMXHighsAdapterError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new OMMXHighsAdapterError("Infeasible constant equality constraint");
 * assert.equal(String(err), "OMMXHighsAdapterError: Infeasible constant equality constraint");
 * assert.equal(err.code, "ADAPTER_ERROR");
 * ```
 */
export class OMMXHighsAdapterError extends OmmxError {
  /**
   * Create the error.
   *
   * @param message What failed.
   * @param options The optional cause.
   */
  constructor(message: string, options?: OmmxErrorOptions) {
    super("ADAPTER_ERROR", message, options);
    // A literal, so that minified bundles keep the name failure reasons are written with.
    if (new.target === OMMXHighsAdapterError) this.name = "OMMXHighsAdapterError";
  }
}
