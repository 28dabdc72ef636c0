/**
 * listRemoteExperiments against the in-process test registry: one entry per tag in tag order
 * (reported through onEntry in that order), Experiments with their counts, other artifact kinds
 * without an Experiment, and a tag that fails (invalid reference, manifest gone, hostile config)
 * as an entry with its error code, never stopping the listing.
 */
import assert from "node:assert/strict";
import { Function, Instance, Solution } from "../../../codecs/ommx/mod.ts";
import { startRegistryServer } from "../../oci/backends/_registry_server_test_util.ts";
import { createExperimentBuilder } from "../write/experiment_builder.ts";
import { pushExperiment } from "../write/push.ts";
import { ArtifactDraft } from "../write/artifact_draft.ts";
import { pushArtifact } from "../write/artifact_io.ts";
import { MemoryTarget } from "../../oci/backends/memory.ts";
import { listRemoteExperiments, type RemoteExperimentEntry } from "./remote_catalogue.ts";

const instance = new Instance({
  sense: "minimize",
  objective: Function.linear([[1, 3]]),
  decisionVariables: [{
    id: 1,
    kind: "binary" as const,
    bound: { lower: 0, upper: 1 },
    subscripts: [],
    parameters: {},
  }],
});
const one = { name: "toy.One", solve: (i: Instance) => Solution.evaluate(i, new Map([[1, 1]])) };

Deno.test("listRemoteExperiments: tags in order, counts, other kinds and failures as entries", async () => {
  const server = startRegistryServer({ tagPageSize: 2 });
  try {
    for (const [tag, runs] of [["v1", 1], ["v2", 3], ["v3", 0]] as const) {
      const b = createExperimentBuilder({ imageName: `${server.host}/team/exp:${tag}` });
      for (let i = 0; i < runs; i++) {
        await b.withRun(async (run) => {
          run.logParameter("i", i);
          await run.logSolve(one, instance);
        });
      }
      await pushExperiment(await b.commit(), { registry: `${server.host}/team/exp:${tag}` });
    }
    // A generic artifact under the same repository.
    const draft = ArtifactDraft.new(`${server.host}/team/exp:instance`, {
      store: new MemoryTarget(),
    });
    await draft.addJson({ a: 1 });
    const art = await draft.commit();
    await pushArtifact(art, { registry: `${server.host}/team/exp:instance` });
    // A tag whose manifest is gone, and a hostile tag the registry lists.
    server.tags.get("team/exp")!.set("gone", "sha256:" + "1".repeat(64));
    const seen: [number, string][] = [];
    const { entries, truncated } = await listRemoteExperiments(`${server.host}/team/exp`, {
      concurrency: 3,
      onEntry: (e, i) => seen.push([i, e.tag]),
    });
    assert.equal(truncated, false);
    const byTag = new Map(entries.map((e) => [e.tag, e]));
    assert.deepEqual(seen.map(([i]) => i), entries.map((_, i) => i));
    assert.deepEqual(seen.map(([, t]) => t), entries.map((e) => e.tag));
    const counts = (e: RemoteExperimentEntry | undefined) =>
      e?.experiment && [e.experiment.status, e.experiment.runCount, e.experiment.solveCount];
    assert.deepEqual(counts(byTag.get("v1")), ["finished", 1, 1]);
    assert.deepEqual(counts(byTag.get("v2")), ["finished", 3, 3]);
    assert.deepEqual(counts(byTag.get("v3")), ["finished", 0, 0]);
    assert.equal(byTag.get("v1")!.imageName, `${server.host}/team/exp:v1`);
    assert.equal(byTag.get("v1")!.experiment!.updatedAt, "");
    assert.equal(byTag.get("gone")!.error?.code, "BLOB_NOT_FOUND");
    const inst = byTag.get("instance")!;
    assert.equal(inst.experiment, null);
    assert.equal(inst.error, null);
    assert.equal(inst.artifactType, "application/org.ommx.v1.artifact");
    const limited = await listRemoteExperiments(`${server.host}/team/exp`, { limit: 2 });
    assert.equal(limited.truncated, true);
    assert.equal(limited.entries.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("listRemoteExperiments: a hostile tag list gives error entries, not a failed listing", async () => {
  const server = startRegistryServer({
    tagList: () => Response.json({ tags: ["<script>alert(1)</script>", "ok\u0007", "missing"] }),
  });
  try {
    const { entries } = await listRemoteExperiments(`${server.host}/team/x`);
    assert.deepEqual(entries.map((e) => [e.tag, e.error?.code]), [
      ["<script>alert(1)</script>", "INVALID_REFERENCE"],
      ["ok\u0007", "INVALID_REFERENCE"],
      ["missing", "BLOB_NOT_FOUND"],
    ]);
    assert.ok(entries.every((e) => e.experiment === null));
  } finally {
    await server.close();
  }
});
