import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { DecodeError } from "../../core/errors.ts";
import { SampledValuesSchema, StateSchema } from "./_schemas_test_util.ts";
import { SampledValues } from "./sampled_values.ts";
import { decodeState, encodeState } from "./state.ts";

Deno.test("SampledValues: fast encoding equals what the generic decoder reads", () => {
  const v = SampledValues.fromMap(new Map([[0, 1], [5, 1], [2, -0.5], [9, 0]]));
  const msg = fromBinary(SampledValuesSchema, v.encode());
  assert.deepEqual(msg.entries.map((e) => [e.value, e.ids.map(Number)]), [
    [1, [0, 5]],
    [-0.5, [2]],
    [0, [9]],
  ]);
  assert.deepEqual(SampledValues.decode(v.encode()).toMap(), v.toMap());
});

Deno.test("SampledValues: generic-encoded input, duplicates across entries, missing value field", () => {
  const bytes = toBinary(
    SampledValuesSchema,
    create(SampledValuesSchema, {
      entries: [{ value: 2, ids: [1n, 2n] }, { value: 0, ids: [3n] }, { value: 7, ids: [1n] }],
    }),
  );
  const v = SampledValues.decode(bytes);
  assert.equal(v.get(1), 7); // last one wins
  assert.equal(v.get(3), 0); // value 0 omitted on the wire, read as default
  assert.deepEqual(v.ids(), [1, 2, 3]);
  assert.throws(() => SampledValues.decode(bytes.subarray(0, bytes.length - 1)), DecodeError);
});

Deno.test("State: round trip and defaulted map-entry fields (prost omits key 0 / value 0.0)", () => {
  const m = new Map([[0, 0], [3, 1.5], [2 ** 40, -1]]);
  assert.deepEqual(decodeState(encodeState(m)), m);
  // entries {value: 4} (key omitted) and {key: 7} (value omitted)
  const bytes = new Uint8Array([
    0x0a,
    0x09,
    0x11,
    ...new Uint8Array(new Float64Array([4]).buffer),
    0x0a,
    0x02,
    0x08,
    0x07,
  ]);
  assert.deepEqual(decodeState(bytes), new Map([[0, 4], [7, 0]]));
  const generic = fromBinary(StateSchema, encodeState(m));
  assert.equal(generic.entries["3"], 1.5);
});
