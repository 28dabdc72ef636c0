/**
 * `ommx-ts restore-ref <image> <digest>`: put a removed name back (Python
 * `ommx.artifact.restore_image`, `ommx restore-ref`); the manifest and its
 * blobs must still be in the store.
 *
 * @module
 */
import { restoreImage } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import { ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

/** The `restore-ref` command. */
export const restoreRef: Command = {
  name: "restore-ref",
  summary: "put a removed image name back on its manifest (the digest rm and prune print)",
  spec: {
    usage: "ommx-ts restore-ref <image> <manifest digest> [--root dir] [--json]",
    positionals: ["image", "digest"],
    options: { ...ROOT_OPTION },
  },
  async run(args, io) {
    const image = args.positionals.image!;
    const digest = args.positionals.digest!;
    const inserted = await restoreImage(image, digest, rootOption(args));
    if (args.values.json) {
      await io.out(toJsonText({ image, manifestDigest: digest, inserted }));
      return 0;
    }
    await io.out(statusLine(inserted ? "Restored" : "Unchanged", image));
    return 0;
  },
};
