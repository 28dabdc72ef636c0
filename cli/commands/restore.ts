/**
 * `ommx-ts restore <image name>`: recover the checkpoint of an Experiment
 * in the OMMX Local Registry — the `draft` a crashed or killed sweep left
 * (autosave after every closed Run), or the `failed` / `interrupted` one an
 * error left — and commit it under its requested image name, as
 * `Experiment.restoreFromCheckpoint(name)` followed by `commit()` (the
 * checkpoint is then removed). Root from `--root`, else
 * `OMMX_LOCAL_REGISTRY_ROOT`, else the Python SDK's data directory.
 *
 * @module
 */
import { Experiment, listExperimentCheckpoints } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import { escapeControls } from "../safe_text.ts";

/** The `restore` command. */
export const restore: Command = {
  name: "restore",
  summary:
    "commit the checkpoint an unfinished Experiment left in the Local Registry under its image name",
  spec: {
    usage: "ommx-ts restore <image name> [--root dir] [--json]",
    positionals: ["imageName"],
    options: { root: { type: "string" } },
  },
  async run(args, io) {
    const root = typeof args.values.root === "string" ? args.values.root : undefined;
    const options = root === undefined ? {} : { root };
    const exp = await Experiment.restoreFromCheckpoint(args.positionals.imageName!, options);
    try {
      const name = exp.imageName!;
      const checkpoint = (await listExperimentCheckpoints(name, options)).find((c) =>
        c.requestedImageName === name
      );
      await exp.commit();
      const report = {
        imageName: name,
        manifestDigest: exp.manifestDigest,
        runs: exp.runs.length,
        checkpoint: checkpoint === undefined ? null : {
          imageName: checkpoint.checkpointImageName,
          manifestDigest: checkpoint.manifestDigest,
          status: checkpoint.status,
          reason: (checkpoint.config as { outcome?: { reason?: unknown } }).outcome?.reason ?? null,
          updatedAt: checkpoint.updatedAt,
        },
      };
      if (args.values.json) {
        await io.out(toJsonText(report));
      } else {
        const from = checkpoint === undefined
          ? "its checkpoint"
          : `its ${checkpoint.status} checkpoint of ${escapeControls(checkpoint.updatedAt)}`;
        const reason = report.checkpoint?.reason;
        await io.out(
          `restored ${escapeControls(name)} from ${from} (${report.runs} run${
            report.runs === 1 ? "" : "s"
          }${typeof reason === "string" ? `, ${escapeControls(reason)}` : ""})\n` +
            `committed ${exp.manifestDigest}\n`,
        );
      }
      return 0;
    } finally {
      await exp.close();
    }
  },
};
