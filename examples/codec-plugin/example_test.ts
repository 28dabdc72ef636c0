import assert from "node:assert/strict";

Deno.test("example.ts runs and prints the matrix read both ways", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./example.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(stdout, /"distances" is application\/x-npy/);
  assert.match(
    stdout,
    /registry: +float64 \[3,3\]\n {2}\[0, 1\.5, 2\.25\]\n {2}\[1\.5, 0, 3\]\n {2}\[2\.25, 3, 0\]/,
  );
  assert.match(stdout, /getWithCodec: run 0 origin=0 row=\[0,1\.5,2\.25\]/);
  assert.match(stdout, /getWithCodec: run 1 origin=1 row=\[1\.5,0,3\]/);
});
