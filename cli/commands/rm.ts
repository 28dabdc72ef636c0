/**
 * `ommx-ts rm <image>`: remove one name from the OMMX Local Registry
 * (Python `ommx.artifact.remove_image`, `ommx rm`). The blobs stay until a
 * `gc --delete`; the printed `restore-ref` command puts the name back.
 *
 * @module
 */
import { BlobNotFoundError, getLocalRegistryRoot, removeImage } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import { rollbackCommand, ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

/** The `rm` command. */
export const rm: Command = {
  name: "rm",
  summary: "remove an image name from the OMMX Local Registry (blobs stay until gc --delete)",
  spec: {
    usage: "ommx-ts rm <image> [--root dir] [--json]",
    positionals: ["image"],
    options: { ...ROOT_OPTION },
  },
  async run(args, io) {
    const image = args.positionals.image!;
    const root = rootOption(args).root ?? await getLocalRegistryRoot();
    const digest = await removeImage(image, { root });
    if (digest === null) throw new BlobNotFoundError(image, `local registry ${root}`);
    const rollback = rollbackCommand(image, digest, args);
    if (args.values.json) {
      await io.out(toJsonText({ removed: image, manifestDigest: digest, root, rollback }));
      return 0;
    }
    await io.out(
      statusLine("Removed", `${image} (${digest})`) +
        statusLine("Rollback", rollback) +
        statusLine(
          "Storage",
          "unreferenced data remains until a later `ommx-ts gc --delete` removes it after the grace period",
        ),
    );
    return 0;
  },
};
