/**
 * The Local Registry's Deno fast paths (`_deno_fs.ts`: blob files, links,
 * directories, the index check, the GC's stat and listing, the quick size
 * check) against their `node:fs` paths: one write / read / gc scenario run
 * with the switch on and off must give the same results, and with the switch
 * off no fast-path call of Deno's may be made (only the file locks and
 * `pushFile`'s copy — the kernel copy, its hash and `chmod` — which have no
 * `node:fs` path, stay on Deno).
 */
import assert from "node:assert/strict";
import { DENO_FS_CALLS, denoFsSettings } from "../../_deno_fs.ts";
import { outcome } from "../../_outcome_test_util.ts";
import { digestOf } from "../digest.ts";
import { openLocalRegistry } from "./local_registry.ts";
import { gc, removeImage } from "./local_registry_maintenance.ts";
import { ArtifactDraft } from "../../experiment/write/artifact_draft.ts";

/**
 * Run `fn` with the library's calls of Deno's functions recorded as `name
 * path` (the root replaced by `<root>`).
 */
async function recording<T>(root: string, fn: () => Promise<T>): Promise<[T, string[]]> {
  const deno = Deno as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = DENO_FS_CALLS.map((name) => deno[name]!);
  const calls: string[] = [];
  DENO_FS_CALLS.forEach((name, i) => {
    const original = saved[i]!;
    deno[name] = function (this: unknown, ...args: unknown[]) {
      // Only the library's own calls: the test's and node:fs's (Deno's node:fs calls them too) are not.
      const caller = new Error().stack?.split("\n")[2] ?? "";
      if (caller.includes("file://") && !caller.includes("_test.ts")) {
        calls.push(`${name} ${String(args[0]).replace(root, "<root>")}`);
      }
      return original.apply(this, args);
    };
  });
  try {
    return [await fn(), calls];
  } finally {
    DENO_FS_CALLS.forEach((name, i) => deno[name] = saved[i]!);
  }
}

const text = (s: string) => new TextEncoder().encode(s);

/** Write, read and collect garbage in a fresh registry; everything that came out, as JSON with the root replaced by `<root>`. */
async function scenario(root: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const file = `${root}-attachment`;
  await Deno.writeFile(file, text("a file pushed by path"));
  try {
    // write: blobs by bytes (new, again, wrong digest), a file by path, two artifacts
    const registry = await openLocalRegistry({ root, writable: true, create: true });
    try {
      const blob = text("a blob");
      const d = { mediaType: "application/octet-stream", digest: await digestOf(blob), size: 6 };
      out.push(await outcome(() => registry.push(d, blob)));
      out.push(await outcome(() => registry.push(d, blob)));
      out.push(
        await outcome(() => registry.push({ ...d, digest: `sha256:${"0".repeat(64)}` }, blob)),
      );
      out.push(await outcome(() => registry.pushFile(file)));
    } finally {
      await registry.close();
    }
    const names = ["example.com/fs/kept:v1", "example.com/fs/gone:v1"];
    for (const name of names) {
      const draft = ArtifactDraft.new(name, { root });
      await draft.addLayer("application/octet-stream", text(name));
      await using artifact = await draft.commit();
      out.push(artifact.manifestDigest);
    }
    // read: resolve, fetch, a missing blob, a blob that is a directory
    const reader = await openLocalRegistry({ root });
    try {
      const manifest = await reader.resolve(names[0]);
      out.push(manifest);
      out.push(new TextDecoder().decode(await reader.fetch(manifest)));
      const missing = { ...manifest, digest: `sha256:${"1".repeat(64)}` };
      out.push(await outcome(() => reader.exists(missing)));
      out.push(await outcome(() => reader.fetch(missing)));
      await Deno.mkdir(`${root}/blobs/sha256/${"2".repeat(64)}`);
      out.push(
        await outcome(() => reader.fetch({ ...manifest, digest: `sha256:${"2".repeat(64)}` })),
      );
      out.push(
        await outcome(async () => (await reader.listReferences()).map((e) => e.imageName)),
      );
    } finally {
      await reader.close();
    }
    // gc: an image removed, its blobs aged past the grace period, dry run then delete
    out.push(await removeImage(names[1]!, { root }));
    const old = new Date(1_700_000_000_000); // past the grace period, the same in both runs
    for (const entry of Deno.readDirSync(`${root}/blobs/sha256`)) {
      if (entry.isFile) await Deno.utime(`${root}/blobs/sha256/${entry.name}`, old, old);
    }
    for (const options of [{ gracePeriod: "1h" }, { gracePeriod: "1h", delete: true }]) {
      out.push(await outcome(() => gc({ root, ...options })));
    }
    out.push([...Deno.readDirSync(`${root}/blobs/sha256`)].map((e) => e.name).sort());
    return JSON.parse(JSON.stringify(out).replaceAll(root, "<root>"));
  } finally {
    await Deno.remove(file);
  }
}

/** Whether a call with the switch off is one that has no `node:fs` path. */
function withoutFallback(call: string): boolean {
  const [name, path] = call.split(" ") as [string, string];
  return (path.endsWith(".lock") && (name === "openSync" || name === "lstatSync")) ||
    (name === "open" && (path.endsWith("-attachment") || path.endsWith(".tmp"))) ||
    (name === "copyFile" && path.endsWith("-attachment")) ||
    (name === "chmod" && path.endsWith(".tmp"));
}

Deno.test("local registry: Deno's fast paths and node:fs give the same write, read and gc results", async () => {
  const base = await Deno.makeTempDir({ prefix: "ommx-deno-fs-" });
  try {
    const [fast, fastCalls] = await recording(`${base}/on`, () => scenario(`${base}/on`));
    denoFsSettings.enabled = false;
    let slow: unknown[], slowCalls: string[];
    try {
      [slow, slowCalls] = await recording(`${base}/off`, () => scenario(`${base}/off`));
    } finally {
      denoFsSettings.enabled = true;
    }
    assert.deepEqual(slow, fast);
    // The scenario reaches every switchable fast path with the switch on …
    for (
      const name of [
        "openSync",
        "linkSync",
        "removeSync",
        "lstat",
        "lstatSync",
        "statSync",
        "mkdir",
        "readDirSync",
      ]
    ) {
      assert.ok(fastCalls.some((c) => c.startsWith(`${name} `) && !withoutFallback(c)), name);
    }
    // … and none of them with it off.
    assert.deepEqual(slowCalls.filter((c) => !withoutFallback(c)), []);
    assert.ok(slowCalls.some((c) => c.startsWith("openSync ")), "the locks stay on Deno");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
