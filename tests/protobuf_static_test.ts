/**
 * The static protobuf codecs (`codecs/*\/gen/**\/package_static.ts`, one per
 * protobuf package, written by `codecs/_gen_static.ts` on the wire runtime
 * `core/_protobuf.ts`) behave as protobuf-es, the oracle, for every generated
 * message type:
 *
 * - `create(init)` gives the object protobuf-es's `create` gives;
 * - for random messages, static `toBinary` equals protobuf-es's byte for byte,
 *   and static `fromBinary` deep-equals protobuf-es's;
 * - for random and mutated bytes both refuse (the same error class and
 *   message) or both accept with deep-equal messages, which encode back to the
 *   same bytes (unknown fields kept and written back);
 * - the enums carry protobuf-es's values;
 * - `toBinary`'s reused writer: each result stays its own, a failed encode
 *   leaves nothing for the next.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import {
  create as pbCreate,
  type DescField,
  type DescMessage,
  fromBinary as pbFromBinary,
  toBinary as pbToBinary,
} from "npm:@bufbuild/protobuf@2.17.0";
import {
  create,
  fromBinary,
  type Message,
  type MessageSchema,
  toBinary,
} from "../core/_protobuf.ts";

const ROOT = new URL("../", import.meta.url);

interface Pair {
  name: string;
  pb: DescMessage;
  fast: MessageSchema<Message>;
}

async function pairs(): Promise<{ messages: Pair[]; enums: [string, object, object][] }> {
  const files: URL[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith("_static.ts")) files.push(new URL(e.name, dir));
    }
  };
  for (const codec of ["ommx", "trace"]) await walk(new URL(`codecs/${codec}/gen/`, ROOT));
  const messages: Pair[] = [];
  const enums: [string, object, object][] = [];
  for (const file of files.sort((a, b) => a.href.localeCompare(b.href))) {
    const fast = await import(file.href) as Record<string, unknown>;
    // One static module per package: the exports of every protobuf-es module of its directory.
    const pb: Record<string, unknown> = {};
    for await (const e of Deno.readDir(new URL("./", file))) {
      if (e.name.endsWith("_pb.ts")) Object.assign(pb, await import(new URL(e.name, file).href));
    }
    for (const [name, value] of Object.entries(fast)) {
      if (name.endsWith("Schema")) {
        messages.push({
          name,
          pb: pb[name] as DescMessage,
          fast: value as MessageSchema<Message>,
        });
      } else enums.push([name, value as object, pb[name] as object]);
    }
    // Every protobuf-es message schema has its static codec.
    for (const [name, value] of Object.entries(pb)) {
      if (name.endsWith("Schema") && (value as { kind: string }).kind === "message") {
        assert.ok(name in fast, `${file.pathname}: ${name} has no static codec`);
      }
    }
  }
  return { messages, enums };
}

const { messages, enums } = await pairs();

const U64 = fc.bigInt(0n, 2n ** 64n - 1n);
const I64 = fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);
const STRING = fc.oneof(fc.string(), fc.string({ unit: "binary" }));

function scalar(t: number): fc.Arbitrary<unknown> {
  switch (t) {
    case 1:
      return fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity));
    case 3:
      return I64;
    case 4:
    case 6:
      return U64;
    case 5:
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 7:
    case 13:
      return fc.integer({ min: 0, max: 0xffffffff });
    case 8:
      return fc.boolean();
    case 9:
      return STRING;
    case 12:
      return fc.uint8Array({ maxLength: 8 });
    default:
      throw new Error(`scalar type ${t} not covered by the test`);
  }
}

function enumValue(f: { enum: { values: { number: number }[] } }): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...f.enum.values.map((v) => v.number)),
    fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  );
}

/** A random init object for a message type, nested at most `depth` levels. */
function messageInit(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      const cases = member.fields
        .filter((f) => f.fieldKind !== "message" || depth > 0)
        .map((f) => fieldValue(f, depth).map((value) => ({ case: f.localName, value })));
      parts[member.localName] = fc.oneof(fc.constant({ case: undefined }), ...cases);
      continue;
    }
    if (member.fieldKind === "message" && depth === 0) continue;
    const value = fieldValue(member, depth);
    parts[member.localName] = member.fieldKind === "list" || member.fieldKind === "map"
      ? value
      : fc.option(value, { nil: undefined });
  }
  return fc.record(parts, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

function fieldValue(f: DescField, depth: number): fc.Arbitrary<unknown> {
  const small = { maxLength: depth > 1 ? 3 : 2 };
  switch (f.fieldKind) {
    case "scalar":
      return scalar(f.scalar);
    case "enum":
      return enumValue(f);
    case "message":
      return messageInit(f.message, depth - 1);
    case "list":
      if (f.listKind === "message") {
        return depth > 0 ? fc.array(messageInit(f.message, depth - 1), small) : fc.constant([]);
      }
      return fc.array(f.listKind === "enum" ? enumValue(f) : scalar(f.scalar), small);
    case "map": {
      const key = f.mapKey === 9 ? STRING : U64.map(String);
      const value = f.mapKind === "message"
        ? (depth > 0 ? messageInit(f.message, depth - 1) : null)
        : f.mapKind === "enum"
        ? enumValue(f)
        : scalar(f.scalar);
      if (value === null) return fc.constant({});
      return fc.array(fc.tuple(key, value), small).map((entries) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of entries) {
          Object.defineProperty(o, k as string, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return o;
      });
    }
  }
}

/** The outcome of a call: its value or its error (class and message). */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/** The own keys of a value and of every object in it, in order (deepEqual ignores key order). */
function keyOrder(v: unknown): unknown {
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return null;
  if (Array.isArray(v)) return v.map(keyOrder);
  return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
}

/** Whether a decoded value holds a NaN anywhere. */
function hasNaN(v: unknown): boolean {
  if (typeof v === "number") return Number.isNaN(v);
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return false;
  return Object.values(v).some(hasNaN);
}

/** Random bytes shaped like protobuf: valid encodings, mutated, truncated or extended. */
function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.nat({ max: valid.length }).map((n) => valid.subarray(0, n)),
    fc.tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.nat({ max: 255 })).map(
      ([i, b]) => {
        const copy = valid.slice();
        if (copy.length > 0) copy[i] = b;
        return copy;
      },
    ),
    fc.uint8Array({ maxLength: 12 }).map((tail) => {
      const out = new Uint8Array(valid.length + tail.length);
      out.set(valid);
      out.set(tail, valid.length);
      return out;
    }),
  );
}

