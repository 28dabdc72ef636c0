/**
 * No spread or `apply` of data-sized arrays in library and CLI code (issue
 * 10): `Math.max(...xs)`, `push(...xs)`, `f.apply(null, xs)` put every
 * element on the call stack, and fail with a `RangeError` somewhere past
 * 100,000 elements (a table of 200,000 runs, a trace of 150,000 spans).
 *
 * The scan parses every library and CLI source (`deno lint`'s plugin API, on
 * the real syntax tree) and fails on any spread argument of a call or `new`,
 * and on any `.apply(` call, except the few listed below, each with the
 * reason its size is bounded.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** `file: source text of the call` → why its argument list is small and bounded. */
const ALLOWED: Readonly<Record<string, string>> = {
  "core/experiment/read/artifact.ts: new Artifact(...args)":
    "forwards the four constructor arguments of a private factory",
  "codecs/default_codecs.ts: createCodecRegistry( jsonCodec, runParameterTableCodec, diagnosticsCodec, traceCodec, ...OMMX_CODECS, )":
    "OMMX_CODECS is the fixed list of the built-in OMMX payload codecs",
  "core/_protobuf.ts: String.fromCharCode.apply(String, codes)":
    "the protobuf reader's ASCII fast path: at most 32 codes (longer strings use TextDecoder)",
  "core/_lazy_node_fs.ts: (fs[name as keyof Fs] as (...a: unknown[]) => unknown)(...args)":
    "forwards the arguments of one node:fs/promises call (at most four)",
};

const SOURCE_DIRS = ["core", "codecs", "cli", "adapters"];

function isSource(path: string): boolean {
  return path.endsWith(".ts") && !path.endsWith("_test.ts") &&
    !/(^|\/)_[^/]*_test_util\.ts$/.test(path) &&
    !path.includes("/gen/");
}

function* walk(dir: URL, rel: string): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory) yield* walk(new URL(`${e.name}/`, dir), `${rel}${e.name}/`);
    else if (isSource(`${rel}${e.name}`)) yield `${rel}${e.name}`;
  }
}

function sources(): string[] {
  const out = ["mod.ts"];
  for (const d of SOURCE_DIRS) out.push(...walk(new URL(`${d}/`, ROOT), `${d}/`));
  return out.sort();
}

interface Finding {
  file: string;
  call: string;
  line: number;
}

function scan(file: string, text: string): Finding[] {
  const found: { range: [number, number]; message: string }[] = [];
  const plugin: Deno.lint.Plugin = {
    name: "ommx-ts-spread",
    rules: {
      "no-data-spread": {
        create(ctx) {
          const report = (node: Deno.lint.Node, call: Deno.lint.Node) =>
            ctx.report({ node, message: ctx.sourceCode.getText(call) });
          return {
            CallExpression(node) {
              for (const a of node.arguments) if (a.type === "SpreadElement") report(a, node);
              const callee = node.callee;
              if (
                callee.type === "MemberExpression" && callee.property.type === "Identifier" &&
                callee.property.name === "apply"
              ) report(node, node);
            },
            NewExpression(node) {
              for (const a of node.arguments) if (a.type === "SpreadElement") report(a, node);
            },
          };
        },
      },
    },
  };
  for (const d of Deno.lint.runPlugin(plugin, file, text)) {
    found.push({ range: d.range, message: d.message });
  }
  return found.map((f) => ({
    file,
    call: f.message.replace(/\s+/g, " "),
    line: text.slice(0, f.range[0]).split("\n").length,
  }));
}

Deno.test("no spread or apply of data-sized arrays in library and CLI code", () => {
  const files = sources();
  assert.ok(files.length > 100, `scanned ${files.length} files`);
  const findings = files.flatMap((f) => scan(f, Deno.readTextFileSync(new URL(f, ROOT))));
  const unexpected = findings.filter((f) => !Object.hasOwn(ALLOWED, `${f.file}: ${f.call}`));
  assert.deepEqual(
    unexpected.map((f) => `${f.file}:${f.line}: ${f.call}`),
    [],
    "spread or apply in a call: loop instead, or add it to ALLOWED with the reason it is bounded",
  );
  // every allowance is still used, so the list cannot rot
  const used = new Set(findings.map((f) => `${f.file}: ${f.call}`));
  assert.deepEqual(Object.keys(ALLOWED).filter((k) => !used.has(k)), []);
});

Deno.test("the spread scan finds what it must", () => {
  const sample = [
    "Math.max(...xs);",
    "out.push(a, ...rows);",
    "String.fromCharCode.apply(null, bytes);",
    "Reflect.apply(f, null, xs);",
    "new Set(...lists);",
    "const copy = [...xs]; const o = { ...obj }; function f(...rest: number[]) { return rest; }",
  ].join("\n");
  const calls = scan("sample.ts", sample).map((f) => f.call);
  assert.deepEqual(calls, [
    "Math.max(...xs)",
    "out.push(a, ...rows)",
    "String.fromCharCode.apply(null, bytes)",
    "Reflect.apply(f, null, xs)",
    "new Set(...lists)",
  ]);
});
