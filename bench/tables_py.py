#!/usr/bin/env python3
"""Python side of bench/compare_tables.ts: a worker that builds the reference SDK's DataFrames.

Usage: python tables_py.py INSTANCE_V1 SOLUTION_V1 [SAMPLE_SET_V2]
Prints "ready", then for every line "instance", "solution" or "sample_set" on stdin decodes
that payload afresh (not timed) and builds its tables once, printing the milliseconds the
DataFrame calls took (time.perf_counter) and the number of cells. "quit" ends it.
"""

import sys
import time

from ommx import Instance, SampleSet, Solution


def main() -> int:
    inst_bytes = open(sys.argv[1], "rb").read()
    sol_bytes = open(sys.argv[2], "rb").read()
    ss_bytes = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else None
    decode = {
        "instance": lambda: Instance.from_v1_bytes(inst_bytes),
        "solution": lambda: Solution.from_v1_bytes(sol_bytes),
        "sample_set": lambda: SampleSet.from_v2_bytes(ss_bytes),
    }
    tables = {
        "instance": lambda o: (o.decision_variables_df(), o.constraints_df(), o.named_functions_df()),
        "solution": lambda o: (o.decision_variables_df(), o.constraints_df(), o.named_functions_df()),
        "sample_set": lambda o: (o.summary, o.decision_variables_df(), o.constraints_df()),
    }
    print("ready", flush=True)
    for line in sys.stdin:
        job = line.strip()
        if job == "quit":
            break
        obj = decode[job]()
        t0 = time.perf_counter()
        frames = tables[job](obj)
        ms = (time.perf_counter() - t0) * 1000
        print(f"{ms} {sum(f.shape[0] * (f.shape[1] + 1) for f in frames)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
