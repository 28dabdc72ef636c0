/**
 * The bundles' eager module initialisers (`bundle/_eager_init.ts`, used by `bundle/build.ts`
 * and `bundle/build_cli.ts`): which spans are rewritten, that V8 then compiles them with the
 * module instead of on first call, and that the committed package bundle has them.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  eagerBundle,
  eagerInitialisers,
  esmHelperName,
  lazyCompiledSpans,
  type Span,
} from "../bundle/_eager_init.ts";

const HELPER = "var y=(t,e)=>()=>(t&&(e=t(t=0)),e);";

/** The span of the arrow function starting at `marker`'s `()=>{` and ending at its `}` before `)`. */
function spanOf(code: string, marker: string, endMarker: string): Span {
  const start = code.indexOf(marker);
  return { start, end: code.indexOf(endMarker, start) + 1 };
}

Deno.test("lazyCompiledSpans: this script's parse-function events, once each, in source order", () => {
  const log = [
    "script-details,3,ext:core/00_primordials.js,0,0,",
    "script-details,50,file:///x/ommx-ts.js,0,0,",
    "function,parse-function,50,90,120,0.1,9,b",
    "function,full-parse,50,5,6,0.1,9,",
    "function,parse-function,3,1,2,0.1,9,p",
    "function,parse-function,50,10,40,0.1,9,a",
    "function,parse-function,50,90,120,0.1,9,b",
    "",
  ].join("\n");
  assert.deepEqual(lazyCompiledSpans(log, "file:///x/ommx-ts.js"), [
    { start: 10, end: 40 },
    { start: 90, end: 120 },
  ]);
  assert.deepEqual(lazyCompiledSpans(log, "file:///x/other.js"), []);
});

Deno.test("esmHelperName: the minified __esm helper only", () => {
  assert.equal(esmHelperName(`import"x";${HELPER}var a=1;`), "y");
  assert.equal(esmHelperName("var $a=(n,r)=>()=>(n&&(r=n(n=0)),r);"), "$a");
  assert.equal(esmHelperName("var y=(t,e)=>()=>(t&&(e=t(t=1)),e);"), undefined);
  assert.equal(esmHelperName("var y=(t,e)=>t;"), undefined);
});

Deno.test("eagerInitialisers: initialisers become parenthesised function expressions", () => {
  const code = `${HELPER}var a,b,I=y(()=>{a=1}),J=y(()=>{b="é{";I()});J();`;
  const spans = [spanOf(code, "()=>{a", "})"), spanOf(code, '()=>{b="', "})")];
  const out = eagerInitialisers(code, spans);
  assert.equal(out.count, 2);
  assert.equal(
    out.code,
    `${HELPER}var a,b,I=y((function(){a=1})),J=y((function(){b="é{";I()}));J();`,
  );
});

Deno.test("eagerInitialisers: anything else is left alone", () => {
  const code = `${HELPER}var f=(t)=>{return t},g=y(()=>{f(1)}),h=z(()=>{f(2)});x==y(()=>{f(3)});` +
    `function k(){return 1}var m=y(()=>{f(4)}),n=y(()=>{f(5)});`;
  const spans = [
    spanOf(code, "(t)=>{", "}"), // not an initialiser: parameters
    spanOf(code, "()=>{f(2)", "})"), // another function's argument
    spanOf(code, "()=>{f(3)", "})"), // `==y(`, not an assignment
    { start: code.indexOf("(){return 1}"), end: code.indexOf("}var m") + 1 }, // a declaration
    { start: code.indexOf("()=>{f(4)"), end: code.indexOf("f(4)") + 3 }, // end not at `})`
  ];
  assert.deepEqual(eagerInitialisers(code, spans), { code, count: 0 });
  // Nested or repeated spans after a rewritten one are skipped.
  const g = spanOf(code, "()=>{f(1)", "})");
  const out = eagerInitialisers(code, [g, { start: g.start + 2, end: g.end - 1 }, g]);
  assert.equal(out.count, 1);
  assert.ok(out.code.includes("g=y((function(){f(1)}))"));
  // No helper: nothing changes.
  const plain = code.slice(HELPER.length);
  assert.deepEqual(eagerInitialisers(plain, [spanOf(plain, "()=>{f(1)", "})")]), {
    code: plain,
    count: 0,
  });
});

/** The parse-function spans V8 logs when running `code` as a module. */
async function lazySpans(code: string): Promise<Span[]> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/m.js`;
    await Deno.writeTextFile(path, code);
    const log = `${dir}/v8.log`;
    const { success } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-code-cache",
        `--v8-flags=--log-function-events,--logfile=${log},--no-logfile-per-isolate`,
        path,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.ok(success);
    return lazyCompiledSpans(await Deno.readTextFile(log), new URL(`file://${path}`).href);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("V8 compiles the rewritten initialisers with the module, not on first call", async () => {
  const code = `${HELPER}var a,I=y(()=>{a=[1,2].map(String).join()});I();if(a!=="1,2")throw 1;`;
  const before = await lazySpans(code);
  const init = spanOf(code, "()=>{a=", "});I");
  assert.ok(before.some((s) => s.start === init.start && s.end === init.end), "lazy before");
  const out = eagerInitialisers(code, before);
  assert.equal(out.count, 1);
  const after = await lazySpans(out.code);
  const start = out.code.indexOf("(){a=");
  assert.ok(!after.some((s) => s.start === start), "compiled eagerly after");
});

Deno.test("importing the package bundle compiles no module initialiser lazily", async () => {
  const root = new URL("../", import.meta.url).pathname;
  // A run of bundle/_ommx_ts.js itself: what initialisers it would still rewrite.
  const eager = await eagerBundle("bundle/_ommx_ts.js", [], root);
  assert.equal(eager.count, 0, "run `deno task bundle:entry`: initialisers compiled lazily");
  assert.ok(eager.code.includes("((function(){"), "initialisers rewritten");
});
