"""How many rows a contact list holds, counted up front so progress can show a total."""

from __future__ import annotations

from pathlib import Path

_CHUNK = 1 << 20


def estimate_rows(path: Path) -> int | None:
    """Lines after the header in a text list: exact unless a cell holds a line break.

    None where the size cannot be known cheaply (a workbook, a pipe, an unreadable file);
    progress then shows a count without a total.
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
