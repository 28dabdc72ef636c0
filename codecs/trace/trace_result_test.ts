import assert from "node:assert/strict";
import { MEDIA_TYPE_TRACE } from "../media_types.ts";
import { create, fromBinary, toBinary } from "npm:@bufbuild/protobuf@2.17.0";
import { TraceResult } from "./trace_result.ts";
import { traceCodec } from "./trace_codec.ts";
import { ExportTraceServiceRequestSchema } from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.ts";
import { Span_SpanKind, Status_StatusCode } from "./gen/opentelemetry/proto/trace/v1/trace_pb.ts";
import { DecodeError } from "../../core/errors.ts";
import { parsePythonJson } from "../json/parse.ts";

interface Fixture {
  ommx_version: string;
  otlp_base64: string;
  text_tree: string;
  chrome_trace_json: string;
}
const FIXTURE_URL = new URL("../../tests/fixtures/trace/sample_trace.json", import.meta.url);
const fixture = JSON.parse(await Deno.readTextFile(FIXTURE_URL)) as Fixture;
const fixtureBytes = Uint8Array.from(atob(fixture.otlp_base64), (c) => c.charCodeAt(0));

const id = (n: number, len = 8) => {
  const b = new Uint8Array(len);
  b[len - 1] = n;
  return b;
};

function build(
  spans: Parameters<typeof create<typeof ExportTraceServiceRequestSchema>>[1],
): Uint8Array {
  return toBinary(ExportTraceServiceRequestSchema, create(ExportTraceServiceRequestSchema, spans));
}

Deno.test("TraceResult: a trace written by the Python SDK", () => {
  const trace = TraceResult.fromOtlpProtobuf(fixtureBytes);
  assert.deepEqual(trace.spans.map((s) => s.name), ["leaf", "inner", "fails", "Run"]);
  const [run] = trace.roots();
  assert.equal(run?.name, "Run");
  assert.equal(run?.parentSpanId, null);
  assert.equal(run?.scopeName, "ommx.experiment");
  assert.deepEqual(run?.attributes, { "ommx.run.id": 0 });
  assert.equal(run?.kind, "internal");
  assert.equal(run?.traceId.length, 32);
  assert.equal(run?.spanId.length, 16);
  assert.equal(run?.resourceAttributes["telemetry.sdk.language"], "python");
  assert.deepEqual(trace.children(run!).map((s) => s.name), ["inner", "fails"]);
  const inner = trace.spansNamed("inner")[0]!;
  assert.equal(inner.parentSpanId, run!.spanId);
  assert.deepEqual(inner.attributes, { s: "it's", f: 2, i: 3, b: true, arr: [1, 2], u: "é😀" });
  assert.deepEqual(trace.children(inner).map((s) => s.name), ["leaf"]);
  const fails = trace.spansNamed("fails")[0]!;
  assert.deepEqual(fails.status, { code: "error", message: "ValueError: boom" });
  assert.equal(fails.events[0]?.name, "exception");
  assert.equal(fails.events[0]?.attributes["exception.type"], "ValueError");
  assert.ok(typeof run?.startTimeUnixNano === "bigint");
  assert.equal(
    run!.durationMs,
    Number(run!.endTimeUnixNano - run!.startTimeUnixNano) / 1e6,
  );
});

Deno.test("TraceResult: text tree and Chrome JSON match the Python SDK byte for byte", () => {
  const trace = TraceResult.fromOtlpProtobuf(fixtureBytes);
  assert.equal(trace.toString(), fixture.text_tree);
  assert.equal(String(trace), fixture.text_tree);
  assert.equal(trace.toChromeTraceJson(), fixture.chrome_trace_json);
  const chrome = trace.toChromeTrace();
  assert.equal(chrome.displayTimeUnit, "ms");
  assert.equal(chrome.traceEvents.length, 4);
  const parsed = parsePythonJson(fixture.chrome_trace_json) as {
    traceEvents: Record<string, unknown>[];
  };
  assert.deepEqual(
    chrome.traceEvents.map((e) => [e.name, e.ts, e.dur, e.cat]),
    parsed.traceEvents.map((e) => [e.name, e.ts, e.dur, e.cat]),
  );
  assert.deepEqual(chrome.traceEvents[0]?.args, {
    "ommx.run.id": 0,
    "otel.scope.name": "ommx.experiment",
  });
});

