/**
 * Interop: TypeScript publishes Experiments straight into an OMMX Local Registry
 * (`pushExperiment(exp, { localRegistry, root })`, `ommx-ts push … local:<name>`), and the
 * REAL Python SDK (`OMMX_LOCAL_REGISTRY_ROOT=<root>`, tests/interop/read_local_registry.py)
 * loads them with `Experiment.load(name)`: same status, attachments (media types, bytes, JSON
 * values), runs and run parameters; `ommx.artifact.list_artifacts()` and `list_experiments()`
 * list them under the same manifest digest. Both a registry the SDK created and one TypeScript
 * created are covered, and the SDK keeps committing into either afterwards.
 *
 * Needs the reference SDK (OMMX_INTEROP_PYTHON, OMMX_PYTHON, or .cache/venv with python3 on PATH;
 * core/_tools_test_util.ts); skipped with one printed line otherwise.
 */
import assert from "node:assert/strict";
import {
  AutosavePolicy,
  createExperiment,
  Experiment,
  openExperiment,
  pushExperiment,
  ReferenceConflictError,
} from "../../mod.ts";
import { runPythonJson, sha } from "./_python_test_util.ts";
import { referencePython } from "../../core/_tools_test_util.ts";

const repo = new URL("../../", import.meta.url);

const python = referencePython(
  "the Local Registry write interop test (tests/interop/local_registry_write_test.ts)",
);

interface AttachmentReport {
  media_type: string;
  sha256: string;
  json?: unknown;
}
interface ExperimentReport {
  status: string;
  attachments: Record<string, AttachmentReport>;
  runs: {
    run_id: number;
    status: string;
    parameters: Record<string, unknown>;
    attachments: Record<string, AttachmentReport>;
  }[];
}
interface Report {
  root: string;
  artifacts: [string, string][];
  experiments_listed: [string, string][];
  experiments: Record<string, ExperimentReport>;
}

async function readWithSdk(root: string, ...args: string[]): Promise<Report> {
  return await runPythonJson<Report>(python!, "read_local_registry.py", args, {
    OMMX_LOCAL_REGISTRY_ROOT: root,
  });
}

/** The report's spelling of non-finite floats (strict JSON). */
function strict(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (Array.isArray(value)) return value.map(strict);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
  }
  return value;
}

/** What the SDK should report for an Experiment, computed on the TypeScript side. */
async function expected(exp: Experiment): Promise<ExperimentReport> {
  const attachments = async (
    owner: {
      attachmentNames: readonly string[];
      attachmentMediaType(n: string): string;
      getBlob(n: string): Promise<Uint8Array>;
      getJson(n: string): Promise<unknown>;
    },
  ) => {
    const out: Record<string, AttachmentReport> = {};
    for (const n of owner.attachmentNames) {
      const mediaType = owner.attachmentMediaType(n);
      out[n] = {
        media_type: mediaType,
        sha256: sha(await owner.getBlob(n)),
        ...(mediaType === "application/json" ? { json: strict(await owner.getJson(n)) } : {}),
      };
    }
    return out;
  };
  const runs = [];
  for (const r of exp.runs) {
    const parameters: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.parameters)) {
      const plain = typeof v === "object" && v !== null && "value" in v
        ? (v as { value: unknown }).value
        : v;
      // pandas' run_parameters_df cannot tell a NaN cell from a missing one; the report drops both.
      if (typeof plain === "number" && Number.isNaN(plain)) continue;
      parameters[k] = strict(
        typeof v === "object" && v !== null && "value" in v
          ? (v as { value: unknown }).value
          : typeof v === "bigint"
          ? Number(v)
          : v,
      );
    }
    runs.push({
      run_id: r.runId,
      status: r.status,
      parameters,
      attachments: await attachments(r),
    });
  }
  return { status: exp.status ?? "unsealed", attachments: await attachments(exp), runs };
}

async function buildExperiment(name: string, seed: number): Promise<Experiment> {
  const b = createExperiment({ imageName: name });
  await b.logJson("settings", { solver: "ts", seed });
  b.setAnnotation("org.example.origin", "ommx-ts");
  for (let i = 0; i < 2; i++) {
    await b.withRun(async (run) => {
      run.logParameter("alpha", 0.25 * (i + 1));
      run.logParameter("n", 10 + i);
      run.logParameter("label", `run-${i}`);
      await run.logJson("params", { i, values: [i, i + 1], seed });
      await run.logAttachment(
        "notes",
        "text/plain",
        new TextEncoder().encode(`run ${i} of ${seed}`),
      );
    });
  }
  return await b.commit();
}

