/**
 * Internal: SHA-256 (FIPS 180-4) in plain JavaScript, synchronous and
 * incremental. Under Deno the writer hashes the small payloads it builds
 * with it: `node:crypto` would load Node's compatibility layer (~10 MiB of
 * resident memory) and WebCrypto's `digest` is a round trip to a pool thread
 * per call (~40 µs for 2 KB, against ~12 µs here; BENCHMARKS.md, branch i13n).
 *
 * @module
 */
import { HEX_BYTE } from "../_hex.ts";

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = new Int32Array([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);

/** The message schedule, shared: hashing is synchronous and never re-entered. */
const W = new Int32Array(64);

/** The padded last block(s) of a message, shared like {@linkcode W}. */
const TAIL = new Uint8Array(128);

/** The hash words of {@linkcode sha256HexOf}, shared like {@linkcode W}. */
const ONE_SHOT = new Int32Array(8);

/**
 * Pad the last `n` bytes (fewer than 64, `src` from `from`) of a
 * `length`-byte message, compress them into `h` and return the digest as
 * hex. Nothing is allocated but the string.
 */
function finish(h: Int32Array, src: Uint8Array, from: number, n: number, length: number): string {
  const end = n < 56 ? 64 : 128;
  for (let i = 0; i < n; i++) TAIL[i] = src[from + i]!;
  TAIL[n] = 0x80;
  TAIL.fill(0, n + 1, end - 8);
  const hi = Math.floor(length / 0x2000_0000); // the bit length's upper 32 bits
  const lo = (length << 3) >>> 0;
  TAIL[end - 8] = hi >>> 24;
  TAIL[end - 7] = hi >>> 16;
  TAIL[end - 6] = hi >>> 8;
  TAIL[end - 5] = hi;
  TAIL[end - 4] = lo >>> 24;
  TAIL[end - 3] = lo >>> 16;
  TAIL[end - 2] = lo >>> 8;
  TAIL[end - 1] = lo;
  blocks(h, TAIL, 0, end >>> 6);
  let out = "";
  for (let i = 0; i < 8; i++) {
    const w = h[i]!;
    out += HEX_BYTE[w >>> 24]! + HEX_BYTE[(w >>> 16) & 0xff]! + HEX_BYTE[(w >>> 8) & 0xff]! +
      HEX_BYTE[w & 0xff]!;
  }
  return out;
}

/** Compress the 64-byte blocks of `data` from `offset` (`n` blocks) into `h`. */
function blocks(h: Int32Array, data: Uint8Array, offset: number, n: number): void {
  let h0 = h[0]!, h1 = h[1]!, h2 = h[2]!, h3 = h[3]!;
  let h4 = h[4]!, h5 = h[5]!, h6 = h[6]!, h7 = h[7]!;
  for (let blk = 0; blk < n; blk++, offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      W[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15]!, b = W[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0, h[1] = h1, h[2] = h2, h[3] = h3, h[4] = h4, h[5] = h5, h[6] = h6, h[7] = h7;
}

/**
 * An incremental SHA-256.
 *
 * @example
 * ```ts
 * import { Sha256 } from "./_sha256.ts";
 * import assert from "node:assert/strict";
 *
 * const h = new Sha256();
 * h.update(new TextEncoder().encode("a"));
 * const c = h.copy();
 * h.update(new TextEncoder().encode("bc"));
 * assert.equal(h.digest("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * assert.equal(c.digest("hex"), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
 * ```
 */
export class Sha256 {
  #h = new Int32Array(INITIAL);
  #buffer = new Uint8Array(64);
  #buffered = 0;
  #length = 0;

  /**
   * Feed bytes.
   *
   * @param data The next bytes.
   */
  update(data: Uint8Array): void {
    this.#length += data.length;
    let at = 0;
    if (this.#buffered > 0) {
      const take = Math.min(64 - this.#buffered, data.length);
      this.#buffer.set(data.subarray(0, take), this.#buffered);
      this.#buffered += take;
      at = take;
      if (this.#buffered < 64) return;
      blocks(this.#h, this.#buffer, 0, 1);
      this.#buffered = 0;
    }
    const whole = (data.length - at) >>> 6;
    if (whole > 0) blocks(this.#h, data, at, whole);
    at += whole * 64;
    if (at < data.length) {
      this.#buffer.set(data.subarray(at), 0);
      this.#buffered = data.length - at;
    }
  }

  /**
   * An independent hasher in the same state.
   *
   * @returns The copy.
   */
  copy(): Sha256 {
    const other = new Sha256();
    other.#h.set(this.#h);
    other.#buffer.set(this.#buffer);
    other.#buffered = this.#buffered;
    other.#length = this.#length;
    return other;
  }

  /**
   * Finish and return the 64-char lowercase hex digest. Call once. (Node's
   * `Hash.digest` shape, so that `_sync_hasher.ts` wraps both alike.)
   *
   * @param _encoding `hex`, the only one.
   * @returns The hex digest.
   */
  digest(_encoding: "hex"): string {
    return finish(this.#h, this.#buffer, 0, this.#buffered, this.#length);
  }
}

/**
 * The SHA-256 of a whole message as 64 lowercase hex characters, in one
 * call: what `new Sha256()`, `update` and `digest` give, without the
 * hasher's state and buffers (the writer hashes thousands of payloads of a
 * few hundred bytes, where those cost as much as the compression).
 *
 * @example
 * ```ts
 * import { sha256HexOf } from "./_sha256.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   sha256HexOf(new TextEncoder().encode("abc")),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 *
 * @param data The message.
 * @returns The hex digest.
 */
export function sha256HexOf(data: Uint8Array): string {
  ONE_SHOT.set(INITIAL);
  const whole = Math.floor(data.length / 64);
  if (whole > 0) blocks(ONE_SHOT, data, 0, whole);
  const from = whole * 64;
  return finish(ONE_SHOT, data, from, data.length - from, data.length);
}