Deno.test("static protobuf: the package_static.ts files are what codecs/_gen_static.ts writes", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "codecs/_gen_static.ts", "--check"],
    cwd: new URL(".", ROOT).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  assert.match(text, /files up to date/);
});

Deno.test("static protobuf: every generated message type has a static codec", () => {
  assert.ok(messages.length >= 90, `only ${messages.length} message types found`);
  for (const { name, pb, fast } of messages) {
    assert.equal(fast.typeName, pb.typeName, name);
  }
});

Deno.test("static protobuf: the enums carry protobuf-es's values", () => {
  assert.ok(enums.length >= 8, `only ${enums.length} enums found`);
  for (const [name, fast, pb] of enums) {
    const expected = Object.fromEntries(
      Object.entries(pb).filter(([, v]) => typeof v === "number"),
    );
    assert.deepEqual({ ...fast }, expected, name);
  }
});

for (const { name, pb, fast } of messages) {
  Deno.test(`static protobuf: ${name} create/encode/decode as protobuf-es`, () => {
    // An empty message is the generated literal (not the table): same value, key order and
    // fresh lists, maps and oneofs each call, as protobuf-es's and the interpreter's.
    const empty = create(fast) as unknown as Record<string, unknown>;
    assert.deepEqual(empty, pbCreate(pb), "empty create");
    assert.deepEqual(keyOrder(empty), keyOrder(pbCreate(pb)), "empty create: key order");
    const viaTable = create(fast, {} as never);
    assert.deepEqual(viaTable, empty, "create({})");
    assert.deepEqual(keyOrder(viaTable), keyOrder(empty), "create({}): key order");
    const again = create(fast) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(empty)) {
      if (typeof v === "object") assert.notStrictEqual(again[k], v, `empty create: ${k} shared`);
    }
    fc.assert(
      fc.property(messageInit(pb, 3), (init) => {
        const expected = pbCreate(pb, init);
        const created = create(fast, init as never);
        assert.deepEqual(created, expected, "create");
        assert.deepEqual(keyOrder(created), keyOrder(expected), "create: key order");
        const bytes = pbToBinary(pb, expected);
        assert.deepEqual(toBinary(fast, expected), bytes, "encode");
        const decoded = fromBinary(fast, bytes);
        const want = pbFromBinary(pb, bytes);
        assert.deepEqual(decoded, want, "decode");
        assert.deepEqual(keyOrder(decoded), keyOrder(want), "decode: key order");
        assert.deepEqual(toBinary(fast, decoded), pbToBinary(pb, decoded), "re-encode");
      }),
      { numRuns: 60 },
    );
  });

  Deno.test(`static protobuf: ${name} malformed bytes as protobuf-es`, () => {
    const valid = fc.sample(messageInit(pb, 2).map((i) => pbToBinary(pb, pbCreate(pb, i))), {
      numRuns: 8,
      seed: 13,
    });
    fc.assert(
      fc.property(fc.constantFrom(...valid).chain(mutations), (bytes) => {
        const want = outcome(() => pbFromBinary(pb, bytes));
        const got = outcome(() => fromBinary(fast, bytes));
        if ("error" in want) {
          assert.deepEqual(got, want, "both refuse");
          return;
        }
        assert.ok("ok" in got, `static refused: ${"error" in got ? got.error : ""}`);
        assert.deepEqual(got.ok, want.ok, "decode");
        assert.deepEqual(keyOrder(got.ok), keyOrder(want.ok), "decode: key order");
        const again = outcome(() => toBinary(fast, got.ok));
        const wantAgain = outcome(() => pbToBinary(pb, want.ok));
        if (hasNaN(want.ok) && "ok" in again && "ok" in wantAgain) {
          // V8 may or may not keep a NaN's payload bits through a JS number (both codecs write
          // doubles with DataView.setFloat64), so compare what the bytes decode to.
          assert.deepEqual(pbFromBinary(pb, again.ok), pbFromBinary(pb, wantAgain.ok), "re-encode");
        } else assert.deepEqual(again, wantAgain, "re-encode");
      }),
      { numRuns: 120 },
    );
  });
}

