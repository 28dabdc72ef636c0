import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import {
  COMPRESSION_ANNOTATION,
  compressZstd,
  decompressZstd,
  decompressZstdStream,
  hasNativeZstd,
  logicalMediaType,
  storedMediaType,
  type ZstdImplementation,
} from "./zstd.ts";
import {
  DecodeError,
  InvalidArgumentError,
  InvalidArtifactError,
  LimitExceededError,
  UnsupportedError,
} from "../core/errors.ts";
import { concatBytes } from "../core/_bytes.ts";
import { randomBytes } from "../core/_random_test_util.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const IMPLS: ZstdImplementation[] = ["js", "node"];
const MiB = 1024 * 1024;

function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  return new Uint8Array(parts.flatMap((p) => [...p]));
}
const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** A single-segment frame holding `data` as one raw block, declaring `declared` content bytes. */
function rawFrame(data: Uint8Array, declared = data.length): Uint8Array {
  assert.ok(declared < 256);
  const bh = (data.length << 3) | 1; // raw, last
  return cat(MAGIC, [0x20, declared], [bh & 0xff, (bh >> 8) & 0xff, bh >> 16], data);
}

function native(): boolean {
  return typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === "function";
}

Deno.test("decompressZstd: round trips with both decoders", async () => {
  if (!native()) {
    console.log("skipped: node:zlib has no zstd");
    return;
  }
  assert.equal(await hasNativeZstd(), true);
  const samples = [
    new Uint8Array(0),
    enc("x"),
    enc("hello ".repeat(10_000)),
    randomBytes(300_000, 0x12345678),
  ];
  for (const impl of IMPLS) {
    for (const s of samples) {
      const packed = await compressZstd(s);
      assert.deepEqual(await decompressZstd(packed, { implementation: impl }), s, impl);
    }
    for (const level of [1, 19]) {
      const s = enc("level test ".repeat(1000));
      assert.deepEqual(
        await decompressZstd(await compressZstd(s, level), { implementation: impl }),
        s,
      );
    }
  }
});

Deno.test("decompressZstd: concatenated, skippable and checksummed frames", async () => {
  if (!native()) return;
  const a = await compressZstd(enc("hello "));
  const b = await compressZstd(enc("world"));
  const skippable = cat([0x5a, 0x2a, 0x4d, 0x18], [3, 0, 0, 0], [9, 9, 9]);
  const checked = new Uint8Array(
    zlib.zstdCompressSync(enc("!"), { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } }),
  );
  const input = cat(a, skippable, b, checked, rawFrame(enc("?")));
  for (const impl of IMPLS) {
    const out = await decompressZstd(input, { implementation: impl });
    assert.equal(new TextDecoder().decode(out), "hello world!?", impl);
  }
});

Deno.test("decompressZstd: hand-made raw frame, empty input (pure JS path)", async () => {
  assert.deepEqual(
    await decompressZstd(rawFrame(enc("hello")), { implementation: "js" }),
    enc("hello"),
  );
  assert.deepEqual(
    await decompressZstd(new Uint8Array(0), { implementation: "js" }),
    new Uint8Array(0),
  );
  await assert.rejects(
    decompressZstd(rawFrame(enc("hello"), 6), { implementation: "js" }),
    (e) => e instanceof DecodeError && e.code === "DECODE_ERROR" && /declares 6/.test(e.message),
  );
});

Deno.test("decompressZstd: bomb of real compressed blocks hits the limit", async () => {
  if (!native()) return;
  const bomb = await compressZstd(new Uint8Array(10 * MiB));
  assert.ok(bomb.length < 2000);
  for (const impl of IMPLS) {
    await assert.rejects(
      decompressZstd(bomb, {
        maxOutputBytes: MiB,
        implementation: impl,
        subject: 'attachment "b"',
      }),
      (e) =>
        e instanceof LimitExceededError && e.code === "LIMIT_EXCEEDED" &&
        e.message.includes('attachment "b"') && e.message.includes(String(MiB)),
      impl,
    );
    const ok = await decompressZstd(bomb, { maxOutputBytes: 10 * MiB, implementation: impl });
    assert.equal(ok.length, 10 * MiB);
  }
});

