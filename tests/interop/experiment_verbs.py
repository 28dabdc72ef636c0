#!/usr/bin/env python3
"""The reference SDK's Experiment verbs, for tests/interop/experiment_verbs_test.ts.

The Local Registry is OMMX_LOCAL_REGISTRY_ROOT. Each command prints one JSON document:

  make NAME                 commit NAME: attachment `dataset`, runs 0 and 1 (parameter `i`,
                            JSON attachment `r`); report it
  fork PARENT CHILD         load PARENT, fork it as CHILD, add the next run, commit
  rename OLD NEW            load OLD, rename it NEW
  images                    get_images()
  save NAME PATH            load NAME, save it to PATH
  import PATH               Experiment.import_archive(PATH)
  push NAME                 load NAME, push() it to its own registry
  load NAME                 Experiment.load(NAME)
  unsealed NAME             reprs and reads of an unsealed Experiment, then committed

Every report also carries the manifest digest (from the artifact) and the subject digest.
"""

from __future__ import annotations

import json
import sys

from checkpoints import one_run, report


def full(exp) -> dict:
    """report() plus the manifest digest of the name and the manifest's subject digest."""
    import sqlite3

    from ommx.artifact import get_local_registry_root

    root = get_local_registry_root()
    repo, _, tag = exp.image_name.rpartition(":")
    db = sqlite3.connect(str(root / "index.sqlite3"))
    (digest,) = db.execute(
        "SELECT manifest_digest FROM refs WHERE name = ? AND reference = ?", (repo, tag)
    ).fetchone()
    manifest = json.loads((root / "blobs" / "sha256" / digest[len("sha256:"):]).read_bytes())
    out = report(exp)
    out["manifest_digest"] = digest
    out["subject"] = manifest.get("subject", {}).get("digest")
    return out


def main(argv: list[str]) -> int:
    from ommx.artifact import get_images
    from ommx.experiment import Experiment

    cmd = argv[1]
    if cmd == "make":
        with Experiment(argv[2]) as exp:
            exp.log_json("dataset", {"writer": "python"})
            one_run(exp, 0)
            one_run(exp, 1)
        print(json.dumps(full(exp)))
    elif cmd == "fork":
        parent = Experiment.load(argv[2])
        with parent.fork(argv[3]) as child:
            one_run(child, len(parent.runs))
        print(json.dumps(full(child)))
    elif cmd == "rename":
        exp = Experiment.load(argv[2])
        exp.rename(argv[3])
        print(json.dumps({"image_name": exp.image_name}))
    elif cmd == "images":
        print(json.dumps(sorted(get_images())))
    elif cmd == "save":
        Experiment.load(argv[2]).save(argv[3])
        print(json.dumps({"saved": argv[3]}))
    elif cmd == "import":
        print(json.dumps(full(Experiment.import_archive(argv[2]))))
    elif cmd == "push":
        Experiment.load(argv[2]).push()
        print(json.dumps({"pushed": argv[2]}))
    elif cmd == "unsealed":
        exp = Experiment(argv[2])
        views = {"new": repr(exp)}
        exp.log_json("dataset", {"writer": "python"})
        one_run(exp, 0)
        open_run = exp.run()
        views["open"] = repr(exp)
        views["run"] = repr(open_run)
        views["runs"] = [repr(r) for r in exp.runs]
        views["attachment_names"] = exp.attachment_names
        views["dataset"] = exp.get_json("dataset")
        views["status"] = exp.status
        views["i"] = {str(k): int(v) for k, v in exp.run_parameters_df().to_dict()["i"].items()}
        open_run.finish()
        views["finished_run"] = repr(open_run)
        exp.commit()
        views["sealed"] = repr(exp)
        views["sealed_runs"] = [repr(r) for r in exp.runs]
        print(json.dumps(views))
    elif cmd == "load":
        print(json.dumps(full(Experiment.load(argv[2]))))
    else:
        raise SystemExit(f"unknown command {cmd}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
