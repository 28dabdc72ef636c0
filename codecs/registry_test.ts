import assert from "node:assert/strict";
import { checkCodec, checkEncoded, createCodecRegistry, isCodecRegistry } from "./registry.ts";
import type { AttachmentCodec } from "./codec.ts";
import { CodecContractError, UnknownMediaTypeError } from "../core/errors.ts";

const text: AttachmentCodec<string> = {
  mediaType: "text/plain",
  encode: (s) => new TextEncoder().encode(s),
  decode: (b) => new TextDecoder().decode(b),
};
const upper: AttachmentCodec<string> = {
  mediaType: "text/plain",
  encode: (s) => new TextEncoder().encode(s.toUpperCase()),
  decode: (b) => new TextDecoder().decode(b).toUpperCase(),
};
const asyncCodec: AttachmentCodec<number> = {
  mediaType: "application/x-number",
  encode: (n) => Promise.resolve(new Uint8Array([n])),
  decode: (b) => Promise.resolve(b[0] ?? -1),
};

Deno.test("createCodecRegistry: exact lookup, iteration, kind, mediaTypes", async () => {
  const reg = createCodecRegistry(text, asyncCodec);
  assert.equal(reg.kind, "codec-registry");
  assert.deepEqual(reg.mediaTypes, ["text/plain", "application/x-number"]);
  assert.equal(reg.size, 2);
  assert.deepEqual([...reg], [text, asyncCodec]);
  assert.equal(reg.get("text/plain"), text);
  assert.equal(reg.get("TEXT/PLAIN"), undefined);
  assert.equal(reg.get("text/plain; charset=utf-8"), undefined);
  assert.equal(reg.has("text/plain"), true);
  assert.equal(reg.has("text/csv"), false);
  assert.equal(reg.require("text/plain"), text);
  assert.equal(await reg.decode("application/x-number", new Uint8Array([7])), 7);
  assert.deepEqual(await reg.encode("application/x-number", 9), new Uint8Array([9]));
  assert.equal(await reg.decode("text/plain", new TextEncoder().encode("hé")), "hé");
  assert.ok(isCodecRegistry(reg));
  assert.ok(!isCodecRegistry(text));
});

Deno.test("createCodecRegistry: merges registries, rejects duplicates", () => {
  const a = createCodecRegistry(text);
  const b = createCodecRegistry(a, asyncCodec);
  assert.deepEqual(b.mediaTypes, ["text/plain", "application/x-number"]);
  assert.throws(
    () => createCodecRegistry(text, upper),
    (e) =>
      e instanceof CodecContractError && e.code === "CODEC_CONTRACT" && /already/.test(e.message),
  );
  assert.throws(() => createCodecRegistry(a, createCodecRegistry(upper)), CodecContractError);
});

Deno.test("CodecRegistry.with: immutable, override explicit", async () => {
  const a = createCodecRegistry(text);
  assert.throws(() => a.with(upper), CodecContractError);
  const b = a.with(upper, { override: true });
  assert.equal(b.get("text/plain"), upper);
  assert.equal(a.get("text/plain"), text, "original unchanged");
  assert.equal(await b.decode("text/plain", new TextEncoder().encode("x")), "X");
  const c = a.with(asyncCodec);
  assert.equal(a.has("application/x-number"), false);
  assert.equal(c.has("application/x-number"), true);
  assert.throws(() => a.with(upper, { override: false }), CodecContractError);
});

Deno.test("CodecRegistry: unknown media types", async () => {
  const reg = createCodecRegistry(text);
  assert.throws(
    () => reg.require("text/csv"),
    (e) =>
      e instanceof UnknownMediaTypeError && e.code === "UNKNOWN_MEDIA_TYPE" &&
      e.mediaType === "text/csv",
  );
  await assert.rejects(reg.decode("text/csv", new Uint8Array()), UnknownMediaTypeError);
  await assert.rejects(reg.encode("text/csv", "x"), UnknownMediaTypeError);
});

Deno.test("CodecRegistry.decode: codec errors propagate unchanged", async () => {
  class Boom extends Error {}
  const bad: AttachmentCodec<never> = {
    mediaType: "x/boom",
    encode: () => {
      throw new Boom("enc");
    },
    decode: () => {
      throw new Boom("dec");
    },
  };
  const reg = createCodecRegistry(bad);
  await assert.rejects(reg.decode("x/boom", new Uint8Array()), Boom);
  await assert.rejects(reg.encode("x/boom", 1 as never), Boom);
});

Deno.test("CodecRegistry.encode: non-bytes result is a contract error", async () => {
  const liar = {
    mediaType: "x/liar",
    encode: () => "not bytes",
    decode: () => 1,
  } as unknown as AttachmentCodec<unknown>;
  const reg = createCodecRegistry(liar);
  await assert.rejects(
    reg.encode("x/liar", 1),
    (e) =>
      e instanceof CodecContractError && e.code === "CODEC_CONTRACT" && /x\/liar/.test(e.message),
  );
  const buf = {
    mediaType: "x/arraybuffer",
    encode: () => new ArrayBuffer(2),
    decode: () => 1,
  } as unknown as AttachmentCodec<unknown>;
  await assert.rejects(createCodecRegistry(buf).encode("x/arraybuffer", 1), CodecContractError);
  assert.throws(() => checkEncoded("x", [1, 2]), CodecContractError);
});

Deno.test("checkCodec: rejects broken codecs", () => {
  const cases: unknown[] = [
    null,
    undefined,
    42,
    "text/plain",
    {},
    { mediaType: "", encode: text.encode, decode: text.decode },
    { mediaType: 3, encode: text.encode, decode: text.decode },
    { mediaType: "a/b", decode: text.decode },
    { mediaType: "a/b", encode: text.encode },
    { mediaType: "a/b", encode: "x", decode: text.decode },
  ];
  for (const c of cases) {
    assert.throws(
      () => checkCodec(c as AttachmentCodec<unknown>),
      (e) => e instanceof CodecContractError && e.code === "CODEC_CONTRACT",
      `expected rejection of ${Deno.inspect(c)}`,
    );
    assert.throws(() => createCodecRegistry(c as AttachmentCodec<unknown>), CodecContractError);
  }
  class ClassCodec {
    readonly mediaType = "x/class";
    encode(v: string): Uint8Array {
      return new TextEncoder().encode(v);
    }
    decode(b: Uint8Array): string {
      return new TextDecoder().decode(b);
    }
  }
  const inst = new ClassCodec();
  assert.equal(checkCodec(inst), inst);
});
