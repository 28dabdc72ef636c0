/**
 * Test helper: call an object's `[Symbol.for("Jupyter.display")]()` as Deno's
 * Jupyter kernel does, and check the bundle has HTML and plain text.
 *
 * @module
 */
import assert from "node:assert/strict";

/**
 * The MIME bundle an object gives a notebook.
 *
 * @param obj The displayed object.
 * @returns `text/html` and `text/plain`.
 */
export async function jupyterDisplay(obj: object): Promise<{ html: string; text: string }> {
  const fn = (obj as Record<symbol, unknown>)[Symbol.for("Jupyter.display")];
  assert.equal(typeof fn, "function", "no Jupyter.display method");
  const bundle = await (fn as () => Record<string, string> | Promise<Record<string, string>>)
    .call(obj);
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  const html = bundle["text/html"]!;
  assert.ok(html.startsWith('<div class="ommx-ts"><style>'), html.slice(0, 80));
  return { html, text: bundle["text/plain"]! };
}
