/**
 * `ommx-ts serve` and `ommx-ts report` without a browser: what every page embeds (its first paint
 * needs no request), the listing of a Local Registry (rows, then best objectives as events; a ref
 * that cannot be listed and an Experiment that cannot be opened as rows with their error code), the
 * API (run details, attachments as downloads, errors as JSON), only listed Experiments opened,
 * hostile names escaped in the HTML (one boot script and one app script per page, whatever the
 * data), a remote repository's tags, the report file (self-contained, no connection allowed,
 * atomic, never overwritten without --overwrite). The browser side is viewer_registry_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ArtifactDraft, openExperiment, pushArtifact, pushExperiment } from "../../mod.ts";
import { MemoryTarget } from "../../core/oci/backends/memory.ts";
import { cli, cliEnv, ROOT } from "./_cli_test_util.ts";
import { bootOf, startServe } from "./_serve_test_util.ts";
import { HOSTILE, writeViewerRegistry } from "./_viewer_registry_test_util.ts";
import { startRegistryServer } from "../../core/oci/backends/_registry_server_test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const scripts = (html: string) => html.match(/<script\b/gi)?.length ?? 0;

async function readEvents(url: string): Promise<Any[]> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /ndjson/);
  const text = await res.text();
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("viewer server: Local Registry listing, events, pages, API, escaping", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-viewer-server-" });
  const served = await (async () => {
    const written = await writeViewerRegistry(root, 3);
    return { written, server: await startServe(["--root", root]) };
  })();
  const { written, server } = served;
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, "binds 127.0.0.1 by default");
    assert.equal(server.info.mode, "listing");
    // The listing page: its rows are in the page.
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("content-security-policy"), "frame-ancestors 'none'");
    const html = await res.text();
    assert.equal(scripts(html), 2, "the boot data and the app, nothing else");
    assert.match(html, /<h1 id="title">Local Registry<\/h1>/);
    assert.match(html, /connect-src 'self'/);
    assert.ok(!html.includes("<script>alert"), "hostile names never appear as markup");
    const boot = bootOf(html);
    assert.equal(boot.mode, "registry");
    assert.equal(boot.location, root);
    const rows = boot.rows as Any[];
    assert.deepEqual(
      rows.filter((r) => r.error === null).map((r) => r.key).sort(),
      [...written.names].sort(),
    );
    const bad = rows.find((r) => r.error !== null);
    assert.equal(bad.imageName, `${HOSTILE.badRef}:v1`);
    assert.equal(bad.error.code, "INVALID_ARTIFACT");
    const sweep = rows.find((r) => r.key === "example.com/viewer/sweep:ts");
    assert.deepEqual([sweep.status, sweep.runs, sweep.solves, sweep.samplings], [
      "finished",
      5,
      5,
      0,
    ]);

    // The rest arrives as events: one best objective per listed row, then done.
    const events = await readEvents(`${server.url}api/events?from=${boot.events}`);
    assert.deepEqual(events.at(-1), { type: "done" });
    const best = new Map(
      [...(boot.best as Any[]), ...events.filter((e) => e.type === "best").map((e) => e.best)]
        .map((b) => [b.key, b]),
    );
    assert.deepEqual([...best.keys()].sort(), [...written.names].sort());
    assert.equal(best.get("example.com/viewer/sweep:ts").best.text, `${written.sweep["70"]}.0`);
    assert.equal(best.get("example.com/viewer/empty:v1").best.text, "—");
    const broken = best.get("example.com/viewer/broken:v1");
    const inspect = await cliEnv(
      { OMMX_LOCAL_REGISTRY_ROOT: root },
      "inspect",
      "local:example.com/viewer/broken:v1",
    );
    assert.equal(inspect.code, 1);
    assert.ok(inspect.stderr.startsWith(`error: ${broken.error.code}: `), inspect.stderr);

    // One Experiment's page: its view and its first run's details are in the page.
    const hostileUrl = `${server.url}?experiment=${encodeURIComponent(HOSTILE.image)}`;
    const page = await (await fetch(hostileUrl)).text();
    assert.equal(scripts(page), 2);
    assert.ok(!page.includes(HOSTILE.paramName) && !page.includes(HOSTILE.reason));
    assert.match(page, /<title>example\.com\/viewer\/hostile:v1 — ommx-ts<\/title>/);
    const eb = bootOf(page) as Any;
    assert.equal(eb.mode, "experiment");
    assert.equal(eb.back, "./");
    assert.deepEqual(eb.view.columns.map((c: Any) => c.name), [
      HOSTILE.paramName,
      "capacity",
      "note",
      HOSTILE.japaneseName,
    ]);
    assert.equal(eb.view.runs[0].params[HOSTILE.paramName].text, HOSTILE.paramValue);
    assert.equal(eb.view.runs[1].reason, `RuntimeError: ${HOSTILE.reason}`);
    assert.deepEqual(Object.keys(eb.details), ["0"]);
    // The API: the other run's details, an attachment as a download, errors as JSON.
    const query = `experiment=${encodeURIComponent(HOSTILE.image)}`;
    const detail = await (await fetch(`${server.url}api/run?${query}&run=1`)).json();
    assert.equal(detail.runId, 1);
    assert.equal(detail.processes.length, 1);
    const att = await fetch(
      `${server.url}api/attachment?${query}&name=${encodeURIComponent(HOSTILE.attachment)}`,
    );
    assert.equal(att.headers.get("content-type"), "application/octet-stream");
    assert.equal(att.headers.get("x-content-type-options"), "nosniff");
    assert.match(att.headers.get("content-disposition") ?? "", /^attachment; filename\*=UTF-8''/);
    assert.deepEqual(JSON.parse(await att.text()), { a: 1 });
    for (
      const [path, status, code] of [
        ["api/run?experiment=example.com%2Fnope%3Av1&run=0", 404, "INVALID_ARGUMENT"],
        [`api/run?${query}&run=7`, 404, "NOT_FOUND"],
        [`api/run?${query}&run=x`, 400, "INVALID_ARGUMENT"],
        [`api/run?run=0`, 400, "INVALID_ARGUMENT"],
        [`api/attachment?${query}&name=nope`, 404, "ATTACHMENT_NOT_FOUND"],
        [`api/events?from=-1`, 400, "INVALID_ARGUMENT"],
      ] as const
    ) {
      const r = await fetch(`${server.url}${path}`);
      assert.equal(r.status, status, path);
      assert.equal((await r.json()).code, code, path);
    }
    // Only listed Experiments are opened: a path is just an unknown name.
    const notListed = await fetch(
      `${server.url}?experiment=${encodeURIComponent(join(ROOT, "examples/demo.ommx"))}`,
    );
    assert.equal(notListed.headers.get("x-ommx-error"), "INVALID_ARGUMENT");
    assert.equal((bootOf(await notListed.text()) as Any).mode, "error");
    // An Experiment that cannot be opened: a page with its code.
    const brokenPage = await fetch(`${server.url}?experiment=example.com%2Fviewer%2Fbroken%3Av1`);
    assert.equal(brokenPage.headers.get("x-ommx-error"), broken.error.code);
    // A comparison page carries every view, in pick order.
    const cmp = bootOf(
      await (await fetch(
        `${server.url}?compare=example.com%2Fviewer%2Fsweep%3Ats&compare=example.com%2Fviewer%2Fhostile%3Av1`,
      )).text(),
    ) as Any;
    assert.equal(cmp.mode, "compare");
    assert.deepEqual(cmp.views.map((v: Any) => v.label), [
      "example.com/viewer/sweep:ts",
      HOSTILE.image,
    ]);
    assert.equal((await fetch(server.url, { method: "POST" })).status, 405);
    assert.equal((await fetch(`${server.url}nope`)).status, 404);
  } finally {
    assert.equal(await server.stop(), 0);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("viewer server: one Experiment; the header names the served file, escaped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-viewer-single-" });
  const file = join(dir, `<b>"x" & 'y'.ommx`);
  await Deno.copyFile(`${ROOT}examples/demo.ommx`, file);
  const server = await startServe([file]);
  try {
    assert.equal(server.info.label, `<b>"x" & 'y'.ommx`);
    const html = await (await fetch(server.url)).text();
    assert.match(html, /<h1 id="title">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;\.ommx<\/h1>/);
    assert.equal(scripts(html), 2);
    const boot = bootOf(html) as Any;
    assert.equal(boot.view.label, `<b>"x" & 'y'.ommx`);
    assert.equal(boot.view.imageName, "ghcr.io/ommx-ts/examples/knapsack-sweep:v1");
    assert.equal(boot.view.runs.length, 8);
    assert.equal(boot.query, "");
    const detail = await (await fetch(`${server.url}api/run?run=2`)).json();
    assert.deepEqual(detail.processes.map((p: Any) => p.kind), ["solve", "sampling"]);
    const archive = await fetch(`${server.url}experiment.ommx`);
    assert.equal((await archive.arrayBuffer()).byteLength, (await Deno.stat(file)).size);
    assert.equal((await fetch(`${server.url}api/events`)).status, 404);
  } finally {
    assert.equal(await server.stop(), 0);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("viewer server: a remote repository's tags, other artifact kinds left out", async () => {
  const root = await Deno.makeTempDir({ prefix: "ommx-viewer-remote-" });
  const registry = startRegistryServer();
  try {
    await writeViewerRegistry(root, 1);
    const repo = `${registry.host}/viewer/remote`;
    const pushed: [string, string][] = [
      ["example.com/viewer/sweep:ts", "sweep"],
      [HOSTILE.image, "hostile"],
    ];
    for (const [name, tag] of pushed) {
      await using exp = await openExperiment({ localRegistry: name, root });
      await pushExperiment(exp, { registry: `${repo}:${tag}` });
    }
    const draft = ArtifactDraft.new(`${repo}:data`, { store: new MemoryTarget() });
    await draft.addJson({ rows: 3 });
    await pushArtifact(await draft.commit(), { registry: `${repo}:data` });
    const server = await startServe([`oci://${repo}`]);
    try {
      assert.equal(server.info.mode, "listing");
      const boot = bootOf(await (await fetch(server.url)).text()) as Any;
      assert.equal(boot.title, `oci://${repo}`);
      const events = await readEvents(`${server.url}api/events?from=0`);
      const rows = events.filter((e) => e.type === "row").map((e) => e.row);
      assert.deepEqual(rows.map((r) => r.key), [`${repo}:hostile`, `${repo}:sweep`]);
      assert.deepEqual(events.filter((e) => e.type === "note").map((e) => e.text), [
        "1 tag is not an Experiment (not listed)",
      ]);
      const best = events.filter((e) => e.type === "best").map((
        e,
      ) => [e.best.key, e.best.best.text]);
      assert.deepEqual(best, [[`${repo}:hostile`, "42.0"], [`${repo}:sweep`, "60.0"]]);
      const page = bootOf(
        await (await fetch(`${server.url}?experiment=${encodeURIComponent(`${repo}:sweep`)}`))
          .text(),
      ) as Any;
      assert.equal(page.view.runs.length, 5);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  } finally {
    await registry.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("report: one self-contained file, atomic, not overwritten without --overwrite", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ommx-report-" });
  try {
    const out = join(dir, "report.html");
    const r = await cli("report", `${ROOT}examples/demo.ommx`, "-o", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).mode, "experiment");
    const html = await Deno.readTextFile(out);
    assert.equal(scripts(html), 2);
    assert.match(html, /connect-src 'none'/);
    assert.match(html, /<h1 id="title">demo\.ommx<\/h1>/);
    const boot = bootOf(html) as Any;
    assert.equal(boot.origin, "report");
    assert.deepEqual(Object.keys(boot.details).map(Number), [0, 1, 2, 3, 4, 5, 6, 7]);
    // Small attachments are embedded (the demo's are all small).
    assert.deepEqual(Object.keys(boot.files), ["experiment/items", "run 2/note"]);
    {
      await using demo = await openExperiment(`${ROOT}examples/demo.ommx`);
      assert.deepEqual(
        JSON.parse(atob(boot.files["experiment/items"])),
        await demo.getJson("items"),
      );
    }
    assert.equal(boot.detailsOmitted, undefined);
    // Not overwritten without --overwrite; nothing left beside it.
    const again = await cli("report", `${ROOT}examples/demo.ommx`, "-o", out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: ALREADY_EXISTS: /);
    assert.equal(await Deno.readTextFile(out), html);
    const cmp = await cli(
      "report",
      `${ROOT}examples/demo.ommx`,
      `${ROOT}tests/fixtures/reference/runs.ommx`,
      "-o",
      out,
      "--overwrite",
      "--json",
    );
    assert.equal(cmp.code, 0, cmp.stderr);
    const cb = bootOf(await Deno.readTextFile(out)) as Any;
    assert.equal(cb.mode, "compare");
    assert.deepEqual(cb.views.map((v: Any) => v.label), ["demo.ommx", "runs.ommx"]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["report.html"]);
    // A source that fails: no file.
    const bad = await cli("report", join(dir, "missing.ommx"), "-o", join(dir, "x.html"));
    assert.equal(bad.code, 1);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["report.html"]);
    assert.equal((await cli("report", `${ROOT}examples/demo.ommx`)).code, 2, "-o is required");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs/demo-report.html is a report of examples/demo.ommx", async () => {
  const html = await Deno.readTextFile(`${ROOT}docs/demo-report.html`);
  const boot = bootOf(html) as Any;
  await using demo = await openExperiment(`${ROOT}examples/demo.ommx`);
  assert.equal(boot.mode, "experiment");
  assert.equal(boot.origin, "report");
  assert.equal(boot.view.label, "demo.ommx");
  assert.equal(boot.view.manifestDigest, demo.manifestDigest);
  assert.equal(Object.keys(boot.details).length, demo.runs.length);
  assert.match(html, /connect-src 'none'/);
  assert.equal(scripts(html), 2);
  // The same page code as serve: the committed viewer's script (`deno task viewer` rebuilds both).
  const app = (page: string) => /<script type="module">([\s\S]*?)<\/script>/.exec(page)?.[1];
  const viewer = await Deno.readTextFile(`${ROOT}cli/viewer/viewer.html`);
  assert.ok(app(viewer) !== undefined && app(viewer)!.length > 10_000);
  assert.ok(app(html) === app(viewer), "docs/demo-report.html is stale: run deno task viewer");
});
