/**
 * Adapter options as the format stores them: the `json.dumps(kwargs)` text of
 * a JSON object.
 *
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import { parsePythonJson } from "../../../codecs/json/parse.ts";
import { stringifyPythonJson } from "../../../codecs/json/stringify.ts";
import type { AdapterOptionsInput } from "./adapter.ts";

/**
 * Adapter options as stored: `json.dumps(kwargs)`-style text of a JSON object.
 *
 * @param options An object or a JSON-object text (default `{}`).
 * @returns The JSON text.
 * @throws {InvalidArgumentError} When not a JSON object.
 *
 * @example
 * ```ts
 * import { adapterOptionsText } from "./_adapter_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(adapterOptionsText({ num_reads: 2, verbose: false }), '{"num_reads": 2, "verbose": false}');
 * assert.equal(adapterOptionsText(undefined), "{}");
 * ```
 */
export function adapterOptionsText(options: AdapterOptionsInput | undefined): string {
  if (options === undefined) return "{}";
  if (typeof options === "string") {
    let parsed: unknown;
    try {
      parsed = parsePythonJson(options);
    } catch (cause) {
      throw new InvalidArgumentError(
        `adapterOptions is not valid JSON: ${(cause as Error).message}`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new InvalidArgumentError("adapterOptions must be a JSON object");
    }
    return options;
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError("adapterOptions must be a plain object or a JSON-object text");
  }
  return stringifyPythonJson(options);
}
