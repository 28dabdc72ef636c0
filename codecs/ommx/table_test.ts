import assert from "node:assert/strict";
import { Table, type TableColumn } from "./table.ts";
import { FrameBuilder } from "./_frame.ts";
import { Function } from "./function.ts";
import { jupyterDisplay } from "../_jupyter_test_util.ts";

const idx = (values: number[]): TableColumn => ({
  name: "id",
  type: "int",
  dtype: "int64",
  values,
});

Deno.test("Table: columns, rows, records, shape, lookups and their errors", () => {
  const t = new Table(idx([3, 7]), [
    { name: "value", type: "float", dtype: "float64", values: [1, 0.5] },
    { name: "ok", type: "bool", dtype: "bool", values: [true, false] },
  ]);
  assert.deepEqual(t.columnNames, ["value", "ok"]);
  assert.deepEqual(t.shape, [2, 2]);
  assert.equal(t.numRows, 2);
  assert.deepEqual(t.row(1), { id: 7, value: 0.5, ok: false });
  assert.deepEqual([...t], [{ id: 3, value: 1, ok: true }, { id: 7, value: 0.5, ok: false }]);
  assert.deepEqual(t.toRecords(), [...t.rows()]);
  assert.equal(t.column("ok").dtype, "bool");
  assert.throws(() => t.column("nope"), { code: "NOT_FOUND", message: 'No column "nope"' });
  assert.throws(() => t.row(2), RangeError);
  assert.throws(() => t.row(-1), RangeError);
  assert.throws(
    () => new Table(idx([1]), [{ name: "x", type: "int", dtype: "int64", values: [1, 2] }]),
    /column "x" has 2 cells, the index 1/,
  );
  // console.table takes the records (plain objects).
  for (const r of t.toRecords()) assert.equal(Object.getPrototypeOf(r), Object.prototype);
});

Deno.test("Table.toCsv: pandas' to_csv text for every cell kind, quoting and missing cells", () => {
  const t = new Table(idx([0, 1, 2]), [
    { name: "f", type: "float", dtype: "Float64", values: [NaN, null, -0] },
    { name: "g", type: "float", dtype: "float64", values: [Infinity, 1e-5, 1e16] },
    { name: "i", type: "int", dtype: "Int64", values: [9223372036854775807n, null, -5] },
    { name: "s", type: "string", dtype: "object", values: ['a,"b"', "line\nbreak", "cr\r"] },
    { name: "l", type: "list", dtype: "object", values: [[1, 2], [], [-3]] },
    { name: "u", type: "set", dtype: "object", values: [[3, 11], [], [0, 1]] },
    {
      name: "fn",
      type: "function",
      dtype: "object",
      values: [Function.linear([[1, 2]], -1), Function.constant(0), null],
    },
  ]);
  assert.equal(
    t.toCsv(),
    "id,f,g,i,s,l,u,fn\n" +
      '0,nan,inf,9223372036854775807,"a,""b""","[1, 2]","{11, 3}",Function(2*x1 - 1)\n' +
      '1,,1e-05,,"line\nbreak",[],set(),Function(0)\n' +
      '2,-0.0,1e+16,-5,"cr\r",[-3],"{0, 1}",\n',
  );
  // A lone empty field is quoted, as Python's csv module writes it.
  const empty = new Table({ name: "", type: "string", dtype: "object", values: [""] }, []);
  assert.equal(empty.toCsv(), '""\n""\n');
});

Deno.test("Table: text and notebook renderings escape every value and elide long tables", async () => {
  const evil = "<script>alert('x')</script>";
  const t = new Table(idx([1]), [
    { name: evil, type: "string", dtype: "object", values: [`${evil} & "q"`] },
    { name: "n", type: "int", dtype: "object", values: [null] },
  ]);
  const { html, text } = await jupyterDisplay(t);
  assert.ok(!html.includes("<script>"), html);
  assert.ok(html.includes("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  assert.ok(html.includes('<td class="num na">&lt;NA&gt;</td>'), html);
  assert.ok(html.startsWith('<div class="ommx-ts"><style>'));
  assert.equal(t.toHtml(), html);
  assert.equal(text, t.toString());
  assert.ok(t.toString().startsWith("id  <script>alert('x')</script>"), t.toString());
  assert.match(t.toString(), /\n 1 {2}<script>/);

  const long = new Table(
    idx(Array.from({ length: 100 }, (_, i) => i)),
    [{ name: "v", type: "int", dtype: "int64", values: Array.from({ length: 100 }, (_, i) => i) }],
  );
  const longText = long.toString();
  assert.equal(longText.split("\n").length, 1 + 11 + 2);
  assert.match(longText, /\.\.\.[\s\S]*\n\[100 rows x 1 columns\]$/);
  assert.equal((long.toHtml().match(/<tr>/g) ?? []).length, 1 + 10);
});

Deno.test("FrameBuilder: columns by first appearance, pandas' dtype inference, set_index", () => {
  const b = new FrameBuilder("id");
  b.row();
  b.int("id", 5);
  b.int("a", 1);
  b.bool("flag", true);
  b.floatOrNa("dual", 1.5);
  b.str("name", "x");
  b.int("a", 2); // set twice: keeps its first position, last value
  b.row();
  b.int("id", 6);
  b.str("name", "y");
  b.floatOrNa("dual", undefined);
  b.bool("flag", false);
  b.int("late", 3);
  b.none("opt");
  const t = b.build();
  assert.deepEqual(t.columnNames, ["a", "flag", "dual", "name", "late", "opt"]);
  assert.deepEqual(t.index, { name: "id", type: "int", dtype: "int64", values: [5, 6] });
  const col = (n: string) => t.column(n);
  // An int column with a missing cell becomes float64 (and prints 2.0).
  assert.deepEqual([col("a").dtype, col("a").type, col("a").values], ["float64", "float", [
    2,
    null,
  ]]);
  assert.deepEqual([col("flag").dtype, col("flag").values], ["bool", [true, false]]);
  // A float with pandas.NA stays object.
  assert.deepEqual([col("dual").dtype, col("dual").type], ["object", "float"]);
  assert.deepEqual([col("late").dtype, col("late").values], ["float64", [null, 3]]);
  assert.deepEqual([col("opt").dtype, col("opt").values], ["object", [null, null]]);
  assert.equal(t.toCsv(), "id,a,flag,dual,name,late,opt\n5,2.0,True,1.5,x,,\n6,,False,,y,3.0,\n");

  // A boolean with a missing cell is object; mixed kinds keep each cell's own text.
  const m = new FrameBuilder("id");
  m.row();
  m.int("id", 0);
  m.bool("v", true);
  m.row();
  m.int("id", 1);
  m.int("v", 1);
  m.row();
  m.int("id", 2);
  const mt = m.build();
  assert.deepEqual([mt.column("v").dtype, mt.column("v").type], ["object", "mixed"]);
  assert.equal(mt.toCsv(), "id,v\n0,True\n1,1\n2,\n");

  // No rows: no columns, the index keeps its name.
  const empty = new FrameBuilder("regular_constraint_id").build();
  assert.deepEqual([empty.columnNames, empty.index.name, empty.numRows], [
    [],
    "regular_constraint_id",
    0,
  ]);
  assert.equal(empty.toCsv(), "regular_constraint_id\n");
});