Deno.test({
  name:
    "interop: TypeScript publishes into a Local Registry the SDK created; Experiment.load reads it identically",
  ignore: !python,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "ommx-local-registry-write-" });
    try {
      // The SDK creates the registry (and commits one Experiment of its own).
      const sdkName = "ghcr.io/ommx-ts/interop/from-python:v1";
      const seeded = await readWithSdk(root, "--commit", sdkName);
      assert.equal(seeded.root, root);
      assert.equal(seeded.artifacts.length, 1);

      const name = "ghcr.io/ommx-ts/interop/from-ts:v1";
      const exp = await buildExperiment(name, 7);
      const pushed = await pushExperiment(exp, { localRegistry: name, root });
      assert.equal(pushed.digest, exp.manifestDigest);
      // Idempotent: the same Experiment again changes nothing.
      await pushExperiment(exp, { localRegistry: name, root });
      // A corpus Experiment (Python-written bytes, solves, traces…) under a second name.
      const corpusName = "ghcr.io/ommx-ts/interop/corpus-runs:v1";
      await using corpus = await openExperiment(
        new URL("../fixtures/reference/runs.ommx", import.meta.url).pathname,
      );
      await pushExperiment(corpus, { localRegistry: corpusName, root });

      const report = await readWithSdk(root, name, corpusName, sdkName);
      assert.deepEqual(report.experiments[name], await expected(exp));
      assert.deepEqual(report.experiments[corpusName], await expected(corpus));
      assert.deepEqual(report.artifacts, [
        [corpusName, corpus.manifestDigest],
        [sdkName, seeded.artifacts[0]![1]],
        [name, exp.manifestDigest],
      ]);
      assert.deepEqual(report.experiments_listed, report.artifacts);

      // A different Experiment under a taken name is refused, as the SDK refuses.
      const other = await buildExperiment(name, 8);
      await assert.rejects(pushExperiment(other, { localRegistry: name, root }), (e) => {
        assert.ok(e instanceof ReferenceConflictError);
        assert.equal(e.code, "ALREADY_EXISTS");
        assert.equal(e.existingDigest, exp.manifestDigest);
        assert.equal(e.incomingDigest, other.manifestDigest);
        return true;
      });

      // TypeScript reads back what it wrote, through the SDK's index.
      await using back = await openExperiment({ localRegistry: name, root });
      assert.equal(back.manifestDigest, exp.manifestDigest);
      assert.equal(back.imageName, name);
      assert.deepEqual(await expected(back), await expected(exp));

      // The SDK commits after us (its writes and ours share the locks and schema).
      const after = await readWithSdk(root, "--commit", "ghcr.io/ommx-ts/interop/after:v1", name);
      assert.equal(after.artifacts.length, 4);
      assert.deepEqual(after.experiments[name], await expected(exp));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "interop: a Local Registry TypeScript created (pushExperiment, ommx-ts push local:) is the SDK's",
  ignore: !python,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "ommx-local-registry-create-" });
    const root = `${dir}/registry`;
    try {
      const name = "ghcr.io/ommx-ts/interop/created:v1";
      const exp = await buildExperiment(name, 11);
      await pushExperiment(exp, { localRegistry: name, root });

      // The CLI publishes an archive into the same registry.
      const archive = new URL("../fixtures/reference/attachments.ommx", import.meta.url).pathname;
      const cliName = "ghcr.io/ommx-ts/interop/cli:v1";
      const cli = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          new URL("cli/main.ts", repo).pathname,
          "push",
          archive,
          `local:${cliName}`,
          "--root",
          root,
          "--json",
        ],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
      const cliOut = JSON.parse(new TextDecoder().decode(cli.stdout)) as {
        manifestDigest: string;
        destination: string;
      };
      assert.equal(cliOut.destination, `local:${cliName}`);

      const report = await readWithSdk(
        root,
        "--commit",
        "ghcr.io/ommx-ts/interop/sdk:v1",
        name,
        cliName,
      );
      assert.deepEqual(report.experiments[name], await expected(exp));
      await using fromArchive = await openExperiment(archive);
      assert.equal(cliOut.manifestDigest, fromArchive.manifestDigest);
      assert.deepEqual(report.experiments[cliName], await expected(fromArchive));
      assert.deepEqual(report.artifacts.map((a) => a[0]), [
        cliName,
        name,
        "ghcr.io/ommx-ts/interop/sdk:v1",
      ]);

      // A second CLI push of another archive under the same name fails with the stable code.
      const again = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          new URL("cli/main.ts", repo).pathname,
          "push",
          new URL("../fixtures/reference/runs.ommx", import.meta.url).pathname,
          `local:${cliName}`,
          "--root",
          root,
        ],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      assert.equal(again.code, 1);
      assert.match(new TextDecoder().decode(again.stderr), /ALREADY_EXISTS: .*already points to/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "interop: Experiment.create records 40 runs and a 3 MB logFile straight into a Local Registry (queued pushes, file copied once); the SDK loads it identically",
  ignore: !python,
  sanitizeResources: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "ommx-local-registry-writer-" });
    try {
      const file = `${root}/measurements.bin`;
      const bytes = new Uint8Array(3 * (1 << 20) + 17).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
      await Deno.writeFile(file, bytes);
      const name = "ghcr.io/ommx-ts/interop/writer:v1";
      const exp = await Experiment.create(name, { root: `${root}/registry` });
      exp.setAutosavePolicy(AutosavePolicy.disabled());
      await exp.logFile("measurements", file);
      await exp.logJson("settings", { runs: 40 });
      for (let i = 0; i < 40; i++) {
        await exp.withRun(async (run) => {
          run.logParameter("seed", i);
          run.logParameter("solver", `fixed-${i % 7}`);
          await run.logJson("config", { i, capacity: 40 + i % 50 });
          await run.logAttachment("raw", "application/octet-stream", new Uint8Array([i, 255 - i]));
        });
      }
      await exp.commit();
      const report = await readWithSdk(`${root}/registry`, name);
      assert.deepEqual(report.experiments_listed, [[name, exp.manifestDigest]]);
      const sdk = report.experiments[name]!;
      assert.equal(sdk.attachments.measurements?.sha256, sha(bytes));
      assert.equal(sdk.runs.length, 40);
      assert.deepEqual(sdk, await expected(exp));
      await exp.close();
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
