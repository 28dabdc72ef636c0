import assert from "node:assert/strict";
import { MEDIA_TYPE_DIAGNOSTICS } from "../media_types.ts";
import { decodeDiagnostics, diagnosticsCodec, encodeDiagnostics } from "./diagnostics.ts";
import { DecodeError, EncodeError } from "../../core/errors.ts";

function hex(s: string): Uint8Array {
  return new Uint8Array(s.trim().split(/\s+/).map((b) => parseInt(b, 16)));
}

// A typical payload.
const TYPICAL = hex(
  "91 83 a4 6b 69 6e 64 a9 69 6e 63 75 6d 62 65 6e 74 a9 6f 62 6a 65 63 74 69 76 65 cb 40 0c 00 00 00 00 00 00 a4 6e 6f 64 65 0c",
);

Deno.test("diagnostics: spec vector both ways", async () => {
  const reports = [{ kind: "incumbent", objective: 3.5, node: 12 }];
  assert.deepEqual(encodeDiagnostics(reports), TYPICAL);
  assert.deepEqual(decodeDiagnostics(TYPICAL), reports);
  assert.equal(diagnosticsCodec.mediaType, MEDIA_TYPE_DIAGNOSTICS);
  assert.equal(MEDIA_TYPE_DIAGNOSTICS, "application/org.ommx.diagnostic+msgpack");
  assert.deepEqual(await diagnosticsCodec.encode(reports), TYPICAL);
  assert.deepEqual(await diagnosticsCodec.decode(TYPICAL), reports);
  assert.deepEqual(decodeDiagnostics(hex("90")), []);
});

Deno.test("diagnostics: rich values (bin, non-string keys, big ints, nil, nested)", () => {
  const bytes = hex(
    "dc 00 05 c4 02 01 02 82 01 a1 61 c0 c3 cf ff ff ff ff ff ff ff ff d3 80 00 00 00 00 00 00 00 91 91 ca 3f c0 00 00",
  );
  const v = decodeDiagnostics(bytes);
  assert.deepEqual(v[0], new Uint8Array([1, 2]));
  assert.deepEqual(v[1], new Map<unknown, unknown>([[1, "a"], [null, true]]));
  assert.equal(v[2], 2n ** 64n - 1n);
  assert.equal(v[3], -(2n ** 63n));
  assert.deepEqual(v[4], [[1.5]]);
  // re-encoding uses minimal headers (array16 of 5 becomes fixarray; float32 becomes float64)
  assert.deepEqual(
    encodeDiagnostics(v),
    hex(
      "95 c4 02 01 02 82 01 a1 61 c0 c3 cf ff ff ff ff ff ff ff ff d3 80 00 00 00 00 00 00 00 91 91 cb 3f f8 00 00 00 00 00 00",
    ),
  );
  // preserveFloats keeps integer-valued floats as floats on re-encode
  const f = hex("91 cb 40 00 00 00 00 00 00 00");
  assert.deepEqual(decodeDiagnostics(f), [2]);
  assert.deepEqual(encodeDiagnostics(decodeDiagnostics(f)), hex("91 02"));
  assert.deepEqual(encodeDiagnostics(decodeDiagnostics(f, { preserveFloats: true })), f);
});

Deno.test("diagnostics: rejects non-array tops, trailing bytes, truncation", () => {
  const cases: [Uint8Array, RegExp][] = [
    [hex("80"), /expected a MessagePack array at the top level, got map\(0\)/],
    [hex("a1 61"), /got string "a"/],
    [new Uint8Array(), /empty input/],
    [hex("90 90"), /1 trailing byte/],
    [hex("92 01"), /truncated/],
    [hex("91 d9 05 61 62"), /truncated/],
    [hex("dd ff ff ff ff"), /truncated/],
    [hex("91 c1"), /reserved/],
    [hex("c1"), /reserved/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(
      () => decodeDiagnostics(bytes),
      (e) =>
        e instanceof DecodeError && e.code === "DECODE_ERROR" && pattern.test(e.message) &&
        e.message.startsWith("diagnostics"),
      String(pattern),
    );
  }
});

Deno.test("diagnostics: encode errors", () => {
  assert.throws(
    () => encodeDiagnostics({ a: 1 } as unknown as unknown[]),
    (e) => e instanceof EncodeError && e.code === "ENCODE_ERROR",
  );
  assert.throws(() => encodeDiagnostics([undefined]), EncodeError);
  assert.throws(() => encodeDiagnostics([new Date()]), /Date/);
});
