/**
 * Robustness: random corruptions of real reference archives (bit flips, byte
 * overwrites, truncations, spliced garbage) never crash the reader with an
 * untyped error. Opening and reading everything either succeeds or throws an
 * `OmmxError` with a stable code. Seeded, so failures reproduce.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { type Experiment, OmmxError, openExperiment } from "../mod.ts";
import { archivePath, COMMITTED_CORPUS } from "./conformance/_corpus_test_util.ts";

async function readEverything(exp: Experiment): Promise<void> {
  for (const name of exp.attachmentNames) await exp.getAttachment(name);
  exp.runParameters();
  for (const run of exp.runs) {
    for (const name of run.attachmentNames) await run.getAttachment(name);
    await run.getTrace();
    for (const p of [...run.solves, ...run.samplings]) {
      p.adapterOptions;
      p.getDiagnostics();
      await p.getInput();
      await p.getOutput();
    }
  }
  await exp.verify();
}

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "splice"; at: number; junk: Uint8Array };

function apply(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const at = m.at % Math.max(1, out.length);
    if (m.kind === "flip") out[at] = out[at]! ^ (1 << m.bit);
    else if (m.kind === "set") out[at] = m.value;
    else if (m.kind === "truncate") out = out.slice(0, at);
    else {
      const next = new Uint8Array(out.length + m.junk.length);
      next.set(out.subarray(0, at));
      next.set(m.junk, at);
      next.set(out.subarray(at), at + m.junk.length);
      out = next;
    }
  }
  return out;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    kind: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("splice" as const),
    at: fc.nat(),
    junk: fc.uint8Array({ maxLength: 64 }),
  }),
);

for (const name of ["attachments", "solves", "trace", "runs"]) {
  Deno.test(`fuzz: corrupted ${name}.ommx gives success or a typed OmmxError`, async () => {
    const original = await Deno.readFile(archivePath(name, COMMITTED_CORPUS));
    let typed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const bytes = apply(original, mutations);
        try {
          await using exp = await openExperiment(bytes);
          await readEverything(exp);
        } catch (e) {
          if (!(e instanceof OmmxError)) {
            throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, {
              cause: e,
            });
          }
          assert.match(e.code, /^[A-Z_]+$/);
          typed++;
        }
      }),
      { numRuns: 150, seed: 20261126 },
    );
    assert.ok(typed > 0, "some corruptions were detected");
  });
}

/** Blobs of an archive: the config and every layer, with their descriptors. */
async function blobsOf(bytes: Uint8Array) {
  await using exp = await openExperiment(bytes);
  const { openArchive } = await import("../core/oci/backends/archive.ts");
  const target = await openArchive(bytes);
  const config = await target.fetch(exp.manifest.config);
  const layers = [];
  for (const d of exp.layers) {
    layers.push({
      mediaType: d.mediaType,
      bytes: await target.fetch(d),
      annotations: { ...d.annotations },
    });
  }
  return { config, layers, annotations: { ...exp.annotations } };
}

for (const name of ["attachments", "solves", "trace", "runs"]) {
  Deno.test(
    `fuzz: ${name}.ommx with a corrupted payload (digests recomputed) gives success or a typed OmmxError`,
    async () => {
      const { buildTestArchive } = await import("./_archive_test_util.ts");
      const original = await blobsOf(await Deno.readFile(archivePath(name, COMMITTED_CORPUS)));
      let typed = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.array(mutation, { minLength: 1, maxLength: 3 }),
          async (pick, mutations) => {
            // Index 0 is the config, the rest are layers.
            const which = pick % (original.layers.length + 1);
            const config = which === 0 ? apply(original.config, mutations) : original.config;
            const layers = original.layers.map((l, i) =>
              i + 1 === which ? { ...l, bytes: apply(l.bytes, mutations) } : l
            );
            const { bytes } = await buildTestArchive({
              config,
              layers,
              ...(Object.keys(original.annotations).length > 0
                ? { annotations: original.annotations }
                : {}),
            });
            try {
              await using exp = await openExperiment(bytes);
              await readEverything(exp);
            } catch (e) {
              if (!(e instanceof OmmxError)) {
                throw new Error(`untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, {
                  cause: e,
                });
              }
              typed++;
            }
          },
        ),
        { numRuns: 300, seed: 20261126 },
      );
      assert.ok(typed > 0, "some corruptions were detected");
    },
  );
}
