#!/usr/bin/env python3
"""Write an Experiment whose attachment `table` is a ~20 MB JSON document stored zstd-compressed,
with the reference SDK (`Experiment.log_json(..., compression="zstd")`).

Usage: python bench/gen_zstd_json.py [OUT] [MB]   (defaults: .cache/bench/zstd_json.ommx, 20)

The document: a list of records {"run": i, "objective": float, "feasible": bool, "solver": str,
"x": [8 floats]} until its JSON text reaches MB megabytes (seeded, so reproducible).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".cache/bench/zstd_json.ommx").resolve()
    mb = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = random.Random(20261202)
    rows, size = [], 0
    while size < mb * 1e6:
        row = {"run": len(rows), "objective": rng.uniform(-1e4, 1e4), "feasible": rng.random() < 0.8,
               "solver": f"highs-{rng.randint(0, 99)}", "x": [rng.random() for _ in range(8)]}
        size += len(json.dumps(row)) + 2
        rows.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ommx-bench-reg-", dir=out.parent) as reg:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
        from ommx.experiment import Experiment

        with Experiment("ghcr.io/ommx-ts/bench/zstd-json:v1") as exp:
            exp.log_json("table", rows, compression="zstd")
        if out.exists():
            out.unlink()
        exp.save(out)
    print(f"{out}: {len(rows)} rows, ~{size / 1e6:.1f} MB of JSON, archive {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
