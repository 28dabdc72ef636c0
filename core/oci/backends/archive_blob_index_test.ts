// Differential test of the archive's compact blob index (digest → member
// number, offsets and sizes in arrays) against the index it replaced: the
// members `indexTar` lists, kept by `digestFromBlobPath`, first member wins.
import assert from "node:assert/strict";
import type { Descriptor } from "../descriptor.ts";
import { digestOf } from "../digest.ts";
import { encodeImageIndex } from "../image_index.ts";
import { digestFromBlobPath } from "../layout.ts";
import { bytesSource } from "../random_access.ts";
import { indexTar } from "../tar/reader.ts";
import { buildTar, type TarWriteEntry } from "../tar/writer.ts";
import { openArchive, openArchiveFile } from "./archive.ts";
import { mulberry32 as rng } from "../../_random_test_util.ts";

const randomHex = (next: () => number) =>
  Array.from({ length: 64 }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join("");

/** A tar of real blobs, blobs under a name that is not their digest, duplicates and non-blob names. */
async function randomArchive(seed: number): Promise<Uint8Array> {
  const next = rng(seed);
  const members: TarWriteEntry[] = [];
  const add = (name: string, body: Uint8Array) => members.push({ name, size: body.length, body });
  const index = encodeImageIndex({ schemaVersion: 2, manifests: [] });
  const used: string[] = [];
  const count = 20 + Math.floor(next() * 60);
  for (let i = 0; i < count; i++) {
    const body = Uint8Array.from({ length: Math.floor(next() * 1500) }, () => next() * 256);
    const roll = next();
    const hex = roll < 0.5 ? (await digestOf(body)).slice(7) : randomHex(next);
    const name = roll < 0.6
      ? `blobs/sha256/${hex}`
      : roll < 0.7
      ? `./blobs/sha256/${hex}`
      : roll < 0.75
      ? `blobs/sha256/${hex.toUpperCase()}`
      : roll < 0.8
      ? `x/blobs/sha256/${hex}`
      : roll < 0.85 && used.length > 0
      ? `blobs/sha256/${used[Math.floor(next() * used.length)]}` // duplicate: first wins
      : roll < 0.9
      ? `blobs/sha512/${hex}`
      : `blobs/sha256/${hex}`;
    used.push(hex);
    add(name, body);
    if (i === 3) add("index.json", index);
  }
  return await buildTar(members);
}

/** What the old index held: digest → the first member's data offset and size. */
async function referenceIndex(tar: Uint8Array): Promise<Map<string, [number, number]>> {
  const ref = new Map<string, [number, number]>();
  for (const e of await indexTar(bytesSource(tar))) {
    const digest = digestFromBlobPath(e.name);
    if (digest !== undefined && !ref.has(digest)) ref.set(digest, [e.offset, e.size]);
  }
  return ref;
}

Deno.test("archive blob index: same digests, ranges and answers as the indexTar-based index", async () => {
  for (let seed = 1; seed <= 25; seed++) {
    const tar = await randomArchive(seed);
    const ref = await referenceIndex(tar);
    const path = await Deno.makeTempFile({ suffix: ".ommx" });
    try {
      await Deno.writeFile(path, tar);
      const target = await openArchiveFile(path);
      try {
        assert.deepEqual(target.blobDigests(), [...ref.keys()], `seed ${seed}: digests`);
        const asked: Descriptor[] = [];
        const expected: boolean[] = [];
        for (const [digest, [offset, size]] of ref) {
          const d: Descriptor = { mediaType: "application/octet-stream", digest, size };
          assert.deepEqual(target.blobFileRange(d), { path, offset, size }, `seed ${seed}`);
          assert.equal(await target.exists(d), true);
          assert.equal(await target.exists({ ...d, size: size + 1 }), false);
          asked.push(d, { ...d, size: size + 1 });
          expected.push(true, false);
          const body = tar.subarray(offset, offset + size);
          if ((await digestOf(body)) === digest) {
            assert.deepEqual(await target.fetch(d), body.slice());
          } else {
            await assert.rejects(target.fetch(d), { code: "DIGEST_MISMATCH" });
          }
          await assert.rejects(target.fetch({ ...d, size: size + 1 }), { code: "SIZE_MISMATCH" });
        }
        const missing: Descriptor = {
          mediaType: "application/octet-stream",
          digest: `sha256:${"0".repeat(64)}`,
          size: 0,
        };
        asked.push(missing);
        expected.push(false);
        assert.equal(await target.exists(missing), false);
        await assert.rejects(target.fetch(missing), { code: "BLOB_NOT_FOUND" });
        assert.throws(() => target.blobFileRange(missing), { code: "BLOB_NOT_FOUND" });
        assert.deepEqual(await target.existsAll(asked), expected);
      } finally {
        await target.close();
      }
    } finally {
      await Deno.remove(path);
    }
    // The in-memory source gives the same index.
    const inMemory = await openArchive(tar);
    assert.deepEqual(inMemory.blobDigests(), [...ref.keys()]);
  }
});
