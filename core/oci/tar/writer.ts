/**
 * A byte-exact ustar writer matching the reference OMMX SDK's archives:
 * mode `0000644`, uid/gid/uname/gname empty, mtime 0, magic `ustar\0` + `00`,
 * checksum as 7 octal digits + NUL, members zero-padded to 512 bytes, and
 * exactly 1024 zero bytes at the end (no padding to a 10240-byte record).
 *
 * @module
 */
import { InvalidArgumentError, SizeMismatchError } from "../../errors.ts";
import { concatBytes } from "../../_bytes.ts";
import { BLOCK, headerChecksum, paddingOf } from "./_header.ts";

/** One member to write. */
export interface TarWriteEntry {
  /** Member path; 1–100 UTF-8 bytes, no NUL. */
  readonly name: string;
  /** Exact body length in bytes. */
  readonly size: number;
  /** The body: bytes, or a stream yielding exactly `size` bytes. */
  readonly body: Uint8Array | ReadableStream<Uint8Array>;
}

/** Where a {@linkcode TarWriter} writes: a WritableStream or anything with `write`. */
export type TarSink = WritableStream<Uint8Array> | {
  write(chunk: Uint8Array): void | Promise<void>;
};

const encoder = new TextEncoder();
const OCTAL_11_LIMIT = 8 ** 11;

function writeOctal(h: Uint8Array, start: number, digits: number, value: number): void {
  const s = value.toString(8).padStart(digits, "0");
  for (let i = 0; i < digits; i++) h[start + i] = s.charCodeAt(i);
  h[start + digits] = 0;
}

/**
 * Encode the 512-byte ustar header of a regular file exactly as the
 * reference writes it.
 *
 * @example The `oci-layout` header's checksum
 * ```ts
 * import { encodeTarHeader } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * const h = encodeTarHeader("oci-layout", 30);
 * assert.equal(new TextDecoder().decode(h.subarray(148, 156)), "0006514\0");
 * ```
 *
 * @param name Member path (1–100 UTF-8 bytes).
 * @param size Body length (sizes ≥ 8 GiB use the base-256 encoding).
 * @returns A fresh 512-byte header.
 * @throws {InvalidArgumentError} On an empty, too long or NUL-containing name, or a bad size.
 */
export function encodeTarHeader(name: string, size: number): Uint8Array {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length === 0 || nameBytes.length > 100 || nameBytes.includes(0)) {
    throw new InvalidArgumentError(
      `tar member name ${JSON.stringify(name)} must be 1–100 UTF-8 bytes without NUL`,
    );
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InvalidArgumentError(`tar member size ${size} must be a non-negative safe integer`);
  }
  const h = new Uint8Array(BLOCK);
  h.set(nameBytes, 0);
  writeOctal(h, 100, 7, 0o644);
  if (size < OCTAL_11_LIMIT) writeOctal(h, 124, 11, size);
  else {
    let v = size;
    for (let i = 135; i > 124; i--) {
      h[i] = v % 256;
      v = Math.floor(v / 256);
    }
    h[124] = 0x80;
  }
  writeOctal(h, 136, 11, 0);
  h[156] = 0x30;
  h.set([0x75, 0x73, 0x74, 0x61, 0x72, 0x00, 0x30, 0x30], 257);
  writeOctal(h, 148, 7, headerChecksum(h).unsigned);
  return h;
}

/**
 * The end-of-archive marker: exactly 1024 zero bytes.
 *
 * @example Length
 * ```ts
 * import { endOfArchive } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(endOfArchive().length, 1024);
 * ```
 *
 * @returns Fresh zero bytes.
 */
export function endOfArchive(): Uint8Array {
  return new Uint8Array(2 * BLOCK);
}

