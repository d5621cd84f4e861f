"""A YAML parse error in a marketer's words, at the line of the mistake.

PyYAML reports where it noticed a problem, often a line or more below the cause (an
unclosed quote, a value on the next line), in a parser's words: these are the traps
hand-written briefs fall into, each with its fix.
"""

from __future__ import annotations

import re

import yaml

from mkbcopy.i18n import N_, _

_OPEN_QUOTE = re.compile(r"""^\s*(?:- )?[^\s:#'"]+:\s+(["'])(?:(?!\1).)*$""")
_INDENT_PROBLEMS = r"expected <block end>|did not find expected key|could not find expected ':'"
_NO_SPACE = re.compile(r"^\s*(?:- )?([^\s:#'\"]+):([^\s:].*)$")
_KEY_VALUE = re.compile(r"^\s*(?:- )?([^\s:#'\"]+):\s+(.*\S)\s*$")


def explain(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int | None, str]:
    """PyYAML's message, with the fix for the traps hand-written files fall into.

    PyYAML's own words stay English where neither a trap nor _PYYAML explains them.
    """
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if problem == "could not find expected ':'" and exc.context_mark is not None:
        at = exc.context_mark.line  # PyYAML finds out a line later, or at the end of the file
        if at < len(lines):
            return _missing_colon(at, lines)
    if problem.startswith("found unexpected end of stream") and exc.context_mark is not None:
        return exc.context_mark.line + 1, _plain(problem)  # where the quote opens
    if mark is not None and re.match(_INDENT_PROBLEMS, problem):
        # A quote left open swallows the lines below it until the next quote: the
        # problem shows up there, but the mistake is where the quote opens.
        opened = next(
            (
                i
                for i in range(min(mark.line, len(lines) - 1), -1, -1)
                if _OPEN_QUOTE.match(lines[i])
            ),
            None,
        )
        if opened is not None:
            return opened + 1, _plain("found unexpected end of stream")
    if mark is None or mark.line >= len(lines):
        return (mark.line + 1 if mark else None), _plain(problem)
    at = mark.line
    before = next(
        (i for i in range(at - 1, -1, -1) if lines[i].strip() and not _comment(lines[i])), None
    )
    if "'\\t'" in problem or "\t" in problem:
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        if "\t" in indent:
            return at + 1, _("a tab is used for indentation; use spaces")
        return at + 1, _(
            "a tab after a colon or in a value; use a space, or put the text in quotes"
        )
    if problem == "mapping values are not allowed here":
        if _over_indented(at, lines):
            return at + 1, _plain("expected <block end>")
        if before is not None and (bad := _NO_SPACE.match(lines[before])):
            return before + 1, _no_space(*bad.groups())
        if found := _KEY_VALUE.match(lines[at]):
            key, value = found.groups()
            example = f'{key}: "{value}"' if len(value) <= 50 else f'{key}: "..."'
            return at + 1, _(
                "a colon followed by a space inside a value starts a new key; "
                "put the text in quotes: %(example)s"
            ) % {"example": example}
    return at + 1, _plain(problem)


# PyYAML's other problems, by how they start (a regular expression), in words a marketer uses.
_PYYAML = {
    r"found unexpected end of stream": N_(
        "a quote is opened but never closed; close it, or leave the quotes out"
    ),
    r"expected <block end>": N_(
        "this line is not indented like the lines above it; check its spaces"
    ),
    r"did not find expected key": N_(
        "this line is not indented like the lines above it; check its spaces"
    ),
    r"found undefined alias": N_(
        "a * at the start of a value reads as a link; put the text in quotes"
    ),
    r"found character .* that cannot start any token": N_(
        "a value cannot start with this character; put the text in quotes"
    ),
    r"expected ',' or '\]'": N_(
        "a [ list is never closed with ]; close it, or put the text in quotes"
    ),
    r"expected ',' or '\}'": N_("a { is never closed with }; close it, or put the text in quotes"),
}


def _plain(problem: str) -> str:
    """PyYAML's problem in plain words where we know it, else as PyYAML says it."""
    known = next((text for start, text in _PYYAML.items() if re.match(start, problem)), None)
    return _(known) if known else problem


