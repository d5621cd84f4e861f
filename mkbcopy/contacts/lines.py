"""A contact list's physical lines, with the guards csv.reader lacks, and blocks of plain
lines read as rows many at a time."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Final

from mkbcopy.errors import InputError
from mkbcopy.i18n import _

MAX_LINE_BYTES: Final = 1024 * 1024
"""A contact row is well under 1 KB; a longer physical line is not a contact list."""
MAX_FIELD_CHARS: Final = 128 * 1024
"""csv.field_size_limit: a quote that is never closed stops here instead of eating the file."""
MAX_RECORD_LINES: Final = 50
"""A quoted value with more line breaks than this is a quote that was never closed."""
_BLOCK_BYTES: Final = 32 * 1024
"""A block of plain lines: a few hundred rows, so memory stays flat and a row costs little."""
_BLOCK_CODECS: Final = frozenset({"utf-8", "cp1252", "iso8859-1", "iso8859-15", "ascii"})
"""Codecs that decode a block of lines as they decode each line: no state, one byte for LF."""


class Lines:
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

    def __iter__(self) -> Lines:
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
