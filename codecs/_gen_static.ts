/**
 * Generate the static protobuf codecs: for every protobuf package under
 * `codecs/ommx/gen` and `codecs/trace/gen` (a directory of protobuf-es `*_pb.ts`
 * output), one `package_static.ts` beside them with, per message, a `MessageSchema`
 * of `core/_protobuf.ts` (`create`, `encode`, `decode`) built by `table` of
 * `core/_protobuf_table.ts` from one row per field, and, per enum, a plain object
 * of its values — one module per package, not per file, as every module costs
 * start-up time to load (BENCHMARKS.md, issue 13, fifth session), and data rather
 * than a function per message, as every byte does (seventh session: 285 KB of
 * unrolled code became 41 KB of tables), plus one object literal per message for
 * its empty value (`codecs/_gen_static_create.ts`: one V8 allocation site per
 * message, which decoding a large message needs). The rows are written from protobuf-es's
 * reflection of the schemas at generation time, so at run time nothing loads
 * protobuf-es: the static modules import only `core/_protobuf_table.ts` (the
 * table interpreter on the wire runtime) and, as types, the `*_pb.ts` files.
 *
 * Run by `codecs/gen.sh` after `buf generate`:
 * `deno run --allow-read --allow-write codecs/_gen_static.ts`. With `--check` it
 * writes nothing and fails when a `package_static.ts` differs from what it would
 * write (`tests/protobuf_static_test.ts` runs it: the files stay generated).
 *
 * @module
 */

import type { DescEnum, DescField, DescFile, DescMessage } from "npm:@bufbuild/protobuf@2.17.0";
import { emptyMessage, IMPLICIT } from "./_gen_static_create.ts";
import { DECODE_IMPORTS, HOT_DECODE, unrolledDecode } from "./_gen_static_decode.ts";
import { ENCODE_IMPORTS, HOT_ENCODE, unrolledEncode } from "./_gen_static_encode.ts";

/** protobuf-es's `ScalarType` numbers. */
const S = {
  DOUBLE: 1,
  FLOAT: 2,
  INT64: 3,
  UINT64: 4,
  INT32: 5,
  FIXED64: 6,
  FIXED32: 7,
  BOOL: 8,
  STRING: 9,
  BYTES: 12,
  UINT32: 13,
  SFIXED32: 15,
  SFIXED64: 16,
  SINT32: 17,
  SINT64: 18,
} as const;

const root = new URL("../", import.meta.url);
const runtime = new URL("core/_protobuf.ts", root);
const tableRuntime = new URL("core/_protobuf_table.ts", root);

/** The scalar types `core/_protobuf_table.ts` reads and writes. */
const SCALARS: ReadonlySet<number> = new Set([
  S.DOUBLE,
  S.INT64,
  S.UINT64,
  S.INT32,
  S.FIXED64,
  S.FIXED32,
  S.BOOL,
  S.STRING,
  S.BYTES,
  S.UINT32,
]);
/** The table's type of a message field and of an open enum field (descriptor's type numbers). */
const MESSAGE = 11;
const ENUM = 14;
/** The table's field modes (`core/_protobuf_table.ts`). */
const MODE = { IMPLICIT: 0, EXPLICIT: 1, LIST: 2, PACKED: 3, MAP: 4, ONEOF: 5 } as const;

/** A scalar type the table runtime supports (strings with UTF-8 validation only). */
function scalar(f: DescField, t: number): number {
  if (!SCALARS.has(t)) {
    throw new Error(`scalar type ${t} is not supported by core/_protobuf_table.ts; add it there`);
  }
  if (t === S.STRING && !f.utf8Validation) {
    throw new Error(`strings without UTF-8 validation are not supported (${f})`);
  }
  return t;
}

/** An enum the table runtime supports: open, its first value 0 (as every proto3 enum). */
function enumType(f: DescField, e: DescEnum): number {
  if (!e.open) throw new Error(`closed enums are not supported (${f})`);
  if (e.values[0]!.number !== 0) throw new Error(`enum ${e.typeName}: first value is not 0`);
  return ENUM;
}

