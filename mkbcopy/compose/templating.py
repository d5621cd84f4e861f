"""The one Jinja2 environment, and every template failure as one line naming file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from mkbcopy.compose.channels import template_dirs
from mkbcopy.compose.sandbox import (
    KEPT_GLOBALS,
    TemplateSandbox,
    Undefined,
    render_limits,
    template_loader,
)
from mkbcopy.compose.templatewords import MSG_UNKNOWN_MACRO, empty_value_message, syntax_problem
from mkbcopy.document import escape_md
from mkbcopy.errors import TemplateError
from mkbcopy.i18n import _


@cache
def make_environment(user_dir: Path | None = None) -> TemplateSandbox:
    """The one Jinja2 environment: sandboxed, strict, user folder before built-ins."""
    env = TemplateSandbox(
        loader=template_loader(template_dirs(user_dir)),
        undefined=Undefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_md
    return env


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render with every Jinja2 failure turned into one line naming file and line."""
    try:
        with render_limits():
            return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        line, message = syntax_problem(
            str(exc.message),
            exc.lineno,
            exc.source or _read(exc.filename),
            filters=env.filters,
            tests=env.tests,
        )
        raise TemplateError(
            _("syntax error: %(problem)s") % {"problem": message},
            path=exc.filename or exc.name,
            line=line,
        ) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("template not found: %(name)s") % {"name": exc.name}, path=path, line=line
        ) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc)
        message = _undefined_message(str(exc.message), context)
        lines = (_read(path) or "").splitlines()
        text = lines[line - 1] if line and 0 < line <= len(lines) else None
        empty = [key for key, value in context.items() if value is None]
        message = empty_value_message(message, text, empty) or message
        raise TemplateError(message, path=path, line=line) from None
    except SecurityError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("not allowed in a template: %(what)s") % {"what": exc}, path=path, line=line
        ) from None
    except TemplateError as exc:
        path, line = _template_frame(exc)
        exc.path, exc.line = exc.path or path, exc.line or line
        raise
    except OverflowError as exc:  # range() over the sandbox's limit, a float too large
        path, line = _template_frame(exc)
        detail = str(exc) if "MAX_RANGE" in str(exc) else _("a number is too large")
        raise TemplateError(
            _("not allowed in a template: %(what)s") % {"what": detail}, path=path, line=line
        ) from None
    except RecursionError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("the template includes, imports or calls itself without end"),
            path=path or name,
            line=line,
        ) from None
    except MemoryError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(_("the template needs too much memory"), path=path, line=line) from None
    except (
        *(TypeError, ValueError, AttributeError, KeyError, IndexError),
        ArithmeticError,  # {{ 1 // 0 }}
        AssertionError,  # {{ 'x' | truncate(-5) }}: Jinja2 checks some arguments with assert
        jinja2.TemplateError,  # runtime errors such as a bad filter argument
    ) as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("template failed: %(reason)s") % {"reason": exc}, path=path, line=line
        ) from None


def _undefined_message(message: str, context: dict[str, Any]) -> str:
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return unknown_name_message(match.group(1), context)
    if message.startswith(_("unknown field")):  # field_message said it already
        return message
    if message.startswith(_(MSG_UNKNOWN_MACRO).split("{name}")[0]):  # so did macro_message
        return message
    return _("unknown field: %(problem)s") % {"problem": message}


def _read(path: str | None) -> str | None:
    """A template's source, to find the line a syntax error really is on."""
    try:
        return Path(path).read_text(encoding="utf-8") if path else None
    except (OSError, UnicodeDecodeError):
        return None


def unknown_name_message(name: str, known: Iterable[str]) -> str:
    """`unknown variable 'x'`, with the closest existing name as a hint."""
    close = difflib.get_close_matches(name, [*known, *KEPT_GLOBALS], n=1)
    hint = _("; did you mean '%(key)s'?") % {"key": close[0]} if close else ""
    return _("unknown variable '%(name)s'") % {"name": name} + hint


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a traceback Jinja2 rewrote."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".jinja", ".html", ".md", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
