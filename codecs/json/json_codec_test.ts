import assert from "node:assert/strict";
import { MEDIA_TYPE_JSON } from "../media_types.ts";
import { createJsonCodec, jsonCodec } from "./json_codec.ts";
import { PyFloat } from "../py_float.ts";
import type { JsonValue } from "./parse.ts";
import { DecodeError } from "../../core/errors.ts";
import { checkCodec } from "../registry.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("jsonCodec: media type, Python JSON encode, Python-compatible decode", async () => {
  assert.equal(jsonCodec.mediaType, MEDIA_TYPE_JSON);
  assert.equal(checkCodec(jsonCodec), jsonCodec);
  const bytes = await jsonCodec.encode({ name: "é", v: [1, 2.5, NaN] });
  assert.equal(text(bytes), '{"name": "\\u00e9", "v": [1, 2.5, NaN]}');
  assert.deepEqual(await jsonCodec.decode(bytes), { name: "é", v: [1, 2.5, NaN] });
  await assert.rejects(
    async () => await jsonCodec.decode(new TextEncoder().encode("{bad")),
    (e) =>
      e instanceof DecodeError && e.code === "DECODE_ERROR" &&
      e.message.includes("application/json"),
  );
});

Deno.test("createJsonCodec: compact-sorted and preserveFloats", async () => {
  const codec = createJsonCodec({ style: "compact-sorted", preserveFloats: true });
  const bytes = await codec.encode({ z: "é", a: new PyFloat(3) });
  assert.equal(text(bytes), '{"a":3.0,"z":"é"}');
  const back = await codec.decode(bytes) as Record<string, JsonValue>;
  assert.ok(back.a instanceof PyFloat && back.a.value === 3);
  assert.deepEqual(await codec.encode(back), bytes);
});
