"""Contact lists as marketers have them: any CSV dialect, Dutch or English headers, streamed.

Lists come from Excel-NL (`;`, BOM, sometimes Windows-1252), Google Sheets, Mailchimp
and Brevo. We sniff the dialect from the first few KB and then read one line at a time,
so a list of any size is read in flat memory, and every row keeps the line it started on
so that a rejected contact can be found in the user's own file.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from mkbcopy.contacts.workbook import SheetRows, is_workbook
from mkbcopy.errors import InputError, UsageError
from mkbcopy.i18n import _

FIELDS: Final = (
    "first_name",
    "last_name",
    "email",
    "age",
    "birth_year",
    "birth_date",
    "education",
    "status",
    "persona",
)

SAMPLE_BYTES: Final = 64 * 1024
"""How much of the file the dialect and encoding are judged on."""
MAX_LINE_BYTES: Final = 1024 * 1024
"""A contact row is well under 1 KB; a longer physical line is not a contact list."""
MAX_FIELD_CHARS: Final = 128 * 1024
"""csv.field_size_limit: a quote that is never closed stops here instead of eating the file."""
MAX_RECORD_LINES: Final = 50
"""A quoted value with more line breaks than this is a quote that was never closed."""
_BLOCK_BYTES: Final = 32 * 1024
_BLOCK_CODECS: Final = frozenset({"utf-8", "cp1252", "iso8859-1", "iso8859-15", "ascii"})
"""Codecs that decode a block of lines as they decode each line: no state, one byte for LF."""
DELIMITERS: Final = (";", ",", "\t", "|")
IGNORE: Final = "ignore"
"""`--map COLUMN=ignore` keeps a column from being recognised as a field."""

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "first_name": (
        "voornaam",
        "roepnaam",
        "firstname",
        "fname",
        "givenname",
        "forename",
        "prenom",
        "vorname",
    ),
    "last_name": (
        "achternaam",
        "familienaam",
        "lastname",
        "lname",
        "surname",
        "familyname",
        "nachname",
    ),
    "email": (
        "emailadres",
        "emailadressen",
        "emailadress",
        "mailadres",
        "email",
        "emails",
        "emailaddress",
        "mail",
        "email1",
        "email1value",
        "eadres",
    ),
    "age": ("leeftijd", "age", "leeftijdjaren", "ageyears", "leeftijdsgroep", "agegroup"),
    "birth_year": ("geboortejaar", "birthyear", "yearofbirth"),
    "birth_date": (
        "geboortedatum",
        "gebdatum",
        "geboortedag",
        "birthdate",
        "dateofbirth",
        "birthday",
        "dob",
    ),
    "education": (
        "opleidingsniveau",
        "opleiding",
        "education",
        "educationlevel",
        "niveau",
        "hoogsteopleiding",
        "vooropleiding",
        "hoogstgenotenopleiding",
        "schoolniveau",
    ),
    "status": (
        "werksituatie",
        "status",
        "werkzaamheid",
        "werkzaamheden",
        "situatie",
        "occupation",
        "dagbesteding",
        "beroepssituatie",
        "arbeidssituatie",
        "employment",
        "employmentstatus",
        "workstatus",
    ),
    "persona": ("persona", "personaid"),
}


def norm_header(text: str) -> str:
    """`E-mail adres` -> `emailadres`: headers compare without case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", decomposed)


_BY_ALIAS: Final = {norm_header(a): f for f, aliases in _ALIASES.items() for a in aliases}
_BY_ALIAS.update({norm_header(f): f for f in FIELDS})


def field_for_header(header: str) -> str | None:
    """The canonical field a column header names, or None."""
    return _BY_ALIAS.get(norm_header(header))


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


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`["Mail adres=email"]` -> `{"Mail adres": "email"}`; the CLI's repeated `--map`."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, name = item.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise UsageError(_("--map wants COLUMN=FIELD, got '%(item)s'") % {"item": item})
        mapping[column.strip()] = name.strip()
    return mapping


