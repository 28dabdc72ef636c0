import assert from "node:assert/strict";
import {
  BlobNotFoundError,
  CorruptArchiveError,
  DigestMismatchError,
  SizeMismatchError,
} from "../../errors.ts";
import type { Descriptor } from "../descriptor.ts";
import { createHasher, digestOf } from "../digest.ts";
import type { RandomAccessSource } from "../random_access.ts";
import { buildTar, type TarWriteEntry } from "../tar/writer.ts";
import { fetchReadyOf, fetchViewOf } from "../_fetch_view.ts";
import { openArchive, openArchiveFile } from "./archive.ts";
import { countBlobIndexLookups as countLookups } from "./_archive_blob_index_test_util.ts";

/** A run of small blobs (and one large one in the middle) stored next to each other. */
async function build(opts: { corrupt?: number; count?: number } = {}) {
  const blobs: { desc: Descriptor; bytes: Uint8Array }[] = [];
  const entries: TarWriteEntry[] = [];
  for (let i = 0; i < (opts.count ?? 40); i++) {
    const size = i === 20 ? 100_000 : 1 + (i * 97) % 1500;
    const bytes = new Uint8Array(size).map((_, j) => (i * 31 + j * 7) % 256);
    const desc = { mediaType: "application/octet-stream", digest: await digestOf(bytes), size };
    const stored = opts.corrupt === i ? bytes.map((b, j) => j === size >> 1 ? b ^ 1 : b) : bytes;
    blobs.push({ desc, bytes });
    entries.push({ name: `blobs/sha256/${desc.digest.slice(7)}`, size, body: stored });
  }
  const index = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
  entries.push({ name: "index.json", size: index.length, body: index });
  return { tar: await buildTar(entries), blobs };
}

/** A source handing out fresh arrays (as a file does) that counts its reads. */
function countingSource(tar: Uint8Array): RandomAccessSource & { reads: number } {
  return {
    size: tar.length,
    ownsReads: true,
    reads: 0,
    read(offset: number, length: number): Promise<Uint8Array> {
      this.reads++;
      return Promise.resolve(tar.slice(offset, offset + length));
    },
  };
}

const is = (cls: abstract new (...a: never[]) => Error, code: string) => (e: unknown) =>
  e instanceof cls && (e as { code?: string }).code === code;

Deno.test("archive read-ahead: small blobs read front to back share reads, each exactly its bytes", async () => {
  const { tar, blobs } = await build();
  const src = countingSource(tar);
  const target = await openArchive(src);
  const before = src.reads;
  const got: Uint8Array[] = [];
  for (const b of blobs) got.push(await target.fetch(b.desc));
  blobs.forEach((b, i) => assert.deepEqual(got[i], b.bytes, `blob ${i}`));
  // 40 blobs: the first alone, one window for the next ones up to the large blob, the large blob
  // alone, then the next one alone (it does not start after the large blob's window) and a window.
  const reads = src.reads - before;
  assert.ok(reads <= 6, `${reads} reads for 40 blobs`);
  // Each result is its own copy: changing one changes neither the archive nor a later fetch.
  got[3]!.fill(0);
  assert.deepEqual(await target.fetch(blobs[3]!.desc), blobs[3]!.bytes);
  assert.deepEqual(await target.fetch(blobs[4]!.desc), blobs[4]!.bytes);
  assert.notEqual(got[4]!.buffer, got[5]!.buffer);
  await target.close();
});

Deno.test("archive read-ahead: concurrent fetches in order and in reverse return exact bytes", async () => {
  const { tar, blobs } = await build();
  const src = countingSource(tar);
  const target = await openArchive(src);
  const before = src.reads;
  const all = await Promise.all(blobs.map((b) => target.fetch(b.desc)));
  blobs.forEach((b, i) => assert.deepEqual(all[i], b.bytes, `blob ${i}`));
  assert.ok(src.reads - before < blobs.length / 2, `${src.reads - before} reads`);
  const reversed = await Promise.all([...blobs].reverse().map((b) => target.fetch(b.desc)));
  [...blobs].reverse().forEach((b, i) => assert.deepEqual(reversed[i], b.bytes));
});

