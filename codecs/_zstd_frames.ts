/**
 * The zstd implementation behind `zstd.ts` (documented there): the frame and block
 * header walk that rejects malformed input, dictionary frames, oversized windows
 * and provably oversized output before decoding; the frame decoders (`node:zlib`
 * when it has zstd, else the pure-JS `fzstd`) into a bounded, reused buffer; and
 * compression with `node:zlib`. Loaded on the first (de)compression: importing
 * the package does not load it (`tests/import_cost_test.ts`).
 *
 * @module
 */
import {
  DecodeError,
  InvalidArgumentError,
  LimitExceededError,
  type OmmxError,
  UnsupportedError,
} from "../core/errors.ts";
import { hasNodeBuiltins } from "../core/_runtime.ts";
import {
  type DecompressZstdOptions,
  DEFAULT_MAX_ZSTD_OUTPUT_BYTES,
  MAX_ZSTD_WINDOW_BYTES,
  type ZstdImplementation,
} from "./_zstd_limits.ts";

// ---------------------------------------------------------------------------
// node:zlib feature detection (dynamic import keeps browsers working)

interface NodeZstdStream {
  _handle?: {
    writeSync?: (
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ) => void;
    onerror?: unknown;
  };
  _writeState?: unknown;
  _finishFlushFlag?: unknown;
  close?: () => void;
}

interface NodeZstd {
  zstdDecompressSync(buf: Uint8Array, options?: { maxOutputLength?: number }): Uint8Array;
  zstdCompressSync(buf: Uint8Array, options?: { params?: Record<number, number> }): Uint8Array;
  createZstdDecompress?: () => NodeZstdStream;
  constants: { ZSTD_c_compressionLevel?: number };
}

let nodeZstdPromise: Promise<NodeZstd | null> | undefined;

function loadNodeZstd(): Promise<NodeZstd | null> {
  nodeZstdPromise ??= (async () => {
    // A browser has no node:zlib; even a caught import() of it logs a console error.
    if (!hasNodeBuiltins()) return null;
    try {
      const zlib = await import("node:zlib") as unknown as Partial<NodeZstd>;
      if (
        typeof zlib.zstdDecompressSync === "function" &&
        typeof zlib.zstdCompressSync === "function"
      ) {
        return zlib as NodeZstd;
      }
    } catch {
      // no node:zlib (browser)
    }
    return null;
  })();
  return nodeZstdPromise;
}

/**
 * The body of `zstd.ts`'s `hasNativeZstd` (documented there).
 *
 * @returns `true` when `node:zlib` has zstd.
 */
export async function hasNativeZstd(): Promise<boolean> {
  return (await loadNodeZstd()) !== null;
}

// ---------------------------------------------------------------------------
// frame decoders: one per frame, output into a caller's sink

/** Receives decoded bytes; the view is only valid during the call (copy to keep). */
type Sink = (chunk: Uint8Array) => void;

/** Decodes the bytes of one frame, fed in order, into a sink. */
interface FrameDecoder {
  /** Decode the next bytes of the frame. */
  write(input: Uint8Array): void;
  /** The frame's last byte was written: flush. */
  finish(): void;
  /** Release native resources. */
  close(): void;
}

type DecoderFactory = (sink: Sink) => FrameDecoder;

/** An error raised by the sink (limit, declared size): passed through the decoders unwrapped. */
class SinkError extends Error {
  constructor(readonly error: OmmxError) {
    super(error.message);
  }
}

function corrupt(subject: string, e: unknown): DecodeError {
  return new DecodeError(
    `${subject}: corrupt zstd data (${e instanceof Error ? e.message : String(e)})`,
    { cause: e },
  );
}

/** Output buffer of the native decoder, shared: every sink copies before returning. */
let scratch: Uint8Array | undefined;

