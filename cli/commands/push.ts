/**
 * `ommx-ts push <source> <destination>`: publish an Experiment to an OCI
 * registry (`oci://host/repo:tag`), into the Python SDK's OMMX Local Registry
 * (`local:<image name>`, root from `--root` or `OMMX_LOCAL_REGISTRY_ROOT`),
 * or save it as a `.ommx` archive, keeping its manifest digest.
 *
 * @module
 */
import { InvalidArgumentError, openExperiment, pushExperiment, saveExperiment } from "../../mod.ts";
import type { Command } from "../command.ts";
import { sourceFromArg } from "../command.ts";
import { networkOptions } from "../network_options.ts";
import { toJsonText } from "../json.ts";
import { oneLine } from "../safe_text.ts";

/** The `push` command. */
export const push: Command = {
  name: "push",
  summary:
    "publish to oci://<registry>/<repo>:<tag> or local:<name> (the SDK's Local Registry), or save as a .ommx file (digest kept)",
  spec: {
    usage:
      "ommx-ts push <source> <oci://registry/repo:tag | local:<image name> | file.ommx> [--root dir] [--overwrite] [--timeout s] [--json]",
    positionals: ["source", "destination"],
    options: { overwrite: { type: "boolean" }, root: { type: "string" } },
  },
  async run(args, io) {
    await using exp = await openExperiment(await sourceFromArg(args.positionals.source!, args));
    const destination = args.positionals.destination!;
    let where: string;
    if (destination.startsWith("oci://")) {
      const registry = destination.slice("oci://".length);
      await pushExperiment(exp, { registry, ...networkOptions(args) });
      where = destination;
    } else if (destination.startsWith("local:")) {
      const localRegistry = destination.slice("local:".length);
      const root = args.values.root;
      await pushExperiment(exp, {
        localRegistry,
        ...(typeof root === "string" ? { root } : {}),
      });
      where = destination;
    } else if (destination.includes("://")) {
      throw new InvalidArgumentError(
        `push: unsupported destination ${destination} (use oci://…, local:… or a file path)`,
      );
    } else {
      where = await saveExperiment(exp, destination, {
        overwrite: args.values.overwrite === true,
      });
    }
    if (args.values.json) {
      await io.out(
        toJsonText({ ok: true, manifestDigest: exp.manifestDigest, destination: where }),
      );
    } else {
      await io.out(`pushed ${exp.manifestDigest} to ${oneLine(where)}\n`);
    }
    return 0;
  },
};
