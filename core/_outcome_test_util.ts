/**
 * Test helper: what an awaited call gave, its value or its error's class,
 * code and message, as one value to compare across two paths of the same
 * operation (Deno's file API and `node:fs`).
 *
 * @module
 */

/**
 * The outcome of `f`: `{ value }`, or the error's `name`, `code`, `osCode` and `message`.
 *
 * @param f The call.
 * @returns The outcome.
 */
export async function outcome(f: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await f() };
  } catch (e) {
    return {
      name: (e as Error).name,
      code: (e as { code?: unknown }).code,
      osCode: (e as { osCode?: unknown }).osCode,
      message: (e as Error).message,
    };
  }
}
