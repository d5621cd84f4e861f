"""CSV files a spreadsheet opens safely: every cell that could start a formula is quoted,
written in whole or not at all."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, TextIO

_FORMULA_FIRST: Final = frozenset("=+-@\t\r")


# Where Excel may start a cell: at the start, or after any separator it might split on
# (Dutch Excel splits a comma-separated file on ";"), then a character that starts a formula.
_FORMULA_AT = re.compile(r"(^|[,;\t])(?=[=+\-@\t\r])")
# The same test over many cells joined by NUL, rows by LF (with the first character apart:
# a pattern that starts with a set of characters is searched for faster than one with ^).
_FORMULA_AFTER = re.compile(r"[\x00\n,;\t][=+\-@\t\r]")


def _may_hold_formula(cells: str) -> bool:
    """False when no cell of `cells` (joined by NUL, rows by LF) needs a quote: nearly
    every row, which then saves a check per cell (an address always holds "@", many a "-")."""
    return cells[:1] in _FORMULA_FIRST or _FORMULA_AFTER.search(cells) is not None


def neutralise(cell: str) -> str:
    """A quote before every formula start keeps Excel from running it (CSV injection),
    whichever separator Excel opens the file with."""
    if not any(c in cell for c in _FORMULA_FIRST):
        return cell
    return _FORMULA_AT.sub(r"\1'", cell)


BOM: Final = "\ufeff"
"""Written first, so Excel reads the CSV as UTF-8; then plain UTF-8, which Python
encodes in C where the utf-8-sig codec runs Python code for every row."""


class SafeCsvWriter:
    """A csv.writer that neutralises every cell, so no write can skip it."""

    def __init__(self, handle: TextIO, delimiter: str) -> None:
        self._handle = handle
        self._delimiter = delimiter
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, cells: list[str]) -> None:
        if _may_hold_formula("\x00".join(cells)):
            cells = [neutralise(c) for c in cells]
        self._writer.writerow(cells)

    def writerows(self, rows: list[list[str]]) -> None:
        """Many rows at once, with one test over all their cells, which nearly always passes.

        When no cell needs quotes either (no delimiter, quote or line break in it), the
        rows are written as csv.writer would write them, joined by the delimiter.
        """
        if not rows:
            return
        text = "\n".join(map("\x00".join, rows))
        if _may_hold_formula(text):
            for cells in rows:
                self.writerow(cells)
        elif (
            self._delimiter in text
            or '"' in text
            or "\r" in text
            or text.count("\n") != len(rows) - 1
            or text.count("\x00") != sum(map(len, rows)) - len(rows)
            or min(map(len, rows)) < 2  # csv.writer writes a row of one empty cell as ""
        ):
            self._writer.writerows(rows)
        else:
            self._handle.write(text.replace("\x00", self._delimiter).replace("\n", "\r\n"))
            self._handle.write("\r\n")


@contextmanager
def atomic_csv(path: Path, delimiter: str) -> Iterator[SafeCsvWriter]:
    """Stream into a temporary file beside `path`, then rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(BOM)
            yield SafeCsvWriter(handle, delimiter)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a full disk says so on write(), without a name
        raise
