/**
 * Python-compatible JSON for `application/json` attachments: a parser that
 * reads what Python's `json.loads` reads (`NaN`/`Infinity` tokens, big
 * integers as `bigint`), writers for the Python JSON and sorted JSON profiles (`docs/glossary.md#python-json`), and
 * the {@linkcode jsonCodec}.
 *
 * @example
 * ```ts
 * import { parsePythonJson, pyFloat, stringifyPythonJson } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const text = '{"score": 20.0, "bound": -Infinity, "note": "NaN"}';
 * const value = parsePythonJson(text, { preserveFloats: true });
 * assert.equal(stringifyPythonJson(value), text);
 * assert.equal(stringifyPythonJson({ x: pyFloat(1) }, { style: "compact-sorted" }), '{"x":1.0}');
 * ```
 *
 * @module
 */

export * from "./parse.ts";
export * from "./stringify.ts";
export * from "./json_codec.ts";
export * from "../py_float.ts";
export type { AttachmentCodec } from "../codec.ts";
