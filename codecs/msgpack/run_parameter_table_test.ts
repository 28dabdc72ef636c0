import assert from "node:assert/strict";
import { MEDIA_TYPE_RUN_PARAMETERS } from "../media_types.ts";
import {
  buildRunParameterTable,
  decodeRunParameterTable,
  encodeRunParameterTable,
  referencedRunIds,
  type RunParameterTable,
  runParameterTableCodec,
} from "./run_parameter_table.ts";
import { pyFloat } from "../py_float.ts";
import {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  UnsupportedError,
} from "../../core/errors.ts";

async function digest(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return "sha256:" + [...h].map((b) => b.toString(16).padStart(2, "0")).join("");
}
function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  return new Uint8Array(clean.match(/../g)!.map((b) => parseInt(b, 16)));
}
function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
}
function decodeFails(bytes: Uint8Array, pattern: RegExp, label: string) {
  assert.throws(
    () => decodeRunParameterTable(bytes),
    (e) => e instanceof DecodeError && e.code === "DECODE_ERROR" && pattern.test(e.message),
    label,
  );
}

// A worked example: a two-run table (bytes as the reference writes them).
const WORKED = hex(`
81 a7 63 6f 6c 75 6d 6e 73 83
a8 70 72 65 73 6f 6c 76 65 82 a4 74 79 70 65 a4 62 6f 6f 6c a6 76 61 6c 75 65 73 81 01 c3
a6 73 6f 6c 76 65 72 82 a4 74 79 70 65 a6 73 74 72 69 6e 67 a6 76 61 6c 75 65 73 82
00 a4 73 63 69 70 01 a5 68 69 67 68 73
aa 74 69 6d 65 5f 6c 69 6d 69 74 82 a4 74 79 70 65 a7 66 6c 6f 61 74 36 34
a6 76 61 6c 75 65 73 81 00 cb 40 34 00 00 00 00 00 00`);
const EMPTY = hex("81 a7 63 6f 6c 75 6d 6e 73 80");

Deno.test("run-parameter table: empty table vector", async () => {
  const bytes = encodeRunParameterTable(buildRunParameterTable([]));
  assert.deepEqual(bytes, EMPTY);
  assert.equal(
    await digest(bytes),
    "sha256:a4594697ba8cb4d644259a9b5ff119d08547a9a3f10e7dc268e9e84d6d2bb5d7",
  );
  assert.equal(decodeRunParameterTable(EMPTY).columns.size, 0);
  // runs without parameters add no columns
  assert.deepEqual(
    encodeRunParameterTable(buildRunParameterTable([{ runId: 0, params: {} }])),
    EMPTY,
  );
});

Deno.test("run-parameter table: 124-byte worked example", async () => {
  assert.equal(WORKED.length, 124);
  assert.equal(
    await digest(WORKED),
    "sha256:71c1c8801a371eafbb39dfe2afc7f88873feb9702b9873c32ac663e7dbecc22a",
  );
  const table = buildRunParameterTable([
    {
      runId: 0,
      params: new Map<string, string | boolean | ReturnType<typeof pyFloat>>([["solver", "scip"], [
        "time_limit",
        pyFloat(20),
      ]]),
    },
    { runId: 1, params: { solver: "highs", presolve: true } },
  ]);
  assert.deepEqual([...table.columns.keys()], ["presolve", "solver", "time_limit"]);
  assert.deepEqual(encodeRunParameterTable(table), WORKED);

  const back = decodeRunParameterTable(WORKED);
  assert.deepEqual(back, table);
  assert.deepEqual(back.columns.get("presolve"), { type: "bool", values: new Map([[1, true]]) });
  assert.deepEqual(back.columns.get("time_limit"), { type: "float64", values: new Map([[0, 20]]) });
  assert.deepEqual(encodeRunParameterTable(back), WORKED);
  assert.deepEqual(referencedRunIds(back), [0, 1]);
});

