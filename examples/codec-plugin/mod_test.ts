import assert from "node:assert/strict";
import {
  type AnyNpyArray,
  decodeNpy,
  encodeNpy,
  NPY_MEDIA_TYPE,
  type NpyArray,
  npyCodec,
  parseNpyHeader,
  toNested,
} from "./mod.ts";
import {
  createCodecRegistry,
  createExperiment,
  DecodeError,
  defaultCodecs,
  EncodeError,
  experimentArchiveBytes,
  MediaTypeMismatchError,
  openExperiment,
  UnsupportedError,
} from "@ommx-ts/experiment";
import { pythonWithNumpy } from "../../core/_tools_test_util.ts";

// --- helpers ----------------------------------------------------------------------------------

/** `.npy` bytes from a version, a header text (padded as given) and raw data. */
function npyBytes(major: number, header: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const text = new TextEncoder().encode(header);
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}

function bigEndianBytes(
  size: number,
  write: (v: DataView, off: number, i: number) => void,
  n: number,
) {
  const out = new Uint8Array(size * n);
  const v = new DataView(out.buffer);
  for (let i = 0; i < n; i++) write(v, i * size, i);
  return out;
}

function assertCode(
  fn: () => unknown,
  cls: new (...a: never[]) => Error,
  code: string,
  re?: RegExp,
) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert.equal((e as { code?: string }).code, code);
    if (re) assert.match((e as Error).message, re);
    return true;
  });
}

const PYTHON = await pythonWithNumpy(
  "the NumPy cross-checks (examples/codec-plugin/mod_test.ts)",
);

