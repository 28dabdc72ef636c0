import assert from "node:assert/strict";
import { withFileLock } from "./_local_registry_store.ts";

/** Whether another open file of `path` could take the exclusive lock now (it is released at once). */
function lockFree(path: string): boolean {
  const probe = Deno.openSync(path, { read: true, write: true });
  try {
    return probe.tryLockSync(true);
  } finally {
    probe.close();
  }
}

async function withLockFile(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ommx-ts-lock-" });
  try {
    await fn(`${dir}/.lock`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("withFileLock: held while fn runs, released when it returns or throws (no unlock call)", async () => {
  await withLockFile(async (path) => {
    const seen = await withFileLock(path, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return lockFree(path);
    });
    assert.equal(seen, false, "the lock is held during fn");
    assert.equal(lockFree(path), true, "released after fn returned");
    await assert.rejects(
      withFileLock(path, () => {
        assert.equal(lockFree(path), false);
        return Promise.reject(new Error("boom"));
      }),
      /boom/,
    );
    assert.equal(lockFree(path), true, "released after fn threw");
  });
});

Deno.test("withFileLock: holders in one process take turns (the non-blocking try falls back to waiting)", async () => {
  await withLockFile(async (path) => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    const first = withFileLock(path, async () => {
      events.push("first in");
      await gate;
      events.push("first out");
    });
    const second = withFileLock(path, () => {
      events.push("second in");
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(events, ["first in"], "the second waits for the first");
    release();
    await Promise.all([first, second]);
    assert.deepEqual(events, ["first in", "first out", "second in"]);
    assert.equal(lockFree(path), true);
  });
});
