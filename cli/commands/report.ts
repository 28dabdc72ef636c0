/**
 * `ommx-ts report <source> [<source>…] -o report.html [--overwrite]`: one
 * self-contained HTML file — the viewer page with its data embedded, no
 * server, no network (its Content-Security-Policy allows no connection) —
 * of one Experiment, or a comparison of several, to attach to a pull
 * request or a mail. The page code is `serve`'s; what is embedded is what
 * the page shows (the rule and its size budgets: `cli/viewer/report.ts`).
 * The file is written atomically (temporary file, then rename).
 *
 * @module
 */
import { type Experiment, openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { UsageError } from "../args.ts";
import { toJsonText } from "../json.ts";
import { oneLine } from "../safe_text.ts";
import { writeFileAtomic } from "../write_file.ts";
import { renderPage } from "../viewer/boot.ts";
import { comparisonReport, experimentReport } from "../viewer/report.ts";
import { sourceLabel, viewerHtml } from "./serve.ts";

const USAGE = "ommx-ts report <source> [<source>...] -o report.html [--overwrite] [--json]";

/** Labels for the sources: each one's file or image name, the whole argument where two would be the same. */
function labels(sources: readonly string[], exps: readonly Experiment[]): string[] {
  const short = sources.map((s, i) => sourceLabel(s, exps[i]!.imageName));
  return short.map((l, i) => short.indexOf(l) === short.lastIndexOf(l) ? l : sources[i]!);
}

/** The `report` command. */
export const report: Command = {
  name: "report",
  summary:
    "one self-contained HTML page (no server, no network) of an Experiment, or of a comparison of several",
  spec: {
    usage: USAGE,
    positionals: ["source"],
    rest: "sources",
    options: { output: { type: "string", short: "o" }, overwrite: { type: "boolean" } },
  },
  async run(args, io) {
    const output = args.values.output;
    if (typeof output !== "string" || output === "") {
      throw new UsageError("missing -o <file.html>", USAGE);
    }
    const sources = [args.positionals.source!, ...(args.rest ?? [])];
    if (sources.filter((s) => s === "-").length > 1) {
      throw new UsageError("standard input (-) can be read once", USAGE);
    }
    const exps: Experiment[] = [];
    try {
      for (const source of sources) {
        exps.push(await openExperiment(await sourceFromArg(source, args)));
      }
      const names = labels(sources, exps);
      const boot = exps.length === 1
        ? await experimentReport(exps[0]!, names[0]!)
        : await comparisonReport(exps.map((exp, i) => ({ exp, label: names[i]! })));
      const html = renderPage(await viewerHtml(), boot, { connect: "none" });
      const bytes = new TextEncoder().encode(html);
      const path = await writeFileAtomic(output, bytes, {
        overwrite: args.values.overwrite === true,
      });
      if (args.values.json) {
        await io.out(toJsonText({
          path,
          bytes: bytes.length,
          mode: boot.mode,
          experiments: exps.map((e, i) => ({ label: names[i], imageName: e.imageName })),
        }));
      } else {
        await io.out(`${oneLine(path)}\n`);
      }
      return 0;
    } finally {
      for (const exp of exps) await exp.close();
    }
  },
};
