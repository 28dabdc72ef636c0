/**
 * Mutation fuzzing (issue 10): thousands of damaged archives and layout
 * directories, each read completely (open, every attachment as bytes and
 * decoded, run parameters, every run, trace, Solve and Sampling with input,
 * output and diagnostics, `verify()`). The rule for every read: **a typed
 * error, or exactly the right data**.
 *
 * Three kinds of cases, over every fixture kind:
 *
 * - `archive` — bytes of an `.ommx` archive damaged in place (bit flips,
 *   overwritten bytes and ranges, truncation, inserted and deleted ranges,
 *   swapped tar blocks, damaged tar header fields and `index.json` text),
 *   over the reference corpus (`tests/fixtures/reference/`) and archives
 *   written by ommx-ts. Every blob is digest-verified, so a read that
 *   succeeds must return what the undamaged archive returns (the image name
 *   aside: it is `index.json`'s unverified annotation).
 * - `rebuilt` — the config, a layer's payload or a layer's descriptor damaged
 *   and the archive rebuilt with fresh digests, so the damage is "valid" at
 *   the storage level and only the format and payload rules catch it. The
 *   right data is then unknown; a read that succeeds must be deterministic
 *   (two opens read the same) and survive a save and re-open unchanged.
 * - `layout` — OCI layout directories damaged on disk: bytes of `index.json`,
 *   `oci-layout`, manifests and blobs; files replaced by a link to
 *   `/dev/zero`, a link out of the layout, a link to another blob, a FIFO, a
 *   directory, an empty or a 3 GB sparse file; files deleted. Same rule as
 *   `archive`.
 *
 * Every case must also finish within 15 s and keep the process RSS within
 * 768 MiB of where it started. Seeded: `OMMX_FUZZ_SEED` (default below)
 * picks every mutation, `OMMX_FUZZ_CASES` the number of cases (default
 * 5,000), `OMMX_FUZZ_CASE=n` replays one case. A failure prints the seed, the
 * case number, the base and the mutation.
 */
import assert from "node:assert/strict";
import {
  createExperiment,
  type Experiment,
  experimentArchiveBytes,
  forkExperiment,
  Function,
  Instance,
  OmmxError,
  openExperiment,
  saveExperimentLayout,
  Solution,
} from "../mod.ts";
import { sha256Hex } from "../core/oci/digest.ts";
import { findOnPath } from "../core/_tools_test_util.ts";
import { indexTar } from "../core/oci/tar/reader.ts";
import { bytesSource } from "../core/oci/random_access.ts";
import { archivePath, COMMITTED_CORPUS, corpusArchives } from "./conformance/_corpus_test_util.ts";
import { buildTestArchive, type TestLayer } from "./_archive_test_util.ts";
import { mulberry32 as rng } from "../core/_random_test_util.ts";

const SEED = Number(Deno.env.get("OMMX_FUZZ_SEED") ?? 20261202);
const CASES = Number(Deno.env.get("OMMX_FUZZ_CASES") ?? 5000);
const ONLY = Deno.env.get("OMMX_FUZZ_CASE");
const CASE_TIME_LIMIT_MS = 15_000;
/** Whether FIFOs can be made (coreutils' mkfifo on PATH); without it the FIFO case makes a directory. */
const HAVE_MKFIFO = findOnPath("mkfifo") !== undefined;
const RSS_HEADROOM = 768 * 1024 * 1024;

// ---------------------------------------------------------------- randomness

class Dice {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

// ---------------------------------------------------------------- reading everything

/** Every read an Experiment offers, key → value, or the typed error code it gave. */
type Reading = Map<string, string>;

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Uint8Array) return `bytes:${v.length}`;
    return v;
  }) ?? "undefined";
}

