"""One exception hierarchy: the CLI turns any of these into one line on stderr."""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

from mkbcopy.i18n import N_, _

# Bidirectional overrides and isolates can make a terminal show text in another order.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """Escape line breaks, control and bidi characters, and lone surrogates.

    Messages quote what users' files hold; the CLI promises one line that shows as
    written, so a newline or a right-to-left override in a value cannot split or
    disguise it.
    """
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        else char
        for char in text
    )


class MkbcopyError(Exception):
    """Base of every error mkbcopy reports to the user."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return one_line(f"{where}{key}{self.message}")


class InputError(MkbcopyError):
    """A file the user gave cannot be read or parsed."""


class ValidationError(MkbcopyError):
    """A file parsed, but a value in it is wrong."""


class TemplateError(MkbcopyError):
    """A template has a syntax error, an unknown variable or tried something unsafe."""


class MissingFactsError(MkbcopyError):
    """`--strict` was given and the brief lacks facts the copy needs."""


class OutputError(MkbcopyError):
    """Output cannot be written without harming the user's files."""


class UsageError(MkbcopyError):
    """Options that do not fit together; exits 2 like other usage errors."""


class ToolError(MkbcopyError):
    """A program mkbcopy hands work to (LibreOffice) is missing, failed or hung."""


_OS_ADVICE = {
    errno.ENOSPC: N_("the disk is full; free some space and run the command again"),
    errno.EDQUOT: N_("the disk quota is used up; free some space and run the command again"),
    errno.EACCES: N_("permission denied; choose a folder you may write to"),
    errno.EPERM: N_("not permitted; choose a folder you may write to"),
    errno.EROFS: N_("the disk is read-only; choose another folder"),
    errno.ENOTDIR: N_("part of this path is a file, not a folder; choose another path"),
    errno.EISDIR: N_("is a folder, not a file; give a file name"),
    errno.ENOENT: N_("not found"),
    errno.ENAMETOOLONG: N_("the name is too long; choose a shorter one"),
    errno.EMFILE: N_("too many open files; close some programs and run the command again"),
}


def os_error(exc: OSError, path: Path | str | None = None) -> OutputError:
    """An OS error as one line naming the path and what to do (disk full, permission...)."""
    where = exc.filename if exc.filename is not None else path
    known = _OS_ADVICE.get(exc.errno or 0)
    advice = _(known) if known else (exc.strerror or type(exc).__name__).lower()
    if exc.filename2 is not None:
        advice += " " + _("(with %(other)s)") % {"other": exc.filename2}
    return OutputError(advice, path=where if where is None else str(where))


class Problems(ValidationError):
    """Every problem in one file, so that a user fixes them in one go, not one run each."""

    def __init__(self, problems: list[MkbcopyError]) -> None:
        first = problems[0]
        super().__init__(first.message, path=first.path, line=first.line, key=first.key)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def problems(found: list[MkbcopyError]) -> MkbcopyError:
    """One problem as itself, several as Problems: one line each."""
    return found[0] if len(found) == 1 else Problems(found)
