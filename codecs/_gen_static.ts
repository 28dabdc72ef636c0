/**
 * Generate the static protobuf codecs: for every protobuf package under
 * `codecs/ommx/gen` and `codecs/trace/gen` (a directory of protobuf-es `*_pb.ts`
 * output), one `package_static.ts` beside them with, per message, a `MessageSchema`
 * of `core/_protobuf.ts` (`create`, `encode`, `decode`) and, per enum, a plain
 * object of its values — one module per package, not per file, as every module
 * costs start-up time to load (BENCHMARKS.md, issue 13, fifth session). The code is
 * written from protobuf-es's reflection of the schemas at generation time, so
 * at run time nothing loads protobuf-es: the static modules import only
 * `core/_protobuf.ts` (the wire runtime) and, as types, the `*_pb.ts` files.
 *
 * Run by `codecs/gen.sh` after `buf generate`:
 * `deno run --allow-read --allow-write codecs/_gen_static.ts`.
 *
 * @module
 */

import type {
  DescEnum,
  DescField,
  DescFile,
  DescMessage,
  DescOneof,
} from "npm:@bufbuild/protobuf@2.17.0";

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
const IMPLICIT = 2;

const root = new URL("../", import.meta.url);
const runtime = new URL("core/_protobuf.ts", root);

/** Per scalar type: reader call, writer method, wire type, zero value. */
function scalarInfo(t: number): { read: string; write: string; wire: number; zero: string } {
  switch (t) {
    case S.DOUBLE:
      return { read: "double()", write: "double", wire: 1, zero: "0" };
    case S.INT64:
      return { read: "int64()", write: "int64", wire: 0, zero: "0n" };
    case S.UINT64:
      return { read: "uint64()", write: "uint64", wire: 0, zero: "0n" };
    case S.INT32:
      return { read: "int32()", write: "int32", wire: 0, zero: "0" };
    case S.FIXED64:
      return { read: "fixed64()", write: "fixed64", wire: 1, zero: "0n" };
    case S.FIXED32:
      return { read: "fixed32()", write: "fixed32", wire: 5, zero: "0" };
    case S.BOOL:
      return { read: "bool()", write: "bool", wire: 0, zero: "false" };
    case S.STRING:
      return { read: "string(false)", write: "string", wire: 2, zero: '""' };
    case S.BYTES:
      return { read: "bytes()", write: "bytes", wire: 2, zero: "new Uint8Array(0)" };
    case S.UINT32:
      return { read: "uint32()", write: "uint32", wire: 0, zero: "0" };
    default:
      throw new Error(`scalar type ${t} is not supported by core/_protobuf.ts; add it there`);
  }
}

/** The scalar reader expression for a field (strings honour UTF-8 validation). */
function readExpr(t: number, utf8: boolean): string {
  const info = scalarInfo(t);
  return t === S.STRING ? `r.string(${utf8})` : `r.${info.read}`;
}