interface FileOut {
  path: string;
  code: string;
}

/** Names of the exports of a `_pb.ts` module, by the type name they stand for. */
function exportNames(mod: Record<string, unknown>): Map<string, string> {
  const names = new Map<string, string>();
  for (const [k, v] of Object.entries(mod)) {
    if (!k.endsWith("Schema")) continue;
    names.set((v as { typeName: string }).typeName, k.slice(0, -"Schema".length));
  }
  return names;
}

class PackageGen {
  readonly #files: readonly DescFile[];
  readonly #names: Map<string, string>;
  readonly #out: string;
  readonly #imports = new Map<string, string>(); // static module path -> alias

  /**
   * @param files The `.proto` files of one package (one directory), in path order.
   * @param names Export names by type name, of these files and every file they import.
   * @param out The module to write.
   */
  constructor(files: readonly DescFile[], names: Map<string, string>, out: string) {
    this.#files = files;
    this.#names = names;
    this.#out = out;
  }

  /** The alias of the `*_pb.ts` module that holds a type of this package. */
  #pb(file: DescFile): string {
    const i = this.#files.findIndex((f) => f.name === file.name);
    if (i < 0) throw new Error(`${file.name} is not in package ${this.#out}`);
    return `pb${i}`;
  }

  #schemaRef(desc: DescMessage): string {
    const name = `${this.#names.get(desc.typeName)!}Schema`;
    if (outPath(desc.file) === this.#out) return name;
    const target = outPath(desc.file);
    let alias = this.#imports.get(target);
    if (alias === undefined) {
      alias = `$${this.#imports.size}`;
      this.#imports.set(target, alias);
    }
    return `${alias}.${name}`;
  }

  #typeRef(desc: DescMessage): string {
    return `${this.#pb(desc.file)}.${this.#names.get(desc.typeName)!}`;
  }

  generate(): string {
    const body: string[] = [];
    for (const file of this.#files) {
      for (const e of allEnums(file)) body.push(this.#enum(e));
      for (const m of allMessages(file)) body.push(this.#message(m));
    }
    const has = (hot: ReadonlySet<string>) =>
      this.#files.some((f) => allMessages(f).some((m) => hot.has(m.typeName)));
    const imports = [
      ...(has(HOT_DECODE) ? ["type BinaryReader", "type ReadContext"] : []),
      ...(has(HOT_ENCODE) ? ["type BinaryWriter"] : []),
      ...(has(HOT_ENCODE) ? ENCODE_IMPORTS : []),
      ...(has(HOT_DECODE) ? DECODE_IMPORTS : []),
    ].sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
    const head = [
      `// @generated by codecs/_gen_static.ts from ${
        this.#files.map((f) => f.proto.name).join(", ")
      }. DO NOT EDIT.`,
      `// Static codecs with protobuf-es's behaviour; no protobuf-es at run time. Each message is a`,
      `// table of field rows, [number, localName, type, mode, message?, aux?, protoName?], read by`,
      `// core/_protobuf_table.ts (FieldRow there says what the numbers mean).`,
      `// deno-lint-ignore-file`,
      ``,
      ...this.#files.map((f, i) =>
        `import type * as pb${i} from "./${pbPath(f).split("/").at(-1)!}";`
      ),
      imports.length > 0
        ? `import {\n${imports.map((i) => `  ${i},\n`).join("")}  type MessageSchema,\n} from "${
          relative(this.#out, runtime.pathname)
        }";`
        : `import type { MessageSchema } from "${relative(this.#out, runtime.pathname)}";`,
      `import { table } from "${relative(this.#out, tableRuntime.pathname)}";`,
    ];
    for (const [path, alias] of this.#imports) {
      head.push(`import * as ${alias} from "${relative(this.#out, path)}";`);
    }
    return [...head, ``, ...body].join("\n");
  }

  #enum(e: DescEnum): string {
    const name = this.#names.get(e.typeName)!;
    const pb = this.#pb(e.file);
    const members = e.values.map((v) =>
      `  ${v.localName}: ${v.number} as ${pb}.${name}.${v.localName},`
    );
    return [
      `/** The values of enum \`${e.typeName}\` (as protobuf-es's \`${name}\`). */`,
      `export const ${name} = {`,
      ...members,
      `} as const;`,
      `/** Enum \`${e.typeName}\`. */`,
      `export type ${name} = ${pb}.${name};`,
      ``,
    ].join("\n");
  }

  #message(m: DescMessage): string {
    const name = this.#names.get(m.typeName)!;
    // `create` fills the fields in declaration order, a oneof at its first member: the rows
    // keep that order, so each oneof's members must be declared together.
    const order = m.fields.map((f) => f.oneof ?? f).filter((x, i, a) => a.indexOf(x) === i);
    if (order.length !== m.members.length || order.some((x, i) => x !== m.members[i])) {
      throw new Error(`${m.typeName}: a oneof's members are not declared together`);
    }
    return [
      `/** Message \`${m.typeName}\`: create, encode and decode as protobuf-es. */`,
      `export const ${name}Schema: MessageSchema<${this.#typeRef(m)}> = table(${
        JSON.stringify(m.typeName)
      }, ${emptyMessage(m)}, () => [`,
      ...m.fields.map((f) => `  ${this.#row(f)},`),
      `]${this.#hot(m)});`,
      ``,
    ].join("\n");
  }

  /** The arguments after the rows: a hot message's unrolled `encode` and `decode`, if any. */
  #hot(m: DescMessage): string {
    const ref = (d: DescMessage) => this.#schemaRef(d);
    const args = [
      HOT_ENCODE.has(m.typeName) ? unrolledEncode(m, ref).join("\n") : "undefined",
      ...(HOT_DECODE.has(m.typeName) ? [unrolledDecode(m, ref).join("\n")] : []),
    ];
    return args[0] === "undefined" && args.length === 1 ? "" : `, ${args.join(", ")}`;
  }

  /** The table row of a field (`FieldRow` of `core/_protobuf_table.ts`). */
  #row(f: DescField): string {
    if (f.fieldKind === "message" && f.delimitedEncoding) {
      throw new Error(`groups are not supported (${f})`);
    }
    let type: number;
    let mode: number;
    let message: DescMessage | undefined;
    let aux: number | string = 0;
    switch (f.fieldKind) {
      case "scalar":
      case "enum":
      case "message":
        type = f.fieldKind === "message"
          ? MESSAGE
          : f.fieldKind === "enum"
          ? enumType(f, f.enum)
          : scalar(f, f.scalar);
        message = f.fieldKind === "message" ? f.message : undefined;
        if (f.oneof) {
          mode = MODE.ONEOF;
          aux = f.oneof.localName;
        } else mode = f.presence === IMPLICIT ? MODE.IMPLICIT : MODE.EXPLICIT;
        if (f.fieldKind === "message" && mode === MODE.IMPLICIT) {
          throw new Error(`message fields have explicit presence (${f})`);
        }
        break;
      case "list":
        type = f.listKind === "message"
          ? MESSAGE
          : f.listKind === "enum"
          ? enumType(f, f.enum)
          : scalar(f, f.scalar);
        message = f.listKind === "message" ? f.message : undefined;
        mode = f.packed && type !== MESSAGE && type !== S.STRING && type !== S.BYTES
          ? MODE.PACKED
          : MODE.LIST;
        break;
      case "map":
        type = f.mapKind === "message"
          ? MESSAGE
          : f.mapKind === "enum"
          ? enumType(f, f.enum)
          : scalar(f, f.scalar);
        if (type === S.BYTES) throw new Error(`map<_, bytes> is not supported (${f})`);
        if (f.mapKey !== S.STRING && f.mapKey !== S.UINT64) {
          throw new Error(`map key type ${f.mapKey} is not supported (${f})`);
        }
        message = f.mapKind === "message" ? f.message : undefined;
        mode = MODE.MAP;
        aux = f.mapKey;
        break;
    }
    const row: string[] = [
      String(f.number),
      JSON.stringify(f.localName),
      String(type),
      String(mode),
    ];
    const tail = [
      message === undefined ? "0" : this.#schemaRef(message),
      JSON.stringify(aux),
      f.name === f.localName ? "" : JSON.stringify(f.name),
    ];
    while (tail.length > 0 && ["0", '""', ""].includes(tail.at(-1)!)) tail.pop();
    return `[${[...row, ...tail].join(", ")}]`;
  }
}