function typedCode(e: unknown): string {
  if (!(e instanceof OmmxError)) {
    throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
  assert.match(e.code, /^[A-Z_]+$/);
  return `error ${e.code}`;
}

async function read(out: Reading, key: string, fn: () => unknown): Promise<void> {
  try {
    out.set(key, show(await fn()));
  } catch (e) {
    out.set(key, typedCode(e));
  }
}

async function readEverything(exp: Experiment): Promise<Reading> {
  const out: Reading = new Map();
  out.set("manifest", exp.manifestDigest);
  out.set("status", show([exp.status, exp.lifecycleReason, exp.requestedImageName]));
  out.set("annotations", show(exp.annotations));
  out.set("subject", show(exp.subject?.digest ?? null));
  const holders = [
    ["experiment", exp] as const,
    ...exp.runs.map((r) => [`run ${r.runId}`, r] as const),
  ];
  for (const [where, h] of holders) {
    for (const name of h.attachmentNames) {
      const key = `${where} attachment ${name}`;
      const info = h.attachmentInfo(name);
      out.set(
        `${key} info`,
        show([info.mediaType, info.compression, info.filename, info.descriptor]),
      );
      await read(out, `${key} bytes`, async () => await sha256Hex(await h.getBlob(name)));
      await read(out, `${key} decoded`, async () => {
        const v = await h.getAttachment(name);
        return v instanceof Uint8Array || typeof v !== "object" || v === null ||
            Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype
          ? v
          : (v as object).constructor.name;
      });
    }
  }
  await read(out, "run parameters", () => exp.runParameters());
  for (const run of exp.runs) {
    const r = `run ${run.runId}`;
    out.set(`${r} status`, show([run.status, run.lifecycleReason, run.parameters]));
    await read(out, `${r} trace`, async () => (await run.getTrace())?.toString() ?? null);
    for (const p of [...run.solves, ...run.samplings]) {
      const k = `${r} ${"solveId" in p ? `solve ${p.solveId}` : `sampling ${p.samplingId}`}`;
      out.set(`${k} record`, show([p.status, p.adapter, p.adapterOptionsJson]));
      await read(out, `${k} options`, () => p.adapterOptions);
      await read(out, `${k} diagnostics`, () => p.getDiagnostics());
      await read(out, `${k} input`, async () => (await p.getInput()).constructor.name);
      await read(out, `${k} output`, async () => {
        const o = await p.getOutput();
        return o === null ? null : [o.constructor.name, (o as { objective?: unknown }).objective];
      });
    }
  }
  await read(out, "verify", async () => {
    const v = await exp.verify();
    return [v.blobs, v.bytes];
  });
  return out;
}

/** A damaged reading must match the pristine one read by read, except reads that gave a typed error. */
function assertRightOrTyped(damaged: Reading, pristine: Reading): void {
  for (const [key, value] of damaged) {
    if (value.startsWith("error ")) continue;
    assert.equal(value, pristine.get(key), `read "${key}" returned different data`);
  }
}

async function openAndRead(
  source: Parameters<typeof openExperiment>[0],
): Promise<Reading | string> {
  let exp: Experiment;
  try {
    exp = await openExperiment(source);
  } catch (e) {
    return typedCode(e);
  }
  try {
    return await readEverything(exp);
  } finally {
    await exp.close();
  }
}

// ---------------------------------------------------------------- bases

interface Base {
  name: string;
  bytes: Uint8Array;
  pristine: Reading;
  /** Tar members: name, header offset, body offset, size. */
  members: { name: string; header: number; offset: number; size: number }[];
}

const instance = new Instance({
  sense: "maximize",
  objective: Function.linear([[1, 3], [2, 2]]),
  decisionVariables: [1, 2].map((id) => ({
    id,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  })),
});

/** Archives written by ommx-ts: every attachment kind, zstd, solves, a trace, failures, a fork. */
async function ourArchives(): Promise<[string, Uint8Array][]> {
  const b = createExperiment({ imageName: "example.com/fuzz/ours:v1", storeTrace: true });
  b.setAnnotation("org.example.note", "fuzz base");
  await b.logJson("config", { seed: 7, tol: 0.5, tags: ["a", "b"] }, { compression: "zstd" });
  await b.logAttachment(
    "blob",
    "application/octet-stream",
    new Uint8Array(3000).map((_, i) => i % 251),
  );
  await b.logAttachment("csv", "text/csv", new TextEncoder().encode("a,b\n1,2\n".repeat(50)), {
    compression: "zstd",
  });
  await b.logInstance("instance", instance);
  await b.withRun(async (run) => {
    run.logParameter("capacity", 47);
    run.logParameter("solver", "toy");
    await run.logJson("notes", [1, 2, NaN]);
    await run.logSolve(
      {
        name: "toy.AllOnes",
        solve: (i: Instance) => Solution.evaluate(i, new Map([[1, 1], [2, 1]])),
      },
      instance,
    );
    await run.logFailedSolve({
      input: instance,
      adapter: "toy.Broken",
      diagnostics: [{ status: "x" }],
    });
  });
  const failing = b.run();
  failing.logParameter("capacity", 10.5);
  failing.fail(new Error("gave up"));
  const parent = await b.commit();
  const child = await forkExperiment(parent, { imageName: "example.com/fuzz/child:v1" });
  await child.withRun((run) => run.logParameter("capacity", 3));
  const many = createExperiment({ imageName: "example.com/fuzz/many:v1" });
  for (let i = 0; i < 40; i++) {
    const run = many.run();
    run.logParameter("i", i);
    run.logParameter(i % 2 === 0 ? "even" : "odd", i % 3 === 0);
    run.finish();
  }
  return [
    ["ours", await experimentArchiveBytes(parent)],
    ["ours-fork", await experimentArchiveBytes(await child.commit())],
    ["ours-many", await experimentArchiveBytes(await many.commit())],
  ];
}

async function loadBases(): Promise<Base[]> {
  const named: [string, Uint8Array][] = [];
  for (const name of corpusArchives(COMMITTED_CORPUS)) {
    named.push([`reference/${name}`, await Deno.readFile(archivePath(name, COMMITTED_CORPUS))]);
  }
  named.push(...await ourArchives());
  const bases: Base[] = [];
  for (const [name, bytes] of named) {
    const pristine = await openAndRead(bytes);
    assert.ok(typeof pristine !== "string", `${name} does not open: ${pristine}`);
    const entries = await indexTar(bytesSource(bytes));
    bases.push({
      name,
      bytes,
      pristine,
      members: entries.map((e) => ({
        name: e.name,
        header: e.offset - 512,
        offset: e.offset,
        size: e.size,
      })),
    });
  }
  return bases;
}

// ---------------------------------------------------------------- archive mutations

function damageArchive(d: Dice, base: Base): { bytes: Uint8Array; what: string } {
  let out = base.bytes.slice();
  const m = d.pick(base.members);
  const n = 1 + d.int(3);
  const what: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = d.int(10);
    const anywhere = d.int(out.length);
    const inBody = m.offset + d.int(Math.max(1, m.size));
    switch (kind) {
      case 0:
        out[anywhere] = out[anywhere]! ^ (1 << d.int(8));
        what.push(`flip @${anywhere}`);
        break;
      case 1:
        out[inBody] = d.int(256);
        what.push(`set ${m.name} body @${inBody}`);
        break;
      case 2: {
        // a header field: name (0..99), size (124..135), checksum (148..155), typeflag (156)
        const field = d.pick([[0, 100], [124, 12], [148, 8], [156, 1], [345, 155]] as const);
        const at = m.header + field[0] + d.int(field[1]);
        out[at] = d.pick([0, 0x20, 0x30 + d.int(10), 0x37, d.int(256)]);
        what.push(`header ${m.name} @${at - m.header}`);
        break;
      }
      case 3: {
        const at = d.int(out.length);
        out = out.slice(0, at);
        what.push(`truncate @${at}`);
        break;
      }
      case 4: {
        const junk = d.bytes(1 + d.int(600));
        const at = d.int(out.length + 1);
        const next = new Uint8Array(out.length + junk.length);
        next.set(out.subarray(0, at));
        next.set(junk, at);
        next.set(out.subarray(at), at + junk.length);
        out = next;
        what.push(`insert ${junk.length} @${at}`);
        break;
      }
      case 5: {
        const at = d.int(out.length);
        const len = 1 + d.int(1024);
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(at + len)]);
        what.push(`delete ${len} @${at}`);
        break;
      }
      case 6: {
        const blocks = Math.floor(out.length / 512);
        if (blocks < 2) break;
        const a = d.int(blocks) * 512;
        const b = d.int(blocks) * 512;
        const tmp = out.slice(a, a + 512);
        out.copyWithin(a, b, b + 512);
        out.set(tmp, b);
        what.push(`swap blocks ${a / 512}/${b / 512}`);
        break;
      }
      case 7: {
        const len = 1 + d.int(64);
        out.fill(d.pick([0, 0xff, 0x20]), inBody, inBody + len);
        what.push(`fill ${len} ${m.name} @${inBody}`);
        break;
      }
      default: {
        // JSON text of index.json / oci-layout / manifests / config: hit a digit, quote or brace
        const json = base.members.filter((x) =>
          x.name.endsWith(".json") || x.name === "oci-layout"
        );
        const j = json.length > 0 ? d.pick(json) : m;
        const body = out.subarray(j.offset, j.offset + j.size);
        const spots: number[] = [];
        for (let k = 0; k < body.length; k++) {
          if (/[0-9"{}:,\]]/.test(String.fromCharCode(body[k]!))) spots.push(k);
        }
        if (spots.length === 0) break;
        const at = j.offset + d.pick(spots);
        out[at] = d.pick([0x30 + d.int(10), 0x22, 0x7d, 0x20, 0x2c, 0x5c]);
        what.push(`json ${j.name} @${at - j.offset}`);
      }
    }
  }
  return { bytes: out, what: what.join(", ") };
}

