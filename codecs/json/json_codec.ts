/**
 * The codec for `application/json` attachments.
 *
 * @module
 */

import { MEDIA_TYPE_JSON } from "../media_types.ts";
import type { AttachmentCodec } from "../codec.ts";
import { type JsonValue, parsePythonJson } from "./parse.ts";
import { type JsonStyle, stringifyPythonJson } from "./stringify.ts";

/** Options of {@linkcode createJsonCodec}. */
export interface JsonCodecOptions {
  /**
   * The output profile of `encode`: `"python"` (Python JSON, what Python's
   * `log_json` writes) or `"compact-sorted"` (sorted JSON, what the Rust API
   * writes).
   *
   * @default {"python"}
   */
  style?: JsonStyle;
  /**
   * Decode float literals as {@linkcode PyFloat} (see {@linkcode parsePythonJson}).
   *
   * @default {false}
   */
  preserveFloats?: boolean;
}

/**
 * Create a codec for `application/json` with a chosen output profile.
 *
 * `decode` reads what Python's `json.loads` reads (including `NaN` and
 * `Infinity` tokens; integers beyond 2^53 as `bigint`); `encode` writes UTF-8
 * bytes of {@linkcode stringifyPythonJson}.
 *
 * @param options Output style and float preservation.
 * @returns The codec.
 *
 * @example
 * ```ts
 * import { createJsonCodec } from "./json_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const codec = createJsonCodec({ style: "compact-sorted" });
 * const bytes = await codec.encode({ b: 1, a: [true] });
 * assert.equal(new TextDecoder().decode(bytes), '{"a":[true],"b":1}');
 * assert.deepEqual(await codec.decode(bytes), { a: [true], b: 1 });
 * ```
 */
export function createJsonCodec(options: JsonCodecOptions = {}): AttachmentCodec<JsonValue> {
  const style = options.style ?? "python";
  const preserveFloats = options.preserveFloats ?? false;
  const encoder = new TextEncoder();
  return {
    mediaType: MEDIA_TYPE_JSON,
    encode(value: JsonValue): Uint8Array {
      return encoder.encode(stringifyPythonJson(value, { style }));
    },
    decode(bytes: Uint8Array): JsonValue {
      return parsePythonJson(bytes, { preserveFloats, subject: MEDIA_TYPE_JSON });
    },
  };
}

/**
 * The default `application/json` codec: Python-compatible decode, Python JSON encode (see `docs/glossary.md#python-json`).
 *
 * @example
 * ```ts
 * import { jsonCodec } from "./json_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = await jsonCodec.encode({ x: [1, NaN] });
 * assert.equal(new TextDecoder().decode(bytes), '{"x": [1, NaN]}');
 * assert.deepEqual(await jsonCodec.decode(bytes), { x: [1, NaN] });
 * ```
 */
export const jsonCodec: AttachmentCodec<JsonValue> = createJsonCodec();