async function runPython(python: string, script: string, args: string[] = []): Promise<string> {
  const out = await new Deno.Command(python, {
    args: ["-c", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`python failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

// --- round trips ------------------------------------------------------------------------------

const SAMPLES: AnyNpyArray[] = [
  {
    dtype: "float64",
    shape: [2, 3],
    data: new Float64Array([1.5, -0, NaN, Infinity, -Infinity, 1e-308]),
  },
  { dtype: "float32", shape: [4], data: new Float32Array([0.25, -3, 65504, 1e-40]) },
  { dtype: "int64", shape: [3], data: new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]) },
  { dtype: "int32", shape: [2, 1, 2], data: new Int32Array([-2147483648, 0, 7, 2147483647]) },
  { dtype: "uint8", shape: [3], data: new Uint8Array([0, 128, 255]) },
  { dtype: "bool", shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
  { dtype: "float64", shape: [], data: new Float64Array([42]) },
  { dtype: "int32", shape: [0, 5], data: new Int32Array(0) },
];

Deno.test("npy: every dtype and shape round-trips, data 64-byte aligned, never aliasing", () => {
  for (const array of SAMPLES) {
    const bytes = encodeNpy(array);
    const header = parseNpyHeader(bytes);
    assert.deepEqual(header.version, [1, 0]);
    assert.equal(header.dataOffset % 64, 0);
    assert.equal(bytes[header.dataOffset - 1], 0x0a, "header ends with a newline");
    const back = decodeNpy(bytes);
    assert.equal(back.dtype, array.dtype);
    assert.deepEqual(back.shape, array.shape);
    assert.deepEqual(back.data, array.data);
    assert.notEqual(back.data.buffer, bytes.buffer);
  }
});

Deno.test("npy: encode reads a typed array view at an offset, not its whole buffer", () => {
  const backing = new Float64Array([9, 1, 2, 3, 9]);
  const bytes = encodeNpy({ dtype: "float64", shape: [3], data: backing.subarray(1, 4) });
  assert.deepEqual([...decodeNpy(bytes).data], [1, 2, 3]);
});

Deno.test("npy: decode reads from a Uint8Array view at an odd offset", () => {
  const bytes = encodeNpy({ dtype: "int32", shape: [2], data: new Int32Array([5, -6]) });
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  assert.deepEqual([...decodeNpy(padded.subarray(3)).data], [5, -6]);
});

Deno.test("npy: more than 64 dimensions (NumPy's limit) cannot be encoded", () => {
  const shape = Array.from({ length: 64 }, () => 1);
  const header = parseNpyHeader(encodeNpy({ dtype: "uint8", shape, data: new Uint8Array([3]) }));
  assert.equal(header.shape.length, 64);
  assertCode(
    () => encodeNpy({ dtype: "uint8", shape: [...shape, 1], data: new Uint8Array([3]) }),
    EncodeError,
    "ENCODE_ERROR",
    /65 dimensions/,
  );
});

Deno.test("npy: toNested mirrors numpy tolist()", () => {
  assert.deepEqual(toNested(SAMPLES[3]!), [[[-2147483648, 0]], [[7, 2147483647]]]);
  assert.deepEqual(toNested(SAMPLES[5]!), [[true, false], [false, true]]);
  assert.deepEqual(toNested(SAMPLES[2]!), [-(2n ** 63n), 0n, 2n ** 63n - 1n]);
  assert.equal(toNested(SAMPLES[6]!), 42);
  assert.deepEqual(toNested(SAMPLES[7]!), []);
  assert.deepEqual(toNested({ dtype: "int32", shape: [2, 0], data: new Int32Array(0) }), [[], []]);
});

// --- hand-built headers -----------------------------------------------------------------------

Deno.test("npy: hand-built v1/v2/v3 headers, both byte orders, any key order and quoting", () => {
  const le = new Uint8Array(new Float64Array([1.25, -2]).buffer);
  const v1 = npyBytes(
    1,
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }          \n",
    le,
  );
  assert.deepEqual([...decodeNpy(v1).data], [1.25, -2]);

  const beF8 = bigEndianBytes(8, (v, o, i) => v.setFloat64(o, [0.5, 3, -7][i]!, false), 3);
  const v2 = npyBytes(2, `{"shape": (3,), "fortran_order": False, "descr": ">f8"}\n`, beF8);
  const a2 = decodeNpy(v2);
  assert.equal(a2.dtype, "float64");
  assert.deepEqual([...a2.data], [0.5, 3, -7]);
  assert.equal(parseNpyHeader(v2).bigEndian, true);

  const beI4 = bigEndianBytes(4, (v, o, i) => v.setInt32(o, [-1, 65536][i]!, false), 2);
  const v3 = npyBytes(3, "{'descr': '>i4', 'fortran_order': False, 'shape': (1, 2)}\n", beI4);
  assert.deepEqual(parseNpyHeader(v3).version, [3, 0]);
  assert.deepEqual(toNested(decodeNpy(v3)), [[-1, 65536]]);

  const beI8 = bigEndianBytes(8, (v, o, i) => v.setBigInt64(o, [-5n, 2n ** 40n][i]!, false), 2);
  const i8 = npyBytes(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }\n", beI8);
  assert.deepEqual([...decodeNpy(i8).data], [-5n, 2n ** 40n]);

  const beF4 = bigEndianBytes(4, (v, o) => v.setFloat32(o, 1.5, false), 1);
  const f4 = npyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': ()}\n", beF4);
  assert.deepEqual(decodeNpy(f4), { dtype: "float32", shape: [], data: new Float32Array([1.5]) });

  // Python 2 era long integers and single-byte types with '|'.
  const b1 = npyBytes(
    1,
    "{'descr': '|b1', 'fortran_order': False, 'shape': (3L,), }\n",
    new Uint8Array([1, 0, 1]),
  );
  assert.deepEqual(toNested(decodeNpy(b1)), [true, false, true]);
  const u1 = npyBytes(
    1,
    "{'descr': '<u1', 'fortran_order': True, 'shape': (2,), }\n",
    new Uint8Array([4, 5]),
  );
  assert.deepEqual([...decodeNpy(u1).data], [4, 5], "1-d Fortran order is the same layout");
});

Deno.test("npy: v3 headers are UTF-8, v1/v2 headers latin-1", () => {
  // Non-ASCII text can only appear in structured dtypes' field names: the header still parses.
  const header = "{'descr': [('\u00e9', '<i4')], 'fortran_order': False, 'shape': (1,), }\n";
  const utf8 = new TextEncoder().encode(header);
  const v3 = npyBytes(3, header, new Uint8Array(4));
  assert.equal(v3.length, 12 + utf8.length + 4);
  assertCode(() => decodeNpy(v3), UnsupportedError, "UNSUPPORTED", /structured.*\u00e9/);
  // The same bytes as a v2 header read as latin-1: two characters, still a valid literal.
  const v2 = npyBytes(2, header, new Uint8Array(4));
  assertCode(() => decodeNpy(v2), UnsupportedError, "UNSUPPORTED", /structured.*\u00c3\u00a9/);
  const badUtf8 = v3.slice();
  badUtf8[utf8.indexOf(0xc3) + 12] = 0xff;
  assertCode(() => decodeNpy(badUtf8), DecodeError, "DECODE_ERROR", /UTF-8/);
});

// --- errors -----------------------------------------------------------------------------------

Deno.test("npy: malformed bytes are DecodeError naming what is wrong", () => {
  const ok = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n";
  const data = new Uint8Array(8);
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(), /magic/],
    [new TextEncoder().encode("PK\x03\x04 not numpy at all"), /magic/],
    [npyBytes(4, ok, data), /version 4\.0/],
    [
      (() => {
        const b = npyBytes(1, ok, data);
        b[7] = 1;
        return b;
      })(),
      /version 1\.1/,
    ],
    [npyBytes(2, ok, data).subarray(0, 11), /truncated/],
    [npyBytes(1, ok, data).subarray(0, 40), /runs past the end/],
    [npyBytes(1, ok, data).subarray(0, -1), /needs 8 data bytes, found 7/],
    [npyBytes(1, ok, new Uint8Array(12)), /needs 8 data bytes, found 12/],
    [npyBytes(1, "['descr', '<i4']\n", data), /not a dictionary/],
    [npyBytes(1, "{'descr': '<i4', 'shape': (2,)}\n", data), /keys must be/],
    [
      npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}\n", data),
      /keys must be/,
    ],
    [
      npyBytes(
        1,
        "{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (2,)}\n",
        data,
      ),
      /duplicate key/,
    ],
    [npyBytes(1, "{'descr': '<i4', 'fortran_order': 0, 'shape': (2,)}\n", data), /fortran_order/],
    [npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (-2,)}\n", data), /shape/],
    [npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': 2}\n", data), /shape/],
    [npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,)\n", data), /expected ','/],
    [npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,)} x\n", data), /trailing/],
    [
      npyBytes(1, "{'descr': '<i4, 'fortran_order': False, 'shape': (2,)}\n", data),
      /malformed header/,
    ],
    [
      npyBytes(1, "{'descr': '=i4', 'fortran_order': False, 'shape': (2,)}\n", data),
      /native byte order/,
    ],
    [npyBytes(1, "{'descr': '|i4', 'fortran_order': False, 'shape': (2,)}\n", data), /byte order/],
    [npyBytes(1, "{'descr': '\\x3ci4', 'fortran_order': False, 'shape': (2,)}\n", data), /escape/],
    [
      npyBytes(
        1,
        "{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,)}\n",
        data,
      ),
      /out of range/,
    ],
    [npyBytes(1, `{'descr': ${"(".repeat(40)}`, data), /too deep/],
    [
      npyBytes(
        1,
        "{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}\n",
        new Uint8Array([1, 2]),
      ),
      /bool element 1 is 2/,
    ],
  ];
  for (const [bytes, message] of cases) {
    assertCode(() => decodeNpy(bytes), DecodeError, "DECODE_ERROR", message);
  }
  assertCode(
    () => decodeNpy("x" as unknown as Uint8Array),
    DecodeError,
    "DECODE_ERROR",
    /Uint8Array/,
  );
});

Deno.test("npy: valid but unsupported arrays are UnsupportedError", () => {
  const data = new Uint8Array(16);
  const cases: [string, RegExp][] = [
    ["{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2), }", /Fortran/],
    ["{'descr': '<f2', 'fortran_order': False, 'shape': (8,), }", /dtype '<f2'/],
    ["{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", /dtype '<c16'/],
    ["{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }", /dtype '<U4'/],
    ["{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", /dtype '\|O'/],
    [
      "{'descr': [('a', '<i8'), ('b', '<f8')], 'fortran_order': False, 'shape': (1,), }",
      /structured/,
    ],
  ];
  for (const [header, message] of cases) {
    assertCode(
      () => decodeNpy(npyBytes(1, header + "\n", data)),
      UnsupportedError,
      "UNSUPPORTED",
      message,
    );
  }
});

Deno.test("npy: values that cannot be encoded are EncodeError", () => {
  const bad: [unknown, RegExp][] = [
    [{ dtype: "float16", shape: [1], data: new Float32Array(1) }, /unsupported dtype "float16"/],
    [{ dtype: "toString", shape: [1], data: new Float32Array(1) }, /unsupported dtype/],
    [
      { dtype: "float64", shape: [1], data: new Float32Array(1) },
      /needs a Float64Array, got Float32Array/,
    ],
    [{ dtype: "int64", shape: [1], data: [1] }, /needs a BigInt64Array, got Array/],
    [{ dtype: "int32", shape: [3], data: new Int32Array(2) }, /holds 3 elements, data has 2/],
    [{ dtype: "int32", shape: [-1], data: new Int32Array(0) }, /shape/],
    [{ dtype: "int32", shape: [1.5], data: new Int32Array(0) }, /shape/],
    [{ dtype: "int32", shape: "2", data: new Int32Array(2) }, /shape/],
    [{ dtype: "bool", shape: [2], data: new Uint8Array([1, 2]) }, /bool element 1/],
    [null, /unsupported dtype/],
  ];
  for (const [value, message] of bad) {
    assertCode(() => encodeNpy(value as NpyArray), EncodeError, "ENCODE_ERROR", message);
  }
});

// --- real NumPy -------------------------------------------------------------------------------

const NUMPY_WRITER = `
import io, json, sys
import numpy as np
from numpy.lib import format as fmt

out = sys.argv[1]
cases = {
    "f8_2d": np.arange(6, dtype="<f8").reshape(2, 3) / 4,
    "f8_be": np.array([[1.5, -2.0], [1e300, -0.0]], dtype=">f8"),
    "f4": np.array([0.1, 2.5, -3.75], dtype="<f4"),
    "f4_be": np.array([0.1, 2.5, -3.75], dtype=">f4"),
    "i8": np.array([-(2**63), 0, 2**63 - 1, 12345678901234], dtype="<i8"),
    "i8_be": np.array([-(2**63), 0, 2**63 - 1], dtype=">i8"),
    "i4_3d": np.arange(24, dtype="<i4").reshape(2, 3, 4) - 12,
    "i4_be": np.array([-1, 65536, 7], dtype=">i4"),
    "u1": np.array([0, 1, 254, 255], dtype="u1"),
    "bool": np.array([[True, False, True], [False, False, True]]),
    "scalar": np.array(3.5),
    "empty": np.zeros((0, 3), dtype="<i4"),
    "sliced": np.arange(16, dtype="<f8").reshape(4, 4)[::2, 1::2],
    "transposed_1d": np.asfortranarray(np.arange(3, dtype="<i4")),
}
meta = {}
for name, a in cases.items():
    buf = io.BytesIO()
    np.save(buf, a)
    open(f"{out}/{name}.npy", "wb").write(buf.getvalue())
    flat = a.ravel(order="C").tolist()
    meta[name] = {"shape": list(a.shape), "values": [repr(x) for x in flat]}
for version in [(1, 0), (2, 0), (3, 0)]:
    name = f"v{version[0]}"
    buf = io.BytesIO()
    fmt.write_array(buf, np.array([[1, 2], [3, 4]], dtype="<i4"), version=version)
    open(f"{out}/{name}.npy", "wb").write(buf.getvalue())
    meta[name] = {"shape": [2, 2], "values": ["1", "2", "3", "4"]}
np.save(f"{out}/fortran.npy", np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)))
np.save(f"{out}/complex.npy", np.array([1 + 2j]))
np.save(f"{out}/structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]))
np.save(f"{out}/float16.npy", np.zeros(2, dtype="<f2"))
print(json.dumps(meta))
`;

Deno.test("npy: decodes arrays written by real NumPy (np.save, format 1.0/2.0/3.0)", {
  ignore: PYTHON === undefined,
}, async (t) => {
  const python = PYTHON!;
  const dir = await Deno.makeTempDir({ prefix: "npy-codec-" });
  try {
    const meta = JSON.parse(await runPython(python, NUMPY_WRITER, [dir])) as Record<
      string,
      { shape: number[]; values: string[] }
    >;
    assert.ok(Object.keys(meta).length >= 17);
    for (const [name, expected] of Object.entries(meta)) {
      await t.step(name, async () => {
        const array = decodeNpy(await Deno.readFile(`${dir}/${name}.npy`));
        assert.deepEqual(array.shape, expected.shape);
        const values = [...array.data].map((v) =>
          array.dtype === "bool" ? (v === 1 ? "True" : "False") : v
        );
        const wanted = expected.values.map((s, i) => {
          const v = values[i];
          if (typeof v === "bigint") return BigInt(s);
          if (typeof v === "number") return s === "-0.0" ? -0 : Number(s);
          return s;
        });
        assert.deepEqual(values, wanted);
        if (/^v\d$/.test(name)) {
          const header = parseNpyHeader(await Deno.readFile(`${dir}/${name}.npy`));
          assert.deepEqual(header.version, [Number(name[1]), 0]);
        }
      });
    }
    assertCode(
      () => decodeNpy(Deno.readFileSync(`${dir}/fortran.npy`)),
      UnsupportedError,
      "UNSUPPORTED",
      /Fortran/,
    );
    for (const name of ["complex", "structured", "float16"]) {
      assertCode(
        () => decodeNpy(Deno.readFileSync(`${dir}/${name}.npy`)),
        UnsupportedError,
        "UNSUPPORTED",
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "npy: encodeNpy writes the same bytes as numpy.save",
  { ignore: PYTHON === undefined },
  async () => {
    const python = PYTHON!;
    const script = `
import io, sys, base64, numpy as np
arrays = [
    np.array([[1.5, -0.0], [2.0, 4.0], [0.25, 8.0]], dtype="<f8"),
    np.array([0.5, 1.0], dtype="<f4"),
    np.array([-3, 2**40], dtype="<i8"),
    np.arange(4, dtype="<i4"),
    np.array([7, 8], dtype="u1"),
    np.array([True, False]),
    np.array(2.0),
    np.ones([1] * 64, dtype="u1"),
]
for a in arrays:
    buf = io.BytesIO(); np.save(buf, a); print(base64.b64encode(buf.getvalue()).decode())
`;
    const lines = (await runPython(python, script)).trim().split("\n");
    const ours: NpyArray[] = [
      { dtype: "float64", shape: [3, 2], data: new Float64Array([1.5, -0, 2, 4, 0.25, 8]) },
      { dtype: "float32", shape: [2], data: new Float32Array([0.5, 1]) },
      { dtype: "int64", shape: [2], data: new BigInt64Array([-3n, 2n ** 40n]) },
      { dtype: "int32", shape: [4], data: new Int32Array([0, 1, 2, 3]) },
      { dtype: "uint8", shape: [2], data: new Uint8Array([7, 8]) },
      { dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) },
      { dtype: "float64", shape: [], data: new Float64Array([2]) },
      { dtype: "uint8", shape: Array.from({ length: 64 }, () => 1), data: new Uint8Array([1]) },
    ];
    assert.equal(lines.length, ours.length);
    ours.forEach((array, i) => {
      const numpy = Uint8Array.from(atob(lines[i]!), (c) => c.charCodeAt(0));
      assert.deepEqual(
        encodeNpy(array),
        numpy,
        `array ${i} (${array.dtype} ${array.shape.length}-d)`,
      );
    });
  },
);

// --- through the Experiment model ---------------------------------------------------------------

const matrix: NpyArray<"float64"> = {
  dtype: "float64",
  shape: [2, 3],
  data: new Float64Array([1, 2, 3, 4, 5, 6.5]),
};
const counts: NpyArray<"int32"> = {
  dtype: "int32",
  shape: [4],
  data: new Int32Array([3, 1, 4, 1]),
};

async function recordExperiment(): Promise<Uint8Array> {
  const builder = createExperiment({ imageName: "example.com/npy-codec/test:v1" });
  await builder.logWithCodec(npyCodec, "matrix", matrix);
  await builder.logWithCodec(npyCodec, "matrix-zstd", matrix, { compression: "zstd" });
  await builder.withRun(async (run) => {
    run.logParameter("seed", 7);
    await run.logWithCodec(npyCodec, "counts", counts);
  });
  return await experimentArchiveBytes(await builder.commit());
}

Deno.test("npy: an Experiment records arrays and reads them back through the codec", async (t) => {
  const bytes = await recordExperiment();

  await t.step(
    "registry passed to openExperiment: getAttachment decodes by media type",
    async () => {
      await using exp = await openExperiment(bytes, { codecs: defaultCodecs.with(npyCodec) });
      assert.deepEqual(await exp.getAttachment("matrix"), matrix);
      assert.deepEqual(await exp.getAttachment("matrix-zstd"), matrix);
      const run = exp.runs[0]!;
      assert.deepEqual(await run.getAttachment("counts"), counts);
      assert.equal(exp.attachmentInfo("matrix").mediaType, NPY_MEDIA_TYPE);
      assert.equal(exp.attachmentInfo("matrix-zstd").mediaType, NPY_MEDIA_TYPE);
      assert.equal(exp.attachmentInfo("matrix-zstd").compression, "zstd");
    },
  );

  await t.step("getWithCodec without registering: Experiment and Run level", async () => {
    await using exp = await openExperiment(bytes);
    const back = await exp.getWithCodec(npyCodec, "matrix");
    assert.deepEqual(toNested(back), [[1, 2, 3], [4, 5, 6.5]]);
    assert.deepEqual(await exp.getWithCodec(npyCodec, "matrix-zstd"), matrix);
    assert.deepEqual(await exp.runs[0]!.getWithCodec(npyCodec, "counts"), counts);
    // Without the codec registered, getAttachment hands back the raw .npy bytes.
    const raw = await exp.getAttachment("matrix");
    assert.ok(raw instanceof Uint8Array);
    assert.deepEqual(decodeNpy(raw), matrix);
  });

  await t.step("media types are checked before the codec sees any bytes", async () => {
    const builder = createExperiment({ imageName: "example.com/npy-codec/mismatch:v1" });
    await builder.logJson("setup", { n: 1 });
    await using exp = await builder.commit();
    let decoded = 0;
    const spy = { ...npyCodec, decode: (b: Uint8Array) => (decoded++, decodeNpy(b)) };
    await assert.rejects(exp.getWithCodec(spy, "setup"), (e: unknown) => {
      assert.ok(e instanceof MediaTypeMismatchError);
      assert.equal(e.code, "MEDIA_TYPE_MISMATCH");
      assert.match(e.message, /application\/x-npy/);
      return true;
    });
    assert.equal(decoded, 0);
    // Registering the codec twice is a contract error, not a silent override.
    assert.throws(() => createCodecRegistry(defaultCodecs, npyCodec, npyCodec), {
      code: "CODEC_CONTRACT",
    });
  });

  await t.step("logging a value the codec cannot encode is a typed error", async () => {
    const builder = createExperiment({ imageName: "example.com/npy-codec/bad:v1" });
    await assert.rejects(
      builder.logWithCodec(npyCodec, "bad", {
        dtype: "int32",
        shape: [2],
        data: new Int32Array(3),
      }),
      (e: unknown) => e instanceof EncodeError && e.code === "ENCODE_ERROR",
    );
  });
});

Deno.test("npy: numpy.load reads the attachment bytes an Experiment stored", {
  ignore: PYTHON === undefined,
}, async () => {
  const python = PYTHON!;
  await using exp = await openExperiment(await recordExperiment());
  const dir = await Deno.makeTempDir({ prefix: "npy-codec-" });
  try {
    await Deno.writeFile(`${dir}/matrix.npy`, await exp.getBlob("matrix"));
    await Deno.writeFile(`${dir}/counts.npy`, await exp.runs[0]!.getBlob("counts"));
    const script = `
import json, sys, numpy as np
d = sys.argv[1]
m = np.load(f"{d}/matrix.npy"); c = np.load(f"{d}/counts.npy")
print(json.dumps([str(m.dtype), list(m.shape), m.tolist(), str(c.dtype), c.tolist()]))
`;
    const got = JSON.parse(await runPython(python, script, [dir]));
    assert.deepEqual(got, ["float64", [2, 3], [[1, 2, 3], [4, 5, 6.5]], "int32", [3, 1, 4, 1]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