Deno.test("decompressZstd: >1 GiB RLE bomb is rejected under the default limit without decoding", async () => {
  // window 128 KiB (windowLog 17), then 8193 RLE blocks of 128 KiB of zeros = 1 GiB + 128 KiB.
  const blocks = 8193;
  const parts: number[] = [...MAGIC, 0x00, (17 - 10) << 3];
  for (let i = 0; i < blocks; i++) {
    const h = (131072 << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0);
  }
  const bomb = new Uint8Array(parts);
  assert.ok(bomb.length < 40_000);
  const t0 = performance.now();
  for (const impl of ["js", "auto"] as const) {
    await assert.rejects(decompressZstd(bomb, { implementation: impl }), LimitExceededError);
  }
  assert.ok(performance.now() - t0 < 2000, "rejected before decoding");
  // Declared content size of 2 GiB (8-byte FCS) is rejected from the header alone.
  const declared = cat(MAGIC, [0xc0, 0x38], [0, 0, 0, 0x80, 0, 0, 0, 0], [1, 0, 0]);
  await assert.rejects(decompressZstd(declared, { implementation: "js" }), LimitExceededError);
});

Deno.test("decompressZstd: corrupt and truncated input is a DecodeError", async () => {
  const bad: [string, Uint8Array][] = [
    ["not zstd", enc("definitely not zstd")],
    ["short magic", new Uint8Array([0x28, 0xb5])],
    ["header only", cat(MAGIC, [0x00])],
    ["truncated raw block", rawFrame(enc("hello")).subarray(0, 9)],
    ["reserved bit", cat(MAGIC, [0x28, 1], [0x09, 0, 0], [65])],
    ["reserved block type", cat(MAGIC, [0x20, 1], [0x07, 0, 0], [65])],
    ["trailing garbage", cat(rawFrame(enc("ok")), [1, 2, 3, 4, 5])],
    ["huge window", cat(MAGIC, [0x00, (28 - 10) << 3], [0x09, 0, 0], [65])],
  ];
  if (native()) {
    const good = await compressZstd(enc("some text that compresses, some text that compresses"));
    bad.push(["truncated compressed", good.subarray(0, good.length - 3)]);
    const flipped = good.slice();
    for (let i = 9; i < flipped.length; i++) flipped[i] = flipped[i]! ^ 0xff;
    bad.push(["corrupt block content", flipped]);
  }
  for (const impl of IMPLS) {
    if (impl === "node" && !native()) continue;
    for (const [label, input] of bad) {
      await assert.rejects(
        decompressZstd(input, { implementation: impl }),
        (e) => e instanceof DecodeError && e.code === "DECODE_ERROR",
        `${impl}: ${label}`,
      );
    }
  }
});

Deno.test("decompressZstd: dictionary frames are unsupported; bad options", async () => {
  const dict = cat(MAGIC, [0x21, 7, 1], [0x09, 0, 0], [65]);
  await assert.rejects(
    decompressZstd(dict, { implementation: "js" }),
    (e) => e instanceof UnsupportedError && e.code === "UNSUPPORTED" && /dictionar/.test(e.message),
  );
  await assert.rejects(decompressZstd(new Uint8Array(0), { maxOutputBytes: -1 }), {
    code: "INVALID_ARGUMENT",
  });
});

Deno.test("compressZstd: produces one standard frame", async () => {
  if (!native()) return;
  const out = await compressZstd(enc("abc"));
  assert.deepEqual([...out.subarray(0, 4)], MAGIC);
  assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
});

Deno.test("logicalMediaType: the attachment-compression rules", () => {
  const z = { [COMPRESSION_ANNOTATION]: "zstd" };
  assert.deepEqual(logicalMediaType({ mediaType: "text/csv" }), {
    logicalMediaType: "text/csv",
    compression: null,
  });
  assert.deepEqual(logicalMediaType({ mediaType: "a/b+zstd", annotations: {} }), {
    logicalMediaType: "a/b+zstd",
    compression: null,
  });
  assert.deepEqual(logicalMediaType({ mediaType: "a/b+zstd", annotations: z }), {
    logicalMediaType: "a/b",
    compression: "zstd",
  });
  assert.deepEqual(
    logicalMediaType({ mediaType: "application/vnd.example+zstd+zstd", annotations: z }),
    { logicalMediaType: "application/vnd.example+zstd", compression: "zstd" },
  );
  assert.deepEqual(
    logicalMediaType({ mediaType: "x+zstd", annotations: { ...z, other: "1" } }),
    { logicalMediaType: "x", compression: "zstd" },
  );
  for (const mediaType of ["text/csv", "+zstd", "text/csv+ZSTD", "text/csv+zst"]) {
    assert.throws(
      () => logicalMediaType({ mediaType, annotations: z, digest: "sha256:abc" }),
      (e) =>
        e instanceof InvalidArtifactError && e.code === "INVALID_ARTIFACT" &&
        e.message.includes("sha256:abc"),
      mediaType,
    );
  }
  for (const marker of ["gzip", "ZSTD", ""]) {
    assert.throws(
      () =>
        logicalMediaType({
          mediaType: "a/b+zstd",
          annotations: { [COMPRESSION_ANNOTATION]: marker },
        }),
      (e) =>
        e instanceof UnsupportedError && e.code === "UNSUPPORTED" &&
        e.message.includes("Unsupported Attachment compression"),
      marker,
    );
  }
});

