/**
 * `ommx-ts get <source> <name> [--run N] [-o path] [--overwrite]`: one
 * attachment's (decompressed) bytes to standard output or a file. A file is
 * written atomically (streamed to a temporary file beside it, fsynced,
 * renamed): a kill or a full disk never leaves a partial file.
 *
 * @module
 */
import { openExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { parseNonNegativeInt } from "../args.ts";
import { toJsonText } from "../json.ts";
import { escapeControls, oneLine } from "../safe_text.ts";

const USAGE = "ommx-ts get <source> <name> [--run N] [-o path] [--overwrite] [--json]";

/** The `get` command. */
export const get: Command = {
  name: "get",
  summary: "an attachment to stdout or a file (-o: a directory uses the stored filename)",
  spec: {
    usage: USAGE,
    positionals: ["source", "name"],
    options: {
      run: { type: "string" },
      output: { type: "string", short: "o" },
      overwrite: { type: "boolean" },
    },
  },
  async run(args, io) {
    const runArg = args.values.run;
    const runId = typeof runArg === "string" ? parseNonNegativeInt(runArg, "--run", USAGE) : null;
    const name = args.positionals.name!;
    const output = args.values.output;
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const owner = runId === null ? exp : exp.runById(runId);
    const info = owner.attachmentInfo(name);
    let path: string | null = null;
    if (typeof output === "string") {
      path = await owner.writeAttachment(name, output, {
        overwrite: args.values.overwrite === true,
      });
    }
    if (!args.values.json) {
      if (path !== null) await io.out(`${oneLine(path)}\n`); // the stored filename is archive text
      else if (io.outIsTerminal) {
        // Exact bytes for files and pipes; on a terminal, control characters are shown escaped.
        await io.out(escapeControls(new TextDecoder().decode(await owner.getBlob(name))));
      } else await io.outBytes(await owner.getBlob(name));
      return 0;
    }
    // With -o, the size and hash are read back from the file (streamed), not held in memory.
    const bytes = path === null ? await owner.getBlob(name) : null;
    // Loaded here, not at start-up: every other command would pay for node:crypto.
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256");
    let size = 0;
    if (bytes !== null) {
      hash.update(bytes);
      size = bytes.length;
    } else {
      await using file = await Deno.open(path!);
      for await (const chunk of file.readable) {
        hash.update(chunk);
        size += chunk.length;
      }
    }
    const report: Record<string, unknown> = {
      name,
      runId,
      mediaType: info.mediaType,
      storedMediaType: info.descriptor.mediaType,
      compression: info.compression,
      filename: info.filename,
      digest: info.descriptor.digest,
      storedSize: info.descriptor.size,
      size,
      sha256: hash.digest("hex"),
    };
    if (path !== null) report.path = path;
    else if (info.mediaType === "application/json") report.value = await owner.getJson(name);
    else report.base64 = bytes;
    await io.out(toJsonText(report));
    return 0;
  },
};
