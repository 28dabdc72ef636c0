/**
 * The page filled for one boot (boot.ts): the boot JSON readable back and unable to close its
 * element, the title and header as escaped text with controls made visible, the connection
 * policy per page kind, and a template without its markers refused.
 */
import assert from "node:assert/strict";
import { embedBoot, renderPage } from "./boot.ts";
import type { ErrorBoot } from "./boot.ts";

const TEMPLATE = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'none'">
<title>ommx-ts viewer</title></head><body>
<h1 id="title">Experiment viewer</h1>
<script type="application/json" id="ommx-boot">
  null
</script>
<script type="module">app()</script></body></html>`;

const hostile = `</script><script>alert(1)</script><!-- "q" 'a' & \u2028 \u0007`;

Deno.test("renderPage: boot data, escaped title, connect policy", () => {
  const boot: ErrorBoot = {
    mode: "error",
    origin: "serve",
    title: hostile,
    error: { code: "INVALID_ARGUMENT", message: hostile },
  };
  const page = renderPage(TEMPLATE, boot, { connect: "self" });
  assert.equal(page.match(/<script\b/g)?.length, 2);
  assert.equal(page.match(/<\/script>/g)?.length, 2);
  assert.ok(!page.includes("<!--"));
  const json = /id="ommx-boot">([\s\S]*?)<\/script>/.exec(page)![1]!;
  assert.deepEqual(JSON.parse(json), boot);
  assert.match(
    page,
    /<h1 id="title">&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;!-- &quot;q&quot; &#39;a&#39; &amp; \u2028 \\x07<\/h1>/,
  );
  assert.match(page, /<title>&lt;\/script&gt;[\s\S]* — ommx-ts<\/title>/);
  assert.match(page, /connect-src 'self'/);
  assert.match(renderPage(TEMPLATE, boot), /connect-src 'none'/);
  assert.throws(() => renderPage("<html></html>", boot), /lacks/);
});

Deno.test("embedBoot: no character that could end a script element or a comment", () => {
  const text = embedBoot({ a: hostile, b: ["<", ">", "&"] });
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), { a: hostile, b: ["<", ">", "&"] });
});
