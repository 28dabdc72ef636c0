/**
 * Internal helpers shared by the interop tests that drive the reference Python SDK: running a
 * helper script that prints a JSON report, and hashing blobs the way the scripts report them.
 * The interpreter comes from `referencePython` (core/_tools_test_util.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

const here = new URL(".", import.meta.url);

/**
 * Run a script of this folder with `python`, assert it exits 0 (stderr as the message) and
 * parse its stdout as JSON.
 *
 * @param python The interpreter.
 * @param script The script's file name in tests/interop/.
 * @param args Script arguments.
 * @param env Extra environment.
 * @returns The parsed report.
 */
export async function runPythonJson<T>(
  python: string,
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<T> {
  const out = await new Deno.Command(python, {
    args: [new URL(script, here).pathname, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

/**
 * SHA-256 as lowercase hex.
 *
 * @param bytes The data.
 * @returns The hex digest.
 */
export const sha = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
