/**
 * Internal: the one {@linkcode Hasher}-shaped wrapper over a hash engine that
 * hashes synchronously — Node's `Hash` (`createHasher`, `digest.ts`) and the
 * JavaScript {@linkcode Sha256} (`createPayloadHasher`, `_payload_hash.ts`),
 * which speaks the same shape. (WebCrypto hashes only whole payloads:
 * `BufferingHasher`, `_web_hash.ts`, keeps the chunks instead.)
 *
 * @module
 */

/** What {@linkcode SyncHasher} needs of its engine: Node's `Hash` shape. */
export interface HashEngine {
  /**
   * Feed more bytes.
   *
   * @param data The next bytes.
   * @returns Anything (Node's returns the hash itself).
   */
  update(data: Uint8Array): unknown;
  /**
   * An independent engine in the same state.
   *
   * @returns The copy.
   */
  copy(): HashEngine;
  /**
   * Finish. Call once.
   *
   * @param encoding `hex`.
   * @returns The 64-char lowercase hex digest.
   */
  digest(encoding: "hex"): string;
}

/**
 * An incremental SHA-256 hasher over a synchronous engine, shaped as
 * `digest.ts`'s `Hasher` (which it does not import: `digest.ts` imports this).
 *
 * @example
 * ```ts
 * import { SyncHasher } from "./_sync_hasher.ts";
 * import { Sha256 } from "./_sha256.ts";
 * import assert from "node:assert/strict";
 *
 * const h = new SyncHasher(new Sha256());
 * h.update(new TextEncoder().encode("a"));
 * const c = h.copy();
 * h.update(new TextEncoder().encode("bc"));
 * assert.equal(await h.digestHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * assert.equal(await c.digestHex(), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
 * ```
 */
export class SyncHasher {
  #engine: HashEngine;
  /**
   * Wrap an engine.
   *
   * @param engine A fresh engine, or one in the state to continue from.
   */
  constructor(engine: HashEngine) {
    this.#engine = engine;
  }
  /**
   * Feed more bytes.
   *
   * @param chunk The next bytes.
   */
  update(chunk: Uint8Array): void {
    this.#engine.update(chunk);
  }
  /**
   * A new hasher in the same state, independent of this one.
   *
   * @returns The copy.
   */
  copy(): SyncHasher {
    return new SyncHasher(this.#engine.copy());
  }
  /**
   * Finish and return the 64-char lowercase hex digest. Call once.
   *
   * @returns The hex digest.
   */
  digestHex(): Promise<string> {
    return Promise.resolve(this.#engine.digest("hex"));
  }
}
