"""Template mistakes in a template writer's words, at the line where the mistake is.

Jinja2 reports what its parser expected ("expected token 'end of print statement'"),
often on the line after the mistake, and an unclosed `{% if %}` at the end of the
file. These helpers turn that into what to change and where: the line that opens
the unclosed block or tag, and a did-you-mean for tags, filters and fields.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from mkbcopy.i18n import N_, _

# The words every message uses; one place, so a message catalogue can wrap them.
MSG_UNCLOSED_BLOCK = N_(
    "{{% {tag} %}} on this line is never closed: add {{% end{tag} %}} where it should end"
)
MSG_WRONG_END = N_(
    "{{% {found} %}} here, but the {{% {tag} %}} on line {line} is still open: "
    "close it with {{% end{tag} %}} first"
)
MSG_UNKNOWN_TAG = N_("unknown tag {{% {found} %}}{hint}")
MSG_NOTHING_TO_CLOSE = N_(
    "{{% {found} %}} here, but there is no {{% {tag} %}} open to close: "
    "remove it, or add the {{% {tag} %}} it should close"
)
MSG_UNCLOSED_PRINT = N_("{{ is not closed: end it with }}")
MSG_UNCLOSED_TAG = N_("{% is not closed: end it with %}")
MSG_SINGLE_BRACE = N_("a single '}': close {{ ... }} with two braces")
MSG_EXTRA = N_(
    "unexpected '{token}' inside {where}: a '.', '|' or ',' may be missing, or a }}}} or %}}"
)
MSG_MISSING = N_("a '{wanted}' is missing before '{token}'")
MSG_UNEXPECTED = N_("unexpected '{token}' here{hint}")
MSG_UNKNOWN_FILTER = N_("unknown filter '{name}'{hint}")
MSG_UNKNOWN_TEST = N_("unknown test '{name}'{hint}")
MSG_UNKNOWN_FIELD = N_("unknown field '{name}'{hint}{fields}")
MSG_NO_ITEM = N_("there is no item {name} here")
MSG_EMPTY_VALUE = N_(
    "'{base}.{name}': {base} is empty here{why}; wrap it in {{% if {base} %}} ... {{% endif %}}"
)
MSG_EMPTY_SUBGROUP = N_(" (a draft without --subgroup has none)")
MSG_UNKNOWN_MACRO = N_("unknown block '{name}' of {template} (a macro there){hint}")
MSG_DID_YOU_MEAN = N_("; did you mean '{close}'?")
MSG_DID_YOU_MEAN_TAG = N_("; did you mean {{% {close} %}}?")
MSG_FIELDS = N_(" (fields here: {names})")

# Tags that open a block and need an end tag.
_BLOCK_TAGS = ("if", "for", "macro", "call", "filter", "block", "with", "autoescape", "raw")
_ALL_TAGS = (
    *_BLOCK_TAGS,
    *(f"end{tag}" for tag in _BLOCK_TAGS),
    "elif",
    "else",
    "set",
    "endset",
    "import",
    "from",
    "include",
    "extends",
)


def _did_you_mean(name: str, known: Iterable[str], *, tag: bool = False) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    if not close:
        return ""
    return _(MSG_DID_YOU_MEAN_TAG if tag else MSG_DID_YOU_MEAN).format(close=close[0])


def field_message(name: object, known: list[str]) -> str:
    """`unknown field 'kopp'; did you mean 'kop'? (fields here: id, kop, text)`."""
    if isinstance(name, int):
        return _(MSG_NO_ITEM).format(name=name)
    shown = sorted(known)[:8]
    fields = _(MSG_FIELDS).format(names=", ".join(shown)) if shown else ""
    return _(MSG_UNKNOWN_FIELD).format(
        name=name, hint=_did_you_mean(str(name), known), fields=fields
    )


def macro_message(name: str, template: str, known: Iterable[str]) -> str:
    """`m.cta_linkk()`: not a field but a macro the imported file lacks."""
    return _(MSG_UNKNOWN_MACRO).format(
        name=name, template=template, hint=_did_you_mean(name, known)
    )


def empty_value_message(message: str, line: str | None, empty: Iterable[str]) -> str | None:
    """`{{ subgroup.name }}` where subgroup is None: say which value is empty and how to guard
    it, from the template's line; None when the line shows no such lookup."""
    field = re.match(r"unknown field '(\w+)'", message)
    if field is None or not line:
        return None
    for found in re.finditer(r"\b(\w+)\s*\.\s*(\w+)", line):
        base, name = found.groups()
        if name == field.group(1) and base in empty:
            why = _(MSG_EMPTY_SUBGROUP) if base == "subgroup" else ""
            return _(MSG_EMPTY_VALUE).format(base=base, name=name, why=why)
    return None