Deno.test("storedMediaType: inverse of logicalMediaType, reserved key rejected", () => {
  for (const logical of ["text/csv", "a/b+zstd", "application/json"]) {
    for (const compression of ["zstd", null] as const) {
      const stored = storedMediaType(logical, compression, { "org.ommx.user.k": "v" });
      assert.equal(stored.annotations["org.ommx.user.k"], "v");
      assert.deepEqual(logicalMediaType(stored), { logicalMediaType: logical, compression });
    }
  }
  assert.throws(
    () => storedMediaType("a/b", "zstd", { [COMPRESSION_ANNOTATION]: "zstd" }),
    (e) => e instanceof InvalidArgumentError && e.code === "INVALID_ARGUMENT",
  );
});

/** A single-segment frame declaring its 4-byte content size, holding `data` as raw blocks. */
function rawFrameDeclared(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [
    new Uint8Array([...MAGIC, 0xa0]),
    new Uint8Array(new Uint32Array([data.length]).buffer),
  ];
  const step = 128 * 1024;
  for (let at = 0; at === 0 || at < data.length; at += step) {
    const piece = data.subarray(at, at + step);
    const last = at + step >= data.length ? 1 : 0;
    const bh = (piece.length << 3) | last;
    parts.push(new Uint8Array([bh & 0xff, (bh >> 8) & 0xff, bh >> 16]), piece);
  }
  return concatBytes(parts);
}

function repeatBytes(frame: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(frame.length * times);
  for (let i = 0; i < times; i++) out.set(frame, i * frame.length);
  return out;
}

Deno.test("decompressZstd: declared sizes decode straight into the result; undeclared ones in two passes", async () => {
  const data = randomBytes(700_000, 0x12345678);
  for (const impl of IMPLS) {
    if (impl === "node" && !native()) continue;
    // every frame declares its size: one pass into an exact buffer
    const declared = cat(
      rawFrameDeclared(data.subarray(0, 300_000)),
      rawFrameDeclared(data.subarray(300_000)),
    );
    const out = await decompressZstd(declared, { implementation: impl });
    assert.equal(out.length, data.length);
    assert.equal(out.buffer.byteLength, data.length, "no slack in the result");
    assert.deepEqual(out, data, impl);
  }
  if (!native()) return;
  // no declared size: up to 24 MiB the counting pass keeps the output (one decode), above it
  // a second pass fills an exact buffer; both give exactly the bytes
  for (const size of [20 * MiB, 30 * MiB]) {
    const big = new Uint8Array(size);
    for (let i = 0; i < big.length; i += 4099) big[i] = i & 0xff;
    const packed = await compressZstd(big);
    assert.equal(packed[4]! & 0xe0, 0, "the test frame declares no content size");
    for (const impl of IMPLS) {
      const out = await decompressZstd(packed, { implementation: impl });
      assert.equal(out.buffer.byteLength, big.length);
      assert.deepEqual(out, big, `${impl}, ${size} bytes`);
    }
  }
});

Deno.test("decompressZstd: the size error wins over any later decode error", async () => {
  // 2 GiB declared, and the reserved bit set / the input truncated after the header
  const declared2g = [0, 0, 0, 0x80, 0, 0, 0, 0];
  for (
    const input of [
      cat(MAGIC, [0xc8, 0x38], declared2g, [1, 0, 0]),
      cat(MAGIC, [0xc0, 0x38], declared2g),
      cat(rawFrame(enc("ok")), MAGIC, [0xc0, 0x38], declared2g, [0xff, 0xff, 0xff, 0xff]),
    ]
  ) {
    for (const impl of IMPLS) {
      await assert.rejects(
        decompressZstd(input, { implementation: impl }),
        (e) => e instanceof LimitExceededError && /declare/.test(e.message),
        impl,
      );
    }
  }
  if (!native()) return;
  // frames with no declared size: the limit is reached while decoding, before the garbage
  const pattern = new Uint8Array(8 * MiB).map((_, i) => i % 7); // compressed blocks, not RLE
  const frame = await compressZstd(pattern);
  const bomb = cat(repeatBytes(frame, 4), [0x28, 0xb5, 0x2f, 0xfd, 0xff, 0x00, 0x11]);
  for (const impl of IMPLS) {
    await assert.rejects(
      decompressZstd(bomb, { maxOutputBytes: 20 * MiB, implementation: impl }),
      (e) => e instanceof LimitExceededError && /frame at offset/.test(e.message),
      impl,
    );
  }
});

