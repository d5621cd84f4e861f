"""`mkbcopy generate` (the bundled example, lint included) from a fresh process, against
the naive way (the same run with one hunspell per draft, as lint once did) and the
floor (a bare Typer app's --help start-up); also `mkbcopy --help`. Minimum of runs."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAIVE = """
import sys
from pathlib import Path
from mkbcopy.research.brief import load_brief
from mkbcopy.compose.campaign import plan_campaign, write_campaign
from mkbcopy.checks.lint import lint_document
from mkbcopy.research.study import load_personas
brief = load_brief()
plan = plan_campaign(brief, load_personas())
write_campaign(plan, brief, Path(sys.argv[1]))
for draft in plan.drafts:  # outside a SpellChecker: hunspell starts for each draft
    lint_document(draft.document, draft.channel)
"""
BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def main() -> None: ...
app()
"""


def _best(command: list[str], rounds: int, fresh: Path | None = None) -> float:
    best = float("inf")
    for i in range(rounds):
        args = [*command, str(fresh / str(i))] if fresh else command
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def run(smoke: bool) -> None:
    rounds = 1 if smoke else 5
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours = _best([py, "-m", "mkbcopy", "generate", "--out"], rounds, folder / "ours")
        no_lint = _best(
            [py, "-m", "mkbcopy", "generate", "--no-lint", "--out"], rounds, folder / "nolint"
        )
        naive = _best([py, "-c", NAIVE], rounds, folder / "naive")
        help_ = _best([py, "-m", "mkbcopy", "--help"], rounds)
        bare = _best([py, "-c", BARE_TYPER, "--help"], rounds)
    print(f"generate, the example brief, fresh process (best of {rounds}):")
    print(f"  naive (one hunspell per draft):            {naive:7.2f} s")
    print(f"  mkbcopy generate:                          {ours:7.2f} s")
    print(f"  mkbcopy generate --no-lint:                {no_lint:7.2f} s")
    print(f"  floor (a bare Typer app's --help):         {bare:7.2f} s")
    print(f"  ours is {naive / ours:.1f}x faster than naive, {ours / bare:.1f}x the floor")
    print(f"  mkbcopy --help {help_:.2f} s; a bare Typer app's --help {bare:.2f} s")