def _field_name(name: str) -> str:
    if norm_header(name) in {IGNORE, "skip", ""} or name.strip() == "-":
        return IGNORE
    found = field_for_header(name)
    if found is None:
        raise UsageError(
            _("--map: '%(name)s' is not a field; use one of %(fields)s or %(ignore)s")
            % {"name": name, "fields": ", ".join(FIELDS), "ignore": IGNORE}
        )
    return found


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
    with _open_binary(path) as binary:
        head = binary.read(SAMPLE_BYTES)
    if is_workbook(path, head):
        if encoding is not None:
            raise UsageError(_("--encoding is for CSV files; an Excel workbook needs none"))
        return WorkbookReader(path, mapping=mapping, sheet=sheet)
    if sheet is not None:
        raise UsageError(_("--sheet is for Excel workbooks, and this is not one"), path=path)
    return ContactReader(path, encoding=encoding, mapping=mapping)


class _Lines:
    """Physical lines as text, counted, with the guards csv.reader lacks.

    Without an encoding every line is decoded on its own: UTF-8 when it is, else
    Windows-1252, so one Excel-made line in an otherwise UTF-8 file costs a notice and
    not the whole read. Byte lines also give exact line numbers for decoding errors;
    only UTF-16/32, whose newline is not one byte, go through a TextIOWrapper.
    """

    def __init__(
        self,
        path: Path,
        binary: IO[bytes],
        codec: str | None,
        cr_only: bool,
        notices: list[str],
    ) -> None:
        self.path = path
        self.count = 0
        self.record: list[str] = []
        self.fallback_lines = 0
        self.utf8_lines = 0
        self.bom = False
        self._notices = notices
        self._codec = codec
        self._first = True
        self._binary = binary
        self._chunks = self._cr_lines(binary) if cr_only else None
        self._pending: list[bytes] = []  # lines of a block handed back to this path, reversed
        self._blocks = (codec is None or codec in _BLOCK_CODECS) and not cr_only
        self._next: Callable[[], str]
        if codec is None:
            self._next = self._next_auto
        elif codec.startswith(("utf-16", "utf-32")):
            self._text = io.TextIOWrapper(binary, encoding=codec, newline="")
            self._next = self._next_wide
        else:
            self._next = self._next_codec

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._next()
        if not line:
            raise StopIteration
        self.count += 1
        if "\x00" in line:
            raise InputError(
                _(
                    "contains a NUL character; this is not a text CSV file "
                    "(save it from your spreadsheet as 'CSV UTF-8')"
                ),
                path=self.path,
                line=self.count,
            )
        self.record.append(line)
        return line

    def _too_long(self) -> InputError:
        return InputError(
            _(
                "a line is longer than %(kb)s KB; this is not a contact list "
                'or a quote (") is never closed'
            )
            % {"kb": MAX_LINE_BYTES // 1024},
            path=self.path,
            line=self.count + 1,
        )

    def plain_rows(self, delimiter: str) -> list[list[str]]:
        """The rows of the next block of whole lines, one row per line, when nothing in it
        needs the careful path: no NUL or lone CR, no decoding error, no long value, and
        no value that runs on to the next line or is left unclosed.

        A line without a quote splits on the delimiter as csv.reader would split it, for a
        fraction of the cost; a block with quotes goes through csv.reader as a whole. Any
        other block goes back, as lines, to the careful path. [] at the end of the file.
        """
        if not self._blocks or self._pending:
            return []
        data = self._binary.read(_BLOCK_BYTES)
        if data and not data.endswith(b"\n"):
            data += self._binary.readline(MAX_LINE_BYTES + 1)
        if not data:
            return []
        rows = None
        if (
            len(data) <= MAX_FIELD_CHARS
            and b"\x00" not in data
            and data.count(b"\r") == data.count(b"\r\n")
        ):
            rows = self._split(data, delimiter)
        if rows is None:
            *whole, last = data.split(b"\n")
            self._pending = [last] if last else []
            self._pending += [line + b"\n" for line in reversed(whole)]
            return []
        self.count += len(rows)
        return rows

    def _split(self, data: bytes, delimiter: str) -> list[list[str]] | None:
        try:
            text = data.decode(self._codec or "utf-8")
        except UnicodeDecodeError:
            return None
        lines = text.replace("\r\n", "\n").split("\n")
        if not lines[-1]:
            lines.pop()  # the block ends with a line end
        if '"' not in text:
            rows = [line.split(delimiter) for line in lines]
        elif any(line.count('"') % 2 for line in lines):
            return None  # a value that runs on, or a quote to check: line by line
        else:
            try:
                rows = list(csv.reader(lines, delimiter=delimiter, quotechar='"'))
            except csv.Error:
                return None
            if len(rows) != len(lines):
                return None  # a value ran on to the next line after all
        if self._codec is None and not text.isascii():
            self.utf8_lines += len(lines) - sum(map(str.isascii, lines))
        return rows

    def discard(self) -> None:
        """Forget lines read ahead: after closing, reading fails as on any closed file."""
        self._pending.clear()

    def _bytes(self) -> bytes:
        if self._pending:
            data = self._pending.pop()
        elif self._chunks is not None:
            data = next(self._chunks, b"")
        else:
            data = self._binary.readline(MAX_LINE_BYTES + 1)
        if len(data) > MAX_LINE_BYTES:
            raise self._too_long()
        if self._first:
            self._first = False
            self.bom = data.startswith(codecs.BOM_UTF8)
            data = data.removeprefix(codecs.BOM_UTF8)
        return data

    def _next_auto(self) -> str:
        data = self._bytes()
        if data.isascii():
            return data.decode("ascii")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            self.utf8_lines += 1
            return text
        self.fallback_lines += 1
        if self.fallback_lines == 1:
            self._notices.append(
                _(
                    "%(where)s: not UTF-8; read such lines as Windows-1252 "
                    "(save as 'CSV UTF-8' to avoid this)"
                )
                % {"where": f"{self.path}:{self.count + 1}"}
            )
        return data.decode("cp1252", errors="replace")

    def _decode_error(self, exc: UnicodeDecodeError) -> InputError:
        return InputError(
            _(
                "is not valid %(codec)s (%(reason)s); try another --encoding, "
                "or none to let mkbcopy choose"
            )
            % {"codec": self._codec, "reason": exc.reason},
            path=self.path,
            line=self.count + 1,
        )

    def _next_codec(self) -> str:
        assert self._codec is not None
        data = self._bytes()
        try:
            return data.decode(self._codec)
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None

    def _next_wide(self) -> str:
        try:
            line = self._text.readline(MAX_LINE_BYTES + 1)
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None
        if len(line) > MAX_LINE_BYTES:
            raise self._too_long()
        return line.removeprefix("\ufeff") if self.count == 0 else line

    @staticmethod
    def _cr_lines(binary: IO[bytes]) -> Iterator[bytes]:
        """Lines of an old Mac file (CR only), which readline() cannot split."""
        pending = b""
        while chunk := binary.read(64 * 1024):
            pending += chunk
            *lines, pending = pending.split(b"\r")
            for line in lines:
                yield line + b"\r"
            if len(pending) > MAX_LINE_BYTES:
                yield pending
                return
        if pending:
            yield pending


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
        self._multiline_notices = 0
        self._rows: Iterator[tuple[int, list[str]]] = iter(())
        self._blocks: Iterator[tuple[Sequence[int], list[list[str]]]] | None = None
        self._binary = _open_binary(path)
        try:
            sample = self._binary.read(SAMPLE_BYTES)
            self._binary.seek(0)
            size = os.fstat(self._binary.fileno()).st_size
            self.expected_rows = size * sample.count(b"\n") // max(len(sample), 1)
            self._codec = _choose_encoding(path, sample, encoding)
            self.delimiter, sep_line = _sniff(sample, self._codec)
            cr_only = b"\n" not in sample and b"\r" in sample
            self._lines = _Lines(path, self._binary, self._codec, cr_only, self.notices)
            self._csv = csv.reader(self._lines, delimiter=self.delimiter, quotechar='"')
            csv.field_size_limit(MAX_FIELD_CHARS)
            if sep_line:
                next(self._lines)
            self._plain = False
            header = self._read_header()
            self._plain = True  # from here on, blocks of plain lines where there are some
            self.header: list[str] = header
            self.keys = _unique_keys(header)
            self.columns = _resolve_columns(path, header, self.keys, mapping or {}, self.notices)
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

    def _read_header(self) -> list[str]:
        while True:
            start, cells = self._next_record()
            if cells is None:
                raise InputError(_("is empty; expected a header row and contacts"), path=self.path)
            if any(c.strip() for c in cells):
                break
        header = [c.strip() for c in cells]
        while header and not header[-1]:
            header.pop()
        if any("@" in cell for cell in header) and not any(
            field_for_header(cell) == "email" for cell in header
        ):
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
        self._sheet = SheetRows(path, sheet)
        try:
            self._records = iter(self._sheet)
            if self._sheet.sheets > 1 and sheet is None:
                self.notices.append(
                    _("%(path)s: read sheet '%(sheet)s' (choose another with --sheet)")
                    % {"path": path, "sheet": self._sheet.sheet}
                )
            self.header = self._read_header()
            self.keys = _unique_keys(self.header)
            self.columns = _resolve_columns(
                path, self.header, self.keys, mapping or {}, self.notices
            )
            self.field_index = {name: self.keys.index(key) for name, key in self.columns.items()}
        except BaseException:
            self._sheet.close()
            raise

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


def _open_binary(path: Path) -> IO[bytes]:
    if path.is_dir():
        raise InputError(_("is a folder, not a contact list"), path=path)
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(_("does not exist"), path=path) from None
    except OSError as exc:
        raise InputError(
            _("cannot be read: %(reason)s") % {"reason": exc.strerror or exc}, path=path
        ) from None


def _choose_encoding(path: Path, sample: bytes, encoding: str | None) -> str | None:
    """Refuse what is not text; return the codec, or None for per-line automatic decoding."""
    if not sample:
        raise InputError(_("is empty; expected a header row and contacts"), path=path)
    if sample.startswith(b"PK\x03\x04"):
        raise InputError(
            _(
                "is a zip archive (an .ods spreadsheet?), not a CSV file or an Excel "
                "workbook; save it as .xlsx or as 'CSV UTF-8'"
            ),
            path=path,
        )
    if sample.startswith(b"%PDF"):
        raise InputError(_("is a PDF, not a CSV file"), path=path)
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if encoding is not None:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                _("unknown encoding '%(encoding)s' (try utf-8 or cp1252)") % {"encoding": encoding}
            ) from None
        name = info.name
        # base64, rot13, idna and the like turn bytes into bytes or names, not a list's text.
        if not getattr(info, "_is_text_encoding", True) or name in _NOT_FOR_TEXT:
            raise UsageError(
                _("'%(encoding)s' is not a text encoding for a contact list (try utf-8 or cp1252)")
                % {"encoding": encoding}
            )
        if name in ("utf-16", "utf-32") and not sample.startswith(_BOMS):
            raise InputError(
                _(
                    "does not start with the byte-order mark that --encoding %(encoding)s needs; "
                    "try --encoding %(name)s-le (or %(name)s-be)"
                )
                % {"encoding": encoding, "name": name},
                path=path,
            )
        if not name.startswith(("utf-16", "utf-32")):
            _refuse_binary(path, sample)
        return name
    if utf16:
        return "utf-16"
    _refuse_binary(path, sample)
    return None


