/**
 * Shared helpers of the conformance tests: where the corpus is, how to read
 * its expected files, and how to bring our values into their JSON spelling.
 *
 * @module
 */
import { parsePythonJson } from "../../codecs/json/mod.ts";
import { PyFloat } from "../../codecs/py_float.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The committed corpus, written by the reference SDK. */
export const COMMITTED_CORPUS: string = fileURLToPath(
  new URL("../fixtures/reference/", import.meta.url),
);

/** The corpus under test: `OMMX_CORPUS_DIR` (a freshly generated one) or the committed one. */
export const CORPUS_DIR: string = Deno.env.get("OMMX_CORPUS_DIR") ?? COMMITTED_CORPUS;

/** Archive names (without `.ommx`) of the corpus, sorted. */
export function corpusArchives(dir: string = CORPUS_DIR): string[] {
  const names: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isFile && e.name.endsWith(".ommx")) names.push(e.name.slice(0, -".ommx".length));
  }
  return names.sort();
}

/** Path of an archive of the corpus. */
export function archivePath(name: string, dir: string = CORPUS_DIR): string {
  return join(dir, `${name}.ommx`);
}

/** The expected file of an archive (big integers kept exact as `bigint`). */
// deno-lint-ignore no-explicit-any
export function readExpected(name: string, dir: string = CORPUS_DIR): any {
  return parsePythonJson(Deno.readTextFileSync(join(dir, `${name}.expected.json`)));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Spell a value the way the expected files do: non-finite floats as
 * `{"$float": "NaN"}`, bytes as `{"$bytes": hex}`, maps as objects with
 * string keys, big integers as `bigint`.
 */
export function toExpectedForm(value: unknown): unknown {
  if (value instanceof PyFloat) return toExpectedForm(value.value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { $float: "NaN" };
    if (value === Infinity) return { $float: "Infinity" };
    if (value === -Infinity) return { $float: "-Infinity" };
    return Object.is(value, -0) ? 0 : value;
  }
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  if (value instanceof Uint8Array) return { $bytes: hex(value) };
  if (Array.isArray(value)) return value.map(toExpectedForm);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toExpectedForm(v);
    return out;
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toExpectedForm(v);
    return out;
  }
  return value;
}

/** Normalise an expected value the same way (drops `-0`, turns safe bigints into numbers). */
export function normaliseExpected(value: unknown): unknown {
  return toExpectedForm(value);
}

/** Lower-case, separator-free spelling of an enum name (`NotOptimal` ≍ `not-optimal`). */
export function enumKey(name: unknown): string {
  return String(name).toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256").update(bytes).digest("hex");
}