/** Values no scalar field accepts as its own type (some are accepted by the writer anyway). */
const BAD_VALUES: unknown[] = [-1n, 2n ** 64n, 1.5, -1, 2 ** 32, "12", "x", null, {}, true, 3n];

Deno.test("static protobuf: bad field values fail to encode as in protobuf-es", () => {
  let compared = 0;
  for (const { name, pb, fast } of messages) {
    for (const f of pb.fields) {
      if (f.oneof || (f.fieldKind !== "scalar" && f.fieldKind !== "enum")) continue;
      for (const bad of BAD_VALUES) {
        const m = pbCreate(pb) as unknown as Record<string, unknown>;
        m[f.localName] = bad;
        const want = outcome(() => pbToBinary(pb, m as never));
        const got = outcome(() => toBinary(fast, m as never));
        assert.deepEqual(got, want, `${name}.${f.localName} = ${String(bad)}`);
        compared++;
      }
    }
    if (pb.fields.length > 0) {
      // A message of another type: protobuf-es's ForeignFieldError message.
      const foreign = { ...pbCreate(pb), $typeName: "other.Type" };
      const want = outcome(() => pbToBinary(pb, foreign as never));
      const got = outcome(() => toBinary(fast, foreign as never));
      assert.ok("error" in want && "error" in got, name);
      assert.equal(got.error.replace(/^\w+: /, ""), want.error.replace(/^\w+: /, ""), name);
    }
  }
  assert.ok(compared > 500, `only ${compared} cases`);
});

