#!/usr/bin/env python3
"""The reference SDK's run-parameter DataFrame, for tests/interop/run_parameters_test.ts.

Usage:
    python run_parameters_df.py read ARCHIVE...   # JSON {archive: {"columns": [...], "csv": "..."}}
    python run_parameters_df.py write OUTDIR      # tricky.ommx, tricky-cr.ommx; JSON {"cr_quoted": bool}

`read` imports each archive (`Experiment.import_archive`) into a fresh temporary Local Registry
and reports `list(run_parameters_df().columns)` and `run_parameters_df().to_csv()` (pandas
defaults: the `run_id` index as the first column, `\\n` line ends on Linux).

`write` logs run parameters that exercise column order (insertion order differing from name
order, columns first seen in later runs, integer-like names), int/float promotion, every value
type and the CSV quoting rules, with the reference SDK, and saves them. `tricky-cr.ommx` holds a
string with a bare carriage return; `cr_quoted` says whether this Python's csv module quotes it
(CPython >= 3.11.9 / 3.12.3, gh-67044).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

FLOATS = [
    -30.0, 1.0, 0.1, 1e16, 1e-5, 123456789012345678.0, 1.5e300, float("nan"), float("inf"),
    -float("inf"), -0.0, 5e-324, 0.30000000000000004, 1e15, 12345.678, 2.0**53,
]
INTS = [0, -1, 2**63 - 1, -(2**63), 2**53 + 1, 42]
STRINGS = [
    "plain", "a,b", 'q"u"', "line\nbreak", "", " padded ", "tab\tin", "ü€ 日本", "#", "NaN", "None",
    "\x00nul", "crlf\r\nend", "'single'", "\u2028sep",
]
BOOLS = [True, False]


def write(out: Path) -> None:
    from ommx.experiment import Experiment

    out.mkdir(parents=True, exist_ok=True)
    with Experiment("ghcr.io/ommx-ts/interop/run-parameters:v1") as exp:
        with exp.run() as run:  # logged out of name order
            run.log_parameter("zeta", 1)
            run.log_parameter("alpha", 1.5)
            run.log_parameter("Mid", "x")
            run.log_parameter("10", 10)
            run.log_parameter("2", 2)
            run.log_parameter("alpha", 2.5)  # overwritten: the last value wins
        with exp.run() as run:
            run.log_parameter("beta", True)
            run.log_parameter("alpha", 2)  # an int into a float column
            run.log_parameter("aa", 3)  # int column, promoted by a later float
            run.log_parameter("a,b \"quoted\" name", "v")
            run.log_parameter("名前", "値")
        with exp.run():
            pass
        with exp.run() as run:
            run.log_parameter("b", 1)
            run.log_parameter("aa", 4.0)
        count = max(len(FLOATS), len(INTS), len(STRINGS), len(BOOLS))
        for k in range(count):
            with exp.run() as run:
                for name, values in (("f", FLOATS), ("i", INTS), ("s", STRINGS), ("bool", BOOLS)):
                    if k < len(values):
                        run.log_parameter(name, values[k])
        with exp.run() as run:
            run.log_parameter("late", -30.0)
    exp.save(out / "tricky.ommx")

    with Experiment("ghcr.io/ommx-ts/interop/run-parameters-cr:v1") as exp:
        with exp.run() as run:
            run.log_parameter("cr", "bare\rcarriage return")
    exp.save(out / "tricky-cr.ommx")

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["a\rb"])
    print(json.dumps({"cr_quoted": buf.getvalue().startswith('"')}))


def read(paths: list[str]) -> None:
    from ommx.experiment import Experiment

    report = {}
    for path in paths:
        df = Experiment.import_archive(path).run_parameters_df()
        report[path] = {"columns": [str(c) for c in df.columns], "csv": df.to_csv()}
    print(json.dumps(report))


def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in ("read", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ommx-registry-params-") as registry:
        os.environ["OMMX_LOCAL_REGISTRY_ROOT"] = registry
        if sys.argv[1] == "write":
            write(Path(sys.argv[2]))
        else:
            read(sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
