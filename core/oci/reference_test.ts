import assert from "node:assert/strict";
import { InvalidReferenceError } from "../errors.ts";
import {
  canonicalizeReference,
  formatReference,
  parseReference,
  referenceKey,
  repositoryKey,
} from "./reference.ts";

const D = "sha256:" + "ab".repeat(32);

Deno.test("reference: canonical forms of the reference SDK", () => {
  const cases: [string, string][] = [
    ["jij-inc/ommx:latest", "docker.io/jij-inc/ommx:latest"],
    ["alpine", "docker.io/library/alpine:latest"],
    ["ghcr.io/a/b", "ghcr.io/a/b:latest"],
    ["registry-1.docker.io/alpine:3", "docker.io/library/alpine:3"],
    ["index.docker.io/alpine", "docker.io/library/alpine:latest"],
    ["docker.io/alpine", "docker.io/library/alpine:latest"],
    ["localhost/x", "localhost/x:latest"],
    ["localhost:5000/a/b:v1", "localhost:5000/a/b:v1"],
    ["127.0.0.1:5000/a/b", "127.0.0.1:5000/a/b:latest"],
    ["ghcr.io/jij-inc/ommx/demo:v1", "ghcr.io/jij-inc/ommx/demo:v1"],
    [`ghcr.io/a/b@${D}`, `ghcr.io/a/b@${D}`],
    [`ghcr.io/a/b:t@${D}`, `ghcr.io/a/b:t@${D}`],
    [
      "abcd1234.ommx.local/experiment:20260101T000000-0123456789ab",
      "abcd1234.ommx.local/experiment:20260101T000000-0123456789ab",
    ],
    ["Host.Example.com/a_b.c-d__e/f:T.1-x", "Host.Example.com/a_b.c-d__e/f:T.1-x"],
  ];
  for (const [input, want] of cases) assert.equal(canonicalizeReference(input), want, input);
});

Deno.test("reference: parts and keys", () => {
  const r = parseReference(`ghcr.io/a/b@${D}`);
  assert.equal(r.tag, undefined);
  assert.equal(r.digest, D);
  assert.equal(referenceKey(r), D);
  assert.equal(repositoryKey(r), "ghcr.io/a/b");
  assert.equal(referenceKey(parseReference("ghcr.io/a/b")), "latest");
  assert.equal(formatReference({ registry: "r.io", repository: "x", tag: "1" }), "r.io/x:1");
});

Deno.test("reference: invalid inputs throw InvalidReferenceError", () => {
  const bad = [
    "",
    "INVALID/IMAGE",
    "ghcr.io/A/b",
    "ghcr.io/a/b:",
    "ghcr.io/a/b:-x",
    "ghcr.io/a/b@sha256:abc",
    `ghcr.io/a/b@sha256:${"AB".repeat(32)}`,
    "ghcr.io/",
    "ghcr.io//b",
    "a//b",
    "a/b/",
    "ex ample.com/a",
    ":tag",
    "-bad.com/a",
    "a".repeat(256),
  ];
  for (const input of bad) {
    assert.throws(
      () => parseReference(input),
      (e: unknown) => e instanceof InvalidReferenceError && e.code === "INVALID_REFERENCE",
      JSON.stringify(input),
    );
  }
});