Deno.test("run-parameter table: capacity/offset/seed example (promotion, negative fixint, u16)", () => {
  const table = buildRunParameterTable([
    { runId: 1, params: { capacity: 12.5, offset: -5, seed: 300 } },
    { runId: 0, params: { capacity: 10, seed: 42n } },
  ]);
  assert.deepEqual(table.columns.get("capacity"), {
    type: "float64",
    values: new Map([[0, 10], [1, 12.5]]),
  });
  const bytes = encodeRunParameterTable(table);
  const h = toHex(bytes);
  assert.ok(
    h.includes(
      "a8 63 61 70 61 63 69 74 79 82 a4 74 79 70 65 a7 66 6c 6f 61 74 36 34 a6 76 61 6c 75 65 73 82 " +
        "00 cb 40 24 00 00 00 00 00 00 01 cb 40 29 00 00 00 00 00 00",
    ),
    h,
  );
  assert.ok(
    h.includes(
      "a6 6f 66 66 73 65 74 82 a4 74 79 70 65 a5 69 6e 74 36 34 a6 76 61 6c 75 65 73 81 01 fb",
    ),
    h,
  );
  assert.ok(h.endsWith("a6 76 61 6c 75 65 73 82 00 2a 01 cd 01 2c"), h);
  assert.deepEqual(decodeRunParameterTable(bytes), table);
});

Deno.test("run-parameter table: integer widths, floats and big values round trip", () => {
  const ints = [
    0,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    2 ** 32,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    -(2 ** 31),
    -(2 ** 31) - 1,
    Number.MAX_SAFE_INTEGER,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];
  const floats = [NaN, Infinity, -Infinity, -0, 0.1, 5e-324, 1.5];
  const table = buildRunParameterTable([
    ...ints.map((v, i) => ({ runId: i, params: { i: v } })),
    ...floats.map((v, i) => ({ runId: 1000 + i, params: { f: v } })),
    { runId: 2 ** 40, params: { s: "😀".repeat(20), b: false } },
  ]);
  const back = decodeRunParameterTable(encodeRunParameterTable(table));
  const iv = back.columns.get("i")!;
  assert.equal(iv.type, "int64");
  assert.deepEqual([...iv.values.values()], ints);
  const fv = back.columns.get("f")!;
  assert.equal(fv.type, "float64");
  const fvals = [...fv.values.values()] as number[];
  floats.forEach((f, k) => assert.ok(Object.is(fvals[k], f), `float ${f}`));
  assert.equal(back.columns.get("s")!.values.get(2 ** 40), "😀".repeat(20));
  assert.equal(back.columns.get("b")!.values.get(2 ** 40), false);
  // widths
  const one = (v: number | bigint) =>
    toHex(encodeRunParameterTable(buildRunParameterTable([{ runId: 0, params: { x: v } }]))).slice(
      toHex(EMPTY).length - 2,
    );
  assert.ok(one(-33).endsWith("81 00 d0 df"));
  assert.ok(one(65536).endsWith("81 00 ce 00 01 00 00"));
  assert.ok(one(2n ** 63n - 1n).endsWith("81 00 cf 7f ff ff ff ff ff ff ff"));
  assert.ok(one(-(2n ** 63n)).endsWith("81 00 d3 80 00 00 00 00 00 00 00"));
  assert.ok(one(2 ** 53 + 2).endsWith("81 00 cf 00 20 00 00 00 00 00 02"));
});

Deno.test("buildRunParameterTable: type unification errors and bad input", () => {
  const bad: [Parameters<typeof buildRunParameterTable>[0], RegExp][] = [
    [
      [{ runId: 0, params: { a: true } }, { runId: 1, params: { a: 1 } }],
      /"a" has incompatible types: bool in run 0, int64 in run 1/,
    ],
    [[{ runId: 0, params: { a: "x" } }, { runId: 1, params: { a: 1.5 } }], /incompatible/],
    [[{ runId: 0, params: { a: 1 } }, { runId: 1, params: { a: 2.5 } }, {
      runId: 2,
      params: { a: "s" },
    }], /incompatible/],
    [[{ runId: 0, params: {} }, { runId: 0, params: {} }], /Run 0 appears twice/],
    [[{ runId: -1, params: {} }], /non-negative safe integer/],
    [[{ runId: 1.5, params: {} }], /non-negative safe integer/],
    [[{ runId: 0, params: { a: 2n ** 63n } }], /does not fit int64/],
    [[{ runId: 0, params: { a: 1e20 } }], /does not fit int64.*pyFloat/],
    [[{ runId: 0, params: { a: null as unknown as string } }], /got null/],
    [[{ runId: 0, params: { a: [1] as unknown as string } }], /got object/],
  ];
  for (const [runs, pattern] of bad) {
    assert.throws(
      () => buildRunParameterTable(runs),
      (e) =>
        e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT" &&
        pattern.test(e.message),
      String(pattern),
    );
  }
  // float column accepts ints; pyFloat(1e20) is fine
  const t = buildRunParameterTable([{ runId: 0, params: { a: pyFloat(1e20) } }, {
    runId: 1,
    params: { a: 3n },
  }]);
  assert.deepEqual(t.columns.get("a"), { type: "float64", values: new Map([[0, 1e20], [1, 3]]) });
});

