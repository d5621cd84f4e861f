"""Run every bench/bench_*.py: `python -m bench` (full size) or `--smoke` (tiny, for CI)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks they run")
    parser.add_argument("names", nargs="*", help="benchmark names (default: all)")
    args = parser.parse_args()
    found = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    for name in args.names or found:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}{' (smoke)' if args.smoke else ''}")
        module.run(smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
