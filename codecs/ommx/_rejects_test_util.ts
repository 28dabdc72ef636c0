// Test-only assertion shared by the OMMX reader-rule tests.
import assert from "node:assert/strict";
import type { DecodeError, OmmxError } from "../../core/errors.ts";

/**
 * Assert that `fn` throws an error of class `Cls` with the given `code` and a message matching `re`.
 *
 * @param fn The call expected to throw.
 * @param Cls The expected error class.
 * @param code The expected stable error code.
 * @param re A pattern the message must match.
 */
export function rejects(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  Cls: new (...args: any[]) => OmmxError,
  code: string,
  re: RegExp,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Cls, `expected ${Cls.name}, got ${e}`);
    assert.equal((e as DecodeError).code, code);
    assert.match((e as Error).message, re);
    return true;
  });
}
