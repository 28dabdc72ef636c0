/**
 * Storage backends behind the OCI storage interfaces: `.ommx` archives
 * (read-only, from a file, `Uint8Array` or `Blob`), OCI image-layout
 * directories, memory, the OMMX Local Registry of the Python/Rust SDK
 * (Deno/Node), and remote OCI Distribution registries (fetch API only). Every
 * backend verifies size and digest of what it hands out.
 *
 * @example Push a blob into memory and fetch it back by descriptor
 * ```ts
 * import { MemoryTarget } from "./mod.ts";
 * import { digestOf } from "../digest.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("hello");
 * const descriptor = { mediaType: "text/plain", digest: await digestOf(bytes), size: 5 };
 * const store = new MemoryTarget();
 * await store.push(descriptor, bytes);
 * assert.deepEqual(await store.fetch(descriptor), bytes);
 * await assert.rejects(store.fetch({ ...descriptor, size: 4 }), { code: "SIZE_MISMATCH" });
 * ```
 *
 * @module
 */
export * from "./archive.ts";
export * from "./layout_dir.ts";
export * from "./local_registry.ts";
export * from "./local_registry_maintenance.ts";
export * from "./local_registry_root.ts";
export * from "./memory.ts";
export * from "./registry_env_credentials.ts";
export * from "./remote_registry.ts";
