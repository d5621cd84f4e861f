"""How many rows a contact list holds, counted up front so progress can show a total."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

_CHUNK = 1 << 20


class Progress(Protocol):
    """Told the rows done so far, and `of`, the total, where the reader learns it
    (a workbook's size, known once it is open)."""

    def __call__(self, done: int, of: int | None = None, /) -> None: ...


def estimate_rows(path: Path) -> int | None:
    """Lines after the header in a text list: exact unless a cell holds a line break.

    None where the size cannot be known cheaply (a pipe, an unreadable file) or only
    once the file is open (a workbook: the reader tells Progress).
    """
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return None
    try:
        if not path.is_file():
            return None
        lines, last = 0, b"\n"
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    if last != b"\n":
        lines += 1  # a last line without a line break
    return max(lines - 1, 0)