// ---------------------------------------------------------------- rebuilt archives

interface Parts {
  config: Uint8Array;
  layers: TestLayer[];
  annotations: Record<string, string>;
  refName: string;
}

async function partsOf(base: Base): Promise<Parts> {
  await using exp = await openExperiment(base.bytes);
  const layers: TestLayer[] = [];
  for (const l of exp.layers) {
    layers.push({
      mediaType: l.mediaType,
      bytes: await exp.storage.fetch(l),
      annotations: { ...l.annotations },
    });
  }
  return {
    config: await exp.storage.fetch(exp.manifest.config),
    layers,
    annotations: { ...exp.annotations },
    refName: exp.imageName ?? "example.com/fuzz/x:v1",
  };
}

function mutateBytes(d: Dice, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return d.bytes(1 + d.int(8));
  switch (d.int(4)) {
    case 0:
      {
        const at = d.int(out.length);
        out[at] = out[at]! ^ (1 << d.int(8));
      }
      return out;
    case 1:
      out[d.int(out.length)] = d.int(256);
      return out;
    case 2:
      return out.slice(0, d.int(out.length));
    default: {
      const at = d.int(out.length);
      return new Uint8Array([
        ...out.subarray(0, at),
        ...d.bytes(1 + d.int(16)),
        ...out.subarray(at),
      ]);
    }
  }
}

