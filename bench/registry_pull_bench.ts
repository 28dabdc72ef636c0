/**
 * Pulling a 64 MiB blob through the network path (`core/oci/_http.ts`): from an in-process
 * registry on 127.0.0.1 with `RemoteTarget.fetchStream` (timeouts, progress watchdog and digest
 * check included), and the same bytes by HTTP range reads (`openHttpSource`, 1 MiB reads).
 */
import { openRemoteRegistry } from "../core/oci/backends/remote_registry.ts";
import { startRegistryServer } from "../core/oci/backends/_registry_server_test_util.ts";
import { openHttpSource } from "../core/oci/random_access_http.ts";
import { startHttpServer, staticFileHandler } from "../core/oci/_http_server_test_util.ts";
import { digestOf } from "../core/oci/digest.ts";

const SIZE = 64 << 20;
const bytes = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
const digest = await digestOf(bytes);
const registry = startRegistryServer();
registry.blobs.set(digest, bytes);
const target = await openRemoteRegistry(`${registry.host}/bench/pull:v1`);
const descriptor = { mediaType: "application/octet-stream", digest, size: SIZE };
const files = startHttpServer(staticFileHandler(bytes, { ranges: true }));

Deno.bench("registry: fetchStream of a 64 MiB blob (verified)", { n: 7, warmup: 1 }, async () => {
  let n = 0;
  for await (const chunk of target.fetchStream(descriptor)) n += chunk.length;
  if (n !== SIZE) throw new Error(`read ${n} bytes`);
});

Deno.bench("http source: 64 MiB by 1 MiB range reads", { n: 7, warmup: 1 }, async () => {
  const source = await openHttpSource(`${files.origin}/blob`);
  for (let at = 0; at < SIZE; at += 1 << 20) await source.read(at, 1 << 20);
  await source.close();
});

globalThis.addEventListener("unload", () => {
  registry.close();
  files.close();
});
