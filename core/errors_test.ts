import assert from "node:assert/strict";
import * as errors from "./errors.ts";
import { OmmxError, UnsupportedError } from "./errors.ts";

Deno.test("errors: every built-in error is named after its class, by a literal", () => {
  const classes = Object.entries(errors).filter(([, v]) =>
    typeof v === "function" && (v === OmmxError || v.prototype instanceof OmmxError)
  );
  assert.equal(classes.length, 21);
  for (const [exported, cls] of classes) {
    const err = Reflect.construct(cls as typeof OmmxError, ["INVALID_STATE", "x", 1]) as OmmxError;
    assert.equal(err.name, exported);
    assert.ok(String(err).startsWith(`${exported}: `), String(err));
    assert.equal(typeof err.code, "string");
  }
});

Deno.test("errors: the names do not depend on the class binding (minified bundles)", () => {
  // A minifier renames `class UnsupportedError` to e.g. `M`; simulate it.
  const renamed = UnsupportedError;
  Object.defineProperty(renamed, "name", { value: "M", configurable: true });
  try {
    const err = new renamed("no");
    assert.equal(err.name, "UnsupportedError");
    assert.equal(err.code, "UNSUPPORTED");
  } finally {
    Object.defineProperty(renamed, "name", { value: "UnsupportedError", configurable: true });
  }
});

Deno.test("errors: subclasses outside the library keep their own name", () => {
  class QuotaError extends UnsupportedError {}
  const err = new QuotaError("quota");
  assert.equal(err.name, "QuotaError");
  assert.equal(err.code, "UNSUPPORTED");
  assert.ok(err instanceof UnsupportedError);
});
