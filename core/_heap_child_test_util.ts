/**
 * Test helper: run a script in a child Deno with `--expose-gc` and count objects of a class in
 * V8 heap snapshots there. Memory-retention tests use it to show that something is released.
 *
 * @module
 */
import { AssertionError } from "node:assert";

/** Prepended to every child script: `dir` (a scratch directory), `countObjects` and `heapPerItem`. */
const PRELUDE = `
import v8 from "node:v8";
const dir = Deno.args[0];
/** The number of live objects named \`name\` in a heap snapshot labelled \`label\` (no GC here). */
function countObjects(label, name) {
  const path = v8.writeHeapSnapshot(dir + "/" + label + ".heapsnapshot");
  const snap = JSON.parse(Deno.readTextFileSync(path));
  Deno.removeSync(path);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const t = fields.indexOf("type"), n = fields.indexOf("name");
  let found = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    if (types[snap.nodes[i + t]] === "object" && snap.strings[snap.nodes[i + n]] === name) found++;
  }
  return found;
}
/**
 * Heap bytes kept per item by \`n\` items \`make(i)\` builds, measured after a full GC before
 * and after (less the item's slot in the array holding them); also the first item. A first
 * round of \`n\` items, dropped, warms \`make\` up first, so the code, feedback and pooled
 * values V8 and \`make\` keep once are not counted as the items' (under load they were, by
 * up to ~50 bytes an item). The smallest of three measured rounds is returned: what V8's
 * background compilers add to the heap in a round is not the items' (a lone round read 143
 * instead of ~74 bytes once, inside a loaded test batch), and what the items keep is in every round.
 */
function heapPerItem(make, n = 5000) {
  Array.from({ length: n }, (_, i) => make(i));
  // One round a call, so that no round's items outlive it in a register of this frame.
  const round = () => {
    globalThis.gc();
    const before = Deno.memoryUsage().heapUsed;
    const items = Array.from({ length: n }, (_, i) => make(i));
    globalThis.gc();
    return { bytes: (Deno.memoryUsage().heapUsed - before) / items.length - 8, first: items[0] };
  };
  const rounds = [round(), round(), round()];
  return rounds.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}
`;

/**
 * Run `body` (a module's source; it may use `dir`, `countObjects(label, name)`,
 * `heapPerItem(make, n)` and `globalThis.gc()`) in a child Deno and return the JSON it printed on stdout.
 *
 * @param prefix The scratch directory's name prefix.
 * @param body The child's source after the prelude.
 * @returns The parsed stdout.
 * @throws {AssertionError} When the child exits with a non-zero code (its stderr in the message).
 */
export async function runHeapChild(prefix: string, body: string): Promise<unknown> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    const script = `${dir}/child.ts`;
    await Deno.writeTextFile(script, PRELUDE + body);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-lock",
        "--allow-read",
        "--allow-write",
        "--v8-flags=--expose-gc",
        script,
        dir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      throw new AssertionError({
        message: `child exited with ${out.code}: ${new TextDecoder().decode(out.stderr)}`,
      });
    }
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The opening of a child script about an Experiment builder's `SealedRun` views: imports
 * `createExperimentBuilder` from `builderUrl` and defines `count(label)` (the live `SealedRun`s
 * after a GC), `bytes(text)` and a toy `solver` whose Solution is `bytes("solution")`.
 *
 * @param builderUrl The URL of `core/experiment/write/experiment_builder.ts`.
 * @returns The script's opening lines.
 */
export function sealedRunViewsChild(builderUrl: string): string {
  return `
import { createExperimentBuilder } from ${JSON.stringify(builderUrl)};

function count(label) {
  globalThis.gc();
  return countObjects(label, "SealedRun");
}

const bytes = (s) => new TextEncoder().encode(s);
const solver = { name: "toy.Solver", solve: () => ({ toBytes: () => bytes("solution") }) };
`;
}
