"""One exception hierarchy: the CLI turns any of these into one line on stderr."""

from __future__ import annotations

from pathlib import Path


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
        return f"{where}{key}{self.message}"


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