Deno.test("encodeRunParameterTable: values not matching the column type", () => {
  const bad: RunParameterTable[] = [
    { columns: new Map([["a", { type: "int64", values: new Map([[0, 1.5]]) }]]) },
    { columns: new Map([["a", { type: "int64", values: new Map([[0, 2n ** 63n]]) }]]) },
    {
      columns: new Map([["a", { type: "bool", values: new Map([[0, 1 as unknown as boolean]]) }]]),
    },
    {
      columns: new Map([["a", { type: "string", values: new Map([[0, 1 as unknown as string]]) }]]),
    },
    {
      columns: new Map([["a", {
        type: "float64",
        values: new Map([[0, "1" as unknown as number]]),
      }]]),
    },
    { columns: new Map([["a", { type: "float64", values: new Map([[-1, 1]]) }]]) },
    { columns: new Map([["a", { type: "decimal", values: new Map() } as unknown as never]]) },
  ];
  for (const table of bad) {
    assert.throws(
      () => encodeRunParameterTable(table),
      (e) => e instanceof EncodeError && e.code === "ENCODE_ERROR" && e.message.includes('"a"'),
    );
  }
});

Deno.test("decodeRunParameterTable: reader strictness", () => {
  const col = (type: string, values: string) =>
    hex(
      `81 a7 63 6f 6c 75 6d 6e 73 81 a1 78 82 a4 74 79 70 65 ${type} a6 76 61 6c 75 65 73 ${values}`,
    );
  const BOOL = "a4 62 6f 6f 6c",
    INT = "a5 69 6e 74 36 34",
    F64 = "a7 66 6c 6f 61 74 36 34",
    STR = "a6 73 74 72 69 6e 67";
  // sanity: valid
  assert.deepEqual(decodeRunParameterTable(col(INT, "81 00 05")).columns.get("x"), {
    type: "int64",
    values: new Map([[0, 5]]),
  });
  const cases: [Uint8Array, RegExp, string][] = [
    [new Uint8Array(), /empty input/, "empty"],
    [WORKED.subarray(0, 100), /truncated/, "truncated"],
    [new Uint8Array([...EMPTY, 0xc0]), /1 trailing byte/, "trailing"],
    [hex("80"), /missing field "columns"/, "no columns"],
    [hex("90"), /top level: expected a map, got array/, "array top"],
    [
      hex("82 a7 63 6f 6c 75 6d 6e 73 80 a7 63 6f 6c 75 6d 6e 73 80"),
      /duplicate field "columns"/,
      "dup columns",
    ],
    [hex("82 a7 63 6f 6c 75 6d 6e 73 80 a1 79 80"), /unknown field "y"/, "extra key"],
    [hex("81 01 80"), /field names must be strings/, "int key"],
    [hex("81 a7 63 6f 6c 75 6d 6e 73 90"), /"columns": expected a map/, "columns array"],
    [hex("81 a7 63 6f 6c 75 6d 6e 73 81 01 80"), /column names must be strings/, "int column name"],
    [
      hex(
        `81 a7 63 6f 6c 75 6d 6e 73 82 a1 78 82 a4 74 79 70 65 ${BOOL} a6 76 61 6c 75 65 73 80 a1 78 82 a4 74 79 70 65 ${BOOL} a6 76 61 6c 75 65 73 80`,
      ),
      /duplicate column "x"/,
      "dup column",
    ],
    [
      hex(`81 a7 63 6f 6c 75 6d 6e 73 81 a1 78 81 a4 74 79 70 65 ${BOOL}`),
      /column "x": missing field "values"/,
      "no values",
    ],
    [
      hex(
        `81 a7 63 6f 6c 75 6d 6e 73 81 a1 78 83 a4 74 79 70 65 ${BOOL} a6 76 61 6c 75 65 73 80 a1 7a c0`,
      ),
      /column "x": unknown field "z"/,
      "column extra",
    ],
    [col("a4 64 61 74 65", "80"), /unknown column type "date"/, "unknown type"],
    [col("01", "80"), /"type" must be a string/, "type not str"],
    [col(BOOL, "90"), /"values" must be a map/, "values array"],
    [
      col(BOOL, "81 ff c3"),
      /run ids must be non-negative integers, got integer -1/,
      "negative run id",
    ],
    [
      col(BOOL, "81 a1 30 c3"),
      /run ids must be non-negative integers, got string/,
      "string run id",
    ],
    [col(BOOL, "81 cb 00 00 00 00 00 00 00 00 c3"), /run ids must be non-negative/, "float run id"],
    [col(BOOL, "82 00 c3 00 c2"), /column "x": duplicate run 0/, "dup run"],
    [col(BOOL, "81 00 01"), /column "x", run 0: expected a bool, got integer 1/, "bool vs int"],
    [col(INT, "81 07 c3"), /run 7: expected an int64, got bool/, "int vs bool"],
    [
      col(INT, "81 00 cb 3f f0 00 00 00 00 00 00"),
      /expected an int64, got float64/,
      "int vs float",
    ],
    [col(INT, "81 00 cf 80 00 00 00 00 00 00 00"), /does not fit int64/, "u64 > i64 max"],
    [col(F64, "81 00 ca 3f 80 00 00"), /expected a float64, got float32/, "float32"],
    [col(F64, "81 00 01"), /expected a float64, got integer 1/, "float vs int"],
    [col(STR, "81 00 c4 01 61"), /expected a string, got bin/, "bin"],
    [col(STR, "81 00 a2 c3 28"), /invalid UTF-8/, "bad utf8"],
    [hex("81 a7 63 6f 6c 75 6d 6e 73 df ff ff ff ff"), /truncated/, "huge map count"],
    [hex("c1"), /reserved MessagePack byte/, "0xc1"],
  ];
  for (const [bytes, pattern, label] of cases) decodeFails(bytes, pattern, label);
  assert.throws(
    () => decodeRunParameterTable(col(BOOL, "81 cf 00 20 00 00 00 00 00 00 c3")),
    (e) => e instanceof UnsupportedError && e.code === "UNSUPPORTED",
  );
  // int64 column accepts every integer family within range, bigint outside safe range
  const t = decodeRunParameterTable(
    col(INT, "83 00 d0 05 01 cf 00 20 00 00 00 00 00 00 02 d3 80 00 00 00 00 00 00 00"),
  );
  assert.deepEqual([...t.columns.get("x")!.values.values()], [5, 2n ** 53n, -(2n ** 63n)]);
  // keys in either order inside a column
  const swapped = hex(
    `81 a7 63 6f 6c 75 6d 6e 73 81 a1 78 82 a6 76 61 6c 75 65 73 81 00 c3 a4 74 79 70 65 ${BOOL}`,
  );
  assert.deepEqual(decodeRunParameterTable(swapped).columns.get("x"), {
    type: "bool",
    values: new Map([[0, true]]),
  });
});

