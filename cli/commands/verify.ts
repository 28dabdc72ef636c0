/**
 * `ommx-ts verify <source>`: read every blob, checking size and digest.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { toJsonText } from "../json.ts";
import { formatBytes } from "../format.ts";

function bar(done: number, total: number, width = 30): string {
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(frac * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${
    (frac * 100).toFixed(0).padStart(3)
  }%`;
}

/** The `verify` command. */
export const verify: Command = {
  name: "verify",
  summary: "check every blob's digest and size (progress bar on a terminal)",
  spec: { usage: "ommx-ts verify <source> [--json]", positionals: ["source"], options: {} },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const started = performance.now();
    const showBar = io.errIsTerminal && !args.values.json;
    let lastDraw = 0;
    let drawing = Promise.resolve();
    const result = await exp.verify(({ bytes, totalBytes, blobs }) => {
      if (!showBar) return;
      const now = performance.now();
      if (now - lastDraw < 100 && bytes < totalBytes) return;
      lastDraw = now;
      const line = `\r${bar(bytes, totalBytes)} ${formatBytes(bytes)} / ${
        formatBytes(totalBytes)
      }, ${blobs} blobs`;
      drawing = drawing.then(() => io.err(line));
    });
    await drawing;
    if (showBar) await io.err("\n");
    const seconds = (performance.now() - started) / 1000;
    if (args.values.json) {
      await io.out(
        toJsonText({ ok: true, manifestDigest: exp.manifestDigest, ...result, seconds }),
      );
    } else {
      await io.out(
        `ok: ${result.blobs} blobs, ${formatBytes(result.bytes)} verified in ${
          seconds.toFixed(2)
        } s\n`,
      );
    }
    return 0;
  },
};
