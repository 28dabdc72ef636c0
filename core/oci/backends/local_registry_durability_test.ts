// The Local Registry's durability order, observed on the file calls it makes:
// every blob's temporary file is fully written and fsynced before it gets its
// final name (nothing half-written or unsynced is ever visible under a digest),
// and every blob is under its final name before the manifest naming it is.
// Deno's file functions are wrapped for the test and restored after.
import assert from "node:assert/strict";
import type { Descriptor } from "../descriptor.ts";
import { digestOf } from "../digest.ts";
import { openLocalRegistry } from "./local_registry.ts";

const enc = new TextEncoder();

type Event =
  | { op: "write"; path: string; bytes: number }
  | { op: "sync"; path: string; size: number }
  | { op: "link"; from: string; to: string; size: number };

/** Wrap `Deno.openSync` (its files' `writeSync` and `sync`) and `Deno.linkSync` to record events. */
function recordFileCalls(events: Event[]): () => void {
  const deno = Deno as unknown as Record<string, unknown>;
  const openSync = Deno.openSync;
  const linkSync = Deno.linkSync;
  deno.openSync = (path: string | URL, options?: Deno.OpenOptions) => {
    const file = openSync(path, options);
    const p = String(path);
    const writeSync = file.writeSync.bind(file);
    const sync = file.sync.bind(file);
    Object.assign(file, {
      writeSync(data: Uint8Array) {
        const n = writeSync(data);
        events.push({ op: "write", path: p, bytes: n });
        return n;
      },
      async sync() {
        await sync();
        events.push({ op: "sync", path: p, size: Deno.statSync(p).size });
      },
    });
    return file;
  };
  deno.linkSync = (from: string, to: string) => {
    // The size on disk at the moment the name appears.
    events.push({ op: "link", from, to, size: Deno.statSync(from).size });
    linkSync(from, to);
  };
  return () => {
    deno.openSync = openSync;
    deno.linkSync = linkSync;
  };
}

Deno.test("LocalRegistryTarget.push: each blob fully written and fsynced before its final name; blobs named before the manifest", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-lr-durable-" });
  const events: Event[] = [];
  const restore = recordFileCalls(events);
  try {
    const registry = await openLocalRegistry({
      root: `${root}/registry`,
      writable: true,
      create: true,
    });
    try {
      const layers: { d: Descriptor; bytes: Uint8Array }[] = [];
      for (let i = 0; i < 24; i++) {
        const bytes = enc.encode(JSON.stringify({ layer: i, pad: "x".repeat(i * 100) }));
        layers.push({
          d: { mediaType: "application/json", digest: await digestOf(bytes), size: bytes.length },
          bytes,
        });
      }
      const configBytes = enc.encode(JSON.stringify({ experiment: "durable", runs: [] }));
      const config: Descriptor = {
        mediaType: "application/org.ommx.v1.experiment.config+json",
        digest: await digestOf(configBytes),
        size: configBytes.length,
      };
      // Concurrent pushes, as the writer's push queue makes them.
      await Promise.all([
        registry.push(config, configBytes),
        ...layers.map((l) => registry.push(l.d, l.bytes)),
      ]);
      const manifestBytes = enc.encode(JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        artifactType: "application/org.ommx.v1.experiment",
        config,
        layers: layers.map((l) => l.d),
      }));
      const manifest: Descriptor = {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: await digestOf(manifestBytes),
        size: manifestBytes.length,
      };
      await registry.push(manifest, manifestBytes);
      await registry.tag(manifest, "ghcr.io/ommx-ts/test/durable:v1");

      const links = events.filter((e) => e.op === "link");
      const finals = [config, ...layers.map((l) => l.d), manifest].map((d) =>
        `${root}/registry/blobs/sha256/${d.digest.slice("sha256:".length)}`
      );
      assert.deepEqual(links.map((e) => e.to).sort(), [...finals].sort());
      const sizeOf = new Map(
        [config, ...layers.map((l) => l.d), manifest].map((d, i) => [finals[i], d.size]),
      );
      for (const link of links) {
        const at = events.indexOf(link);
        const before = events.slice(0, at);
        const syncAt = before.findLastIndex((e) => e.op === "sync" && e.path === link.from);
        assert.ok(syncAt >= 0, `${link.to}: fsynced before it got its name`);
        const synced = before[syncAt] as { size: number };
        assert.equal(
          synced.size,
          sizeOf.get(link.to),
          `${link.to}: the whole blob was written when fsynced`,
        );
        assert.equal(
          before.slice(syncAt).some((e) => e.op === "write" && e.path === link.from),
          false,
          `${link.to}: nothing written after the fsync`,
        );
        assert.equal(link.size, sizeOf.get(link.to), `${link.to}: whole under its final name`);
      }
      // The manifest gets its name after every blob it names.
      const manifestLink = events.indexOf(links.find((e) => e.to === finals.at(-1))!);
      for (const f of finals.slice(0, -1)) {
        assert.ok(events.findIndex((e) => e.op === "link" && e.to === f) < manifestLink, f);
      }
    } finally {
      await registry.close();
    }
  } finally {
    restore();
    await Deno.remove(root, { recursive: true });
  }
});
