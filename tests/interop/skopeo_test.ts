/**
 * `skopeo inspect --raw oci-archive:<file>` and `skopeo copy oci-archive:<file>
 * oci:<dir>` accept the archives ommx-ts writes (and the OCI layout
 * directories). Skipped with one printed line when skopeo is not on PATH (core/_tools_test_util.ts;
 * `.ci/install_system.sh` installs it).
 */
import assert from "node:assert/strict";
import {
  createExperimentBuilder,
  forkExperimentBuilder,
} from "../../core/experiment/write/experiment_builder.ts";
import { saveExperiment, saveExperimentLayout } from "../../core/experiment/write/save.ts";
import { requireTool, TOOLS } from "../../core/_tools_test_util.ts";

const skopeo = requireTool(
  TOOLS.skopeo,
  "the skopeo OCI copy tests (tests/interop/skopeo_test.ts)",
);

async function run(...args: string[]): Promise<string> {
  const out = await new Deno.Command(skopeo!, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(
    out.code,
    0,
    `skopeo ${args.join(" ")}:\n${text}${new TextDecoder().decode(out.stderr)}`,
  );
  return text;
}

Deno.test({
  name: "skopeo: inspects and copies every kind of archive we write",
  ignore: skopeo === undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-ts-skopeo-" });
    try {
      const b = createExperimentBuilder({ imageName: "localhost:5000/ommx-ts/skopeo:v1" });
      b.setAnnotation("org.example.k", "値");
      await b.logJson("j", { a: 1 });
      await b.logJson("dup", { a: 1 }); // same blob as "j": duplicate layer digest
      await b.logAttachment("z", "text/plain", new TextEncoder().encode("x".repeat(1000)), {
        compression: "zstd",
      });
      await b.withRun(async (run) => {
        run.logParameter("p", 1.5);
        await run.logAttachment("blob", "application/octet-stream", new Uint8Array(70_000));
      });
      const exp = await b.commit();
      const child = await forkExperimentBuilder(exp, {
        imageName: "localhost:5000/ommx-ts/skopeo-child:v1",
      });
      await child.withRun(() => {});
      const failing = createExperimentBuilder({
        imageName: "localhost:5000/ommx-ts/skopeo-failed:v1",
      });
      const archives = {
        full: exp,
        empty: await createExperimentBuilder().commit(),
        child: await child.commit(),
        failed: await failing.fail(new Error("boom")),
      };
      for (const [name, e] of Object.entries(archives)) {
        const path = `${dir}/${name}.ommx`;
        await saveExperiment(e, path);
        const raw = JSON.parse(await run("inspect", "--raw", `oci-archive:${path}`));
        assert.equal(raw.artifactType, "application/org.ommx.v1.experiment");
        assert.equal(raw.layers.length, e.layers.length);
        await run("copy", `oci-archive:${path}`, `oci:${dir}/${name}-copy`);
        const index = JSON.parse(await Deno.readTextFile(`${dir}/${name}-copy/index.json`));
        assert.equal(index.manifests[0].digest, e.manifestDigest);
        if (name === "child") assert.equal(raw.subject.digest, exp.manifestDigest);
      }
      const layout = await saveExperimentLayout(exp, `${dir}/layout`);
      const raw = JSON.parse(
        await run("inspect", "--raw", `oci:${layout}:localhost:5000/ommx-ts/skopeo:v1`),
      );
      assert.equal(raw.config.mediaType, "application/org.ommx.v1.experiment.config+json");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
