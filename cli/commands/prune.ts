/**
 * `ommx-ts prune`: report — or with `--delete` remove — the names the SDK
 * synthesised for anonymous artifacts (`<id8>.ommx.local/anonymous:…`; with
 * `--experiments` also anonymous Experiments) (Python
 * `ommx.artifact.prune_anonymous`, `ommx prune-anonymous`). Only names go;
 * `gc --delete` reclaims the blobs.
 *
 * @module
 */
import { pruneAnonymous } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import {
  deleteMode,
  durationOption,
  rollbackCommand,
  ROOT_OPTION,
  rootOption,
  statusLine,
} from "./_registry.ts";

const USAGE =
  "ommx-ts prune [--dry-run | --delete] [--experiments] [--older-than 7d] [--digests] [--root dir] [--json]";

/** The `prune` command. */
export const prune: Command = {
  name: "prune",
  summary:
    "report (default) or --delete anonymous image names (<id8>.ommx.local/anonymous:…; --experiments too)",
  spec: {
    usage: USAGE,
    positionals: [],
    options: {
      ...ROOT_OPTION,
      "dry-run": { type: "boolean" },
      delete: { type: "boolean" },
      experiments: { type: "boolean" },
      "older-than": { type: "string" },
      digests: { type: "boolean" },
    },
  },
  async run(args, io) {
    const remove = deleteMode(args, USAGE);
    const olderThan = durationOption(args, "older-than", USAGE);
    const report = await pruneAnonymous({
      ...rootOption(args),
      delete: remove,
      experiments: args.values.experiments === true,
      ...(olderThan === undefined ? {} : { olderThan }),
    });
    if (args.values.json) {
      await io.out(toJsonText(report));
      return 0;
    }
    const digests = args.values.digests === true;
    const line = (r: { imageName: string; digest: string }) =>
      statusLine("", digests ? `${r.imageName}  ->  ${r.digest}` : r.imageName);
    let out: string;
    if (report.count === 0) {
      out = statusLine("Clean", "no matching anonymous refs found");
    } else if (report.deleteApplied) {
      out = statusLine("Removed", `${report.count} anonymous ref(s)`);
      for (const r of report.refs) {
        out += line(r) + statusLine("Rollback", rollbackCommand(r.imageName, r.digest, args));
      }
    } else {
      out = statusLine("Candidates", `${report.count} anonymous ref(s)`) +
        report.refs.map(line).join("") +
        statusLine("Dry Run", "registry unchanged; pass --delete to apply");
    }
    await io.out(out);
    return 0;
  },
};
