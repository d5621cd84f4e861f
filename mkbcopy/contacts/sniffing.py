"""What kind of text file a contact list is: its encoding and its delimiter, judged on
its first 64 KB; what is no text at all (a zip, a PDF, a binary file) is refused."""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import IO, Final

from mkbcopy.contacts.columns import field_for_header
from mkbcopy.errors import InputError, UsageError
from mkbcopy.i18n import _

SAMPLE_BYTES: Final = 64 * 1024
"""How much of the file the dialect and encoding are judged on."""
DELIMITERS: Final = (";", ",", "\t", "|")
HEADER_LINES: Final = 10
"""How many lines above the column names an export may put (a title, a date)."""


def open_binary(path: Path) -> IO[bytes]:
    """The list opened for reading, or an InputError that says in one line why not."""
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


def choose_encoding(path: Path, sample: bytes, encoding: str | None) -> str | None:
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


def sniff(sample: bytes, codec: str | None) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's `sep=;` hint."""
    lines = _sample_lines(sample, codec)
    if lines:
        hint = _SEP_LINE.match(lines[0].lstrip("\ufeff"))
        if hint:
            return hint.group(1), True
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ",", False
    lines = lines[_header_at(lines) :]
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


def _header_at(lines: list[str]) -> int:
    """Where the column names are: a title above them would make the first line look
    like a list of one column. The first of the first lines that names an email
    column, else the first with a delimiter in it (a column named by --map), else 0."""
    first = lines[:HEADER_LINES]
    for index, line in enumerate(first):
        for delimiter in DELIMITERS:
            cells = line.split(delimiter)
            if len(cells) > 1 and any(
                field_for_header(cell.strip().strip('"')) == "email" for cell in cells
            ):
                return index
    return next((i for i, line in enumerate(first) if any(d in line for d in DELIMITERS)), 0)


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