Deno.test("decompressZstdStream: round trip, limit, corrupt and truncated input", async () => {
  const data = randomBytes(500_000, 0x12345678);
  const framed = cat(
    rawFrameDeclared(data.subarray(0, 1000)),
    rawFrameDeclared(data.subarray(1000)),
  );
  const read = async (
    input: Uint8Array,
    options: Parameters<typeof decompressZstdStream>[1],
    piece = 777,
  ) => {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < input.length; at += piece) parts.push(input.slice(at, at + piece));
    const chunks = await Array.fromAsync(decompressZstdStream(ReadableStream.from(parts), options));
    return cat(...chunks);
  };
  for (const impl of IMPLS) {
    if (impl === "node" && !native()) continue;
    assert.deepEqual(await read(framed, { implementation: impl }), data, impl);
    await assert.rejects(
      read(framed, { implementation: impl, maxOutputBytes: 100_000 }),
      LimitExceededError,
    );
    await assert.rejects(
      read(framed.subarray(0, framed.length - 1), { implementation: impl }),
      DecodeError,
    );
    await assert.rejects(read(cat(framed, [1, 2, 3, 4]), { implementation: impl }), DecodeError);
  }
  if (!native()) return;
  const text = enc("streamed ".repeat(100_000));
  for (const impl of IMPLS) {
    assert.deepEqual(
      await read(await compressZstd(text), { implementation: impl }, 64),
      text,
      impl,
    );
  }
});

Deno.test("decompressZstd: a 4 GiB bomb without declared sizes is rejected with < 64 MB extra RSS", async () => {
  if (!native()) return;
  const script = `
    import { compressZstd, decompressZstd } from ${
    JSON.stringify(new URL("./zstd.ts", import.meta.url).href)
  };
    // compressed blocks (a repeating pattern), not RLE blocks: the limit is found by decoding
    const frame = await compressZstd(new Uint8Array(64 << 20).map((_, i) => i % 7));
    const bomb = new Uint8Array(frame.length * 64);
    for (let i = 0; i < 64; i++) bomb.set(frame, i * frame.length);
    const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))[1]) * 1024;
    const before = hwm();
    let code = "none";
    try { await decompressZstd(bomb); } catch (e) { code = e.code; }
    console.log(JSON.stringify({ code, extra: hwm() - before, input: bomb.length }));
  `;
  if (Deno.build.os !== "linux") {
    console.log("skip: the RSS check reads /proc/self/status (Linux only)");
    return;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(r.code, "LIMIT_EXCEEDED");
  assert.ok(r.input < 1 << 20, `bomb of ${r.input} bytes`);
  assert.ok(r.extra < 64 * MiB, `rejecting the bomb cost ${r.extra} bytes of extra RSS`);
});

Deno.test("decompressZstd: undeclared sizes decode into one growing buffer, exact at every boundary", async () => {
  if (!native()) return;
  // The growing buffer starts at max(64 KiB, 4 × input) and doubles: highly compressible data
  // (zeros) grows it many times, random data not at all; sizes around 64 KiB and a limit equal
  // to the output, one byte below it, and concatenated frames.
  const sizes = [0, 1, 65_535, 65_536, 65_537, 3 * MiB + 7];
  for (const size of sizes) {
    for (const data of [new Uint8Array(size), randomBytes(size, 0x12345678)]) {
      const packed = await compressZstd(data);
      assert.equal(packed[4]! & 0xe0, 0, "the test frame declares no content size");
      const twice = cat(packed, packed);
      const both = cat(data, data);
      for (const impl of IMPLS) {
        const out = await decompressZstd(packed, { implementation: impl, maxOutputBytes: size });
        assert.equal(out.buffer.byteLength, size, `${impl} ${size}: no slack`);
        assert.deepEqual(out, data, `${impl} ${size}`);
        assert.deepEqual(await decompressZstd(twice, { implementation: impl }), both);
        if (size > 0) {
          await assert.rejects(
            decompressZstd(packed, { implementation: impl, maxOutputBytes: size - 1 }),
            LimitExceededError,
          );
        }
      }
    }
  }
});
