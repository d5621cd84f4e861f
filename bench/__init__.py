"""Benchmarks: each compares mkbcopy with the naive way and the floor in one run."""

from __future__ import annotations

import subprocess
import sys


def in_fresh_process(module: str, source: str, out: str) -> tuple[int, float, float]:
    """Run `bench.<module>.ours(source, out)` in a new Python: (count, seconds, peak MB)."""
    # The peak is VmHWM, this process's own high-water mark: ru_maxrss survives exec, so
    # after a fork from a large parent it reports the parent's size, not ours.
    code = (
        "import time; from pathlib import Path; from bench import peak_mb;"
        f"from bench.{module} import ours; t = time.perf_counter();"
        f"n = ours(Path({source!r}), Path({out!r}));"
        "print(n, time.perf_counter() - t, peak_mb())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    n, seconds, peak = result.stdout.split()
    return int(n), float(seconds), float(peak)


def peak_mb() -> float:
    """This process's peak resident memory in MB (Linux: VmHWM; elsewhere ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
