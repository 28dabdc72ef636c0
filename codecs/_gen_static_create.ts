/**
 * The empty-message literal `codecs/_gen_static.ts` writes for every message: an
 * arrow function returning one object literal with the fields `create()` fills
 * without an init value (`$typeName`, then each implicit-presence field's zero,
 * each list `[]`, each map `{}`, each oneof `{ case: undefined }`, in declaration
 * order; explicit-presence fields absent), passed to `table` of
 * `core/_protobuf_table.ts` as the message's `empty`. Decoding creates every
 * message this way: one literal per message (and per list and map field) is one
 * V8 allocation site each, whose pretenuring and elements-kind feedback then
 * follow that message alone — built by the interpreter from one shared site,
 * decoding a large message spent ~2x the time in GC (BENCHMARKS.md, issue 13,
 * seventh session, branch i13dc).
 *
 * @module
 */

import type { DescField, DescMessage } from "npm:@bufbuild/protobuf@2.17.0";

/** protobuf-es's `FieldPresence.IMPLICIT` (a field written only when it is not its zero value). */
export const IMPLICIT = 2;

/**
 * The zero value of a scalar, as source text (protobuf-es `ScalarType` number).
 *
 * @param type The scalar type.
 * @returns The expression.
 */
export function scalarZero(type: number): string {
  switch (type) {
    case 3: // int64
    case 4: // uint64
    case 6: // fixed64
    case 16: // sfixed64
    case 18: // sint64
      return "0n";
    case 8:
      return "false";
    case 9:
      return '""';
    case 12:
      return "new Uint8Array(0)";
    default:
      return "0";
  }
}

/** A property key in an object literal (quoted only when it is not an identifier). */
function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The initial value of a field in an empty message, or undefined when the field is absent. */
function emptyValue(f: DescField): string | undefined {
  switch (f.fieldKind) {
    case "list":
      return "[]";
    case "map":
      return "{}";
    case "message":
      return undefined;
    case "enum":
      return f.presence === IMPLICIT ? String(f.enum.values[0]!.number) : undefined;
    case "scalar":
      return f.presence === IMPLICIT ? scalarZero(f.scalar) : undefined;
  }
}

/**
 * The empty-message function of a message: one line of source,
 * `() => ({ $typeName: "…", … })`, the value of protobuf-es's `create(schema)`.
 *
 * @param m The message.
 * @returns The arrow function's source.
 */
export function emptyMessage(m: DescMessage): string {
  const props = [`$typeName: ${JSON.stringify(m.typeName)}`];
  for (const member of m.members) {
    if (member.kind === "oneof") {
      props.push(`${key(member.localName)}: { case: undefined }`);
      continue;
    }
    const v = emptyValue(member);
    if (v !== undefined) props.push(`${key(member.localName)}: ${v}`);
  }
  return `() => ({ ${props.join(", ")} })`;
}
