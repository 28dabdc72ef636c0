import assert from "node:assert/strict";
import { InvalidArgumentError } from "../errors.ts";
import { blobSource, bytesSource } from "./random_access.ts";
import { openFileSource } from "./random_access_file.ts";

const data = new Uint8Array(5000).map((_, i) => i % 253);
const isBadRange = (e: unknown) =>
  e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT";

Deno.test("random access: bytes, Blob and file sources agree; ranges are checked", async () => {
  const path = await Deno.makeTempFile();
  await Deno.writeFile(path, data);
  const file = await openFileSource(path);
  try {
    for (const src of [bytesSource(data), blobSource(new Blob([data])), file]) {
      assert.equal(src.size, 5000);
      assert.deepEqual(await src.read(4000, 1000), data.subarray(4000));
      assert.deepEqual(await src.read(0, 0), new Uint8Array());
      await assert.rejects(src.read(4999, 2), isBadRange);
      await assert.rejects(src.read(-1, 1), isBadRange);
    }
  } finally {
    await file.close();
    await file.close(); // idempotent
    await Deno.remove(path);
  }
});