/**
 * Streams tar members to a sink, in order. Bodies may be streams of known
 * size; nothing is buffered beyond one chunk.
 *
 * @example Write to an array of chunks
 * ```ts
 * import { TarWriter } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const w = new TarWriter({ write: (c) => void chunks.push(c) });
 * await w.add({ name: "x", size: 1, body: new Uint8Array([42]) });
 * await w.close();
 * assert.equal(chunks.reduce((n, c) => n + c.length, 0), 512 + 512 + 1024);
 * ```
 */
export class TarWriter {
  #write: (chunk: Uint8Array) => Promise<void>;
  #finish: () => Promise<void>;
  #closed = false;

  /**
   * Create a writer over a sink.
   *
   * @param sink A WritableStream (closed by {@linkcode TarWriter.close}) or a `write` sink.
   */
  constructor(sink: TarSink) {
    if (sink instanceof WritableStream) {
      const writer = sink.getWriter();
      this.#write = (c) => writer.write(c);
      this.#finish = () => writer.close();
    } else {
      this.#write = async (c) => {
        await sink.write(c);
      };
      this.#finish = () => Promise.resolve();
    }
  }

  /**
   * Append one member.
   *
   * @param entry The member.
   * @returns Nothing; resolves when written.
   * @throws {SizeMismatchError} When a body yields a different number of bytes than `size`.
   * @throws {InvalidArgumentError} On a bad name or size, or after close.
   */
  async add(entry: TarWriteEntry): Promise<void> {
    if (this.#closed) throw new InvalidArgumentError("TarWriter: add() after close()");
    const header = encodeTarHeader(entry.name, entry.size);
    if (entry.body instanceof Uint8Array) {
      if (entry.body.length !== entry.size) {
        throw new SizeMismatchError(entry.name, entry.size, entry.body.length);
      }
      await this.#write(header);
      if (entry.size > 0) await this.#write(entry.body);
    } else {
      await this.#write(header);
      let n = 0;
      const reader = entry.body.getReader();
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          n += value.length;
          if (n > entry.size) throw new SizeMismatchError(entry.name, entry.size, n);
          if (value.length > 0) await this.#write(value);
        }
      } catch (e) {
        await reader.cancel().catch(() => {});
        throw e;
      } finally {
        reader.releaseLock();
      }
      if (n !== entry.size) throw new SizeMismatchError(entry.name, entry.size, n);
    }
    const pad = paddingOf(entry.size);
    if (pad > 0) await this.#write(new Uint8Array(pad));
  }

  /**
   * Write the 1024-byte end marker and close a WritableStream sink.
   *
   * @returns Nothing; resolves when done.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#write(endOfArchive());
    await this.#finish();
  }
}

/**
 * A readable tar stream of `entries`, pulled lazily.
 *
 * @example Stream an archive
 * ```ts
 * import { createTarStream } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * const stream = createTarStream([{ name: "a", size: 0, body: new Uint8Array() }]);
 * const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
 * assert.equal(bytes.length, 512 + 1024);
 * ```
 *
 * @param entries Members in order (sync or async iterable).
 * @returns A stream of archive bytes.
 */
export function createTarStream(
  entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>,
): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  (async () => {
    const writer = new TarWriter(writable);
    for await (const entry of entries) await writer.add(entry);
    await writer.close();
  })().catch((e) => writable.abort(e).catch(() => {}));
  return readable;
}

/**
 * Build a whole archive in memory.
 *
 * @example Two members
 * ```ts
 * import { buildTar } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * const tar = await buildTar([
 *   { name: "a", size: 1, body: new Uint8Array([1]) },
 *   { name: "b", size: 512, body: new Uint8Array(512) },
 * ]);
 * assert.equal(tar.length, 512 * 2 + 512 + 512 + 1024);
 * ```
 *
 * @param entries Members in order.
 * @returns The archive bytes.
 */
export async function buildTar(
  entries: Iterable<TarWriteEntry> | AsyncIterable<TarWriteEntry>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const writer = new TarWriter({ write: (c) => void chunks.push(c) });
  for await (const entry of entries) await writer.add(entry);
  await writer.close();
  return concatBytes(chunks);
}
