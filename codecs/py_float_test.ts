import assert from "node:assert/strict";
import { isFloat, PyFloat, pyFloat, pythonFloatRepr } from "./py_float.ts";
import { InvalidArgumentError } from "../core/errors.ts";

Deno.test("PyFloat: wraps numbers only; a non-number is an InvalidArgumentError", () => {
  assert.equal(pyFloat(2).value, 2);
  assert.equal(isFloat(pyFloat(2)), true);
  assert.equal(isFloat(2), false);
  assert.equal(isFloat(2.5), true);
  assert.throws(() => new PyFloat("2" as unknown as number), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.match(e.message, /PyFloat needs a number, got string/);
    return true;
  });
});

Deno.test("pythonFloatRepr: Python's repr(float) text", () => {
  assert.equal(pythonFloatRepr(1), "1.0");
  assert.equal(pythonFloatRepr(0.1), "0.1");
  assert.equal(pythonFloatRepr(1e16), "1e+16");
  assert.equal(pythonFloatRepr(1e-5), "1e-05");
  assert.equal(pythonFloatRepr(-0), "-0.0");
});