def _refuse_binary(path: Path, sample: bytes) -> None:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if b"\x00" in sample or controls > max(8, len(sample) // 100):
        raise InputError(
            _("is a binary file, not a CSV file; in your spreadsheet use Save As > 'CSV UTF-8'"),
            path=path,
        )


def _sample_lines(sample: bytes, codec: str | None) -> list[str]:
    if codec is not None:
        text = codecs.getincrementaldecoder(codec)(errors="replace").decode(sample)
    else:
        # Without the BOM: an error's position counts from after it.
        data = sample.removeprefix(codecs.BOM_UTF8)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # The sample may end inside a character; judge only what precedes it.
            good = data[: exc.start].decode("utf-8")
            text = good if exc.start > len(data) - 4 else data.decode("cp1252", "replace")
    lines = text.splitlines(keepends=True)
    if len(sample) >= SAMPLE_BYTES and len(lines) > 1:
        lines.pop()  # probably cut short
    return lines[:50]


_SEP_LINE = re.compile(r"^sep=(.)\s*$")


def _sniff(sample: bytes, codec: str | None) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's `sep=;` hint."""
    lines = _sample_lines(sample, codec)
    if lines:
        hint = _SEP_LINE.match(lines[0].lstrip("\ufeff"))
        if hint:
            return hint.group(1), True
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ",", False
    text = "".join(lines)
    try:
        guess: str | None = csv.Sniffer().sniff(text, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        guess = None
    if guess in DELIMITERS and _consistency(lines, guess)[1] >= 2:
        consistent, _width = _consistency(lines, guess)
        if consistent >= 0.8:
            return guess, False
    return _count_delimiter(lines), False


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    """Share of rows with as many cells as the header, and the header's width."""
    rows = [r for r in csv.reader(lines, delimiter=delimiter) if r]
    if not rows:
        return 0.0, 0
    width = len(rows[0])
    if len(rows) == 1:
        return 1.0, width
    same = sum(1 for r in rows[1:] if len(r) == width)
    return same / (len(rows) - 1), width


def _count_delimiter(lines: list[str]) -> str:
    """Fallback to the sniffer: the candidate that splits rows most consistently and widest."""
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            score = _consistency(lines, delimiter)
        except csv.Error:
            continue
        if score[1] >= 2 and score > best_score:
            best, best_score = delimiter, score
    return best


_NOT_FOR_TEXT: Final = frozenset({"idna", "punycode", "undefined", "raw-unicode-escape"})
_BOMS: Final = (
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
)


def _unique_keys(header: list[str]) -> list[str]:
    """Row.raw keys: the header, with blanks and repeats made unique."""
    keys: list[str] = []
    seen: set[str] = set()
    tried: dict[str, int] = {}  # the next number to try per name: linear in the header
    for index, cell in enumerate(header, start=1):
        base = cell or f"column {index}"
        key = base
        n = tried.get(base, 2)
        while key in seen:
            key = f"{base} ({n})"
            n += 1
        tried[base] = n
        seen.add(key)
        keys.append(key)
    return keys


def _resolve_columns(
    path: Path,
    header: list[str],
    keys: list[str],
    mapping: dict[str, str],
    notices: list[str],
) -> dict[str, str]:
    """field -> Row.raw key: `--map` first, then known headers, first column wins."""
    columns: dict[str, str] = {}
    claimed: set[str] = set()
    for column, wanted in mapping.items():
        key = _find_column(column, header, keys)
        if key is None:
            shown = ", ".join(f"'{h}'" for h in header[:12])
            raise UsageError(
                _("--map: no column '%(column)s' (columns: %(columns)s)")
                % {"column": column, "columns": shown},
                path=path,
            )
        claimed.add(key)
        target = _field_name(wanted)
        if target != IGNORE:
            columns[target] = key
    mapped = set(columns)
    also: dict[str, list[str]] = {}  # field -> further columns that look like it
    for cell, key in zip(header, keys, strict=True):
        if key in claimed:
            continue
        name = field_for_header(cell)
        if name is None:
            continue
        if name in columns:
            if name not in mapped:
                also.setdefault(name, []).append(cell)
            continue
        columns[name] = key
    for name, others in also.items():  # one notice per field, however many columns
        if len(others) > 1:
            message = _(
                "%(path)s: columns '%(first)s' and '%(other)s' and %(more)s more all look like "
                "%(field)s; using '%(first)s' (choose with --map)"
            )
        else:
            message = _(
                "%(path)s: columns '%(first)s' and '%(other)s' both look like %(field)s; "
                "using '%(first)s' (choose with --map)"
            )
        values = {"first": columns[name], "other": others[0], "more": len(others) - 1}
        notices.append(message % {"path": path, "field": name, **values})
    if "email" not in columns:
        for cell, key in zip(header, keys, strict=True):
            if key not in claimed and norm_header(cell).startswith(("email", "emailadres")):
                columns["email"] = key
                notices.append(
                    _("%(path)s: using column '%(column)s' as the email address")
                    % {"path": path, "column": cell}
                )
                break
    if "email" not in columns:
        if len(header) <= 1:
            raise InputError(
                _(
                    "has a single column and none of it is an email address; is this a CSV "
                    "file? Expected a header row such as 'email;voornaam;achternaam'"
                ),
                path=path,
            )
        shown = ", ".join(f"'{h}'" for h in header[:12])
        raise InputError(
            _("has no email column (columns: %(columns)s); name one with --map COLUMN=email")
            % {"columns": shown},
            path=path,
        )
    return {name: columns[name] for name in FIELDS if name in columns}


def _find_column(column: str, header: list[str], keys: list[str]) -> str | None:
    for cell, key in zip(header, keys, strict=True):
        if column in (cell, key):
            return key
    wanted = norm_header(column)
    for cell, key in zip(header, keys, strict=True):
        if wanted and norm_header(cell) == wanted:
            return key
    return None