async function damageRebuilt(d: Dice, parts: Parts): Promise<{ bytes: Uint8Array; what: string }> {
  let config = parts.config;
  const layers = parts.layers.map((l) => ({ ...l, annotations: { ...l.annotations } }));
  let what: string;
  const kind = d.int(layers.length === 0 ? 1 : 4);
  if (kind === 0) {
    config = mutateBytes(d, config);
    what = "config bytes";
  } else {
    const i = d.int(layers.length);
    const l = layers[i]!;
    if (kind === 1 || kind === 2) {
      l.bytes = mutateBytes(d, l.bytes);
      what = `layer ${i} (${l.mediaType}) bytes`;
    } else {
      switch (d.int(3)) {
        case 0:
          l.mediaType = d.pick([
            "application/json",
            "application/octet-stream",
            `${l.mediaType}+zstd`,
            l.mediaType.replace(/\+zstd$/, ""),
            "application/org.ommx.v1.instance",
            "application/org.ommx.v1.solution",
          ]);
          what = `layer ${i} media type → ${l.mediaType}`;
          break;
        case 1:
          l.annotations["org.ommx.v1.attachment.compression"] = d.pick(["zstd", "gzip", ""]);
          what = `layer ${i} compression annotation`;
          break;
        default:
          layers.splice(i, 1);
          what = `layer ${i} removed`;
      }
    }
  }
  const { bytes } = await buildTestArchive({
    config,
    layers,
    refName: parts.refName,
    ...(Object.keys(parts.annotations).length > 0 ? { annotations: parts.annotations } : {}),
  });
  return { bytes, what };
}

