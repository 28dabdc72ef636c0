/**
 * `ommx-ts ls [prefix]`: the Experiments in the OMMX Local Registry (Python
 * `ommx.experiment.list_experiments`), or with `--artifacts` every OMMX
 * artifact (`ommx.artifact.list_artifacts`), read from manifests and configs
 * only. `--status` keeps one lifecycle status.
 *
 * @module
 */
import {
  type ArtifactRef,
  type ExperimentRef,
  formatRegistryListWarning,
  listArtifacts,
  listExperiments,
  type RegistryListWarning,
} from "../../mod.ts";
import { UsageError } from "../args.ts";
import type { Command } from "../command.ts";
import { tableWidth } from "../command.ts";
import { statusText } from "../format.ts";
import { toJsonText } from "../json.ts";
import { renderTable } from "../table.ts";
import { ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

const STATUSES = ["finished", "failed", "interrupted", "draft"];
const USAGE =
  "ommx-ts ls [prefix] [--status finished|failed|interrupted] [--artifacts] [--strict] [--root dir] [--wide | --json]";

function short(digest: string): string {
  return digest.startsWith("sha256:") ? digest.slice(7, 19) : digest;
}

function experimentJson(r: ExperimentRef): Record<string, unknown> {
  const { config: _config, ...rest } = r;
  return rest;
}

function artifactJson(r: ArtifactRef): Record<string, unknown> {
  const { manifest, ...rest } = r;
  return { ...rest, layers: manifest.layers.length };
}

/** The `ls` command. */
export const ls: Command = {
  name: "ls",
  summary:
    "list the Experiments in the OMMX Local Registry (name prefix, --status), or --artifacts: every OMMX artifact",
  spec: {
    usage: USAGE,
    positionals: [],
    optionalPositionals: ["prefix"],
    options: {
      ...ROOT_OPTION,
      status: { type: "string" },
      artifacts: { type: "boolean" },
      strict: { type: "boolean" },
      wide: { type: "boolean" },
    },
  },
  async run(args, io) {
    const status = args.values.status;
    if (typeof status === "string" && !STATUSES.includes(status)) {
      throw new UsageError(
        `--status must be one of ${STATUSES.join(", ")}, got ${JSON.stringify(status)}`,
        USAGE,
      );
    }
    if (status !== undefined && args.values.artifacts === true) {
      throw new UsageError(
        "--status applies to Experiments; it cannot be combined with --artifacts",
        USAGE,
      );
    }
    const warnings: RegistryListWarning[] = [];
    const options = {
      ...rootOption(args),
      strict: args.values.strict === true,
      onWarning: (w: RegistryListWarning) => warnings.push(w),
    };
    const prefix = args.positionals.prefix;
    const writeWarnings = async () => {
      for (const w of warnings) await io.err(statusLine("Warning", formatRegistryListWarning(w)));
    };
    if (args.values.artifacts === true) {
      const refs = await listArtifacts(prefix, options);
      if (args.values.json) {
        await io.out(toJsonText({ artifacts: refs.map(artifactJson), warnings }));
        return 0;
      }
      await writeWarnings();
      if (refs.length === 0) {
        await io.out("no artifacts\n");
        return 0;
      }
      await io.out(renderTable(
        ["image", "type", "layers", "updated", "digest"],
        refs.map((r) => [
          r.imageName,
          r.artifactType.replace("application/org.ommx.v1.", ""),
          String(r.manifest.layers.length),
          r.updatedAt,
          short(r.manifestDigest),
        ]),
        { align: ["left", "left", "right"], width: tableWidth(args, io) },
      ));
      return 0;
    }
    const all = await listExperiments(prefix, options);
    const refs = typeof status === "string" ? all.filter((r) => r.status === status) : all;
    if (args.values.json) {
      await io.out(toJsonText({ experiments: refs.map(experimentJson), warnings }));
      return 0;
    }
    await writeWarnings();
    if (refs.length === 0) {
      await io.out("no experiments\n");
      return 0;
    }
    await io.out(renderTable(
      ["image", "status", "runs", "solves", "samplings", "updated", "digest"],
      refs.map((r) => [
        r.imageName,
        statusText(r.status),
        String(r.runCount),
        String(r.solveCount),
        String(r.samplingCount),
        r.updatedAt,
        short(r.manifestDigest),
      ]),
      { align: ["left", "left", "right", "right", "right"], width: tableWidth(args, io) },
    ));
    return 0;
  },
};
