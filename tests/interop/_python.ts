/**
 * Internal helpers shared by the interop tests that drive the reference Python SDK:
 * locating the pinned venv's interpreter, running a helper script that prints a JSON
 * report, and hashing blobs the way the scripts report them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

const here = new URL(".", import.meta.url);
const repo = new URL("../../", import.meta.url);

/**
 * The reference SDK's interpreter: `OMMX_PYTHON`, `OMMX_INTEROP_PYTHON`, `.cache/venv`, or one
 * created by `tests/interop/setup_venv.sh`.
 *
 * @param label Prefix for the printed reason when the venv cannot be set up.
 * @returns The interpreter path, or undefined when none can be had.
 */
export async function findPython(label: string): Promise<string | undefined> {
  const candidates = [
    Deno.env.get("OMMX_PYTHON"),
    Deno.env.get("OMMX_INTEROP_PYTHON"),
    new URL(".cache/venv/bin/python", repo).pathname,
  ];
  for (const c of candidates) {
    if (c && await Deno.stat(c).then(() => true, () => false)) return c;
  }
  try {
    const out = await new Deno.Command("bash", {
      args: [new URL("setup_venv.sh", here).pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const path = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1);
    if (out.success && path) return path;
    console.log(`${label}: setup_venv.sh failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  } catch (e) {
    console.log(`${label}: cannot run setup_venv.sh: ${(e as Error).message}`);
  }
  return undefined;
}

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