// ---------------------------------------------------------------- layout directories

interface LayoutBase {
  name: string;
  dir: string;
  pristine: Reading;
  files: string[];
}

async function makeLayouts(bases: Base[], root: string): Promise<LayoutBase[]> {
  const out: LayoutBase[] = [];
  for (const base of bases.filter((b) => /attachments|solves|trace|ours$|ours-fork/.test(b.name))) {
    const dir = `${root}/${base.name.replace(/\W/g, "_")}`;
    {
      await using exp = await openExperiment(base.bytes);
      await saveExperimentLayout(exp, dir);
    }
    const pristine = await openAndRead(dir);
    assert.ok(typeof pristine !== "string", `${base.name} as a layout: ${pristine}`);
    const files = ["index.json", "oci-layout"];
    for (const e of Deno.readDirSync(`${dir}/blobs/sha256`)) files.push(`blobs/sha256/${e.name}`);
    out.push({ name: `layout/${base.name}`, dir, pristine, files: files.sort() });
  }
  return out;
}

/** Damage one file of the layout; returns the undo and a description. */
async function damageLayout(
  d: Dice,
  base: LayoutBase,
): Promise<{ undo: () => Promise<void>; what: string }> {
  const rel = d.pick(base.files);
  const path = `${base.dir}/${rel}`;
  const original = await Deno.readFile(path);
  const undo = async () => {
    await Deno.remove(path, { recursive: true }).catch(() => {});
    await Deno.writeFile(path, original);
  };
  const other = `${base.dir}/${d.pick(base.files.filter((f) => f.startsWith("blobs/")))}`;
  const kind = d.int(11);
  let what: string;
  const replace = async (make: () => Promise<unknown>) => {
    await Deno.remove(path);
    await make();
  };
  switch (kind) {
    case 0:
    case 1:
    case 2:
      await Deno.writeFile(path, mutateBytes(d, original));
      what = `bytes of ${rel}`;
      break;
    case 3:
      await replace(() => Deno.symlink("/dev/zero", path));
      what = `${rel} → /dev/zero`;
      break;
    case 4:
      await replace(() => Deno.symlink("/etc/hostname", path));
      what = `${rel} → /etc/hostname (outside)`;
      break;
    case 5:
      await replace(() => Deno.symlink(other, path));
      what = `${rel} → ${other.slice(base.dir.length + 1)} (inside)`;
      break;
    case 6:
      if (HAVE_MKFIFO) {
        await replace(() => new Deno.Command("mkfifo", { args: [path] }).output());
        what = `${rel} a FIFO`;
      } else {
        // Without coreutils' mkfifo the case becomes a directory (case 7).
        await replace(() => Deno.mkdir(path));
        what = `${rel} a directory (no mkfifo)`;
      }
      break;
    case 7:
      await replace(() => Deno.mkdir(path));
      what = `${rel} a directory`;
      break;
    case 8: {
      const f = await Deno.open(path, { write: true, truncate: false });
      await f.truncate(d.pick([0, 3 * 1024 ** 3, original.length + 1]));
      f.close();
      what = `${rel} resized`;
      break;
    }
    case 9:
      await Deno.remove(path);
      what = `${rel} deleted`;
      break;
    default:
      await Deno.writeFile(path, new Uint8Array([...original, ...d.bytes(1 + d.int(8))]));
      what = `${rel} appended to`;
  }
  return { undo, what };
}