/**
 * A decoder on the `node:zlib` zstd handle's positioned `writeSync` (the
 * interface Node's own synchronous zlib functions use, which Deno mirrors):
 * output lands in one reused 1 MiB buffer, so decoding allocates nothing per
 * chunk. `null` when the runtime's zlib does not expose it.
 */
function nativeDecoders(zlib: NodeZstd, subject: string): DecoderFactory | null {
  const probe = zlib.createZstdDecompress?.();
  const usable = typeof probe?._handle?.writeSync === "function" &&
    probe._writeState instanceof Uint32Array;
  try {
    probe?.close?.();
  } catch { /* nothing to release */ }
  if (!usable) return null;
  return (sink) => {
    const stream = zlib.createZstdDecompress!();
    const handle = stream._handle!;
    const state = stream._writeState as Uint32Array;
    const flush = typeof stream._finishFlushFlag === "number" ? stream._finishFlushFlag : 2;
    let failure: unknown;
    // Node reports a decode error through `onerror`; Deno throws from writeSync.
    handle.onerror = (message: unknown) => {
      failure ??= new Error(String(message));
    };
    const out = scratch ??= new Uint8Array(1 << 20);
    const run = (input: Uint8Array) => {
      let off = 0;
      let len = input.length;
      for (;;) {
        try {
          handle.writeSync!(flush, input, off, len, out, 0, out.length);
        } catch (e) {
          failure ??= e;
        }
        if (failure !== undefined) throw corrupt(subject, failure);
        const availOut = state[0]!;
        const availIn = state[1]!;
        const have = out.length - availOut;
        const used = len - availIn;
        off += used;
        len = availIn;
        if (have > 0) sink(out.subarray(0, have));
        // Room left in the output: everything decodable so far was written.
        if (availOut > 0 && (len === 0 || (have === 0 && used === 0))) return;
      }
    };
    return {
      write: run,
      finish: () => run(new Uint8Array(0)),
      close: () => {
        try {
          stream.close?.();
        } catch { /* already closed */ }
      },
    };
  };
}

/**
 * The pure-JS decoder (`fzstd`), fed in 64 KiB slices. It keeps references to
 * input it cannot decode yet, so it gets copies. Loaded on first use: where
 * `node:zlib` has zstd (Deno, Node ≥ 22.15) it is never needed.
 */
async function jsDecoders(subject: string): Promise<DecoderFactory> {
  const { Decompress } = await import("npm:fzstd@0.1.1");
  return (sink) => {
    const d = new Decompress((chunk: Uint8Array) => {
      if (chunk.length > 0) sink(chunk);
    });
    const push = (input: Uint8Array, final: boolean) => {
      try {
        d.push(input, final);
      } catch (e) {
        if (e instanceof SinkError) throw e;
        throw corrupt(subject, e);
      }
    };
    return {
      write: (input) => {
        for (let at = 0; at < input.length; at += 1 << 16) {
          push(input.slice(at, at + (1 << 16)), false);
        }
      },
      finish: () => push(new Uint8Array(0), true),
      close: () => {},
    };
  };
}

export async function decoderFactory(
  implementation: ZstdImplementation,
  subject: string,
): Promise<DecoderFactory> {
  if (implementation === "js") return await jsDecoders(subject);
  const zlib = await loadNodeZstd();
  const native = zlib === null ? null : nativeDecoders(zlib, subject);
  if (native !== null) return native;
  if (implementation === "node") {
    throw new UnsupportedError(
      zlib === null
        ? "node:zlib has no zstd support in this runtime"
        : "node:zlib's zstd decoder does not expose the synchronous handle this decoder needs",
    );
  }
  return await jsDecoders(subject);
}

// ---------------------------------------------------------------------------
// the frame walk: headers checked as the bytes arrive, frame bytes handed on

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_SIZE_MAX = 128 * 1024;

/** What a frame header says. */
interface FrameInfo {
  readonly start: number;
  readonly contentSize: number | null;
  readonly windowSize: number;
}

