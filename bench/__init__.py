"""Benchmarks: each compares mkbcopy with the naive way and the floor in one run."""

from __future__ import annotations

import subprocess
import sys


def in_fresh_process(module: str, source: str, out: str) -> tuple[int, float, float]:
    """Run `bench.<module>.ours(source, out)` in a new Python: (count, seconds, peak MB)."""
    code = (
        "import time, resource; from pathlib import Path;"
        f"from bench.{module} import ours; t = time.perf_counter();"
        f"n = ours(Path({source!r}), Path({out!r}));"
        "print(n, time.perf_counter() - t,"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    n, seconds, peak = result.stdout.split()
    return int(n), float(seconds), float(peak)