/** Whether writing a field calls a scalar writer (whose errors protobuf-es prefixes with the field). */
function fieldCanThrow(f: DescField): boolean {
  return f.fieldKind !== "message" && !(f.fieldKind === "list" && f.listKind === "message");
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
  #wrap = false;

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
    const head = [
      `// @generated by codecs/_gen_static.ts from ${
        this.#files.map((f) => f.proto.name).join(", ")
      }. DO NOT EDIT.`,
      `// Static codecs with protobuf-es's behaviour; no protobuf-es at run time.`,
      `// deno-lint-ignore-file`,
      ``,
      ...this.#files.map((f, i) =>
        `import type * as pb${i} from "./${pbPath(f).split("/").at(-1)!}";`
      ),
      `import {`,
      `  type BinaryReader,`,
      `  type BinaryWriter,`,
      `  enterMessage,`,
      `  checkType,`,
      `  fieldWriteError,`,
      `  initMessage,`,
      `  type MessageSchema,`,
      `  type ReadContext,`,
      `  readMessage,`,
      `  readUnknown,`,
      `  setOwn,`,
      `  skipField,`,
      `  uint64Key,`,
      `  writeMessage,`,
      `  writeUnknown,`,
      `} from "${relative(this.#out, runtime.pathname)}";`,
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
    const type = this.#typeRef(m);
    const t = `${name}$`;
    const sorted = sortedFields(m);
    // One try/catch per message gives scalar write errors protobuf-es's field prefix: `f` names
    // the field being written ("" while a child message writes, whose errors pass unchanged).
    this.#wrap = sorted.some((f) => fieldCanThrow(f));
    const body = sorted.flatMap((f) => this.#encodeField(f));
    return [
      `const ${t} = ${JSON.stringify(m.typeName)};`,
      `/** Message \`${m.typeName}\`: create, encode and decode as protobuf-es. */`,
      `export const ${name}Schema: MessageSchema<${type}> = {`,
      `  typeName: ${t},`,
      `  create(init?: any): ${type} {`,
      `    const m: any = { $typeName: ${t} };`,
      `    let v: any;`,
      ...m.members.flatMap((member) =>
        member.kind === "oneof" ? this.#createOneof(member) : this.#createField(member)
      ).map((l) => `    ${l}`),
      `    return m;`,
      `  },`,
      `  encode(m: any, w: BinaryWriter): void {`,
      ...(sorted.length > 0 ? [`    checkType(m, ${t}, ${JSON.stringify(sorted[0]!.name)});`] : []),
      ...(this.#wrap
        ? [
          `    let f = "";`,
          `    try {`,
          ...body.map((l) => `      ${l}`),
          `    } catch (e) {`,
          `      throw f === "" ? e : fieldWriteError(${t}, f, e);`,
          `    }`,
        ]
        : body.map((l) => `    ${l}`)),
      `    writeUnknown(w, m.$unknown);`,
      `  },`,
      `  decode(m: any, r: BinaryReader, ctx: ReadContext, len: number): void {`,
      `    enterMessage(ctx, ${t});`,
      `    const end = r.pos + len;`,
      `    const unknown = m.$unknown ?? [];`,
      `    while (r.pos < end) {`,
      `      switch (r.tag()) {`,
      ...m.fields.flatMap((f) => [
        `        case ${f.number}: {`,
        ...this.#decodeField(f).map((l) => `          ${l}`),
        `          break;`,
        `        }`,
      ]),
      `        default:`,
      `          readUnknown(r, ctx, unknown);`,
      `      }`,
      `    }`,
      `    if (unknown.length > 0) m.$unknown = unknown;`,
      `    ctx.depth--;`,
      `  },`,
      `};`,
      ``,
    ].join("\n");
  }

  #createField(f: DescField): string[] {
    const n = f.localName;
    const get = `v = init?.${n};`;
    switch (f.fieldKind) {
      case "message":
        return [get, `if (v != null) m.${n} = initMessage(${this.#schemaRef(f.message)}, v);`];
      case "list": {
        if (f.listKind === "message") {
          const s = this.#schemaRef(f.message);
          return [
            get,
            `m.${n} = Array.isArray(v) ? v.map((x: unknown) => initMessage(${s}, x)) : (v ?? []);`,
          ];
        }
        if (f.listKind === "scalar" && f.scalar === S.BYTES) {
          return [get, `m.${n} = Array.isArray(v) ? v.map(toU8Arr) : (v ?? []);`];
        }
        return [get, `m.${n} = v ?? [];`];
      }
      case "map": {
        if (f.mapKind === "message") {
          const s = this.#schemaRef(f.message);
          return [
            get,
            `if (v === null || typeof v !== "object" || Array.isArray(v)) m.${n} = v ?? {};`,
            `else {`,
            `  const c = {};`,
            `  for (const k of Object.keys(v)) setOwn(c, k, initMessage(${s}, v[k]));`,
            `  m.${n} = c;`,
            `}`,
          ];
        }
        if (f.mapKind === "scalar" && f.scalar === S.BYTES) {
          throw new Error(`map<_, bytes> is not supported (${f})`);
        }
        return [get, `m.${n} = v ?? {};`];
      }
      case "enum":
      case "scalar": {
        const zero = f.fieldKind === "enum"
          ? String(f.enum.values[0]!.number)
          : scalarInfo(f.scalar).zero;
        const isBytes = f.fieldKind === "scalar" && f.scalar === S.BYTES;
        const val = isBytes ? "toU8Arr(v)" : "v";
        if (f.presence === IMPLICIT) return [get, `m.${n} = v != null ? ${val} : ${zero};`];
        return [get, `if (v != null) m.${n} = ${val};`];
      }
    }
  }

  #createOneof(o: DescOneof): string[] {
    const n = o.localName;
    return [
      `v = init?.${n};`,
      `switch (v?.case) {`,
      ...o.fields.flatMap((f) => {
        const value = f.fieldKind === "message"
          ? `initMessage(${this.#schemaRef(f.message)}, v.value)`
          : f.fieldKind === "scalar" && f.scalar === S.BYTES
          ? "toU8Arr(v.value)"
          : "v.value";
        return [
          `  case ${JSON.stringify(f.localName)}:`,
          `    m.${n} = { case: ${JSON.stringify(f.localName)}, value: ${value} };`,
          `    break;`,
        ];
      }),
      `  default:`,
      `    m.${n} = { case: undefined };`,
      `}`,
    ];
  }

  /** Write scalar `v` of type `t` (no tag); `f` names the field for a writer error. */
  #writeScalar(f: DescField, t: number, v: string): string[] {
    return [`f = ${JSON.stringify(f.name)};`, `w.${scalarInfo(t).write}(${v});`];
  }

  /** Encode child message `v` as field `no` (its errors pass unchanged). */
  #writeChild(no: number, s: string, v: string): string[] {
    return [...(this.#wrap ? [`f = "";`] : []), `writeMessage(w, ${no}, ${s}, ${v});`];
  }

  #writeValue(f: DescField, v: string): string[] {
    if (f.fieldKind === "message") {
      return this.#writeChild(f.number, this.#schemaRef(f.message), v);
    }
    const t = f.fieldKind === "enum" ? S.INT32 : (f as { scalar: number }).scalar;
    return [`w.tag(${f.number}, ${scalarInfo(t).wire});`, ...this.#writeScalar(f, t, v)];
  }

  #encodeField(f: DescField): string[] {
    const n = f.localName;
    switch (f.fieldKind) {
      case "message":
      case "scalar":
      case "enum": {
        if (f.oneof) {
          return [
            `if (m.${f.oneof.localName}.case === ${JSON.stringify(n)}) {`,
            ...this.#writeValue(f, `m.${f.oneof.localName}.value`).map((l) => `  ${l}`),
            `}`,
          ];
        }
        let cond: string;
        if (f.presence !== IMPLICIT) {
          cond = `v !== undefined && Object.hasOwn(m, ${JSON.stringify(n)})`;
        } else if (f.fieldKind === "enum") {
          cond = `v !== ${f.enum.values[0]!.number}`;
        } else {
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
          ...this.#writeValue(f, "v").map((l) => `    ${l}`),
          `  }`,
          `}`,
        ];
      }
      case "list": {
        if (f.listKind === "message") {
          const s = this.#schemaRef(f.message);
          return [
            `for (const x of m.${n}) {`,
            ...this.#writeChild(f.number, s, "x").map((l) => `  ${l}`),
            `}`,
          ];
        }
        const t = f.listKind === "enum" ? S.INT32 : f.scalar;
        if (f.packed) {
          return [
            `if (m.${n}.length > 0) {`,
            `  w.tag(${f.number}, 2).fork();`,
            `  for (const x of m.${n}) {`,
            ...this.#writeScalar(f, t, "x").map((l) => `    ${l}`),
            `  }`,
            `  w.join();`,
            `}`,
          ];
        }
        return [
          `for (const x of m.${n}) {`,
          `  w.tag(${f.number}, ${scalarInfo(t).wire});`,
          ...this.#writeScalar(f, t, "x").map((l) => `  ${l}`),
          `}`,
        ];
      }
      case "map": {
        const key = f.mapKey === S.STRING ? "k" : f.mapKey === S.UINT64 ? "uint64Key(k)" : (() => {
          throw new Error(`map key type ${f.mapKey} is not supported (${f})`);
        })();
        const lines = [
          `{`,
          `  const rec = m.${n};`,
          `  for (const k of Object.keys(rec)) {`,
          `    w.tag(${f.number}, 2).fork();`,
          `    w.tag(1, ${scalarInfo(f.mapKey).wire});`,
          ...this.#writeScalar(f, f.mapKey, key).map((l) => `    ${l}`),
        ];
        const value = f.mapKind === "message"
          ? this.#writeChild(2, this.#schemaRef(f.message), "rec[k]")
          : [
            `w.tag(2, ${scalarInfo(f.mapKind === "enum" ? S.INT32 : f.scalar).wire});`,
            ...this.#writeScalar(f, f.mapKind === "enum" ? S.INT32 : f.scalar, "rec[k]"),
          ];
        for (const l of value) lines.push(`    ${l}`);
        lines.push(`    w.join();`, `  }`, `}`);
        return lines;
      }
    }
  }

  #decodeField(f: DescField): string[] {
    const n = f.localName;
    switch (f.fieldKind) {
      case "scalar":
      case "enum": {
        const read = f.fieldKind === "enum" ? "r.int32()" : readExpr(f.scalar, f.utf8Validation);
        if (f.fieldKind === "enum" && !f.enum.open) {
          throw new Error(`closed enums are not supported (${f})`);
        }
        if (f.oneof) {
          return [`m.${f.oneof.localName} = { case: ${JSON.stringify(n)}, value: ${read} };`];
        }
        return [`m.${n} = ${read};`];
      }
      case "message": {
        const s = this.#schemaRef(f.message);
        if (f.delimitedEncoding) throw new Error(`groups are not supported (${f})`);
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
          const s = this.#schemaRef(f.message);
          return [`m.${n}.push(readMessage(${s}, undefined, r, ctx));`];
        }
        const t = f.listKind === "enum" ? S.INT32 : f.scalar;
        const read = readExpr(t, f.utf8Validation);
        if (t === S.STRING || t === S.BYTES) return [`m.${n}.push(${read});`];
        return [
          `const items = m.${n};`,
          `if (r.wireType === 2) {`,
          `  const e = r.uint32() + r.pos;`,
          `  while (r.pos < e) items.push(${read});`,
          `} else items.push(${read});`,
        ];
      }
      case "map": {
        const keyRead = readExpr(f.mapKey, f.utf8Validation);
        const keyZero = scalarInfo(f.mapKey).zero;
        let valRead: string[];
        let valZero: string;
        if (f.mapKind === "message") {
          const s = this.#schemaRef(f.message);
          valRead = [`val = readMessage(${s}, val, r, ctx);`];
          valZero = `${s}.create()`;
        } else if (f.mapKind === "enum") {
          valRead = [`val = r.int32();`];
          valZero = String(f.enum.values[0]!.number);
        } else {
          valRead = [`val = ${readExpr(f.scalar, f.utf8Validation)};`];
          valZero = scalarInfo(f.scalar).zero;
        }
        return [
          `let key: any;`,
          `let val: any;`,
          `const e = r.uint32() + r.pos;`,
          `while (r.pos < e) {`,
          `  const no = r.tag();`,
          `  if (no === 1) key = ${keyRead};`,
          `  else if (no === 2) {`,
          ...valRead.map((l) => `    ${l}`),
          `  } else skipField(r, ctx);`,
          `}`,
          `setOwn(m.${n}, key === undefined ? ${keyZero} : key, val === undefined ? ${valZero} : val);`,
        ];
      }
    }
  }
}

function sortedFields(m: DescMessage): DescField[] {
  return m.fields.concat().sort((a, b) => a.number - b.number);
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
for (const { path, code } of outputs) {
  const needsToU8 = code.includes("toU8Arr(");
  const full = needsToU8
    ? code +
      `\nfunction toU8Arr(value: any): any {\n  return Array.isArray(value) ? new Uint8Array(value) : value;\n}\n`
    : code;
  await Deno.writeTextFile(path, full);
}
console.log(`static codecs: ${outputs.length} files`);
