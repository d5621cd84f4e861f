"""Contact lists as marketers have them: any CSV dialect, Dutch or English headers, streamed.

Lists come from Excel-NL (`;`, BOM, sometimes Windows-1252), Google Sheets, Mailchimp
and Brevo. We sniff the dialect from the first few KB (sniffing.py), find the fields in
the header (columns.py), and then read plain lines a block at a time and the others one
by one (lines.py), so a list of any size is read in flat memory, and every row keeps the
line it started on so that a rejected contact can be found in the user's own file.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

from mkbcopy.contacts.columns import (
    FIELDS,
    field_for_header,
    resolve_columns,
    shown_columns,
    unique_keys,
)
from mkbcopy.contacts.lines import MAX_FIELD_CHARS, MAX_RECORD_LINES, Lines
from mkbcopy.contacts.sniffing import SAMPLE_BYTES, choose_encoding, open_binary, sniff
from mkbcopy.contacts.workbook import SheetRows, is_workbook
from mkbcopy.errors import InputError, UsageError
from mkbcopy.i18n import _


@dataclass(frozen=True, slots=True)
class Row:
    """One contact: where it starts in the file, the cells as given, and the canonical fields."""

    line: int
    raw: dict[str, str]
    fields: dict[str, str]
    extra: tuple[str, ...] = ()
    """Non-empty cells beyond the header: usually a delimiter inside an unquoted value."""


_NO_FIELDS: Final = dict.fromkeys(FIELDS, "")


def is_blank(cells: list[str]) -> bool:
    """A row of empty cells (or of spaces) is no contact: it is skipped, not counted."""
    return not "".join(cells).strip()


HEADER_ROWS: Final = 10
"""How many rows above the column names an export may put (a title, a date, blank rows)."""


def names_email(header: list[str], mapping: dict[str, str]) -> bool:
    """True when `header` can be a list's column names: an email column is found in it
    (by name or by --map), and no cell holds an address, as a row of contacts would."""
    if _holds_addresses(header):
        return False
    try:
        resolve_columns(Path(), header, unique_keys(header), mapping, [])
    except (InputError, UsageError):
        return False
    return True


def _holds_addresses(row: list[str]) -> bool:
    return any("@" in cell for cell in row) and not any(
        field_for_header(cell) == "email" for cell in row
    )


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`["Mail adres=email"]` -> `{"Mail adres": "email"}`; the CLI's repeated `--map`."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise UsageError(_("--map wants COLUMN=FIELD, got '%(item)s'") % {"item": item})
        mapping[column.strip()] = name.strip()
    return mapping


def open_contacts(
    path: Path | str,
    *,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
) -> ContactReader:
    """Open a contact list (CSV or .xlsx); use as `with open_contacts(p) as rows: ...`.

    Opening reads the header, so a file that is not a contact list fails here, before
    anything is written. `sheet` names a workbook's sheet (default: the first).
    """
    path = Path(path)
    with open_binary(path) as binary:
        head = binary.read(SAMPLE_BYTES)
    if is_workbook(path, head):
        if encoding is not None:
            raise UsageError(_("--encoding is for CSV files; an Excel workbook needs none"))
        return WorkbookReader(path, mapping=mapping, sheet=sheet)
    if sheet is not None:
        raise UsageError(_("--sheet is for Excel workbooks, and this is not one"), path=path)
    return ContactReader(path, encoding=encoding, mapping=mapping)


class ContactReader:
    """The rows of one contact list; a context manager and an iterator of Row.

    After opening: `delimiter`, `header` (as written), `keys` (unique names used in
    Row.raw), `columns` (field -> key), `field_index` (field -> the cell it is in),
    `expected_rows` (about how many rows, judged from the file's size and start) and
    `notices` (things the user should know, such as an encoding fallback; may grow
    while reading). Rows come one by one as Row, or many at a time as cells (blocks).
    """

    def __init__(
        self,
        path: Path,
        *,
        encoding: str | None = None,
        mapping: dict[str, str] | None = None,
    ) -> None:
        self.path = path
        self.notices: list[str] = []
        self.total_rows: int | None = None
        """Rows after the header where the reader knows it up front (a workbook's size)."""
        self.header_line = 1
        self._multiline_notices = 0
        self._rows: Iterator[tuple[int, list[str]]] = iter(())
        self._blocks: Iterator[tuple[Sequence[int], list[list[str]]]] | None = None
        self._binary = open_binary(path)
        try:
            sample = self._binary.read(SAMPLE_BYTES)
            self._binary.seek(0)
            size = os.fstat(self._binary.fileno()).st_size
            self.expected_rows = size * sample.count(b"\n") // max(len(sample), 1)
            self._codec = choose_encoding(path, sample, encoding)
            self.delimiter, sep_line = sniff(sample, self._codec)
            cr_only = b"\n" not in sample and b"\r" in sample
            self._lines = Lines(path, self._binary, self._codec, cr_only, self.notices)
            self._csv = csv.reader(self._lines, delimiter=self.delimiter, quotechar='"')
            csv.field_size_limit(MAX_FIELD_CHARS)
            if sep_line:
                next(self._lines)
            self._plain = False
            header = self._read_header(mapping or {})
            self._plain = True  # from here on, blocks of plain lines where there are some
            self.header: list[str] = header
            self.keys = unique_keys(header)
            self.columns = resolve_columns(path, header, self.keys, mapping or {}, self.notices)
            self.field_index = {name: self.keys.index(key) for name, key in self.columns.items()}
        except BaseException:
            self._binary.close()
            raise

    @property
    def encoding(self) -> str:
        """The codec given or found; 'utf-8+windows-1252' when lines needed the fallback."""
        if self._codec is not None:
            return self._codec
        lines = self._lines
        if lines.fallback_lines == 0:
            return "utf-8-sig" if lines.bom else "utf-8"
        return "utf-8+windows-1252" if lines.utf8_lines else "windows-1252"

    def __enter__(self) -> ContactReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._binary.close()
        self._rows = iter(())  # what was read ahead goes too
        self._lines.discard()

    def __iter__(self) -> Iterator[Row]:
        return self

    def __next__(self) -> Row:
        while True:
            for line, cells in self._rows:
                if not is_blank(cells):
                    return self.row(line, cells)
            if self._blocks is None:
                self._blocks = self.blocks()
            lines, rows = next(self._blocks)  # StopIteration at the end ends the rows too
            self._rows = zip(lines, rows, strict=True)

    def row(self, line: int, cells: list[str]) -> Row:
        """A row's cells as a Row: as many as the header, the rest (if not empty) as extra."""
        width = len(self.keys)
        extra: tuple[str, ...] = ()
        if len(cells) > width:
            extra = tuple(c for c in cells[width:] if c.strip())
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        fields = _NO_FIELDS.copy()
        fields.update((name, cells[i].strip()) for name, i in self.field_index.items())
        return Row(line, dict(zip(self.keys, cells, strict=False)), fields, extra)

    def blocks(self) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """The rows after the header as cells, many at a time: (lines, rows) in file order.

        Each row's cells are as read: fewer or more than the header, or all empty
        (is_blank: not a contact); its line is where it starts. A block of plain lines
        costs little per row; any other record comes as a block of one.
        """
        while True:
            rows = self._plain_rows()
            if rows:
                end = self._lines.count + 1
                yield range(end - len(rows), end), rows
                del rows  # not kept while the next block is read
                continue
            start, cells = self._next_record()
            if cells is None:
                return
            yield (start,), [cells]

    def _plain_rows(self) -> list[list[str]]:
        return self._lines.plain_rows(self.delimiter) if self._plain else []

    def _next_record(self) -> tuple[int, list[str] | None]:
        start = self._lines.count + 1
        self._lines.record.clear()
        try:
            cells = next(self._csv, None)
        except csv.Error as exc:
            if "field limit" in str(exc) or "larger than" in str(exc):
                raise InputError(
                    _('a value is longer than %(kb)s KB; probably a quote (") that is never closed')
                    % {"kb": MAX_FIELD_CHARS // 1024},
                    path=self.path,
                    line=start,
                ) from None
            raise InputError(
                _("not readable as CSV: %(reason)s") % {"reason": exc}, path=self.path, line=start
            ) from None
        spanned = self._lines.count - start + 1
        if cells is not None:
            if spanned > 1:
                self._check_multiline(start, spanned)
            elif self._lines.record[0].count('"') % 2:
                self._check_unclosed(start)
        return start, cells

    def _unclosed(self, start: int, end: int | None = None) -> InputError:
        if end is None:
            message = _('a quote (") opened on this line is never closed; close or remove it')
        else:
            message = _(
                'a quote (") opened on this line is never closed (the value runs on to line '
                "%(end)s); close or remove it"
            ) % {"end": end}
        return InputError(
            message,
            path=self.path,
            line=start,
        )

    def _check_unclosed(self, start: int) -> None:
        """One line with an odd quote: fine mid-value (5" scherm), not when it opens a value.

        The lenient reader ends an unclosed value at the end of the file without a word.
        """
        try:
            for _row in csv.reader(self._lines.record, delimiter=self.delimiter, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end" in str(exc):
                raise self._unclosed(start) from None

    def _check_multiline(self, start: int, spanned: int) -> None:
        """A value may hold a line break, but an unclosed quote must not swallow rows."""
        end = start + spanned - 1
        quotes = sum(line.count('"') for line in self._lines.record)
        if quotes % 2 or spanned > MAX_RECORD_LINES:
            raise self._unclosed(start, end)
        self._multiline_notices += 1
        if self._multiline_notices <= 3:
            self.notices.append(
                _("%(where)s: a quoted value runs over %(lines)s lines (to line %(end)s)")
                % {"where": f"{self.path}:{start}", "lines": spanned, "end": end}
            )

    def _read_header(self, mapping: dict[str, str]) -> list[str]:
        """The column names: the first row, or the first of the next few that names an
        email column, as when an export puts a title above them (then said in a notice);
        never past a row of contacts.

        Rows keep the numbers they have in the file. When no row names an email
        column, the first is the header, and resolving its columns says what is wrong.
        """
        first: tuple[int, list[str]] | None = None
        found: tuple[int, list[str]] | None = None
        looked = 0
        while looked < HEADER_ROWS:
            start, cells = self._next_record()
            if cells is None:
                break
            if is_blank(cells):
                continue
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            first = first or (start, header)
            if names_email(header, mapping):
                found = (start, header)
                break
            if _holds_addresses(header):
                break  # contacts: what comes after them is no header
            looked += 1
        if first is None:
            raise InputError(_("is empty; expected a header row and contacts"), path=self.path)
        if found is not None and found[0] != first[0]:
            self.notices.append(
                _("%(where)s: the column names are on this row; the rows above it are left out")
                % {"where": f"{self.path}:{found[0]}"}
            )
            self.header_line = found[0]
            return found[1]
        start, header = first
        self.header_line = start
        if _holds_addresses(header):
            raise InputError(
                _(
                    "the first row holds an email address, not column names; "
                    "add a header row such as 'email;voornaam'"
                ),
                path=self.path,
                line=start,
            )
        return header


class WorkbookReader(ContactReader):
    """The rows of one sheet of an .xlsx workbook, as a ContactReader; `line` is Excel's row."""

    delimiter = ";"
    """Files written from a workbook use Excel-NL's separator, so they open as columns."""

    def __init__(
        self,
        path: Path,
        *,
        mapping: dict[str, str] | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = path
        self.notices = []
        self._rows = iter(())
        self._blocks = None
        self.expected_rows = 0
        mapping = mapping or {}
        self._sheet = SheetRows(path, sheet)
        try:
            self.header = self._sheet_header(mapping, sheet)
            self.keys = unique_keys(self.header)
            self.columns = resolve_columns(path, self.header, self.keys, mapping, self.notices)
            self.field_index = {name: self.keys.index(key) for name, key in self.columns.items()}
            last = self._sheet.last_row()
            self.total_rows = max(last - self.header_line, 0) if last else None
            self.expected_rows = self.total_rows or 0
        except BaseException:
            self._sheet.close()
            raise

    def _sheet_header(self, mapping: dict[str, str], sheet: str | None) -> list[str]:
        """The header of the sheet asked for; without --sheet, of the first visible sheet
        that has an email column, said in a notice when it is not the first."""
        first = self._sheet.sheet
        others = [ws.title for ws in self._sheet.others()]
        self._records = iter(self._sheet)
        header = self._read_header(mapping)
        if names_email(header, mapping):
            if others and sheet is None:
                self.notices.append(
                    _("%(path)s: read sheet '%(sheet)s' (choose another with --sheet)")
                    % {"path": self.path, "sheet": first}
                )
            return header
        checked = header
        if sheet is None:
            for worksheet in self._sheet.others():
                self._sheet.use(worksheet)
                self._records = iter(self._sheet)
                try:
                    header = self._read_header(mapping)
                except InputError:  # an empty sheet, or one of addresses without a header
                    continue
                if names_email(header, mapping):
                    self.notices.insert(
                        0,
                        _(
                            "%(path)s: read sheet '%(sheet)s'; the first sheet '%(first)s' has no "
                            "email column"
                        )
                        % {"path": self.path, "sheet": worksheet.title, "first": first},
                    )
                    return header
        values = {"sheet": first, "columns": shown_columns(checked)}
        if not others:
            message = _(
                "has no email column on sheet '%(sheet)s' (columns: %(columns)s); "
                "name one with --map COLUMN=email"
            )
        elif sheet is None:
            message = _(
                "has no email column on sheet '%(sheet)s' (columns: %(columns)s), nor on the "
                "other sheets (%(others)s); try --sheet NAME with --map COLUMN=email"
            )
        else:
            message = _(
                "has no email column on sheet '%(sheet)s' (columns: %(columns)s); name one "
                "with --map COLUMN=email, or try --sheet NAME (other sheets: %(others)s)"
            )
        shown = ", ".join(f"'{name}'" for name in others)
        raise InputError(message % {**values, "others": shown}, path=self.path)

    @property
    def encoding(self) -> str:
        return "xlsx"

    @property
    def sheet(self) -> str:
        return self._sheet.sheet

    def close(self) -> None:
        self._sheet.close()
        self._rows = iter(())

    def _plain_rows(self) -> list[list[str]]:
        return []

    def _next_record(self) -> tuple[int, list[str] | None]:
        found = next(self._records, None)
        if found is None:
            return 0, None
        return found
