"""Excel workbooks (.xlsx) read as contact lists: one sheet, streamed, cells as Excel shows them.

openpyxl's read-only mode parses the sheet's XML as it goes, so a list of 100,000
rows costs the shared-string table and one row at a time, not a tree of every cell.
Row numbers count from 1 like Excel's, empty rows included, so a rejected contact is
found where the user looks for it. Numbers a person typed come back as typed (34, not
34.0), dates as dates (1990-03-14, not 32946.0), formulas as their last value.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from mkbcopy.errors import InputError, UsageError
from mkbcopy.i18n import _

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm")
_ENCRYPTED: Final = "EncryptionInfo".encode("utf-16-le")
"""An encrypted .xlsx is an OLE file holding this stream instead of a zip archive."""


def is_workbook(path: Path, head: bytes) -> bool:
    """True for an .xlsx/.xlsm (also a broken one, to say so); refuse what Excel alone can read.

    `head` is the start of the file (a few KB).
    """
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED in head or path.suffix.lower() in WORKBOOK_SUFFIXES:
            raise InputError(
                _(
                    "is protected with a password; open it in Excel, remove the password "
                    "(File > Info > Protect Workbook) and save it again"
                ),
                path=path,
            )
        raise InputError(
            _("is an old Excel workbook (.xls); open it in Excel and save it as .xlsx"),
            path=path,
        )
    if not head.startswith(ZIP_MAGIC):
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            raise InputError(
                _(
                    "is not a valid Excel workbook; open it in Excel and save it as .xlsx "
                    "(or, if it is a CSV file, rename it to .csv)"
                ),
                path=path,
            )
        return False
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    if "xl/workbook.bin" in names:
        raise InputError(
            _("is a binary Excel workbook (.xlsb); open it in Excel and save it as .xlsx"),
            path=path,
        )
    return "xl/workbook.xml" in names


def _damaged(path: Path) -> InputError:
    return InputError(
        _(
            "cannot be read as an Excel workbook (damaged, or not really .xlsx); "
            "open it in Excel and save it again"
        ),
        path=path,
    )


class SheetRows:
    """The rows of one worksheet as lists of text, each with its Excel row number."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        # openpyxl is imported here: only a workbook pays for it.
        from openpyxl import load_workbook

        self.path = path
        # A file object, not the name: openpyxl refuses a workbook saved as export.csv.
        self._file = path.open("rb")
        try:
            self._book = load_workbook(self._file, read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises many kinds for a damaged file
            self._file.close()
            raise _damaged(path) from None
        try:
            worksheets = self._book.worksheets
            self.sheets = len(worksheets)
            self._visible = [ws for ws in worksheets if ws.sheet_state == "visible"]
            if sheet is None:
                if not self._visible:
                    raise InputError(
                        _("has no visible sheet; name a hidden one with --sheet"), path=path
                    )
                chosen = self._visible[0]
            else:
                chosen = _find_sheet(path, worksheets, sheet)
            self.use(chosen)
        except BaseException:
            self.close()
            raise

    def use(self, worksheet: Any) -> None:
        """Read `worksheet` from its first row on (another of the book's sheets)."""
        self._worksheet = worksheet
        self.sheet: str = worksheet.title
        self._recorded = worksheet.max_row  # the size the sheet says it has, or None
        # Some exporters write a wrong size (A1) into the sheet; read what is there.
        worksheet.reset_dimensions()
        self._rows = worksheet.iter_rows()

    def others(self) -> list[Any]:
        """The visible sheets other than the one read, in the workbook's order."""
        return [ws for ws in self._visible if ws is not self._worksheet]

    def last_row(self) -> int | None:
        """About the sheet's last row, for progress: the size it records, else its rows
        counted in its XML (a small part of the time reading them takes); None when
        neither can be known."""
        if self._recorded is not None and self._recorded > 1:
            return int(self._recorded)
        try:  # openpyxl keeps the archive open, and where the sheet is in it
            source = self._book._archive.open(self._worksheet._worksheet_path)
        except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
            return None
        rows, tail = 0, b""
        try:
            with source:
                while chunk := source.read(1 << 20):
                    both = tail + chunk  # a tag cut in two by the chunks is counted once
                    rows += both.count(b"<row ") + both.count(b"<row>")
                    tail = chunk[-4:]
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error):
            return None
        return rows or None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        number = 0
        try:
            for cells in self._rows:
                number += 1
                yield number, [cell_text(cell) for cell in cells]
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            zipfile.BadZipFile,
            zlib.error,
            SyntaxError,
        ):
            # SyntaxError: the XML parser's ParseError; the sheet is cut off or damaged.
            raise InputError(
                _("the sheet is damaged from this row on; open it in Excel and save it again"),
                path=self.path,
                line=number + 1,
            ) from None

    def close(self) -> None:
        self._book.close()
        self._file.close()


def _find_sheet(path: Path, worksheets: list[Any], wanted: str) -> Any:
    for folded in (False, True):
        for ws in worksheets:
            title = ws.title.casefold().strip() if folded else ws.title
            if title == (wanted.casefold().strip() if folded else wanted):
                return ws
    shown = ", ".join(f"'{ws.title}'" for ws in worksheets)
    raise UsageError(
        _("--sheet: no sheet '%(sheet)s' (sheets: %(sheets)s)")
        % {"sheet": wanted, "sheets": shown},
        path=path,
    )


def cell_text(cell: Any) -> str:
    """A cell as the marketer typed it: 34 not 34.0, a date as 1990-03-14, empty as ''."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return _padded(value, cell)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return _padded(int(value), cell)
        return f"{value:.15g}"  # Excel's 15 digits: 0.1 + 0.2 shows as 0.3
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _padded(number: int, cell: Any) -> str:
    """A number formatted with leading zeros ('0000000000' for a phone) shows them: keep them."""
    fmt = getattr(cell, "number_format", "") or ""
    if len(fmt) > 1 and set(fmt) == {"0"} and number >= 0:
        return str(number).zfill(len(fmt))
    return str(number)
