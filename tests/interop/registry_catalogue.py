#!/usr/bin/env python3
"""Drive the REAL reference SDK on one OMMX Local Registry for tests/interop/registry_catalogue_test.ts.

Usage (the registry root comes from OMMX_LOCAL_REGISTRY_ROOT; every command prints one JSON document):

    registry_catalogue.py populate            Experiments (runs, solves, samplings, failed, anonymous)
                                              and artifacts (named, anonymous) written by the SDK
    registry_catalogue.py list [PREFIX]       list_experiments / list_artifacts (include_internal both
                                              ways) / get_images / gc dry run / prune dry run, all fields
    registry_catalogue.py load NAME...        Experiment.load / Artifact.load of each name: ok or error
    registry_catalogue.py remove NAME         remove_image -> digest or null
    registry_catalogue.py restore NAME DIGEST restore_image -> bool, or {"error": ...}
    registry_catalogue.py prune [--experiments] [--delete]
    registry_catalogue.py gc [--delete] [--grace SECONDS]
    registry_catalogue.py payloads DIR        write v2 bytes of an Instance, ParametricInstance, Solution,
                                              SampleSet into DIR (instance.bin, ...)
    registry_catalogue.py build-artifact DIR NAME OUT
                                              ArtifactDraft.new(NAME) from DIR's payloads + a JSON layer +
                                              a bytes layer + an annotation; commit; save to OUT
    registry_catalogue.py read-archive PATH   Artifact.import_archive(PATH) and report every layer
    registry_catalogue.py writer N SHARED     commit N artifacts, each with a fresh layer and the bytes
                                              of file SHARED (an old blob a concurrent gc may target);
                                              report every committed name and digest
    registry_catalogue.py check NAME...       Artifact.load each name and read every layer blob
    registry_catalogue.py gc-loop STOP GRACE  gc(delete=True, grace_period=GRACE) again and again until
                                              the file STOP exists (after the first pass it creates
                                              STOP.started); report passes and deletions
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def knapsack(capacity: int = 47):
    from ommx import DecisionVariable, Instance

    p = [10, 13, 18, 32, 7, 15]
    w = [11, 15, 20, 35, 10, 33]
    x = [DecisionVariable.binary(i) for i in range(6)]
    inst = Instance.from_components(
        decision_variables=x,
        objective=sum(p[i] * x[i] for i in range(6)),
        constraints={0: sum(w[i] * x[i] for i in range(6)) <= capacity},
        sense=Instance.MAXIMIZE,
    )
    inst.title = "knapsack"
    return inst


def qubo():
    from ommx import DecisionVariable, Instance

    x = [DecisionVariable.binary(i) for i in range(4)]
    obj = x[0] * x[1] - 2 * x[1] * x[2] + 3 * x[2] * x[3] - x[0] - x[3]
    return Instance.from_components(decision_variables=x, objective=obj, constraints={}, sense=Instance.MINIMIZE)


def populate() -> dict:
    from ommx.artifact import ArtifactDraft
    from ommx.experiment import Experiment
    from ommx_highs_adapter import OMMXHighsAdapter
    from ommx_openjij_adapter import OMMXOpenJijSAAdapter

    names = {}
    with Experiment("example.com/cat/exp:v1") as exp:
        exp.set_annotation("org.example.owner", "team")
        for capacity in (30, 47):
            with exp.run() as run:
                run.log_parameter("capacity", capacity)
                run.log_solve(OMMXHighsAdapter, knapsack(capacity))
        with exp.run() as run:
            run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=2, seed=1)
            run.log_sample(OMMXOpenJijSAAdapter, qubo(), num_reads=1, seed=2)
    names["exp"] = exp.image_name
    failed = Experiment("example.com/cat/failed:v1")
    try:
        with failed:
            with failed.run() as run:
                run.log_parameter("x", 1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    names["failed"] = failed.image_name
    anon = Experiment()
    with anon.run() as run:
        run.log_parameter("y", 2.5)
    anon.commit()
    names["anonymous_experiment"] = anon.image_name
    draft = ArtifactDraft.new("example.com/cat/data:v1")
    draft.add_instance(knapsack())
    draft.add_json({"rows": 3}, title="meta")
    draft.add_annotation("org.example.kind", "dataset")
    names["artifact"] = draft.commit().image_name
    anon_draft = ArtifactDraft.new_anonymous()
    anon_draft.add_json([1, 2, 3])
    names["anonymous_artifact"] = anon_draft.commit().image_name
    return names


def experiment_ref(r) -> dict:
    return {
        "imageName": r.image_name,
        "manifestDigest": r.manifest_digest,
        "configDigest": r.config_digest,
        "updatedAt": r.updated_at,
        "status": r.status,
        "runCount": r.run_count,
        "solveCount": r.solve_count,
        "samplingCount": r.sampling_count,
        "annotations": dict(r.annotations),
        "config": r.config,
    }


def artifact_ref(r) -> dict:
    return {
        "imageName": r.image_name,
        "manifestDigest": r.manifest_digest,
        "updatedAt": r.updated_at,
        "artifactType": r.artifact_type,
        "configDigest": r.config_digest,
        "annotations": dict(r.annotations),
        "manifest": r.manifest,
    }


def blob(b) -> dict:
    return {"digest": b.digest, "size": b.size}


def gc_report(r) -> dict:
    return {
        "deleteApplied": r.delete_applied,
        "roots": [{"kind": x.kind, "name": x.name, "reference": x.reference, "digest": x.digest, "imageName": x.image_name} for x in r.roots],
        "reachableBlobs": [blob(b) for b in r.reachable_blobs],
        "orphanCandidates": [blob(b) for b in r.orphan_candidates],
        "deferredBlobs": [blob(b) for b in r.deferred_blobs],
        "missingBlobs": [{"digest": m.digest, "referencedBy": m.referenced_by, "kind": m.kind} for m in r.missing_blobs],
        "invalidManifests": [{"digest": m.digest, "referencedBy": m.referenced_by, "kind": m.kind} for m in r.invalid_manifests],
        "deletedBlobs": [blob(b) for b in r.deleted_blobs],
        "skippedBlobs": [blob(b) for b in r.skipped_blobs],
        "reachableSize": r.reachable_size,
        "orphanCandidateSize": r.orphan_candidate_size,
        "deferredSize": r.deferred_size,
        "deletedSize": r.deleted_size,
    }


def prune_report(r) -> dict:
    return {
        "deleteApplied": r.delete_applied,
        "count": r.count,
        "refs": [
            {"imageName": x.image_name, "kind": x.kind, "name": x.name, "reference": x.reference, "digest": x.digest, "updatedAt": x.updated_at}
            for x in r.refs
        ],
    }


def listing(prefix: str | None) -> dict:
    import ommx.artifact as artifact
    from ommx.experiment import list_experiments

    return {
        "experiments": [experiment_ref(r) for r in list_experiments(prefix)],
        "artifacts": [artifact_ref(r) for r in artifact.list_artifacts(prefix)],
        "artifacts_internal": [artifact_ref(r) for r in artifact.list_artifacts(prefix, include_internal=True)],
        "images": artifact.get_images(),
        "gc": gc_report(artifact.gc(grace_period="0s")),
        "prune": prune_report(artifact.prune_anonymous(experiments=True)),
    }


def load(names: list[str]) -> dict:
    from ommx.artifact import Artifact
    from ommx.experiment import Experiment

    out = {}
    for name in names:
        try:
            artifact = Artifact.load(name)
            entry = {"layers": [l.digest for l in artifact.layers], "blobs": [sha(artifact.get_blob(l)) for l in artifact.layers]}
            try:
                exp = Experiment.load(name)
                entry["runs"] = len(exp.runs)
            except Exception as e:  # not an Experiment
                entry["experiment_error"] = type(e).__name__
            out[name] = entry
        except Exception as e:
            out[name] = {"error": f"{type(e).__name__}: {e}"}
    return out


def payloads(out: str) -> dict:
    from ommx import DecisionVariable, Instance, Parameter, ParametricInstance

    x = [DecisionVariable.binary(i, name="x", subscripts=[i]) for i in range(3)]
    inst = Instance.from_components(
        decision_variables=x, objective=x[0] + 2 * x[1], constraints={0: (x[0] + x[1] <= 1)}, sense=Instance.MAXIMIZE
    )
    inst.title = "demo"
    inst.add_user_annotation("source", "interop")
    p = Parameter(10, name="p")
    pi = ParametricInstance.from_components(
        decision_variables=x, parameters=[p], objective=x[0] + p * x[1], constraints={}, sense=Instance.MINIMIZE
    )
    sol = inst.evaluate({0: 1, 1: 0, 2: 1})
    ss = inst.evaluate_samples({0: {0: 1, 1: 0, 2: 1}, 1: {0: 0, 1: 1, 2: 0}})
    for name, obj in [("instance", inst), ("parametric", pi), ("solution", sol), ("sample_set", ss)]:
        with open(os.path.join(out, f"{name}.bin"), "wb") as f:
            f.write(obj.to_v2_bytes())
    return {"ok": True}


def build_artifact(src: str, name: str, out: str) -> dict:
    from ommx import Instance, ParametricInstance, SampleSet, Solution
    from ommx.artifact import ArtifactDraft

    def read(n: str) -> bytes:
        with open(os.path.join(src, f"{n}.bin"), "rb") as f:
            return f.read()

    draft = ArtifactDraft.new(name)
    descriptors = [
        draft.add_instance(Instance.from_v2_bytes(read("instance"))),
        draft.add_parametric_instance(ParametricInstance.from_v2_bytes(read("parametric"))),
        draft.add_solution(Solution.from_v2_bytes(read("solution"))),
        draft.add_sample_set(SampleSet.from_v2_bytes(read("sample_set"))),
        draft.add_json({"a": 1, "b": [1.5, "é", None, True]}, title="meta"),
        draft.add_layer("application/octet-stream", b"\x00\x01raw", {"org.example.k": "v"}),
    ]
    draft.add_annotation("org.opencontainers.image.description", "interop artifact")
    artifact = draft.commit()
    artifact.save(out)
    return {"layers": [dict(d.annotations) for d in descriptors], "imageName": artifact.image_name}


def read_archive(path: str) -> dict:
    from ommx import Instance
    from ommx.artifact import Artifact

    a = Artifact.import_archive(path)
    layers = []
    for l in a.layers:
        entry = {"mediaType": l.media_type, "digest": l.digest, "size": l.size, "annotations": dict(l.annotations)}
        mt = l.media_type
        if mt.endswith(".parametric-instance"):
            pi = a.get_parametric_instance(l)
            entry["value"] = {"parameters": sorted(p.id for p in pi.parameters), "variables": len(pi.decision_variables)}
        elif mt.endswith(".instance"):
            inst = a.get_instance(l)
            entry["value"] = {"title": inst.title, "variables": len(inst.decision_variables), "constraints": len(inst.constraints), "sense": "maximize" if inst.sense == Instance.MAXIMIZE else "minimize"}
        elif mt.endswith(".solution"):
            s = a.get_solution(l)
            entry["value"] = {"objective": s.objective, "feasible": s.feasible, "state": {str(k): v for k, v in s.state.entries.items()}}
        elif mt.endswith(".sample-set"):
            s = a.get_sample_set(l)
            entry["value"] = {"objectives": {str(k): v for k, v in s.objectives.items()}, "feasible": {str(k): v for k, v in s.feasible.items()}}
        elif mt == "application/json":
            entry["value"] = a.get_json(l)
        else:
            entry["sha256"] = sha(a.get_blob(l))
        layers.append(entry)
    return {"imageName": a.image_name, "annotations": dict(a.annotations), "layers": layers}


def writer(n: int, shared_path: str) -> dict:
    from ommx.artifact import Artifact, ArtifactDraft

    with open(shared_path, "rb") as f:
        shared = f.read()
    out = []
    for i in range(n):
        draft = ArtifactDraft.new(f"example.com/writer/py:{i}")
        draft.add_layer("application/octet-stream", shared, {})
        draft.add_layer("application/octet-stream", os.urandom(64), {"i": str(i)})
        committed = draft.commit()
        out.append([committed.image_name, [l.digest for l in Artifact.load(committed.image_name).layers]])
    return {"committed": out}


def check(names: list[str]) -> dict:
    from ommx.artifact import Artifact

    out = {}
    for name in names:
        try:
            a = Artifact.load(name)
            out[name] = [sha(a.get_blob(l)) == l.digest[7:] for l in a.layers]
        except Exception as e:
            out[name] = f"{type(e).__name__}: {e}"
    return out


def gc_loop(stop: str, grace: str) -> dict:
    import time

    import ommx.artifact as artifact

    passes = 0
    deleted: list[str] = []
    skipped = 0
    while True:
        done = os.path.exists(stop)
        r = artifact.gc(delete=True, grace_period=grace)
        passes += 1
        deleted += [b.digest for b in r.deleted_blobs]
        skipped += len(r.skipped_blobs)
        if passes == 1:
            open(stop + ".started", "w").close()
        if done:
            break
        time.sleep(0.01)
    return {"passes": passes, "deleted": deleted, "skipped": skipped}


def main(argv: list[str]) -> None:
    # Solvers print banners on the process's stdout; keep it for the JSON report only.
    sys.stdout.flush()
    report_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        result = run(argv)
    finally:
        sys.stdout.flush()
        os.dup2(report_fd, 1)
        os.close(report_fd)
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)


def run(argv: list[str]) -> dict:
    import ommx.artifact as artifact

    cmd, args = argv[0], argv[1:]
    if cmd == "populate":
        result = populate()
    elif cmd == "list":
        result = listing(args[0] if args else None)
    elif cmd == "load":
        result = load(args)
    elif cmd == "remove":
        result = {"digest": artifact.remove_image(args[0])}
    elif cmd == "restore":
        try:
            result = {"inserted": artifact.restore_image(args[0], args[1])}
        except Exception as e:
            result = {"error": f"{type(e).__name__}: {e}"}
    elif cmd == "prune":
        result = prune_report(artifact.prune_anonymous(experiments="--experiments" in args, delete="--delete" in args))
    elif cmd == "gc":
        grace = args[args.index("--grace") + 1] if "--grace" in args else "24h"
        result = gc_report(artifact.gc(delete="--delete" in args, grace_period=grace))
    elif cmd == "payloads":
        result = payloads(args[0])
    elif cmd == "build-artifact":
        result = build_artifact(args[0], args[1], args[2])
    elif cmd == "read-archive":
        result = read_archive(args[0])
    elif cmd == "writer":
        result = writer(int(args[0]), args[1])
    elif cmd == "check":
        result = check(args)
    elif cmd == "gc-loop":
        result = gc_loop(args[0], args[1])
    else:
        raise SystemExit(f"unknown command {cmd}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