def syntax_problem(
    message: str,
    line: int | None,
    source: str | None,
    *,
    filters: Iterable[str] = (),
    tests: Iterable[str] = (),
) -> tuple[int | None, str]:
    """The line a Jinja2 syntax error is really on, and what to do about it."""
    lines = source.splitlines() if source is not None else []
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    unknown = re.match(r"Encountered unknown tag '(\w+)'", message)
    if message.startswith("Unexpected end of template") and innermost:
        tag = innermost.group(1)
        at = next((n for t, n in reversed(_open_blocks(lines)) if t == tag), line)
        return at, _(MSG_UNCLOSED_BLOCK).format(tag=tag)
    if unknown:
        found = unknown.group(1)
        if innermost and found.startswith("end") and found[3:] in _BLOCK_TAGS:
            tag = innermost.group(1)
            starts = [n for t, n in _open_blocks(lines[: line or None]) if t == tag]
            return line, _(MSG_WRONG_END).format(
                found=found, tag=tag, line=starts[-1] if starts else "?"
            )
        if found.startswith("end") and found[3:] in _BLOCK_TAGS:
            return line, _(MSG_NOTHING_TO_CLOSE).format(found=found, tag=found[3:])
        wanted = re.findall(r"'(\w+)'", message.split("looking for", 1)[-1]) if innermost else []
        hint = _did_you_mean(found, [t for t in (*wanted, *_ALL_TAGS) if t != found], tag=True)
        return line, _(MSG_UNKNOWN_TAG).format(found=found, hint=hint)
    named = re.match(r"No (filter|test) named '([^']+)'", message)
    if named:
        kind, name = named.groups()
        template = MSG_UNKNOWN_FILTER if kind == "filter" else MSG_UNKNOWN_TEST
        return line, _(template).format(
            name=name, hint=_did_you_mean(name, filters if kind == "filter" else tests)
        )
    if "expected 'end of print statement'" in message and "unexpected end of template" in message:
        return _unclosed("{{", "}}", lines, line), _(MSG_UNCLOSED_PRINT)
    if "expected 'end of statement block'" in message and "unexpected end of template" in message:
        return _unclosed("{%", "%}", lines, line), _(MSG_UNCLOSED_TAG)
    got = re.match(
        r"expected token 'end of (print statement|statement block)', got '(.*)'", message
    )
    if got:
        where, token = got.groups()
        opener, closer = ("{{", "}}") if where == "print statement" else ("{%", "%}")
        at = _unclosed(opener, closer, lines, line)
        if at != line:  # the tag was never closed; Jinja2 found out on a later line
            return at, _(MSG_UNCLOSED_PRINT) if opener == "{{" else _(MSG_UNCLOSED_TAG)
        return line, _(MSG_EXTRA).format(token=token, where=f"{opener} ... {closer}")
    expected = re.fullmatch(r"unexpected '(.*?)', expected '(.*?)'", message)
    if expected:
        return line, _(MSG_MISSING).format(token=expected.group(1), wanted=expected.group(2))
    if message == "unexpected '}'":
        return line, _(MSG_SINGLE_BRACE)
    bare = re.match(r"unexpected '(.*?)'(.*)$", message)
    if bare:
        return line, _(MSG_UNEXPECTED).format(token=bare.group(1), hint=bare.group(2))
    return line, message


def _open_blocks(lines: list[str]) -> list[tuple[str, int]]:
    """The blocks still open after `lines`, outermost first: (tag, line it opens on)."""
    stack: list[tuple[str, int]] = []
    for number, text in enumerate(lines, start=1):
        for match in re.finditer(r"\{%[-+]?\s*(\w+)", text):
            tag = match.group(1)
            if tag in _BLOCK_TAGS:
                stack.append((tag, number))
            elif tag == "set" and "=" not in text[match.end() :].split("%}", 1)[0]:
                stack.append(("set", number))  # {% set x %}...{% endset %}
            elif tag.startswith("end") and stack and stack[-1][0] == tag[3:]:
                stack.pop()
    return stack


def _unclosed(opener: str, closer: str, lines: list[str], line: int | None) -> int | None:
    """The last line up to `line` where `opener` is left open, else `line` itself."""
    last = min(line or len(lines), len(lines))
    depth = 0
    opened_at: int | None = None
    for number in range(1, last + 1):
        text = lines[number - 1]
        for match in re.finditer(re.escape(opener) + "|" + re.escape(closer), text):
            if match.group() == opener:
                if depth == 0:
                    opened_at = number
                depth += 1
            elif depth:
                depth -= 1
    return opened_at if depth and opened_at is not None else line
