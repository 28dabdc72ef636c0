#!/usr/bin/env python3
"""Write a big OMMX Experiment archive (few large random attachment layers) with the reference SDK.

Usage: python bench/gen_big.py OUT SIZE_MIB [N_LAYERS]
  e.g. python bench/gen_big.py .cache/bench/big_1g.ommx 1024 4

The Experiment holds N_LAYERS runs (default 4); run i logs one parameter and one
`application/octet-stream` attachment of SIZE_MIB / N_LAYERS MiB of incompressible pseudo-random
bytes (`Run.log_attachment`, no compression). A fresh temporary local registry
(OMMX_LOCAL_REGISTRY_ROOT) is used while writing and removed afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1]).resolve()
    size_mib = int(sys.argv[2])
    n_layers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    per = size_mib * 1024 * 1024 // n_layers
    out.parent.mkdir(parents=True, exist_ok=True)
    import numpy as np

    rng = np.random.default_rng(20261126)
    with tempfile.TemporaryDirectory(prefix="ommx-bench-reg-", dir=out.parent) as reg:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = reg
        from ommx.experiment import Experiment

        t0 = time.perf_counter()
        with Experiment(f"ghcr.io/ommx-ts/bench/big:{size_mib}mib") as exp:
            exp.log_json("meta", {"size_mib": size_mib, "layers": n_layers})
            for i in range(n_layers):
                with exp.run() as run:
                    run.log_parameter("chunk", i)
                    run.log_attachment("blob", "application/octet-stream", rng.bytes(per))
        if out.exists():
            out.unlink()
        exp.save(out)
    print(f"{out}: {n_layers} x {per} bytes, archive {out.stat().st_size} bytes, "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