Deno.test("runParameterTableCodec", async () => {
  assert.equal(runParameterTableCodec.mediaType, MEDIA_TYPE_RUN_PARAMETERS);
  assert.equal(
    runParameterTableCodec.mediaType,
    "application/org.ommx.v1.experiment.run-parameters+msgpack",
  );
  assert.deepEqual(await runParameterTableCodec.decode(WORKED), decodeRunParameterTable(WORKED));
  assert.deepEqual(await runParameterTableCodec.encode(decodeRunParameterTable(WORKED)), WORKED);
  await assert.rejects(
    async () => await runParameterTableCodec.decode(new Uint8Array([0x81])),
    DecodeError,
  );
});

Deno.test("buildRunParameterTable: any ReadonlyMap is a map; a plain object is a record, whatever its keys", () => {
  const source = new Map<string, number>([["seed", 7], ["size", 2.5]]);
  // A ReadonlyMap that is not a Map (the writer keeps small flat ones).
  const readonly: ReadonlyMap<string, number> = {
    get size() {
      return source.size;
    },
    get: (k) => source.get(k),
    has: (k) => source.has(k),
    forEach: (f) => source.forEach(f),
    entries: () => source.entries(),
    keys: () => source.keys(),
    values: () => source.values(),
    [Symbol.iterator]: () => source.entries(),
  };
  Object.setPrototypeOf(readonly, { kind: "not a plain object" });
  const expected = encodeRunParameterTable(buildRunParameterTable([{ runId: 3, params: source }]));
  assert.deepEqual(
    encodeRunParameterTable(buildRunParameterTable([{ runId: 3, params: readonly }])),
    expected,
  );
  // Plain objects stay records, an `entries` key included (and a function there is still bad input).
  const table = buildRunParameterTable([{ runId: 0, params: { entries: 1, get: 2 } }]);
  assert.deepEqual([...table.columns.keys()], ["entries", "get"]);
  assert.throws(
    () =>
      buildRunParameterTable([{
        runId: 0,
        params: { entries: () => [] } as unknown as Record<string, number>,
      }]),
    /parameter "entries"/,
  );
});