Deno.test("archive read-ahead: a corrupted blob in the middle of a window is DIGEST_MISMATCH naming it", async () => {
  const { tar, blobs } = await build({ corrupt: 7 });
  const src = countingSource(tar);
  const target = await openArchive(src);
  const before = src.reads;
  for (let i = 0; i < 12; i++) {
    const b = blobs[i]!;
    if (i === 7) {
      await assert.rejects(target.fetch(b.desc), (e: unknown) => {
        assert.ok(is(DigestMismatchError, "DIGEST_MISMATCH")(e), String(e));
        assert.equal((e as DigestMismatchError).expected, b.desc.digest);
        assert.match((e as Error).message, new RegExp(b.desc.digest.slice(7)));
        return true;
      });
    } else {
      assert.deepEqual(await target.fetch(b.desc), b.bytes, `blob ${i}`);
    }
  }
  assert.ok(src.reads - before <= 2, `${src.reads - before} reads for 12 blobs`);
});

Deno.test("archive read-ahead: a file truncated after opening gives CORRUPT_ARCHIVE, intact blobs still read", async () => {
  const { tar, blobs } = await build();
  const path = await Deno.makeTempFile({ suffix: ".ommx" });
  try {
    await Deno.writeFile(path, tar);
    const target = await openArchiveFile(path);
    try {
      assert.deepEqual(await target.fetch(blobs[0]!.desc), blobs[0]!.bytes);
      // Cut the file in the middle of blob 5: blob 1's window reaches past the end.
      const cut = target.blobFileRange(blobs[5]!.desc)!;
      await Deno.truncate(path, cut.offset + 10);
      for (let i = 1; i < 5; i++) {
        assert.deepEqual(await target.fetch(blobs[i]!.desc), blobs[i]!.bytes, `blob ${i}`);
      }
      await assert.rejects(
        target.fetch(blobs[5]!.desc),
        is(CorruptArchiveError, "CORRUPT_ARCHIVE"),
      );
      await assert.rejects(
        target.fetch(blobs[9]!.desc),
        is(CorruptArchiveError, "CORRUPT_ARCHIVE"),
      );
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("archive read-ahead: the registered fetch of a view gives the same bytes and errors, as views of one window", async () => {
  const { tar, blobs } = await build({ corrupt: 7 });
  const src = countingSource(tar);
  const target = await openArchive(src);
  const fetchView = fetchViewOf(target)!;
  assert.equal(typeof fetchView, "function");
  const before = src.reads;
  const got: Uint8Array[] = [];
  for (let i = 0; i < blobs.length; i++) {
    const b = blobs[i]!;
    if (i === 7) {
      await assert.rejects(fetchView(b.desc), (e: unknown) => {
        assert.ok(is(DigestMismatchError, "DIGEST_MISMATCH")(e), String(e));
        assert.equal((e as DigestMismatchError).expected, b.desc.digest);
        return true;
      });
      continue;
    }
    got[i] = await fetchView(b.desc);
    assert.deepEqual(got[i], b.bytes, `blob ${i}`);
  }
  assert.ok(src.reads - before <= 6, `${src.reads - before} reads for 40 blobs`);
  // Views of one window (no copy a blob), unlike `fetch`, whose results are copies.
  assert.equal(got[3]!.buffer, got[4]!.buffer);
  assert.ok(got[3]!.buffer.byteLength > got[3]!.length);
  const copy = await target.fetch(blobs[3]!.desc);
  assert.equal(copy.buffer.byteLength, copy.length);
  // Missing and wrong-size blobs are refused as by `fetch`.
  const missing = { ...blobs[0]!.desc, digest: `sha256:${"0".repeat(64)}` };
  await assert.rejects(fetchView(missing), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  await assert.rejects(
    fetchView({ ...blobs[2]!.desc, size: blobs[2]!.desc.size + 1 }),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
  await target.close();
});

Deno.test("archive: a view fetch told a blob's position in the existence check's list uses the member found there, with every check", async () => {
  const { tar, blobs } = await build({ corrupt: 7 });
  const target = await openArchive(countingSource(tar));
  const fetchView = fetchViewOf(target)!;
  const missing = { ...blobs[0]!.desc, digest: `sha256:${"0".repeat(64)}` };
  const descs = [...blobs.map((b) => b.desc), missing];
  const present = await target.existsAll(descs);
  assert.deepEqual(present, descs.map((_, i) => i < blobs.length));
  // By position: the same bytes and errors, and no second lookup.
  const lookups = await countLookups(async () => {
    for (let i = 0; i < blobs.length; i++) {
      const b = blobs[i]!;
      if (i === 7) {
        await assert.rejects(fetchView(b.desc, i), is(DigestMismatchError, "DIGEST_MISMATCH"));
      } else {
        assert.deepEqual(await fetchView(b.desc, i), b.bytes, `blob ${i}`);
      }
    }
    await assert.rejects(fetchView(missing, blobs.length), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  });
  // Only the missing blob, absent at the check, is looked up again.
  assert.equal(lookups, 1);
  // A position holding another digest, or none, is looked up: still the blob's own bytes.
  assert.equal(
    await countLookups(async () => {
      assert.deepEqual(await fetchView(blobs[2]!.desc, 3), blobs[2]!.bytes);
      assert.deepEqual(await fetchView(blobs[2]!.desc, descs.length + 5), blobs[2]!.bytes);
      assert.deepEqual(await fetchView(blobs[2]!.desc, -1), blobs[2]!.bytes);
      assert.deepEqual(await fetchView(blobs[2]!.desc), blobs[2]!.bytes);
    }),
    4,
  );
  // The descriptor's size is still checked against the member's.
  await assert.rejects(
    fetchView({ ...blobs[2]!.desc, size: blobs[2]!.desc.size + 1 }, 2),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
  // A later check replaces the list: positions refer to it.
  await target.existsAll([blobs[5]!.desc]);
  assert.equal(
    await countLookups(async () => {
      assert.deepEqual(await fetchView(blobs[5]!.desc, 0), blobs[5]!.bytes);
      assert.deepEqual(await fetchView(blobs[4]!.desc, 4), blobs[4]!.bytes);
    }),
    1,
  );
  await target.close();
});

Deno.test("archive read-ahead: blobs served from a window already read, as copies and views alternately, and after a large blob read alone", async () => {
  const { tar, blobs } = await build();
  const src = countingSource(tar);
  const target = await openArchive(src);
  const fetchView = fetchViewOf(target)!;
  const before = src.reads;
  // The first blob is read alone, then one window (the rest of this small archive) holds the
  // next ones; each later one comes from that window's bytes without a read.
  const views: Uint8Array[] = [];
  for (let i = 0; i < 20; i++) {
    const b = blobs[i]!;
    const got = i % 2 === 0 ? await fetchView(b.desc) : await target.fetch(b.desc);
    assert.deepEqual(got, b.bytes, `blob ${i}`);
    if (i % 2 === 0 && i > 1) views.push(got);
    else if (i > 1) assert.equal(got.buffer.byteLength, got.length, `blob ${i} is its own copy`);
  }
  assert.equal(src.reads - before, 2);
  assert.ok(views.every((v) => v.buffer === views[0]!.buffer), "views of one window");
  // The large blob 20 is read alone; the ones after it come from the window again.
  for (let i = 20; i < 40; i++) {
    assert.deepEqual(await target.fetch(blobs[i]!.desc), blobs[i]!.bytes, `blob ${i}`);
  }
  assert.equal(src.reads - before, 3);
  // Going back to a blob inside the window reads nothing either.
  assert.deepEqual(await target.fetch(blobs[5]!.desc), blobs[5]!.bytes);
  assert.equal(src.reads - before, 3);
  await target.close();
  // 1,200 blobs (~1 MB): a blob served from the window counts as the last small fetch, so a
  // blob further on that starts within a window's length of it opens the next window.
  const many = await build({ count: 1200 });
  const starts: number[] = [];
  let at = 0;
  for (const b of many.blobs) {
    starts.push(at + 512);
    at += 512 + Math.ceil(b.desc.size / 512) * 512;
  }
  const endOf = (i: number) => starts[i]! + many.blobs[i]!.desc.size;
  const window = 256 * 1024; // READ_AHEAD_SIZE
  const k = starts.findLastIndex((_, i) => i > 20 && endOf(i) <= starts[21]! + window);
  const m = starts.findIndex((s) => s > endOf(21) + window);
  assert.ok(
    k > 21 && m > k && starts[m]! - endOf(k) <= window && starts[m + 1]! < starts[m]! + window,
  );
  const manySrc = countingSource(many.tar);
  const manyTarget = await openArchive(manySrc);
  const manyBefore = manySrc.reads;
  for (const i of [0, 21, k, m, m + 1]) {
    assert.deepEqual(await manyTarget.fetch(many.blobs[i]!.desc), many.blobs[i]!.bytes);
  }
  // 0 alone, 21 a window that holds k, m the next window that holds m + 1.
  assert.equal(manySrc.reads - manyBefore, 3);
  await manyTarget.close();
});

Deno.test("archive read-ahead: the fetch of a view without an await serves blobs of a window already read, with the same bytes and errors", async () => {
  const { tar, blobs } = await build({ corrupt: 7 });
  const src = countingSource(tar);
  const target = await openArchive(src);
  const ready = fetchReadyOf(target)!;
  const fetchView = fetchViewOf(target)!;
  await createHasher(); // node:crypto loaded: the digest can be checked at once
  // No window read yet: nothing served, nothing read.
  const before = src.reads;
  assert.equal(ready(blobs[1]!.desc), undefined);
  assert.equal(src.reads, before);
  // Blob 0 alone, then blob 1 opens a window (to before the large blob 20).
  assert.deepEqual(await fetchView(blobs[0]!.desc), blobs[0]!.bytes);
  assert.deepEqual(await fetchView(blobs[1]!.desc), blobs[1]!.bytes);
  const reads = src.reads;
  const got: Uint8Array[] = [];
  for (let i = 2; i < 20; i++) {
    const b = blobs[i]!;
    if (i === 7) {
      assert.throws(() => ready(b.desc), (e: unknown) => {
        assert.ok(is(DigestMismatchError, "DIGEST_MISMATCH")(e), String(e));
        assert.equal((e as DigestMismatchError).expected, b.desc.digest);
        return true;
      });
      continue;
    }
    const bytes = ready(b.desc);
    assert.ok(bytes !== undefined, `blob ${i} served from the window`);
    assert.deepEqual(bytes, b.bytes, `blob ${i}`);
    got[i] = bytes;
  }
  assert.equal(src.reads, reads, "no read for blobs in the window");
  assert.equal(got[3]!.buffer, got[4]!.buffer, "views of one window");
  // Missing and wrong-size blobs throw as the awaited fetch rejects.
  const missing = { ...blobs[2]!.desc, digest: `sha256:${"0".repeat(64)}` };
  assert.throws(() => ready(missing), is(BlobNotFoundError, "BLOB_NOT_FOUND"));
  assert.throws(
    () => ready({ ...blobs[2]!.desc, size: blobs[2]!.desc.size + 1 }),
    is(SizeMismatchError, "SIZE_MISMATCH"),
  );
  // The large blob (above the read-ahead size) is not served; the awaited fetch reads it.
  assert.equal(ready(blobs[20]!.desc), undefined);
  assert.equal(src.reads, reads);
  assert.deepEqual(await fetchView(blobs[20]!.desc), blobs[20]!.bytes);
  await target.close();
});
