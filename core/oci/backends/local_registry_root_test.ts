import assert from "node:assert/strict";

// The root is process-wide state: exercise it in a fresh process.
Deno.test("setLocalRegistryRoot: once per process, then the default root of everything", async () => {
  const here = new URL(".", import.meta.url).href;
  const script = `
    import { setLocalRegistryRoot } from "${here}local_registry_root.ts";
    import { defaultLocalRegistryRoot } from "${here}local_registry.ts";
    const before = await defaultLocalRegistryRoot();
    await setLocalRegistryRoot("/tmp/ommx-root-a");
    await setLocalRegistryRoot("/tmp/ommx-root-a/");
    let second = "";
    try { await setLocalRegistryRoot("/tmp/ommx-root-b"); } catch (e) { second = e.code; }
    let empty = "";
    try { await setLocalRegistryRoot(""); } catch (e) { empty = e.code; }
    console.log(JSON.stringify({ before, after: await defaultLocalRegistryRoot(), second, empty }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    env: { OMMX_LOCAL_REGISTRY_ROOT: "/tmp/ommx-env-root" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    before: "/tmp/ommx-env-root",
    after: "/tmp/ommx-root-a",
    second: "INVALID_STATE",
    empty: "INVALID_ARGUMENT",
  });
});