interface WalkHandlers {
  frameStart(frame: FrameInfo): void;
  data(bytes: Uint8Array): void;
  frameEnd(frame: FrameInfo): void;
}

function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

const MAGIC = 0;
const SKIP_SIZE = 1;
const SKIP_BODY = 2;
const FRAME_HEADER = 3;
const BLOCK_HEADER = 4;
const BLOCK_BODY = 5;
const CHECKSUM = 6;

const STATE_NAMES = [
  "frame magic",
  "skippable frame size",
  "skippable frame content",
  "frame header",
  "block header",
  "block content",
  "frame checksum",
];

/**
 * Walks zstd input fed in any pieces. Every structural rule and the output
 * limit are checked here, in input order, before the bytes they cover reach
 * the decoder; a lower bound of the output (declared content sizes, raw and
 * RLE blocks) is kept and checked as soon as it grows.
 */
class FrameWalker {
  #subject: string;
  #max: number;
  #on: WalkHandlers;
  /** Absolute offset of the next input byte. */
  #pos = 0;
  #state = MAGIC;
  /** Where the current header field started, for messages. */
  #fieldStart = 0;
  /** Header bytes collected (magic + frame header, or a block header). */
  #hdr = new Uint8Array(18);
  #have = 0;
  #need = 4;
  #left = 0;
  #frame: FrameInfo | undefined;
  #hasChecksum = false;
  #blockMax = 0;
  #lastBlock = false;
  /** Output lower bound of the finished frames, and of the current frame's blocks. */
  #doneLower = 0;
  #frameBlocks = 0;

  constructor(subject: string, max: number, on: WalkHandlers) {
    this.#subject = subject;
    this.#max = max;
    this.#on = on;
  }