function allMessages(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const walk = (m: DescMessage) => {
    out.push(m);
    m.nestedMessages.forEach(walk);
  };
  file.messages.forEach(walk);
  return out;
}

function allEnums(file: DescFile): DescEnum[] {
  const out: DescEnum[] = [...file.enums];
  for (const m of allMessages(file)) for (const e of m.nestedEnums) out.push(e);
  return out;
}

/** The protobuf-es module of a file (absolute path). */
function pbPath(file: DescFile): string {
  const module = file.name.startsWith("opentelemetry/") ? "trace" : "ommx";
  return new URL(`codecs/${module}/gen/${file.name}_pb.ts`, root).pathname;
}

/**
 * Where the static codecs of a file go (absolute path): one `package_static.ts` per protobuf
 * package (the files of one directory), as every module costs start-up time to load.
 */
function outPath(file: DescFile): string {
  return pbPath(file).replace(/[^/]*_pb\.ts$/, "package_static.ts");
}

function relative(from: string, to: string): string {
  const a = from.split("/").slice(0, -1);
  const b = to.split("/");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const up = a.length - i;
  return (up === 0 ? "./" : "../".repeat(up)) + b.slice(i).join("/");
}

async function* pbFiles(dir: URL): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) yield* pbFiles(path);
    else if (e.name.endsWith("_pb.ts")) yield path.pathname;
  }
}

