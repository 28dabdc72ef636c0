import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { buildTar, type TarWriteEntry } from "./tar/writer.ts";
import { openArchiveFile } from "./backends/archive.ts";
import type { Descriptor } from "./descriptor.ts";
import { verifyBlobs } from "./_parallel_verify.ts";
import { hashRange } from "./_hash_range.ts";

const te = new TextEncoder();

function blob(size: number, seed: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function descriptorOf(bytes: Uint8Array): Descriptor {
  return {
    mediaType: "application/octet-stream",
    digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    size: bytes.length,
  };
}

/** An archive file holding `blobs` (stored as `stored[i]` when given) and an empty index. */
async function archive(
  blobs: Uint8Array[],
  stored: (Uint8Array | undefined)[] = [],
): Promise<{ path: string; descriptors: Descriptor[] }> {
  const descriptors = blobs.map(descriptorOf);
  const index = te.encode('{"schemaVersion":2,"manifests":[]}');
  const entries: TarWriteEntry[] = descriptors.map((d, i) => {
    const body = stored[i] ?? blobs[i]!;
    return { name: `blobs/sha256/${d.digest.slice(7)}`, size: body.length, body };
  });
  entries.push({ name: "index.json", size: index.length, body: index });
  const path = await Deno.makeTempFile({ suffix: ".ommx" });
  await Deno.writeFile(path, await buildTar(entries));
  return { path, descriptors };
}

const SMALL = 1024; // blobs from this size go to workers in these tests

Deno.test("verifyBlobs: large blobs hashed on workers, small ones here; progress per blob", async () => {
  const blobs = [blob(300_000, 1), blob(200_000, 2), blob(100, 3), blob(250_000, 4)];
  const { path, descriptors } = await archive(blobs);
  try {
    const target = await openArchiveFile(path);
    try {
      const seen: number[] = [];
      const r = await verifyBlobs(target, [...descriptors, descriptors[0]!], {
        workers: 2,
        minParallelSize: SMALL,
        onProgress: (p) => seen.push(p.blobs * 1e9 + p.bytes),
      });
      const total = blobs.reduce((n, b) => n + b.length, 0);
      assert.deepEqual(r, { blobs: 4, bytes: total }); // the repeated descriptor once
      assert.equal(seen.length, 4);
      assert.equal(seen.at(-1), 4 * 1e9 + total);
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

for (const workers of [2, 0]) {
  Deno.test(`verifyBlobs (${workers} workers): a corrupted large blob is a DIGEST_MISMATCH naming it`, async () => {
    const blobs = [blob(300_000, 1), blob(200_000, 2), blob(64, 3)];
    const bad = blobs[1]!.slice();
    bad[123_456]! ^= 1;
    const { path, descriptors } = await archive(blobs, [undefined, bad]);
    try {
      const target = await openArchiveFile(path);
      try {
        await assert.rejects(
          verifyBlobs(target, descriptors, { workers, minParallelSize: SMALL }),
          (e: Error & { code?: string; expected?: string; actual?: string }) => {
            assert.equal(e.code, "DIGEST_MISMATCH");
            assert.equal(e.expected, descriptors[1]!.digest);
            assert.equal(e.actual, descriptorOf(bad).digest);
            return true;
          },
        );
      } finally {
        await target.close();
      }
    } finally {
      await Deno.remove(path);
    }
  });
}

Deno.test("verifyBlobs: a member of the wrong size is a SIZE_MISMATCH before any hashing", async () => {
  const blobs = [blob(300_000, 1), blob(200_000, 2)];
  const { path, descriptors } = await archive(blobs, [undefined, blobs[1]!.subarray(1)]);
  try {
    const target = await openArchiveFile(path);
    try {
      await assert.rejects(
        verifyBlobs(target, descriptors, { workers: 2, minParallelSize: SMALL }),
        { code: "SIZE_MISMATCH" },
      );
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("verifyBlobs: an archive truncated after opening is a typed error, not a hang", async () => {
  const blobs = [blob(300_000, 1), blob(400_000, 2)];
  const { path, descriptors } = await archive(blobs);
  try {
    const target = await openArchiveFile(path);
    try {
      await Deno.truncate(path, 400_000);
      await assert.rejects(
        verifyBlobs(target, descriptors, { workers: 2, minParallelSize: SMALL }),
        (e: Error & { code?: string }) => ["CORRUPT_ARCHIVE", "DIGEST_MISMATCH"].includes(e.code!),
      );
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

/** Run `f` with `Worker` replaced by a constructor that counts and refuses (no thread starts). */
async function countingWorkers(f: () => Promise<void>): Promise<number> {
  const real = globalThis.Worker;
  let started = 0;
  (globalThis as { Worker: unknown }).Worker = function () {
    started++;
    throw new Error("no workers in this test");
  };
  try {
    await f();
  } finally {
    globalThis.Worker = real;
  }
  return started;
}

Deno.test("verifyBlobs: this thread is a lane — one large blob starts no worker, three try one", async () => {
  const blobs = [blob(300_000, 1), blob(200_000, 2), blob(250_000, 3), blob(64, 4)];
  const { path, descriptors } = await archive(blobs);
  try {
    const target = await openArchiveFile(path);
    try {
      const single = [descriptors[0]!, descriptors[3]!];
      let r: { blobs: number; bytes: number } | undefined;
      const one = await countingWorkers(async () => {
        r = await verifyBlobs(target, single, { workers: 2, minParallelSize: SMALL });
      });
      assert.equal(one, 0);
      assert.deepEqual(r, { blobs: 2, bytes: 300_064 });
      const three = await countingWorkers(async () => {
        r = await verifyBlobs(target, descriptors, { workers: 2, minParallelSize: SMALL });
      });
      assert.equal(three, 1); // the first refusal means no worker support: no second try
      // The worker refused to start: this thread hashed all three.
      assert.deepEqual(r, { blobs: 4, bytes: 750_064 });
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("verifyBlobs on this thread: a byte flipped in the last 4 MiB chunk is a DIGEST_MISMATCH naming the blob", async () => {
  const blobs = [blob(9 << 20, 5), blob(64, 6)];
  const bad = blobs[0]!.slice();
  bad[bad.length - 1]! ^= 1;
  const { path, descriptors } = await archive(blobs, [bad]);
  try {
    const target = await openArchiveFile(path);
    try {
      await assert.rejects(
        verifyBlobs(target, descriptors, { workers: 0, minParallelSize: SMALL }),
        (e: Error & { code?: string; expected?: string; actual?: string }) => {
          assert.equal(e.code, "DIGEST_MISMATCH");
          assert.equal(e.expected, descriptors[0]!.digest);
          assert.equal(e.actual, descriptorOf(bad).digest);
          return true;
        },
      );
      // Truncated inside the last chunk: the file ended early, a CORRUPT_ARCHIVE naming it.
      await Deno.truncate(path, 512 + (9 << 20) - 10);
      await assert.rejects(
        verifyBlobs(target, descriptors, { workers: 0, minParallelSize: SMALL }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "CORRUPT_ARCHIVE");
          assert.match(e.message, /shrank/);
          assert.ok(e.message.includes(path));
          return true;
        },
      );
    } finally {
      await target.close();
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("hashRange (the worker's job): digest, a range past the end, a missing file", async () => {
  const bytes = blob(10_000_000, 9); // more than one 4 MiB read
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, bytes);
    const mid = bytes.subarray(5, 9_000_005);
    const ok = await hashRange({ id: 7, path, offset: 5, size: mid.length });
    assert.deepEqual(ok, { id: 7, hex: descriptorOf(mid).digest.slice(7) });
    const short = await hashRange({ id: 1, path, offset: 9_999_000, size: 2000 });
    assert.equal("shrank" in short && short.shrank, true);
    const missing = await hashRange({ id: 2, path: `${path}.missing`, offset: 0, size: 1 });
    assert.equal("code" in missing && missing.code, "ENOENT");
  } finally {
    await Deno.remove(path);
  }
});
