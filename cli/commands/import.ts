/**
 * `ommx-ts import <archive>`: copy a `.ommx` archive or OCI layout directory
 * into the OMMX Local Registry (Python `Artifact.import_archive` /
 * `Experiment.import_archive`, `ommx import`), under its ref name — or a
 * synthesised anonymous one —, manifest digest kept.
 *
 * @module
 */
import { getLocalRegistryRoot, importArchive } from "../../mod.ts";
import type { Command } from "../command.ts";
import { toJsonText } from "../json.ts";
import { ROOT_OPTION, rootOption, statusLine } from "./_registry.ts";

/** The `import` command. */
export const importCommand: Command = {
  name: "import",
  summary: "import a .ommx archive or OCI layout directory into the OMMX Local Registry",
  spec: {
    usage: "ommx-ts import <archive | layout dir> [--root dir] [--json]",
    positionals: ["archive"],
    options: { ...ROOT_OPTION },
  },
  async run(args, io) {
    const root = rootOption(args).root ?? await getLocalRegistryRoot();
    await using artifact = await importArchive(args.positionals.archive!, { root });
    if (args.values.json) {
      await io.out(toJsonText({
        imageName: artifact.imageName,
        manifestDigest: artifact.manifestDigest,
        artifactType: artifact.artifactType ?? null,
        root,
      }));
      return 0;
    }
    await io.out(
      statusLine("Imported", `${artifact.imageName} (${artifact.manifestDigest})`) +
        statusLine("Registry", root),
    );
    return 0;
  },
};
