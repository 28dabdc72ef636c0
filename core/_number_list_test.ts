import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { NumberList } from "./_number_list.ts";

// Against a plain array, through growth past several doublings and cuts.
Deno.test("NumberList: the same numbers as an array after every push and cut", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          { weight: 8, arbitrary: fc.oneof(fc.nat(), fc.double(), fc.constant(2 ** 53 - 1)) },
          { weight: 1, arbitrary: fc.record({ keep: fc.integer({ min: -2, max: 80 }) }) },
        ),
        { maxLength: 200 },
      ),
      (steps) => {
        const list = new NumberList();
        const model: number[] = [];
        for (const s of steps) {
          if (typeof s === "number") {
            list.push(s);
            model.push(s);
          } else {
            list.truncate(s.keep);
            if (s.keep < model.length) model.length = Math.max(0, s.keep);
          }
          assert.equal(list.length, model.length);
          assert.equal(list.last(), model.at(-1));
        }
        for (let i = -1; i <= model.length; i++) assert.equal(list.at(i), model[i]);
      },
    ),
  );
});

Deno.test("NumberList: a cut then a push overwrites; reads past the end are undefined", () => {
  const list = new NumberList();
  for (let i = 0; i < 40; i++) list.push(i);
  list.truncate(3);
  assert.equal(list.at(3), undefined);
  list.push(-1);
  assert.deepEqual([list.at(0), list.at(2), list.at(3), list.at(4)], [0, 2, -1, undefined]);
  list.truncate(0);
  assert.equal(list.last(), undefined);
});