Deno.test("TraceResult: protobuf round trip", async () => {
  const trace = TraceResult.fromOtlpProtobuf(fixtureBytes);
  const again = TraceResult.fromOtlpProtobuf(trace.toOtlpProtobuf());
  assert.equal(again.toString(), trace.toString());
  assert.deepEqual(again.toOtlpProtobuf(), trace.toOtlpProtobuf());
  assert.deepEqual(trace.toOtlpProtobuf(), fixtureBytes);
  assert.equal(traceCodec.mediaType, MEDIA_TYPE_TRACE);
  assert.equal(MEDIA_TYPE_TRACE, "application/org.ommx.trace.otlp+protobuf");
  const viaCodec = await traceCodec.decode(fixtureBytes);
  assert.deepEqual(await traceCodec.encode(viaCodec), fixtureBytes);
});

Deno.test("TraceResult: tree edge cases (orphans, ordering, durations, attribute filters)", () => {
  const bytes = build({
    resourceSpans: [{
      scopeSpans: [{
        scope: { name: "" },
        spans: [
          {
            name: "late-root",
            spanId: id(1),
            startTimeUnixNano: 5_000_000_000n,
            endTimeUnixNano: 7_500_000_000n,
          },
          {
            name: "orphan",
            spanId: id(2),
            parentSpanId: id(99),
            startTimeUnixNano: 1_000n,
            endTimeUnixNano: 1_126n,
            kind: Span_SpanKind.CLIENT,
            attributes: [
              { key: "busy_ns", value: { value: { case: "intValue", value: 5n } } },
              { key: "code.filepath", value: { value: { case: "stringValue", value: "x.rs" } } },
              { key: "big", value: { value: { case: "intValue", value: 2n ** 62n } } },
              { key: "nan", value: { value: { case: "doubleValue", value: NaN } } },
              {
                key: "raw",
                value: { value: { case: "bytesValue", value: new Uint8Array([0, 39, 65]) } },
              },
              {
                key: "kv",
                value: {
                  value: {
                    case: "kvlistValue",
                    value: {
                      values: [{ key: "a", value: { value: { case: "doubleValue", value: 1 } } }],
                    },
                  },
                },
              },
              { key: "empty", value: {} },
            ],
          },
          {
            name: "child-b",
            spanId: id(4),
            parentSpanId: id(1),
            startTimeUnixNano: 6_000_000_000n,
            endTimeUnixNano: 6_001_125_000n,
          },
          {
            name: "child-a",
            spanId: id(3),
            parentSpanId: id(1),
            startTimeUnixNano: 5_500_000_000n,
            endTimeUnixNano: 0n,
            status: { code: Status_StatusCode.ERROR, message: "" },
          },
        ],
      }],
    }],
  });
  const trace = new TraceResult(bytes);
  assert.deepEqual(trace.roots().map((s) => s.name), ["orphan", "late-root"]);
  const orphan = trace.spansNamed("orphan")[0]!;
  assert.equal(orphan.kind, "client");
  assert.equal(orphan.scopeName, null);
  assert.equal(orphan.attributes.big, 2n ** 62n);
  assert.deepEqual(orphan.attributes.kv, { a: 1 });
  assert.equal(orphan.attributes.empty, null);
  assert.equal(
    trace.toString(),
    [
      "├── orphan (0.1 µs) [big=4611686018427387904, nan=nan, raw=b\"\\x00'A\", kv={'a': 1.0}, empty=None]",
      "└── late-root (2.50 s)",
      "    ├── child-a (0.0 µs) [ERROR]",
      "    └── child-b (1.12 ms)",
    ].join("\n"),
  );
  const chrome = trace.toChromeTrace();
  assert.deepEqual(chrome.traceEvents.map((e) => [e.name, e.ts, e.dur, e.cat]), [
    ["orphan", 1, 1, "ommx"],
    ["late-root", 5_000_000, 2_500_000, "ommx"],
    ["child-b", 6_000_000, 1125, "ommx"],
  ]);
  assert.match(
    trace.toChromeTraceJson(),
    /"nan": NaN, "raw": "b\\"\\\\x00'A\\"", "kv": "\{'a': 1\.0\}", "empty": null/,
  );
});

