import assert from "node:assert/strict";
import { defaultCodecs } from "./default_codecs.ts";
import { createCodecRegistry } from "./registry.ts";
import { jsonCodec } from "./json/json_codec.ts";
import { CodecContractError, UnknownMediaTypeError } from "../core/errors.ts";
import * as mt from "./media_types.ts";

Deno.test("defaultCodecs: every built-in media type, exact lookup", async () => {
  const expected = [
    mt.MEDIA_TYPE_JSON,
    mt.MEDIA_TYPE_RUN_PARAMETERS,
    mt.MEDIA_TYPE_DIAGNOSTICS,
    mt.MEDIA_TYPE_TRACE,
    mt.MEDIA_TYPE_V1_INSTANCE,
    mt.MEDIA_TYPE_V2_INSTANCE,
    mt.MEDIA_TYPE_V1_PARAMETRIC_INSTANCE,
    mt.MEDIA_TYPE_V2_PARAMETRIC_INSTANCE,
    mt.MEDIA_TYPE_V1_SOLUTION,
    mt.MEDIA_TYPE_V2_SOLUTION,
    mt.MEDIA_TYPE_V1_SAMPLE_SET,
    mt.MEDIA_TYPE_V2_SAMPLE_SET,
  ];
  assert.deepEqual([...defaultCodecs.mediaTypes].sort(), [...expected].sort());
  for (const codec of defaultCodecs) assert.equal(defaultCodecs.get(codec.mediaType), codec);
  assert.equal(defaultCodecs.get(mt.MEDIA_TYPE_JSON), jsonCodec);
  assert.equal(defaultCodecs.has("application/json; charset=utf-8"), false);
  assert.equal(defaultCodecs.has(mt.MEDIA_TYPE_OCTET_STREAM), false);
  await assert.rejects(
    defaultCodecs.decode("application/org.ommx.v3.instance", new Uint8Array()),
    (e) => e instanceof UnknownMediaTypeError && e.code === "UNKNOWN_MEDIA_TYPE",
  );
  const table = await defaultCodecs.decode(
    mt.MEDIA_TYPE_RUN_PARAMETERS,
    new Uint8Array([0x81, 0xa7, 0x63, 0x6f, 0x6c, 0x75, 0x6d, 0x6e, 0x73, 0x80]),
  );
  assert.equal((table as { columns: Map<string, unknown> }).columns.size, 0);
});

Deno.test("defaultCodecs: extending needs an explicit override for built-in types", () => {
  const mine = { mediaType: mt.MEDIA_TYPE_JSON, encode: () => new Uint8Array(), decode: () => 1 };
  assert.throws(() => createCodecRegistry(defaultCodecs, mine), CodecContractError);
  const replaced = defaultCodecs.with(mine, { override: true });
  assert.equal(replaced.get(mt.MEDIA_TYPE_JSON), mine);
  assert.equal(defaultCodecs.get(mt.MEDIA_TYPE_JSON), jsonCodec);
});
