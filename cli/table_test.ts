import assert from "node:assert/strict";
import { renderCsv, renderKeyValues, renderTable } from "./table.ts";

Deno.test("renderTable aligns numbers right, text left, and counts wide characters as two columns", () => {
  const text = renderTable(["name", "n"], [["日本", "1"], ["abc", "-2.5"]]);
  assert.equal(text, "name     n\n----  ----\n日本     1\nabc   -2.5\n");
});

Deno.test("renderTable flattens newlines and truncates long cells", () => {
  const text = renderTable(["reason"], [["a\nb"], ["x".repeat(100)]]);
  const lines = text.split("\n");
  assert.equal(lines[2], "a ⏎ b");
  assert.equal(lines[3], "x".repeat(47) + "…");
});

Deno.test("renderTable treats NaN and Infinity as numbers; empty cells do not break alignment", () => {
  const text = renderTable(["v"], [["NaN"], ["-Infinity"], [""]]);
  assert.equal(text, "        v\n---------\n      NaN\n-Infinity\n\n");
});

Deno.test("renderKeyValues and renderCsv", () => {
  assert.equal(renderKeyValues([["image", "x"], ["status", "ok"]]), "image:   x\nstatus:  ok\n");
  assert.equal(renderCsv(["a"], [[" padded"], ["line\nbreak"]]), 'a\n" padded"\n"line\nbreak"\n');
});
