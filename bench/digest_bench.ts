import { createHasher, verify } from "../core/oci/digest.ts";

const CHUNK = new Uint8Array(1 << 20).fill(0x5a);
const CHUNKS = Array.from({ length: 256 }, () => CHUNK);
const h = await createHasher();
for (const c of CHUNKS) h.update(c);
const EXPECTED = { digest: `sha256:${await h.digestHex()}`, size: 256 << 20 };

Deno.bench("hash 256 MiB in 1 MiB chunks (createHasher)", { n: 5, warmup: 1 }, async () => {
  const hasher = await createHasher();
  for (const c of CHUNKS) hasher.update(c);
  await hasher.digestHex();
});

Deno.bench("verify 256 MiB stream in 1 MiB chunks", { n: 5, warmup: 1 }, async () => {
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < CHUNKS.length) c.enqueue(CHUNKS[i++] as Uint8Array);
      else c.close();
    },
  });
  await verify(stream, EXPECTED);
});