Deno.test("static protobuf: bad values in lists, maps and oneofs fail to encode as in protobuf-es", () => {
  // The field an error names is tracked while the message writes (a child message's errors pass
  // unchanged): a bad item, map value or oneof value after a good one of another field.
  let compared = 0;
  for (const { name, pb, fast } of messages) {
    for (const f of pb.fields) {
      const bads: unknown[] = [];
      if (f.fieldKind === "list" && f.listKind !== "message") {
        for (const bad of BAD_VALUES) bads.push([bad]);
        bads.push([undefined]);
      } else if (f.fieldKind === "map" && f.mapKind !== "message") {
        for (const bad of BAD_VALUES) bads.push({ k: bad });
      } else if (f.oneof && f.fieldKind !== "message") {
        for (const bad of BAD_VALUES) bads.push({ case: f.localName, value: bad });
      } else if (f.fieldKind === "list") {
        bads.push([{ $typeName: "other.Type" }]);
      } else if (f.fieldKind === "map") {
        bads.push({ k: { $typeName: "other.Type" } });
      } else continue;
      for (const bad of bads) {
        const m = pbCreate(pb) as unknown as Record<string, unknown>;
        m[f.oneof ? f.oneof.localName : f.localName] = bad;
        const want = outcome(() => pbToBinary(pb, m as never));
        const got = outcome(() => toBinary(fast, m as never));
        if ("error" in want && isMessageField(f)) {
          // A message of another type: protobuf-es's ForeignFieldError message (class aside).
          want.error = want.error.replace(/^FieldError: /, "Error: ");
        }
        assert.deepEqual(got, want, `${name}.${f.localName} = ${JSON.stringify(bad, replacer)}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 300, `only ${compared} cases`);
});

function isMessageField(f: DescField): boolean {
  return f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message") ||
    (f.fieldKind === "map" && f.mapKind === "message");
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value;
}

Deno.test("static protobuf: toBinary's reused writer — each call's bytes its own, a failed encode leaves nothing behind", () => {
  // toBinary keeps the writer of its last call for the next one: interleave messages of every
  // type, large and small, and encodes that throw half-way, and compare each result with
  // protobuf-es's after the later calls.
  const pairsByName = messages.filter((m) => m.pb.fields.length > 0);
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom(...pairsByName),
          fc.boolean(),
          fc.integer({ min: 0, max: 2 ** 16 }),
        ),
        { minLength: 2, maxLength: 12 },
      ),
      (steps) => {
        const done: [Uint8Array, Uint8Array][] = [];
        for (const [{ pb, fast }, fail, big] of steps) {
          const m = pbCreate(pb) as unknown as Record<string, unknown>;
          if (fail) {
            // A bad scalar, refused after the fields before it were written.
            const f = pb.fields.findLast((f) => !f.oneof && f.fieldKind === "scalar");
            if (f === undefined) continue;
            const bad = BAD_VALUES.find((v) => {
              m[f.localName] = v;
              return "error" in outcome(() => pbToBinary(pb, m as never));
            });
            if (bad === undefined) continue;
            assert.ok("error" in outcome(() => toBinary(fast, m as never)));
            continue;
          }
          const s = pb.fields.find((f) => !f.oneof && f.fieldKind === "scalar" && f.scalar === 9);
          if (s !== undefined) m[s.localName] = "x".repeat(big);
          const got = toBinary(fast, m as never);
          done.push([got, got.slice()]);
          assert.deepEqual(got, pbToBinary(pb, m as never));
        }
        for (const [got, copy] of done) assert.deepEqual(got, copy, "changed by a later call");
      },
    ),
    { numRuns: 200 },
  );
});
