/**
 * The unrolled decoder `codecs/_gen_static.ts` writes for the few messages a
 * large generic decode holds by the thousand (`HOT_DECODE`), where interpreting
 * the message's table (`core/_protobuf_table.ts`) was measurably slower: a
 * function with the interpreter's (and protobuf-es's) behaviour — the same merge
 * rules, packed and unpacked lists, map-entry defaults, unknown fields and
 * recursion limit — passed to `table` as the message's own `decode`.
 *
 * @module
 */

import type { DescField, DescMessage } from "npm:@bufbuild/protobuf@2.17.0";
import { scalarZero } from "./_gen_static_create.ts";

/**
 * The messages whose decoder is written out, each held by the thousand in a
 * payload the generic decode reads (BENCHMARKS.md, issue 13, seventh session,
 * branch i13dc): a v1 Instance's decision variables, their bounds and linear
 * terms (the `.message` escape hatch), a v1 Solution's rows, a SampleSet's
 * sampled values.
 */
export const HOT_DECODE: ReadonlySet<string> = new Set([
  "ommx.v1.Bound",
  "ommx.v1.DecisionVariable",
  "ommx.v1.EvaluatedConstraint",
  "ommx.v1.EvaluatedNamedFunction",
  "ommx.v1.Linear.Term",
  "ommx.v1.SampledValues.SampledValuesEntry",
]);

/** The runtime functions an unrolled decoder calls (imported from `core/_protobuf.ts`). */
export const DECODE_IMPORTS: readonly string[] = [
  "enterMessage",
  "readMessage",
  "readUnknown",
  "setOwn",
  "skipField",
];

/** Reader call per scalar type, as `readScalar` of the interpreter. */
const READERS: Record<number, string> = {
  1: "r.double()",
  3: "r.int64()",
  4: "r.uint64()",
  5: "r.int32()",
  6: "r.fixed64()",
  7: "r.fixed32()",
  8: "r.bool()",
  9: "r.string(true)",
  12: "r.bytes()",
  13: "r.uint32()",
};

function reader(t: number): string {
  const r = READERS[t];
  if (r === undefined) throw new Error(`scalar type ${t} is not supported by core/_protobuf.ts`);
  return r;
}

/**
 * The unrolled `decode` of a message: an arrow function's source lines.
 *
 * @param m The message.
 * @param schemaRef The expression naming a message's schema in the generated module.
 * @returns The lines of `(m: any, r: BinaryReader, ctx: ReadContext, len: number) => { … }`.
 */
export function unrolledDecode(m: DescMessage, schemaRef: (d: DescMessage) => string): string[] {
  const field = (f: DescField): string[] => {
    const n = f.localName;
    switch (f.fieldKind) {
      case "scalar":
      case "enum": {
        const read = f.fieldKind === "enum" ? "r.int32()" : reader(f.scalar);
        if (f.oneof) {
          return [`m.${f.oneof.localName} = { case: ${JSON.stringify(n)}, value: ${read} };`];
        }
        return [`m.${n} = ${read};`];
      }
      case "message": {
        const s = schemaRef(f.message);
        if (f.oneof) {
          const o = f.oneof.localName;
          const c = JSON.stringify(n);
          return [
            `const o = m.${o};`,
            `m.${o} = { case: ${c}, value: readMessage(${s}, o.case === ${c} ? o.value : undefined, r, ctx) };`,
          ];
        }
        return [`m.${n} = readMessage(${s}, m.${n}, r, ctx);`];
      }
      case "list": {
        if (f.listKind === "message") {
          return [`m.${n}.push(readMessage(${schemaRef(f.message)}, undefined, r, ctx));`];
        }
        const t = f.listKind === "enum" ? 5 : f.scalar;
        const read = reader(t);
        if (t === 9 || t === 12) return [`m.${n}.push(${read});`];
        return [
          `const items = m.${n};`,
          `if (r.wireType === 2) {`,
          `  const e = r.uint32() + r.pos;`,
          `  while (r.pos < e) items.push(${read});`,
          `} else items.push(${read});`,
        ];
      }
      case "map": {
        const keyRead = reader(f.mapKey);
        const keyZero = scalarZero(f.mapKey);
        let valRead: string;
        let valZero: string;
        if (f.mapKind === "message") {
          const s = schemaRef(f.message);
          valRead = `val = readMessage(${s}, val, r, ctx);`;
          valZero = `${s}.create()`;
        } else {
          const t = f.mapKind === "enum" ? 5 : f.scalar;
          valRead = `val = ${reader(t)};`;
          valZero = scalarZero(t);
        }
        return [
          `let key: any;`,
          `let val: any;`,
          `const e = r.uint32() + r.pos;`,
          `while (r.pos < e) {`,
          `  const no = r.tag();`,
          `  if (no === 1) key = ${keyRead};`,
          `  else if (no === 2) ${valRead}`,
          `  else skipField(r, ctx);`,
          `}`,
          `setOwn(m.${n}, key === undefined ? ${keyZero} : key, val === undefined ? ${valZero} : val);`,
        ];
      }
    }
  };
  return [
    `(m: any, r: BinaryReader, ctx: ReadContext, len: number): void => {`,
    `  enterMessage(ctx, ${JSON.stringify(m.typeName)});`,
    `  const end = r.pos + len;`,
    `  const unknown = m.$unknown ?? [];`,
    `  while (r.pos < end) {`,
    `    switch (r.tag()) {`,
    ...m.fields.flatMap((f) => [
      `      case ${f.number}: {`,
      ...field(f).map((l) => `        ${l}`),
      `        break;`,
      `      }`,
    ]),
    `      default:`,
    `        readUnknown(r, ctx, unknown);`,
    `    }`,
    `  }`,
    `  if (unknown.length > 0) m.$unknown = unknown;`,
    `  ctx.depth--;`,
    `}`,
  ];
}