Deno.test("TraceResult: empty and invalid input", () => {
  assert.equal(new TraceResult().toString(), "(no spans)");
  assert.equal(TraceResult.fromOtlpProtobuf(new Uint8Array()).spans.length, 0);
  for (const bad of [new Uint8Array([0x0a, 0x05, 0x01]), new Uint8Array([0xff, 0xff, 0xff])]) {
    assert.throws(
      () => TraceResult.fromOtlpProtobuf(bad),
      (e) =>
        e instanceof DecodeError && e.code === "DECODE_ERROR" &&
        e.message.includes(MEDIA_TYPE_TRACE),
    );
  }
  const foreign = new TraceResult(fixtureBytes).spans[0]!;
  assert.deepEqual(new TraceResult().children(foreign), []);
});

/** One resource/scope with the given spans (ids as 8-byte big-endian numbers). */
function manySpans(count: number, parentOf: (i: number) => number | null): Uint8Array {
  const id8 = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(4, n);
    return b;
  };
  const spans = [];
  for (let i = 0; i < count; i++) {
    const p = parentOf(i);
    spans.push({
      traceId: new Uint8Array(16).fill(1),
      spanId: id8(i + 1),
      parentSpanId: p === null ? new Uint8Array(0) : id8(p + 1),
      name: `s${i}`,
      startTimeUnixNano: BigInt(i + 1),
      endTimeUnixNano: BigInt(i + 2),
    });
  }
  return build({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

Deno.test("TraceResult: 150,000 orphan spans (one parent, not in the trace) are all roots", () => {
  const n = 150_000;
  const trace = TraceResult.fromOtlpProtobuf(manySpans(n, () => n + 7));
  const roots = trace.roots();
  assert.equal(roots.length, n);
  assert.equal(roots[0]!.name, "s0");
  assert.equal(roots[n - 1]!.name, `s${n - 1}`);
  const text = trace.toString();
  assert.equal(text.split("\n").length, n);
  assert.ok(text.endsWith(`└── s${n - 1} (0.0 µs)`), text.slice(-60));
});

Deno.test("TraceResult: a chain of 6,000 nested spans prints without overflowing the stack", () => {
  // (the text of a chain grows with the square of its depth: 4 columns of indent per level)
  const n = 6_000;
  const trace = TraceResult.fromOtlpProtobuf(manySpans(n, (i) => (i === 0 ? null : i - 1)));
  assert.equal(trace.roots().length, 1);
  const text = trace.toString();
  assert.equal(text.split("\n").length, n);
  assert.ok(text.endsWith(`└── s${n - 1} (0.0 µs)`), text.slice(-60));
});

Deno.test("TraceResult: span ids reused into a cycle print each span once", () => {
  // s0 (id 1, root) → s1 (id 2, parent 1) → s2 (id 1 again, parent 2) → children of id 1 …
  const bytes = manySpans(3, (i) => (i === 0 ? null : i - 1));
  const request = fromBinary(ExportTraceServiceRequestSchema, bytes);
  request.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.spanId = id(1);
  request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId = id(1);
  request.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.spanId = id(2);
  request.resourceSpans[0]!.scopeSpans[0]!.spans[1]!.parentSpanId = id(1);
  request.resourceSpans[0]!.scopeSpans[0]!.spans[2]!.parentSpanId = id(2);
  const trace = TraceResult.fromOtlpProtobuf(toBinary(ExportTraceServiceRequestSchema, request));
  const lines = trace.toString().split("\n");
  assert.ok(lines.length <= 3, lines.join("\n"));
});
