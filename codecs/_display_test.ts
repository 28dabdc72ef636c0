import assert from "node:assert/strict";
import {
  DISPLAY_STYLE,
  escapeHtml,
  jupyterBundle,
  kvHtml,
  statusCell,
  tableHtml,
  VIEWER_RULES,
} from "./_display.ts";

/** The rules of the viewer's `<style>` element: selector → declarations (normalised). */
function viewerRules(): Map<string, string> {
  const html = Deno.readTextFileSync(new URL("../cli/viewer/index.html", import.meta.url));
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
  const rules = new Map<string, string>();
  for (const m of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const selector = m[1]!.trim().split(/,\s*/).join(",\n");
    rules.set(selector, normalise(m[2]!));
  }
  return rules;
}

function normalise(decls: string): string {
  return decls.split(";").map((d) => d.trim().replace(/\s+/g, " ")).filter((d) => d !== "")
    .join("; ");
}

Deno.test("notebook display: the viewer's style rules, unchanged, scoped under .ommx-ts", () => {
  const viewer = viewerRules();
  for (const [selector, declarations] of VIEWER_RULES) {
    assert.equal(
      normalise(declarations),
      viewer.get(selector),
      `rule ${JSON.stringify(selector)} differs from cli/viewer/index.html`,
    );
  }
  assert.ok(DISPLAY_STYLE.includes(".ommx-ts { --fg: #1d2330;"));
  assert.ok(DISPLAY_STYLE.includes(".ommx-ts th, .ommx-ts td {"));
  assert.ok(!/(^|\})\s*(table|th|td)\s*\{/.test(DISPLAY_STYLE), "every rule is scoped");
});

Deno.test("notebook display: helpers escape text and attributes", () => {
  assert.equal(
    escapeHtml(`<a href="x">&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;",
  );
  assert.equal(
    kvHtml([["<k>", "<v>"], ["skip", undefined], ["null", null]]),
    '<dl class="kv"><dt>&lt;k&gt;</dt><dd>&lt;v&gt;</dd></dl>',
  );
  const t = tableHtml(["a&b"], [[statusCell("failed")], [{
    text: "<x>",
    class: 'num" onclick="',
  }]]);
  assert.ok(t.includes("<th>a&amp;b</th>"));
  assert.ok(t.includes('<td class="status failed">failed</td>'));
  assert.ok(t.includes('<td class="num&quot; onclick=&quot;">&lt;x&gt;</td>'));
  const b = jupyterBundle("<p>x</p>", "x");
  assert.equal(b["text/plain"], "x");
  assert.ok(b["text/html"]!.endsWith("<p>x</p></div>"));
});