def _missing_colon(at: int, lines: list[str]) -> tuple[int, str]:
    """A line without 'key: value': no space after the colon, or a value a line too low."""
    if bad := _NO_SPACE.match(lines[at]):
        return at + 1, _no_space(*bad.groups())
    above = next((i for i in range(at - 1, -1, -1) if lines[i].strip()), None)
    if above is not None and lines[above].rstrip().endswith(":") and ":" not in lines[at]:
        key = lines[above].strip().removeprefix("- ")[:-1]
        return at + 1, _(
            "the value of '%(key)s' is on the next line; write it after the colon "
            "('%(key)s: %(value)s') or indent it"
        ) % {"key": key, "value": lines[at].strip()}
    return at + 1, _("this line has no 'key: value'; to continue the line above, indent it")


def _no_space(key: str, value: str) -> str:
    return _("no space after the colon in '%(key)s:%(value)s'; write '%(key)s: %(value)s'") % {
        "key": key,
        "value": value,
    }


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


_KEY_LINE = re.compile(r"^(\s*)(- )?([A-Za-z_][\w-]*):(?:\s|$)")
_STRICT_NO_SPACE = re.compile(r"^\s*(?:- )?([A-Za-z_][\w-]*):([^\s:/].*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _over_indented(at: int, lines: list[str]) -> bool:
    """A `key:` line indented deeper than the `key: value` line above it.

    YAML reads it as more of that value, then trips over its colon: the colon is not
    the mistake, the spaces are.
    """
    above = next(
        (i for i in range(at - 1, -1, -1) if lines[i].strip() and not _comment(lines[i])), None
    )
    here = _KEY_LINE.match(lines[at])
    if above is None or here is None or here.group(2):
        return False
    found = _KEY_VALUE.match(lines[above])
    if found is None or found.group(2).startswith(("|", ">", "#")):
        return False
    depth = _indent(lines[above]) + (2 if lines[above].lstrip().startswith("- ") else 0)
    return _indent(lines[at]) > depth


def traps(lines: list[str]) -> list[tuple[int, str]]:
    """Every line that falls into a known trap, for the lines after PyYAML's first error.

    PyYAML stops at its first problem; a marketer fixing a brief wants all of them at
    once. Conservative on purpose: a line is named only when its trap is unmistakable.
    """
    found: list[tuple[int, str]] = []
    block: int | None = None  # the indent of a `key: |` block scalar being skipped
    for at, line in enumerate(lines):
        if not line.strip() or _comment(line):
            continue
        if block is not None and _indent(line) > block:
            continue
        block = None
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            found.append((at + 1, _("a tab is used for indentation; use spaces")))
            continue
        if bad := _STRICT_NO_SPACE.match(line):
            found.append((at + 1, _no_space(*bad.groups())))
            continue
        if _over_indented(at, lines):
            found.append((at + 1, _plain("expected <block end>")))
            continue
        pair = _KEY_VALUE.match(line)
        if pair is None:
            continue
        key, value = pair.groups()
        if value.startswith(("|", ">")):
            block = _indent(line)
        elif value[0] in "\"'" and _never_closed(at, lines, value):
            found.append((at + 1, _plain("found unexpected end of stream")))
        elif value[0] not in "\"'[{" and ": " in value.split(" #")[0]:
            example = f'{key}: "{value}"' if len(value) <= 50 else f'{key}: "..."'
            found.append(
                (
                    at + 1,
                    _(
                        "a colon followed by a space inside a value starts a new key; "
                        "put the text in quotes: %(example)s"
                    )
                    % {"example": example},
                )
            )
    return found


def _never_closed(at: int, lines: list[str], value: str) -> bool:
    """A quoted value whose quote closes neither on its line nor before the next key."""
    quote = value[0]
    if quote in value[1:]:
        return False
    for line in lines[at + 1 :]:
        if quote in line:
            return False
        if _KEY_LINE.match(line) and _indent(line) <= _indent(lines[at]):
            return True
    return True
