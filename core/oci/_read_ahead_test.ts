import assert from "node:assert/strict";
import { readAhead, type ReadSome } from "./_read_ahead.ts";

/** A source over `bytes` answering at most `most` bytes a read, counting reads in flight. */
function source(bytes: Uint8Array, most = Infinity) {
  const state = { active: 0, positions: [] as number[], sequential: 0 };
  const read: ReadSome = async (buf, at) => {
    state.active++;
    state.positions.push(at);
    await new Promise((r) => setTimeout(r, 1));
    state.active--;
    const n = Math.min(buf.length, most, bytes.length - at);
    if (n <= 0) return null;
    buf.set(bytes.subarray(at, at + n));
    return n;
  };
  return { read, state };
}

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i * 7);
const two = (n: number): [Uint8Array, Uint8Array] => [new Uint8Array(n), new Uint8Array(n)];

Deno.test("readAhead: the bytes in order, in full chunks from short reads, the last chunk short", async () => {
  const { read, state } = source(bytes, 30);
  const got: number[] = [];
  const sizes: number[] = [];
  const running: number[] = [];
  for await (const chunk of readAhead(read, two(128))) {
    got.push(...chunk);
    sizes.push(chunk.length);
    running.push(state.active);
  }
  assert.deepEqual(running, [1, 1, 1, 1, 1, 1, 1, 0]); // the next read runs meanwhile
  assert.deepEqual(Uint8Array.from(got), bytes);
  assert.deepEqual(sizes, [128, 128, 128, 128, 128, 128, 128, 104]);
  assert.equal(state.active, 0);
  assert.deepEqual(state.positions.slice(0, 6), [0, 30, 60, 90, 120, 128]);
});

Deno.test("readAhead: a limit ends it there; a source ending first ends it early; chunks alternate buffers", async () => {
  const { read } = source(bytes);
  const buffers = two(100);
  const views: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of readAhead(read, buffers, 250)) {
    views.push(chunk);
    total += chunk.length;
  }
  assert.equal(total, 250);
  assert.deepEqual(views.map((v) => v.length), [100, 100, 50]);
  assert.deepEqual(views.map((v) => v.buffer === buffers[0].buffer), [true, false, true]);
  let short = 0;
  for await (const chunk of readAhead(source(bytes.subarray(0, 120)).read, two(100), 500)) {
    short += chunk.length;
  }
  assert.equal(short, 120);
  let none = 0;
  for await (const _ of readAhead(read, two(100), 0)) none++;
  assert.equal(none, 0);
});

Deno.test("readAhead: leaving the loop waits for the read in flight; a failed read rejects", async () => {
  const { read, state } = source(bytes);
  for await (const chunk of readAhead(read, two(100))) {
    assert.equal(chunk[1], 7);
    assert.equal(state.active, 1);
    break;
  }
  assert.equal(state.active, 0);
  await assert.rejects(
    (async () => {
      for await (const _ of readAhead(read, two(100))) throw new Error("write failed");
    })(),
    /write failed/,
  );
  assert.equal(state.active, 0);
  const failing: ReadSome = (_buf, at) =>
    at === 0 ? Promise.resolve(100) : Promise.reject(new Error("EIO"));
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of readAhead(failing, two(100))) seen.push(chunk.length);
    })(),
    /EIO/,
  );
  assert.deepEqual(seen, [100]);
});
