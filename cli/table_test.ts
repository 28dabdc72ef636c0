import assert from "node:assert/strict";
import { layoutTable, renderCsv, renderKeyValues, renderTable } from "./table.ts";
import { escapeControls } from "./safe_text.ts";

/** Display width as the table counts it (CJK two columns). */
const cols = (s: string) => [...s].reduce((w, c) => w + (/[\u3000-\u9fff]/.test(c) ? 2 : 1), 0);

Deno.test("renderTable aligns numbers right, text left, and counts wide characters as two columns", () => {
  const text = renderTable(["name", "n"], [["日本", "1"], ["abc", "-2.5"]]);
  assert.equal(text, "name     n\n----  ----\n日本     1\nabc   -2.5\n");
});

Deno.test("renderTable flattens line breaks and, without a width, never cuts a cell", () => {
  const long = "x".repeat(300);
  const text = renderTable(["reason"], [["a\nb"], ["c\r\nd\re"], [long]]);
  const lines = text.split("\n");
  assert.equal(lines[2], "a ⏎ b");
  assert.equal(lines[3], "c ⏎ d ⏎ e");
  assert.equal(lines[4], long);
});

Deno.test("renderTable fits a width: widest text columns cut first with …, numbers never cut", () => {
  const rows = [["7", "RuntimeError: " + "z".repeat(80), "highs", "123456789.0"]];
  const header = ["run", "reason", "solver", "objective"];
  for (const width of [80, 60, 40]) {
    const { text, elided } = layoutTable(header, rows, { width });
    const lines = text.trimEnd().split("\n");
    for (const l of lines) assert.ok(cols(l) <= width, `${width}: ${JSON.stringify(l)}`);
    assert.deepEqual(elided, [[false, true, false, false]], `width ${width}`);
    assert.ok(lines[2]!.includes("…"));
    assert.ok(lines[2]!.endsWith("123456789.0"), "numbers are never cut");
    assert.ok(lines[2]!.includes("highs"), "a column narrower than the cap is kept");
  }
  // Wide characters are cut by display width.
  const cjk = layoutTable(["a", "b"], [["日本語のテキストがとても長い場合", "1"]], { width: 15 });
  for (const l of cjk.text.trimEnd().split("\n")) assert.ok(cols(l) <= 15, l);
});

Deno.test("renderTable: a width too small for the minimum columns overflows instead of hiding them", () => {
  const text = renderTable(["status", "reason"], [["finished", "some reason text here"]], {
    width: 5,
  });
  assert.equal(text.split("\n")[2], "finished  some re…");
});

Deno.test("renderTable treats NaN, nan, inf and — as numbers; empty cells do not break alignment", () => {
  const text = renderTable(["v"], [["NaN"], ["-Infinity"], [""], ["nan"], ["—"]]);
  assert.equal(text, "        v\n---------\n      NaN\n-Infinity\n\n      nan\n        —\n");
});

Deno.test("tables and key/values escape control characters from an archive", () => {
  const text = renderTable(["k"], [["\u001b[2J\u0007bell\u009b"]]) +
    renderKeyValues([["reason", "x\u001b]0;title\u0007"]]);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(text, /\\x1b\[2J\\x07bell\\x9b/);
  assert.equal(escapeControls("ok\ttab"), "ok\ttab");
});

Deno.test("renderKeyValues and renderCsv (Python csv QUOTE_MINIMAL)", () => {
  assert.equal(renderKeyValues([["image", "x"], ["status", "ok"]]), "image:   x\nstatus:  ok\n");
  assert.equal(
    renderCsv(["a", "b,c"], [[" padded ", "line\nbreak"], ['q"', "cr\rx"], ["", "#;\t"]]),
    'a,"b,c"\n padded ,"line\nbreak"\n"q""","cr\rx"\n,#;\t\n',
  );
  // A lone empty field is written as "" (Python's csv), so the record is not a blank line.
  assert.equal(renderCsv(["x"], [[""]]), 'x\n""\n');
});
