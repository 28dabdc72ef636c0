import assert from "node:assert/strict";
import { bytesCodec, octetStreamCodec } from "./bytes_codec.ts";
import { InvalidArgumentError } from "../../core/errors.ts";
import { createCodecRegistry } from "../registry.ts";

Deno.test("bytesCodec: identity both ways, registrable", async () => {
  const codec = bytesCodec("text/csv");
  const data = new Uint8Array([1, 2, 3]);
  assert.equal(await codec.encode(data), data);
  assert.equal(await codec.decode(data), data);
  const reg = createCodecRegistry(codec, octetStreamCodec);
  assert.deepEqual(await reg.decode("application/octet-stream", data), data);
  assert.deepEqual(await reg.encode("text/csv", data), data);
});

Deno.test("bytesCodec: bad arguments", () => {
  assert.throws(
    () => bytesCodec(""),
    (e) => e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT",
  );
  assert.throws(
    () => bytesCodec("a/b").encode("text" as unknown as Uint8Array),
    (e) => e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT",
  );
});
