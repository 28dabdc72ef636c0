/**
 * `ommx-ts rename <from> <to>`: publish the manifest `<from>` names under
 * `<to>` as well (Python `Experiment.rename` after commit: "the previous
 * name remains as an alias"); `--move` then removes `<from>`. The manifest
 * and its blobs are re-hashed and the new name inserted under the SDK's GC
 * exclusion lock; a `<to>` already naming another manifest is refused.
 *
 * @module
 */
import { openArtifact, removeImage, restoreImage } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import { ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

/** The `rename` command. */
export const rename: Command = {
  name: "rename",
  summary:
    "give a Local Registry image a second name (Python rename: the old name stays; --move drops it)",
  spec: {
    usage: "ommx-ts rename <from> <to> [--move] [--root dir] [--json]",
    positionals: ["from", "to"],
    options: { ...ROOT_OPTION, move: { type: "boolean" } },
  },
  async run(args, io) {
    const from = args.positionals.from!;
    const to = args.positionals.to!;
    const root = rootOption(args);
    let digest: string;
    {
      await using source = await openArtifact({ localRegistry: from, ...root });
      digest = source.manifestDigest;
    }
    const inserted = await restoreImage(to, digest, root);
    const moved = args.values.move === true && (await removeImage(from, root)) !== null;
    if (args.values.json) {
      await io.out(toJsonText({ from, to, manifestDigest: digest, inserted, removedFrom: moved }));
      return 0;
    }
    await io.out(
      statusLine(inserted ? "Renamed" : "Unchanged", `${from} -> ${to} (${digest})`) +
        (moved ? statusLine("Removed", from) : statusLine("Kept", `${from} (an alias now)`)),
    );
    return 0;
  },
};
