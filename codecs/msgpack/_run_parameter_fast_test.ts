// The run-parameter table's fast path against the strict decoder: the same table for every
// table the writers produce (random tables, the reference corpus), and for any other bytes
// (mutations, hand-made encodings) the same table or the same error, because it declines.
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import {
  decodeRunParameterTable,
  encodeRunParameterTable,
  type RunParameterColumn,
  type RunParameterTable,
} from "./run_parameter_table.ts";
import { fastPathSwitch, readRunParameterTableFast } from "./_run_parameter_fast.ts";
import { tarMembers } from "../ommx/_tar_scan_test_util.ts";

function strict(bytes: Uint8Array): { table?: RunParameterTable; error?: string } {
  fastPathSwitch.enabled = false;
  try {
    return { table: decodeRunParameterTable(bytes) };
  } catch (e) {
    return {
      error: `${(e as Error).constructor.name} ${(e as { code?: string }).code} ${
        (e as Error).message
      }`,
    };
  } finally {
    fastPathSwitch.enabled = true;
  }
}

function viaDefault(bytes: Uint8Array): { table?: RunParameterTable; error?: string } {
  try {
    return { table: decodeRunParameterTable(bytes) };
  } catch (e) {
    return {
      error: `${(e as Error).constructor.name} ${(e as { code?: string }).code} ${
        (e as Error).message
      }`,
    };
  }
}

const runIds = fc.uniqueArray(fc.oneof(fc.nat(300), fc.nat(2 ** 40)), { maxLength: 12 });
const cells = <T>(v: fc.Arbitrary<T>) =>
  runIds.chain((ids) =>
    fc.tuple(...ids.map(() => v)).map((vs) => new Map(ids.map((id, i) => [id, vs[i]!])))
  );
const column: fc.Arbitrary<RunParameterColumn> = fc.oneof(
  cells(fc.boolean()).map((values) => ({ type: "bool" as const, values })),
  cells(fc.double()).map((values) => ({ type: "float64" as const, values })),
  cells(
    fc.oneof(fc.string(), fc.string({ unit: "grapheme", maxLength: 70 }), fc.constant("\uFEFFx")),
  )
    .map((values) => ({ type: "string" as const, values })),
  cells(fc.oneof(
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  )).map((values) => ({ type: "int64" as const, values })),
);
const table = fc.dictionary(fc.string({ maxLength: 10 }), column, { maxKeys: 6 })
  .map((d): RunParameterTable => ({ columns: new Map(Object.entries(d)) }));

Deno.test("run-parameter fast path: every written table decodes as the strict decoder decodes it", () => {
  fc.assert(
    fc.property(table, (t) => {
      const bytes = encodeRunParameterTable(t);
      const fast = readRunParameterTableFast(bytes);
      assert.ok(fast !== null, "the fast path declined a table the writer wrote");
      assert.deepStrictEqual(fast, strict(bytes).table);
    }),
    { numRuns: 300 },
  );
});

Deno.test("run-parameter fast path: the reference corpus's tables take it and decode the same", () => {
  let n = 0;
  for (const e of Deno.readDirSync(new URL("../../tests/fixtures/reference/", import.meta.url))) {
    if (!e.name.endsWith(".ommx")) continue;
    const members = tarMembers(
      Deno.readFileSync(new URL(`../../tests/fixtures/reference/${e.name}`, import.meta.url)),
    );
    for (const [, b] of members) {
      if (b[0] !== 0x7b) continue;
      let doc: { layers?: { mediaType: string; digest: string }[] };
      try {
        doc = JSON.parse(new TextDecoder().decode(b));
      } catch {
        continue;
      }
      for (const l of doc.layers ?? []) {
        if (!l.mediaType.includes("run-parameters")) continue;
        const bytes = members.get(`blobs/${l.digest.replace(":", "/")}`)!;
        const fast = readRunParameterTableFast(bytes);
        assert.ok(fast !== null, e.name);
        assert.deepStrictEqual(fast, strict(bytes).table, e.name);
        n++;
      }
    }
  }
  assert.ok(n >= 10, `only ${n} tables`);
});

Deno.test("run-parameter fast path: any other bytes give the strict decoder's table or error", () => {
  fc.assert(
    fc.property(
      table,
      fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }),
      (t, cut, flips) => {
        const bytes = encodeRunParameterTable(t);
        const flipped = bytes.slice();
        for (const [at, v] of flips) flipped[at % flipped.length] = v;
        for (const b of [flipped, bytes.subarray(0, cut % bytes.length)]) {
          assert.deepStrictEqual(viaDefault(b), strict(b));
        }
      },
    ),
    { numRuns: 500 },
  );
  // Hand-made: fields in the other order, an unknown type without cells, trailing bytes, a run
  // id beyond 2^53-1, a uint64 cell above int64: the fast path declines, the strict decoder rules.
  const s = (x: string) => [0xa0 | x.length, ...new TextEncoder().encode(x)];
  const top = (...col: number[]) =>
    new Uint8Array([0x81, ...s("columns"), 0x81, ...s("c"), ...col]);
  const cases = [
    top(0x82, ...s("values"), 0x80, ...s("type"), ...s("bool")),
    top(0x82, ...s("type"), ...s("weird"), ...s("values"), 0x80),
    new Uint8Array([...top(0x82, ...s("type"), ...s("bool"), ...s("values"), 0x80), 0x00]),
    top(
      0x82,
      ...s("type"),
      ...s("bool"),
      ...s("values"),
      0x81,
      0xcf,
      0,
      0x40,
      0,
      0,
      0,
      0,
      0,
      0,
      0xc3,
    ),
    top(
      0x82,
      ...s("type"),
      ...s("int64"),
      ...s("values"),
      0x81,
      0x01,
      0xcf,
      0x80,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ),
    top(0x82, ...s("type"), ...s("float64"), ...s("values"), 0x81, 0x01, 0xca, 0, 0, 0, 0),
  ];
  for (const b of cases) {
    assert.equal(readRunParameterTableFast(b), null);
    assert.deepStrictEqual(viaDefault(b), strict(b));
  }
  assert.ok(strict(cases[0]!).table, "the other field order is valid");
  assert.match(strict(cases[1]!).error!, /unknown column type/);
});
