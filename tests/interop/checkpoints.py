#!/usr/bin/env python3
"""Drive Experiment checkpoints with the reference SDK, for tests/interop/checkpoints_test.ts.

The Local Registry is OMMX_LOCAL_REGISTRY_ROOT. Every Run logs a parameter `i` and a JSON
attachment `r` = {"i": i}. Commands (each prints one JSON document, or JSON lines for `write`):

  write NAME FIRST COUNT [SLEEP]   start NAME (or restore it when FIRST > 0), close COUNT runs,
                                   print {"closed": i} after each; never commit
  fail NAME COUNT                  close COUNT runs, then raise inside `with Experiment(...)`
  restore NAME MORE                restore NAME, report it, close MORE runs, commit, report again
  list [STATUS...]                 list_experiment_checkpoints(statuses=...)
  load NAME                        Experiment.load(NAME) report
  policy POLICY COUNT              close COUNT runs under POLICY (every | n:K | interval:S |
                                   disabled), print the checkpoint's run count after each
  gc                               gc() dry run: missing blobs and invalid manifests
"""

from __future__ import annotations

import json
import sys
import time


def report(exp) -> dict:
    runs = []
    for run in exp.runs:
        runs.append(
            {
                "run_id": run.run_id,
                "status": run.status,
                "attachments": {n: run.get_json(n) for n in run.attachment_names},
                "trace": run.trace is not None,
            }
        )
    df = exp.run_parameters_df()
    params = {str(k): v for k, v in df.to_dict().get("i", {}).items()} if len(df.columns) else {}
    out = {
        "image_name": exp.image_name,
        "status": exp.status,
        "reason": exp.lifecycle_reason,
        "runs": runs,
        "i": {k: int(v) for k, v in params.items()},
        "annotations": exp.annotations,
        "attachments": {n: exp.get_json(n) for n in exp.attachment_names},
    }
    return out


def one_run(exp, i: int) -> None:
    with exp.run() as run:
        run.log_parameter("i", i)
        run.log_json("r", {"i": i})


def checkpoint_fields(c) -> dict:
    return {
        "checkpoint_image_name": c.checkpoint_image_name,
        "requested_image_name": c.requested_image_name,
        "manifest_digest": c.manifest_digest,
        "config_digest": c.config_digest,
        "updated_at": c.updated_at,
        "status": c.status,
        "run_count": c.run_count,
        "solve_count": c.solve_count,
        "sampling_count": c.sampling_count,
        "annotations": c.annotations,
        "config": c.config,
        "repr": repr(c),
    }


def main(argv: list[str]) -> int:
    from ommx.experiment import AutosavePolicy, Experiment, list_experiment_checkpoints

    cmd = argv[1]
    if cmd == "write":
        name, first, count = argv[2], int(argv[3]), int(argv[4])
        sleep = float(argv[5]) if len(argv) > 5 else 0.0
        exp = Experiment.restore_from_checkpoint(name) if first > 0 else Experiment(name)
        if first == 0:
            exp.log_json("dataset", {"writer": "python"})
            exp.set_annotation("org.example.writer", "python")
        for i in range(first, first + count):
            one_run(exp, i)
            print(json.dumps({"closed": i}), flush=True)
            time.sleep(sleep)
        return 0
    if cmd == "fail":
        name, count = argv[2], int(argv[3])
        try:
            with Experiment(name) as exp:
                for i in range(count):
                    one_run(exp, i)
                raise ValueError("sweep  failed\n badly")
        except ValueError:
            pass
        print(json.dumps({"state": repr(exp), "reason": exp.lifecycle_reason}))
        return 0
    if cmd == "restore":
        name, more = argv[2], int(argv[3])
        exp = Experiment.restore_from_checkpoint(name)
        before = report(exp)
        start = max([r["run_id"] for r in before["runs"]], default=-1) + 1
        for i in range(start, start + more):
            one_run(exp, i)
        exp.commit()
        print(json.dumps({"before": before, "after": report(exp), "repr": repr(exp)}))
        return 0
    if cmd == "list":
        statuses = argv[2:] or None
        print(json.dumps([checkpoint_fields(c) for c in list_experiment_checkpoints(statuses=statuses)]))
        return 0
    if cmd == "load":
        exp = Experiment.load(argv[2])
        out = report(exp)
        print(json.dumps(out))
        return 0
    if cmd == "policy":
        policy, count = argv[2], int(argv[3])
        if policy == "every":
            p = AutosavePolicy.every_run_close()
        elif policy == "disabled":
            p = AutosavePolicy.disabled()
        elif policy.startswith("n:"):
            p = AutosavePolicy.every_n_runs(int(policy[2:]))
        else:
            p = AutosavePolicy.min_interval(float(policy[len("interval:"):]))
        name = f"example.com/interop/policy:{policy.replace(':', '-').replace('.', '_')}"
        exp = Experiment(name)
        exp.set_autosave_policy(p)
        counts = []
        for i in range(count):
            one_run(exp, i)
            found = [c for c in list_experiment_checkpoints(name) if c.requested_image_name == name]
            counts.append(found[0].run_count if found else 0)
        print(json.dumps({"counts": counts, "repr": repr(p)}))
        return 0
    if cmd == "gc":
        from ommx.artifact import gc

        r = gc()
        print(
            json.dumps(
                {
                    "missing": [str(m) for m in r.missing_blobs],
                    "invalid": [str(m) for m in r.invalid_manifests],
                }
            )
        )
        return 0
    raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