const outputs: FileOut[] = [];
for (const module of ["ommx", "trace"]) {
  const paths: string[] = [];
  for await (const f of pbFiles(new URL(`codecs/${module}/gen/`, root))) paths.push(f);
  paths.sort();
  const packages = new Map<string, DescFile[]>(); // static module path -> its files
  for (const path of paths) {
    const mod = await import(`file://${path}`) as Record<string, unknown>;
    const fileExport = Object.entries(mod).find(([k]) => k.startsWith("file_"));
    if (fileExport === undefined) throw new Error(`${path}: no file descriptor export`);
    const file = fileExport[1] as DescFile;
    const out = outPath(file);
    packages.set(out, [...packages.get(out) ?? [], file]);
  }
  for (const [out, files] of packages) {
    // The export names of these files and of every file they import (for cross-file references).
    const deps = new Set<DescFile>();
    const addDeps = (f: DescFile) => {
      if (deps.has(f)) return;
      deps.add(f);
      f.dependencies.forEach(addDeps);
    };
    files.forEach(addDeps);
    const names = new Map<string, string>();
    for (const d of deps) {
      const depMod = await import(`file://${pbPath(d)}`) as Record<string, unknown>;
      for (const [k, v] of exportNames(depMod)) names.set(k, v);
    }
    outputs.push({ path: out, code: new PackageGen(files, names, out).generate() });
  }
}
if (Deno.args.includes("--check")) {
  const stale: string[] = [];
  for (const { path, code } of outputs) {
    const current = await Deno.readTextFile(path).catch(() => undefined);
    if (current !== code) stale.push(path);
  }
  if (stale.length > 0) {
    console.error(`stale static codecs (run codecs/_gen_static.ts): ${stale.join(", ")}`);
    Deno.exit(1);
  }
  console.log(`static codecs: ${outputs.length} files up to date`);
} else {
  for (const { path, code } of outputs) await Deno.writeTextFile(path, code);
  console.log(`static codecs: ${outputs.length} files`);
}
