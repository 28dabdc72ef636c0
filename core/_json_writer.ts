/**
 * The one JSON text writer of the package, for every profile it writes (see
 * `docs/glossary.md`): the sorted compact profile of OCI manifests and of the
 * Rust API's JSON (`canonicalJson`, `stringifyPythonJson` with
 * `"compact-sorted"`), and Python's `json.dumps` profile (`stringifyPythonJson`).
 * A profile fixes key order, separators, string escaping, number text and how
 * unusual values are treated; the walk (recursion, cycle detection, paths in
 * messages) is written once here.
 *
 * @module
 */
import { EncodeError } from "./errors.ts";
import { compareCodePoints } from "./_code_points.ts";

/** How one JSON profile writes. */
export interface JsonProfile {
  /** Sort object keys by Unicode code point at every level (else insertion order). */
  readonly sortKeys: boolean;
  /** Between array items and object members: `","` or `", "`. */
  readonly itemSeparator: string;
  /** Between a key and its value: `":"` or `": "`. */
  readonly keySeparator: string;
  /** Escape non-ASCII as `\uXXXX` (Python's `ensure_ascii`), else raw UTF-8 text. */
  readonly asciiOnly: boolean;
  /**
   * Text of a number.
   *
   * @param value The number.
   * @param path Where it stands, for messages.
   * @returns The JSON text.
   * @throws {EncodeError} When the profile cannot write it.
   */
  number(value: number, path: string): string;
  /** `"plain"`: only plain objects and string-keyed `Map`s; `"any"`: any object's own enumerable keys. */
  readonly objects: "plain" | "any";
  /** Object properties whose value is `undefined`: omitted, or an error. */
  readonly undefinedProperty: "omit" | "error";
  /** Array items that are `undefined`: written as `null`, or an error. */
  readonly undefinedItem: "null" | "error";
  /**
   * Text for an object the walk does not know (e.g. a float wrapper), or
   * `undefined` to treat it as an object.
   *
   * @param value The object.
   * @param path Where it stands.
   * @returns The JSON text, or `undefined`.
   */
  leaf?(value: object, path: string): string | undefined;
  /**
   * The message for a value the profile cannot write.
   *
   * @param what The value's type name (`function`, `symbol`, `Date`, …).
   * @param path Where it stands.
   * @returns The message.
   */
  unsupported(what: string, path: string): string;
}

function asciiString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      default:
        out += "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  return out + s.slice(start) + '"';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Write a value as JSON text in a profile.
 *
 * @param value The value.
 * @param profile The profile.
 * @returns The text.
 * @throws {EncodeError} On values the profile cannot write and on cycles; the message names the path.
 *
 * @example
 * ```ts
 * import { writeJson } from "./_json_writer.ts";
 * import assert from "node:assert/strict";
 *
 * const sorted = {
 *   sortKeys: true, itemSeparator: ",", keySeparator: ":", asciiOnly: false,
 *   number: (x: number) => JSON.stringify(x), objects: "any" as const,
 *   undefinedProperty: "omit" as const, undefinedItem: "null" as const,
 *   unsupported: (what: string, path: string) => `cannot encode ${what} at ${path}`,
 * };
 * assert.equal(writeJson({ b: [1, undefined], a: "é" }, sorted), '{"a":"é","b":[1,null]}');
 * assert.throws(() => writeJson({ f: () => 1 }, sorted), { code: "ENCODE_ERROR" });
 * ```
 */
export function writeJson(value: unknown, profile: JsonProfile): string {
  const out: string[] = [];
  const seen = new Set<object>();
  const str = (s: string) => profile.asciiOnly ? asciiString(s) : JSON.stringify(s);
  const fail = (what: string, path: string): never => {
    throw new EncodeError(profile.unsupported(what, path));
  };
  const write = (v: unknown, path: string): void => {
    switch (typeof v) {
      case "string":
        out.push(str(v));
        return;
      case "boolean":
        out.push(v ? "true" : "false");
        return;
      case "bigint":
        out.push(v.toString());
        return;
      case "number":
        out.push(profile.number(v, path));
        return;
      case "object":
        break;
      default:
        fail(typeof v, path);
    }
    if (v === null) {
      out.push("null");
      return;
    }
    const obj = v as object;
    const leaf = profile.leaf?.(obj, path);
    if (leaf !== undefined) {
      out.push(leaf);
      return;
    }
    if (seen.has(obj)) throw new EncodeError(`Circular reference detected at ${path}`);
    seen.add(obj);
    if (Array.isArray(obj)) {
      out.push("[");
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) out.push(profile.itemSeparator);
        const item: unknown = obj[i];
        if (item === undefined && profile.undefinedItem === "null") out.push("null");
        else write(item, `${path}[${i}]`);
      }
      out.push("]");
    } else {
      let entries: [string, unknown][];
      if (profile.objects === "plain" && obj instanceof Map) {
        entries = [];
        for (const [k, x] of obj) {
          if (typeof k !== "string") {
            throw new EncodeError(`Map key of type ${typeof k} at ${path} is not a string`);
          }
          entries.push([k, x]);
        }
      } else if (profile.objects === "any" || isPlainObject(obj)) {
        entries = Object.entries(obj);
      } else {
        entries = fail(
          (obj as { constructor?: { name?: string } }).constructor?.name ?? "object",
          path,
        );
      }
      if (profile.undefinedProperty === "omit") {
        entries = entries.filter(([, x]) => x !== undefined);
      }
      if (profile.sortKeys) entries.sort((a, b) => compareCodePoints(a[0], b[0]));
      out.push("{");
      let first = true;
      for (const [k, x] of entries) {
        if (!first) out.push(profile.itemSeparator);
        first = false;
        out.push(str(k), profile.keySeparator);
        write(x, `${path}.${k}`);
      }
      out.push("}");
    }
    seen.delete(obj);
  };
  write(value, "$");
  return out.join("");
}
