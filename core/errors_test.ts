import assert from "node:assert/strict";
import * as errors from "./errors.ts";
import {
  NetworkError,
  OMMX_ERROR_CODES,
  OmmxError,
  RegistryError,
  UnsupportedError,
} from "./errors.ts";

Deno.test("errors: every built-in error is named after its class, by a literal", () => {
  const classes = Object.entries(errors).filter(([, v]) =>
    typeof v === "function" && (v === OmmxError || v.prototype instanceof OmmxError)
  );
  assert.equal(classes.length, 32);
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

Deno.test("errors: every code is listed once; every class throws a listed code", () => {
  assert.equal(OMMX_ERROR_CODES.length, 32);
  assert.equal(new Set(OMMX_ERROR_CODES).size, OMMX_ERROR_CODES.length);
  const byClass = new Map<string, string>();
  const args: Record<string, unknown[]> = {
    OmmxError: ["INVALID_STATE", "x"],
    RegistryError: ["DENIED", "x"],
    NetworkError: ["TIMEOUT", "x"],
    AdapterNotApplicableError: ["my.Adapter", ["reason"]],
  };
  for (const [name, cls] of Object.entries(errors)) {
    if (typeof cls !== "function" || !(cls === OmmxError || cls.prototype instanceof OmmxError)) {
      continue;
    }
    const err = Reflect.construct(cls, args[name] ?? ["a", "b", "c", "d"]) as OmmxError;
    assert.ok(OMMX_ERROR_CODES.includes(err.code), `${name}: ${err.code}`);
    byClass.set(name, err.code);
  }
  assert.equal(byClass.get("ReferenceConflictError"), "ALREADY_EXISTS");
  assert.equal(byClass.get("InvalidArgumentError"), "INVALID_ARGUMENT");
  assert.equal(byClass.get("AdapterNotApplicableError"), "NOT_APPLICABLE");
  assert.equal(byClass.get("InfeasibleDetected"), "INFEASIBLE");
  assert.equal(byClass.get("UnboundedDetected"), "UNBOUNDED");
  assert.equal(byClass.get("NoSolutionReturned"), "NO_SOLUTION");
  assert.equal(byClass.get("IoError"), "IO");
  assert.equal(byClass.get("DatabaseError"), "DATABASE");
  assert.equal(byClass.has("UnsafePathError"), false);
});

Deno.test("errors: RegistryError keeps the status, the registry codes and the URL", () => {
  const cause = new TypeError("connection refused");
  const network = new RegistryError("NETWORK", "GET http://h/v2/ failed", {
    cause,
    url: "http://h/v2/",
  });
  assert.equal(network.code, "NETWORK");
  assert.equal(network.status, undefined);
  assert.deepEqual(network.registryCodes, []);
  assert.equal(network.cause, cause);
  const denied = new RegistryError("DENIED", "x", { status: 403, registryCodes: ["DENIED"] });
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.registryCodes, ["DENIED"]);
  assert.ok(Object.isFrozen(denied.registryCodes));
  assert.equal(String(denied), "RegistryError: x");
});

Deno.test("errors: NetworkError keeps status and URL; RegistryError is one", () => {
  const timeout = new NetworkError("TIMEOUT", "GET https://h/a.ommx: no response within 5 ms", {
    url: "https://h/a.ommx",
  });
  assert.equal(timeout.code, "TIMEOUT");
  assert.equal(timeout.status, undefined);
  assert.equal(timeout.url, "https://h/a.ommx");
  assert.equal(timeout.name, "NetworkError");
  const http = new NetworkError("HTTP", "GET https://h/a.ommx answered HTTP 404", { status: 404 });
  assert.equal(http.status, 404);
  const registry = new RegistryError("TIMEOUT", "x");
  assert.ok(registry instanceof NetworkError);
  assert.equal(registry.name, "RegistryError");
  assert.ok(OMMX_ERROR_CODES.includes("TIMEOUT") && OMMX_ERROR_CODES.includes("HTTP"));
});

Deno.test("errors: the solver outcomes read as the reference adapters' exceptions", () => {
  const infeasible = new errors.InfeasibleDetected();
  assert.equal(String(infeasible), "InfeasibleDetected: Model was infeasible");
  assert.equal(infeasible.code, "INFEASIBLE");
  assert.equal(String(new errors.UnboundedDetected()), "UnboundedDetected: Model was unbounded");
  const none = new errors.NoSolutionReturned("time limit reached", { cause: 7 });
  assert.equal(none.code, "NO_SOLUTION");
  assert.equal(none.cause, 7);
  const na = new errors.AdapterNotApplicableError("a.B", ["x", "y"]);
  assert.equal(na.message, "a.B is not applicable:\n- x\n- y");
  assert.equal(na.adapter, "a.B");
  assert.deepEqual(na.reasons, ["x", "y"]);
  assert.ok(Object.isFrozen(na.reasons));
});