  #tooLarge(detail: string): LimitExceededError {
    return new LimitExceededError(
      `${this.#subject}: decompressed size exceeds the limit of ${this.#max} bytes (${detail})`,
    );
  }

  #checkLower(detail: string): void {
    const current = this.#frame?.contentSize ?? this.#frameBlocks;
    if (this.#doneLower + Math.max(current, this.#frameBlocks) > this.#max) {
      throw this.#tooLarge(detail);
    }
  }

  /**
   * Walk the next input bytes.
   *
   * @param chunk The bytes.
   */
  feed(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const state = this.#state;
      if (state === SKIP_BODY || state === BLOCK_BODY) {
        const n = Math.min(this.#left, chunk.length - i);
        if (state === BLOCK_BODY) this.#on.data(chunk.subarray(i, i + n));
        i += n;
        this.#pos += n;
        this.#left -= n;
        if (this.#left === 0) {
          if (state === SKIP_BODY) this.#expect(MAGIC, 4);
          else this.#blockDone();
        }
        continue;
      }
      const n = Math.min(this.#need - this.#have, chunk.length - i);
      this.#hdr.set(chunk.subarray(i, i + n), this.#have);
      this.#have += n;
      i += n;
      this.#pos += n;
      if (this.#have === this.#need) this.#field();
    }
  }

  /** The input ended: anything but a frame boundary is a truncation. */
  finish(): void {
    if (this.#state === MAGIC && this.#have === 0) return;
    const need = this.#state === SKIP_BODY || this.#state === BLOCK_BODY
      ? this.#left
      : this.#need - this.#have;
    throw new DecodeError(
      `${this.#subject}: truncated zstd data (${
        STATE_NAMES[this.#state]
      } at offset ${this.#fieldStart} needs ${need} more bytes; the input ends at ${this.#pos})`,
    );
  }

  #expect(state: number, need: number): void {
    this.#state = state;
    this.#need = need;
    this.#have = 0;
    this.#fieldStart = this.#pos;
  }

  #field(): void {
    const h = this.#hdr;
    switch (this.#state) {
      case MAGIC: {
        const magic = u32le(h, 0);
        if ((magic & 0xfffffff0) === 0x184d2a50) {
          this.#state = SKIP_SIZE;
          this.#need = 8;
          return;
        }
        if (magic !== ZSTD_MAGIC) {
          throw new DecodeError(
            `${this.#subject}: not zstd data (bad frame magic 0x${
              magic.toString(16).padStart(8, "0")
            } at offset ${this.#fieldStart})`,
          );
        }
        this.#state = FRAME_HEADER;
        this.#need = 5;
        return;
      }
      case SKIP_SIZE: {
        this.#left = u32le(h, 4);
        this.#state = SKIP_BODY;
        this.#fieldStart = this.#pos;
        if (this.#left === 0) this.#expect(MAGIC, 4);
        return;
      }
      case FRAME_HEADER: {
        const fhd = h[4]!;
        const singleSegment = (fhd >> 5) & 1;
        const fcsFlag = fhd >> 6;
        const dictBytes = [0, 1, 2, 4][fhd & 3]!;
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        const total = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        if (this.#need < total) {
          this.#need = total;
          return;
        }
        this.#frameHeader(fhd, singleSegment, dictBytes, fcsBytes);
        return;
      }
      case BLOCK_HEADER: {
        const bh = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const type = (bh >> 1) & 3;
        const size = bh >>> 3;
        const at = this.#fieldStart;
        if (type === 1 || type === 0) {
          this.#frameBlocks += size;
          this.#checkLower(`raw and RLE blocks up to offset ${at} alone produce more`);
        }
        if (type === 3) {
          throw new DecodeError(`${this.#subject}: invalid zstd block type at offset ${at}`);
        }
        if (size > this.#blockMax) {
          throw new DecodeError(
            `${this.#subject}: zstd block at offset ${at} has size ${size} > block maximum ${this.#blockMax}`,
          );
        }
        this.#on.data(h.slice(0, 3));
        this.#lastBlock = (bh & 1) === 1;
        this.#left = type === 1 ? 1 : size;
        this.#state = BLOCK_BODY;
        this.#fieldStart = this.#pos;
        if (this.#left === 0) this.#blockDone();
        return;
      }
      case CHECKSUM: {
        this.#on.data(h.slice(0, 4));
        this.#frameDone();
        return;
      }
    }
  }

  #frameHeader(fhd: number, singleSegment: number, dictBytes: number, fcsBytes: number): void {
    const h = this.#hdr;
    const start = this.#fieldStart;
    let at = 5;
    let windowSize = 0;
    if (!singleSegment) {
      const wd = h[at++]!;
      const base = 2 ** (10 + (wd >> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    let dictId = 0;
    for (let i = 0; i < dictBytes; i++) dictId += h[at + i]! * 2 ** (8 * i);
    at += dictBytes;
    let contentSize: number | null = null;
    if (fcsBytes > 0) {
      let v = 0;
      for (let i = 0; i < fcsBytes; i++) v += h[at + i]! * 2 ** (8 * i);
      contentSize = fcsBytes === 2 ? v + 256 : v;
    }
    at += fcsBytes;
    if (singleSegment) windowSize = contentSize ?? 0;
    const frame: FrameInfo = { start, contentSize, windowSize };
    this.#frame = frame;
    this.#frameBlocks = 0;
    // The size first: a frame that declares too much is rejected whatever else is wrong with it.
    this.#checkLower(`frames up to offset ${start} declare more`);
    if ((fhd >> 3) & 1) {
      throw new DecodeError(
        `${this.#subject}: invalid zstd frame header at offset ${start} (reserved bit set)`,
      );
    }
    if (dictId !== 0) {
      throw new UnsupportedError(
        `${this.#subject}: zstd frame at offset ${start} needs dictionary ${dictId}; dictionaries are not supported`,
      );
    }
    if (windowSize > MAX_ZSTD_WINDOW_BYTES) {
      throw new DecodeError(
        `${this.#subject}: zstd frame at offset ${start} needs a ${windowSize}-byte window, more than the ${MAX_ZSTD_WINDOW_BYTES}-byte decoder limit`,
      );
    }
    this.#hasChecksum = ((fhd >> 2) & 1) === 1;
    this.#blockMax = Math.min(Math.max(windowSize, 1), BLOCK_SIZE_MAX);
    this.#on.frameStart(frame);
    this.#on.data(h.slice(0, at));
    this.#expect(BLOCK_HEADER, 3);
  }

  #blockDone(): void {
    if (!this.#lastBlock) this.#expect(BLOCK_HEADER, 3);
    else if (this.#hasChecksum) this.#expect(CHECKSUM, 4);
    else this.#frameDone();
  }

  #frameDone(): void {
    const frame = this.#frame!;
    this.#doneLower += Math.max(frame.contentSize ?? 0, this.#frameBlocks);
    this.#frame = undefined;
    this.#frameBlocks = 0;
    this.#expect(MAGIC, 4);
    this.#on.frameEnd(frame);
  }
}

// ---------------------------------------------------------------------------
// decoding

/**
 * One decode of a whole input: walks it, decodes each frame into `sink`, and
 * enforces the output limit and each frame's declared content size.
 */
export class ZstdDecoding {
  #walker: FrameWalker;
  #decoder: FrameDecoder | undefined;
  #frameOut = 0;
  /** Bytes of output so far. */
  total = 0;
  /** Whether every data frame declared its content size. */
  allDeclared = true;
  /** The sum of the declared content sizes. */
  declared = 0;

  constructor(
    subject: string,
    max: number,
    factory: DecoderFactory | null,
    sink: Sink,
  ) {
    const tooLarge = (detail: string) =>
      new SinkError(
        new LimitExceededError(
          `${subject}: decompressed size exceeds the limit of ${max} bytes (${detail})`,
        ),
      );
    let frame: FrameInfo | undefined;
    const counted: Sink = (chunk) => {
      this.#frameOut += chunk.length;
      this.total += chunk.length;
      if (this.total > max) throw tooLarge(`frame at offset ${frame!.start}`);
      const declared = frame!.contentSize;
      if (declared !== null && this.#frameOut > declared) {
        throw new SinkError(
          new DecodeError(
            `${subject}: corrupt zstd frame at offset ${
              frame!.start
            } (declares ${declared} bytes, decodes to more)`,
          ),
        );
      }
      sink(chunk);
    };
    this.#walker = new FrameWalker(subject, max, {
      frameStart: (f) => {
        frame = f;
        this.#frameOut = 0;
        if (f.contentSize === null) this.allDeclared = false;
        else this.declared += f.contentSize;
        this.#decoder = factory?.(counted);
      },
      data: (bytes) => this.#decoder?.write(bytes),
      frameEnd: (f) => {
        const decoder = this.#decoder;
        this.#decoder = undefined;
        if (decoder === undefined) return;
        try {
          decoder.finish();
        } finally {
          decoder.close();
        }
        if (f.contentSize !== null && this.#frameOut !== f.contentSize) {
          throw new DecodeError(
            `${subject}: corrupt zstd frame at offset ${f.start} (declares ${f.contentSize} bytes, decodes to ${this.#frameOut})`,
          );
        }
      },
    });
  }

  /**
   * Decode the next input bytes.
   *
   * @param chunk Compressed bytes.
   */
  feed(chunk: Uint8Array): void {
    this.#guard(() => this.#walker.feed(chunk));
  }

  /** The input ended. */
  finish(): void {
    this.#guard(() => this.#walker.finish());
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#decoder?.close();
      this.#decoder = undefined;
      throw e instanceof SinkError ? e.error : e;
    }
  }
}

export function checkOptions(options: DecompressZstdOptions): {
  max: number;
  subject: string;
  implementation: ZstdImplementation;
} {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_ZSTD_OUTPUT_BYTES;
  if (!Number.isSafeInteger(max) || max < 0) {
    throw new InvalidArgumentError(
      `maxOutputBytes must be a non-negative safe integer, got ${max}`,
    );
  }
  return {
    max,
    subject: options.subject ?? "zstd",
    implementation: options.implementation ?? "auto",
  };
}

/**
 * Outputs up to this size are kept from the counting pass (no second pass):
 * a frame without a declared size (what streaming encoders, the reference
 * SDK's included, write) is then decoded once. Larger outputs are counted
 * and decoded again into one exact buffer, so a bomb costs at most this much
 * memory before it hits the cap.
 */
const KEEP_FROM_COUNT = 24 << 20;

/**
 * The body of `zstd.ts`'s `decompressZstd` (documented there).
 *
 * @param bytes The compressed bytes (the whole blob).
 * @param options The output cap, decoder choice and a subject for messages.
 * @returns The decompressed bytes.
 */
export async function decompressZstd(
  bytes: Uint8Array,
  options: DecompressZstdOptions = {},
): Promise<Uint8Array> {
  const { max, subject, implementation } = checkOptions(options);
  // Walk the headers first: structure, limits, and whether every frame declares its size.
  const walk = new ZstdDecoding(subject, max, null, () => {});
  let malformed: unknown;
  try {
    walk.feed(bytes);
    walk.finish();
  } catch (e) {
    if (e instanceof LimitExceededError) throw e;
    malformed = e;
  }
  const factory = await decoderFactory(implementation, subject);
  if (malformed !== undefined) {
    // Decode up to the fault: output beyond the limit before it wins over the fault.
    const probe = new ZstdDecoding(subject, max, factory, () => {});
    probe.feed(bytes);
    probe.finish();
    throw malformed;
  }
  const fill = (out: Uint8Array) => {
    let at = 0;
    const run = new ZstdDecoding(subject, max, factory, (chunk) => {
      if (at + chunk.length > out.length) {
        throw new SinkError(
          new DecodeError(`${subject}: zstd data decoded to more bytes than on the first pass`),
        );
      }
      out.set(chunk, at);
      at += chunk.length;
    });
    run.feed(bytes);
    run.finish();
    if (at !== out.length) {
      throw new DecodeError(`${subject}: zstd data decoded to fewer bytes than on the first pass`);
    }
    return out;
  };
  if (walk.allDeclared) return fill(new Uint8Array(walk.declared));
  // Count the output (keeping copies of its chunks while it is small), then fill an exact buffer.
  let kept: Uint8Array[] | null = [];
  const count = new ZstdDecoding(subject, max, factory, (chunk) => {
    if (kept === null) return;
    if (count.total > KEEP_FROM_COUNT) {
      kept = null;
      return;
    }
    kept.push(chunk.slice()); // the decoder reuses its output buffer
  });
  count.feed(bytes);
  count.finish();
  if (kept !== null) {
    if (kept.length === 1 && kept[0]!.length === count.total) return kept[0]!;
    const out = new Uint8Array(count.total);
    let at = 0;
    for (const c of kept) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  return fill(new Uint8Array(count.total));
}

/**
 * The body of `zstd.ts`'s `compressZstd` (documented there).
 *
 * @param bytes The bytes to compress.
 * @param level The zstd compression level.
 * @returns The compressed bytes.
 */
export async function compressZstd(bytes: Uint8Array, level = 3): Promise<Uint8Array> {
  const zlib = await loadNodeZstd();
  if (zlib === null) {
    throw new UnsupportedError(
      "zstd compression needs node:zlib with zstd (Deno 2, Node >= 22.15)",
    );
  }
  const param = zlib.constants.ZSTD_c_compressionLevel ?? 100;
  const out = zlib.zstdCompressSync(bytes, { params: { [param]: level } });
  return new Uint8Array(out);
}
