/**
 * The unrolled encoder `codecs/_gen_static.ts` writes for the few messages on a
 * hot path (`HOT_ENCODE`), where interpreting the message's table
 * (`core/_protobuf_table.ts`) was measurably slower: a function with
 * protobuf-es's behaviour (fields by number, the same bytes and errors, unknown
 * fields last), passed to `table` as the message's own `encode`.
 *
 * @module
 */

import type { DescField, DescMessage } from "npm:@bufbuild/protobuf@2.17.0";
import { IMPLICIT } from "./_gen_static_create.ts";

/**
 * The messages whose encoder is written out: `v1.SampledValues.SampledValuesEntry` is
 * encoded once per distinct value of a SampleSet (BENCHMARKS.md, issue 13, seventh session:
 * `toBinary` of a 10^5-value SampleSet ~1.5x slower through the table).
 */
export const HOT_ENCODE: ReadonlySet<string> = new Set([
  "ommx.v1.SampledValues.SampledValuesEntry",
]);

/** The runtime functions an unrolled encoder calls (imported from `core/_protobuf.ts`). */
export const ENCODE_IMPORTS: readonly string[] = [
  "checkType",
  "fieldWriteError",
  "uint64Key",
  "writeMessage",
  "writeUnknown",
];

const S = { DOUBLE: 1, FLOAT: 2, INT32: 5, BOOL: 8, STRING: 9, BYTES: 12, UINT64: 4 } as const;

/** Writer method and wire type per scalar type (`BinaryWriter` of `core/_protobuf.ts`). */
const WRITERS: Record<number, [string, number]> = {
  1: ["double", 1],
  3: ["int64", 0],
  4: ["uint64", 0],
  5: ["int32", 0],
  6: ["fixed64", 1],
  7: ["fixed32", 5],
  8: ["bool", 0],
  9: ["string", 2],
  12: ["bytes", 2],
  13: ["uint32", 0],
};

function writer(t: number): [string, number] {
  const w = WRITERS[t];
  if (w === undefined) throw new Error(`scalar type ${t} is not supported by core/_protobuf.ts`);
  return w;
}

/**
 * The unrolled `encode` of a message: an arrow function's source lines.
 *
 * @param m The message.
 * @param schemaRef The expression naming a message's schema in the generated module.
 * @returns The lines of `(m: any, w: BinaryWriter) => { … }`.
 */
export function unrolledEncode(m: DescMessage, schemaRef: (d: DescMessage) => string): string[] {
  const t = JSON.stringify(m.typeName);
  const sorted = m.fields.concat().sort((a, b) => a.number - b.number);
  // `f` names the field being written ("" while a child message writes, whose errors pass
  // unchanged): protobuf-es's field prefix of scalar write errors.
  const wrap = sorted.some((f) =>
    f.fieldKind !== "message" && !(f.fieldKind === "list" && f.listKind === "message")
  );
  const scalar = (f: DescField, type: number, v: string) => [
    `f = ${JSON.stringify(f.name)};`,
    `w.${writer(type)[0]}(${v});`,
  ];
  const child = (no: number, s: string, v: string) => [
    ...(wrap ? [`f = "";`] : []),
    `writeMessage(w, ${no}, ${s}, ${v});`,
  ];
  const value = (f: DescField, v: string): string[] => {
    if (f.fieldKind === "message") return child(f.number, schemaRef(f.message), v);
    const type = f.fieldKind === "enum" ? S.INT32 : (f as { scalar: number }).scalar;
    return [`w.tag(${f.number}, ${writer(type)[1]});`, ...scalar(f, type, v)];
  };
  const indent = (lines: string[], by = "  ") => lines.map((l) => by + l);
  const field = (f: DescField): string[] => {
    const n = f.localName;
    switch (f.fieldKind) {
      case "message":
      case "scalar":
      case "enum": {
        if (f.oneof) {
          return [
            `if (m.${f.oneof.localName}.case === ${JSON.stringify(n)}) {`,
            ...indent(value(f, `m.${f.oneof.localName}.value`)),
            `}`,
          ];
        }
        let cond: string;
        if (f.presence !== IMPLICIT) {
          cond = `v !== undefined && Object.hasOwn(m, ${JSON.stringify(n)})`;
        } else if (f.fieldKind === "enum") cond = `v !== 0`;
        else {
          switch ((f as { scalar: number }).scalar) {
            case S.BOOL:
              cond = `v !== false`;
              break;
            case S.STRING:
              cond = `v !== ""`;
              break;
            case S.BYTES:
              cond = `!(v instanceof Uint8Array) || v.byteLength > 0`;
              break;
            case S.DOUBLE:
            case S.FLOAT:
              cond = `!Object.is(v, 0)`;
              break;
            default:
              cond = `v != 0`;
          }
        }
        return [
          `{`,
          `  const v = m.${n};`,
          `  if (${cond}) {`,
          ...indent(value(f, "v"), "    "),
          `  }`,
          `}`,
        ];
      }
      case "list": {
        if (f.listKind === "message") {
          return [
            `for (const x of m.${n}) {`,
            ...indent(child(f.number, schemaRef(f.message), "x")),
            `}`,
          ];
        }
        const type = f.listKind === "enum" ? S.INT32 : f.scalar;
        if (f.packed) {
          return [
            `if (m.${n}.length > 0) {`,
            `  w.tag(${f.number}, 2).fork();`,
            `  for (const x of m.${n}) {`,
            ...indent(scalar(f, type, "x"), "    "),
            `  }`,
            `  w.join();`,
            `}`,
          ];
        }
        return [
          `for (const x of m.${n}) {`,
          `  w.tag(${f.number}, ${writer(type)[1]});`,
          ...indent(scalar(f, type, "x")),
          `}`,
        ];
      }
      case "map": {
        const key = f.mapKey === S.STRING ? "k" : f.mapKey === S.UINT64 ? "uint64Key(k)" : (() => {
          throw new Error(`map key type ${f.mapKey} is not supported (${f})`);
        })();
        const type = f.mapKind === "enum" ? S.INT32 : f.mapKind === "scalar" ? f.scalar : 0;
        return [
          `{`,
          `  const rec = m.${n};`,
          `  for (const k of Object.keys(rec)) {`,
          `    w.tag(${f.number}, 2).fork();`,
          `    w.tag(1, ${writer(f.mapKey)[1]});`,
          ...indent(scalar(f, f.mapKey, key), "    "),
          ...indent(
            f.mapKind === "message"
              ? child(2, schemaRef(f.message), "rec[k]")
              : [`w.tag(2, ${writer(type)[1]});`, ...scalar(f, type, "rec[k]")],
            "    ",
          ),
          `    w.join();`,
          `  }`,
          `}`,
        ];
      }
    }
  };
  const body = sorted.flatMap(field);
  return [
    `(m: any, w: BinaryWriter): void => {`,
    ...(sorted.length > 0 ? [`  checkType(m, ${t}, ${JSON.stringify(sorted[0]!.name)});`] : []),
    ...(wrap
      ? [
        `  let f = "";`,
        `  try {`,
        ...indent(body, "    "),
        `  } catch (e) {`,
        `    throw f === "" ? e : fieldWriteError(${t}, f, e);`,
        `  }`,
      ]
      : indent(body)),
    `  writeUnknown(w, m.$unknown);`,
    `}`,
  ];
}