// ---------------------------------------------------------------- the suite

Deno.test({
  name:
    `fuzz: ${CASES} damaged archives and layout directories give a typed error or exactly the right data`,
  sanitizeResources: false,
  fn: async () => {
    const started = performance.now();
    const bases = await loadBases();
    const root = await Deno.makeTempDir({ prefix: "ommx-fuzz-" });
    const counts: Record<string, { cases: number; typed: number; right: number }> = {};
    try {
      const layouts = await makeLayouts(bases, root);
      const parts = new Map<string, Parts>();
      for (const b of bases) parts.set(b.name, await partsOf(b));
      const rss0 = Deno.memoryUsage().rss;
      const first = ONLY === undefined ? 0 : Number(ONLY);
      const last = ONLY === undefined ? CASES : first + 1;
      for (let i = first; i < last; i++) {
        const d = new Dice(rng(SEED ^ Math.imul(i + 1, 0x9e3779b1)));
        // 55 % archives damaged in place, 25 % rebuilt with fresh digests, 20 % layout directories
        const roll = d.int(100);
        const kind = roll < 55 ? "archive" : roll < 80 ? "rebuilt" : "layout";
        let label = "";
        const t0 = performance.now();
        const tally = (counts[kind] ??= { cases: 0, typed: 0, right: 0 });
        tally.cases++;
        try {
          if (kind === "archive") {
            const base = d.pick(bases);
            const { bytes, what } = damageArchive(d, base);
            label = `${base.name}: ${what}`;
            const got = await openAndRead(bytes);
            if (typeof got === "string") tally.typed++;
            else {
              assertRightOrTyped(got, base.pristine);
              tally.right++;
            }
          } else if (kind === "rebuilt") {
            const base = d.pick(bases);
            const { bytes, what } = await damageRebuilt(d, parts.get(base.name)!);
            label = `${base.name} rebuilt: ${what}`;
            const got = await openAndRead(bytes);
            if (typeof got === "string") tally.typed++;
            else {
              // the same bytes read the same way twice, and through a save and re-open
              assert.deepEqual(await openAndRead(bytes), got, "a second open read differently");
              if (i % 4 === 0) {
                await using exp = await openExperiment(bytes);
                assert.deepEqual(
                  await openAndRead(await experimentArchiveBytes(exp)),
                  got,
                  "save and re-open read differently",
                );
              }
              tally.right++;
            }
          } else {
            const base = d.pick(layouts);
            const { undo, what } = await damageLayout(d, base);
            label = `${base.name}: ${what}`;
            try {
              const got = await openAndRead(base.dir);
              if (typeof got === "string") tally.typed++;
              else {
                assertRightOrTyped(got, base.pristine);
                tally.right++;
              }
            } finally {
              await undo();
            }
          }
          const ms = performance.now() - t0;
          assert.ok(ms < CASE_TIME_LIMIT_MS, `took ${Math.round(ms)} ms`);
          const rss = Deno.memoryUsage().rss;
          assert.ok(rss < rss0 + RSS_HEADROOM, `RSS ${rss} bytes, started at ${rss0}`);
        } catch (e) {
          throw new Error(
            `fuzz case ${i} failed (replay: OMMX_FUZZ_SEED=${SEED} OMMX_FUZZ_CASE=${i} deno test -A tests/fuzz_test.ts)\n` +
              `  ${kind}: ${label}\n  ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`fuzz seed ${SEED}: ${JSON.stringify(counts)} in ${seconds} s`);
    if (ONLY === undefined) {
      const total = Object.values(counts).reduce((n, c) => n + c.cases, 0);
      assert.equal(total, CASES);
      for (const [kind, c] of Object.entries(counts)) {
        assert.ok(c.typed > 0, `${kind}: no case was refused — the mutations do not bite`);
        assert.ok(c.right > 0, `${kind}: no case read through — the mutations are too blunt`);
      }
    }
  },
});
