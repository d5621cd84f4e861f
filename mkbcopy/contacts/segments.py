"""Place each contact in a research persona and subgroup, by the study's own rule.

The study names the contact-list columns and values that decide (segmentation:
in personas.yaml); this module knows how people write the built-in vocabularies
(Dutch work statuses, education levels, ages) and compiles the rule once per list.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple, TextIO

from mkbcopy.contacts.addresses import SPECIAL_USE, library_problem
from mkbcopy.contacts.reading import ContactReader, is_blank, norm_header, open_contacts
from mkbcopy.errors import OutputError
from mkbcopy.i18n import N_
from mkbcopy.research.personas import (
    AGE,
    BUILTIN_COLUMNS,
    Condition,
    Persona,
    Research,
    parse_range,
)
from mkbcopy.research.vocabulary import (
    normalise_education,
    normalise_status,
    plain_words,
)
from mkbcopy.writers.folder import remove_stale_temps

DEFAULT_MIN_AGE: Final = 16
"""Used only when no subgroup in the research names a minimum age."""
MAX_AGE: Final = 120
MAX_EMAIL: Final = 254
MAX_NUMBER: Final = 10**12
"""The top of an open range ('250+') in a study's own numeric column."""

# ---------------------------------------------------------------- age


class Age(NamedTuple):
    """The youngest and oldest a contact can be: a birth year or an age band leaves doubt."""

    low: int
    high: int

    def __str__(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return f"{self.low}+" if self.high >= MAX_AGE else f"{self.low}-{self.high}"


_AGE_UNIT = r"\s*(?:jaar|jr\.?|j|years?|yrs?\.?|y)?"
_AGE = re.compile(rf"^(\d{{1,3}})(?:[.,]0+)?{_AGE_UNIT}$")
_AGE_BAND = re.compile(
    rf"^(\d{{1,3}}){_AGE_UNIT}\s*(?:-|–|tot en met|t/m|tot|to)\s*(\d{{1,3}}){_AGE_UNIT}$"
)
_AGE_PLUS = re.compile(
    rf"^(\d{{1,3}})\s*(?:\+|{_AGE_UNIT}\s*(?:en|of|and|or)\s*(?:ouder|older|over))$"
)
_YEAR = re.compile(r"^(\d{4})(?:[.,]0+)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")


def age_of(fields: dict[str, str], today: date) -> Age | None:
    """Age from the age column, else the birth date, else the birth year; None if unknown."""
    for name, parse in (("age", _parse_age), ("birth_date", _parse_birth_date)):
        text = fields.get(name, "").strip()
        if text:
            age = parse(text.casefold(), today)
            if age is not None:
                return age
    text = fields.get("birth_year", "").strip()
    return _from_year(text, today) if text else None


def _plausible(low: int, high: int) -> Age | None:
    return Age(low, high) if 0 <= low <= high <= MAX_AGE else None


def _parse_age(text: str, today: date) -> Age | None:
    if match := _AGE.match(text):
        return _plausible(int(match.group(1)), int(match.group(1)))
    if match := _AGE_BAND.match(text):
        return _plausible(int(match.group(1)), int(match.group(2)))
    if match := _AGE_PLUS.match(text):
        return _plausible(int(match.group(1)), MAX_AGE)
    return _from_year(text, today)  # a year of birth typed in the age column


def _from_year(text: str, today: date) -> Age | None:
    match = _YEAR.match(text)
    if not match:
        return None
    years = today.year - int(match.group(1))
    return _plausible(max(years - 1, 0), years)


def _parse_birth_date(text: str, today: date) -> Age | None:
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        born = _date(year, month, day) or _date(year, day, month)  # a US export: mm/dd/yyyy
    elif match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        born = _date(year, month, day)
    else:
        return _from_year(text, today)
    if born is None or born > today:
        return None
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return _plausible(years, years)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------- email

_EMAIL_BAD = re.compile(r'[\s\x00-\x1f\x7f"(),:;<>\[\]\\]')


def validate_email(text: str) -> str | None:
    """Why `text` is not a usable address, or None when it is; a practical check, not RFC 5322.

    Catches what lists really hold: typos, two addresses in one cell, names around the
    address. Deliverability is the mail platform's job.
    """
    local, _at, domain = text.rpartition("@")
    if len(text) <= MAX_EMAIL and _plain_domain(domain) and _PLAIN_LOCAL.fullmatch(local):
        return None  # the common case: PLAIN_EMAIL, with the domain's half remembered
    return _email_problem(text)


# Not starting with = + -: those are refused (a spreadsheet would run them).
_LOCAL = (
    r"[A-Za-z0-9!#$%&'*/?^_`{|}~][A-Za-z0-9!#$%&'*+/=?^_`{|}~-]*"
    r"(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
# No label with "--" in places 3-4: email-validator keeps those for Punycode ("xn--").
_DOMAIN = (
    r"(?:(?![A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?![A-Za-z0-9]{2}--)[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z])?"
)
# Passes every check below, so most addresses need no more: tests hold it to that.
# Neither half can hold an "@", so it is the two halves either side of the last one.
PLAIN_EMAIL: Final = re.compile(f"{_LOCAL}@{_DOMAIN}")
_PLAIN_LOCAL: Final = re.compile(_LOCAL)
_PLAIN_DOMAIN: Final = re.compile(_DOMAIN)


@functools.lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> bool:
    """The domain half of PLAIN_EMAIL, and no special-use name: a list has few domains."""
    return (
        _PLAIN_DOMAIN.fullmatch(domain) is not None
        and domain.rpartition(".")[2].lower() not in SPECIAL_USE
    )


def _email_problem(text: str) -> str | None:
    if not text:
        return "empty"
    if len(text) > MAX_EMAIL:
        return f"longer than {MAX_EMAIL} characters"
    bad = _EMAIL_BAD.search(text)
    if bad:
        char = bad.group()
        if char.isspace():
            return "contains a space"
        if char.isprintable():
            return f"contains '{char}'"
        return "contains a control character"
    at = text.count("@")
    if at != 1:
        return "has no @" if at == 0 else "has more than one @"
    local, domain = text.split("@")
    if not local:
        return "nothing before the @"
    if local[0] in "=+-":
        # A platform's import file would have to change it to keep spreadsheets safe.
        return f"starts with '{local[0]}', which a spreadsheet reads as a formula"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "a dot at the start or end, or two dots, before the @"
    if "." not in domain:
        return "no dot in the domain"
    labels = domain.split(".")
    if any(not label for label in labels):
        return "an empty part in the domain (two dots, or a dot at the start or end)"
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return "a domain part starts or ends with '-'"
    if labels[-1].isdigit():
        return "the domain ends in a number"
    return _refused_by_servers(local, domain)


def _refused_by_servers(local: str, domain: str) -> str | None:
    """What makes a defective To: header or is refused by most mail servers."""
    if any(unicodedata.category(c) in ("Cf", "Co", "Cn", "Zl", "Zp") for c in local + domain):
        return "contains an invisible or direction-changing character"
    if not local.isascii():
        return "has letters outside a-z before the @, which most mail servers refuse"
    try:
        domain.encode("idna")
    except UnicodeError:
        return "has a domain that cannot exist"
    return library_problem(f"{local}@{domain}")


# ---------------------------------------------------------------- placing


class Placement(NamedTuple):
    """A persona (and subgroup, None for the persona's general draft), or why not.

    `reason` is 'category: detail' when the contact is not placed.
    """

    persona: str | None
    subgroup: str | None
    reason: str | None

    @property
    def category(self) -> str | None:
        """What comes before the colon of the reason (one of REASON_CATEGORIES)."""
        return self.reason.split(":", 1)[0] if self.reason else None


_LABELS: Final = {"werkzaamheid": "werksituatie"}
"""How messages name a built-in column, in the words of the contact lists."""
_FIELDS: Final = {"werkzaamheid": "status", "opleidingsniveau": "education", AGE: "age"}
"""The contact field a built-in column reads when the study names no headers."""

Value = str | Age | None


@dataclass(frozen=True)
class _Column:
    """One column of the study's rule: where to read it and how to understand it."""

    name: str
    label: str
    source: str
    kind: Literal["werkzaamheid", "opleidingsniveau", "leeftijd", "number", "text"]
    required: bool
    spellings: dict[str, str]

    def read(self, fields: dict[str, str], today: date) -> tuple[str, Value]:
        """The cell as written, and its value in the study's words (None: unknown)."""
        if self.kind == AGE and self.source == "age":
            age = age_of(fields, today)
            return (str(age) if age else ""), age
        text = fields.get(self.source, "").strip()
        if not text:
            return "", None
        return text, self.value(text, today)

    def value(self, text: str, today: date) -> Value:
        if self.kind == "werkzaamheid":
            return normalise_status(text)
        if self.kind == "opleidingsniveau":
            return normalise_education(text)
        if self.kind == AGE:
            return age_of({"age": text}, today)
        if self.kind == "number":
            number = re.match(r"^\s*(\d+)(?:[.,]0+)?\s*$", text)
            return Age(int(number.group(1)), int(number.group(1))) if number else None
        words = plain_words(text)
        if not self.spellings:
            return words or None
        return self.spellings.get(words)

    def accepts(self, condition: Condition) -> frozenset[str] | tuple[int, int]:
        """A condition compiled: the accepted values, or the (low, high) of a range."""
        if self.kind in (AGE, "number"):
            bounds = parse_range(condition) if isinstance(condition, str | int) else None
            low, high = bounds or (None, None)
            top = MAX_AGE if self.kind == AGE else MAX_NUMBER
            return (low or 0, top if high is None else high)
        values = condition if isinstance(condition, list) else [str(condition)]
        return frozenset(
            found if isinstance(found := self.value(v, date.today()), str) else plain_words(v)
            for v in values
        )


def _columns(research: Research) -> dict[str, _Column]:
    """Every column the study's rules and subgroups read, in the order the rule decides."""
    seg = research.segmentation
    used: list[str] = []
    for match in [*seg.rules, *(s.match for p in research.personas for s in p.subgroups)]:
        used += [name for name in match.conditions() if name not in used]
    order = [*seg.columns, *(n for n in BUILTIN_COLUMNS if n not in seg.columns)]
    order += [n for n in used if n not in order]
    out: dict[str, _Column] = {}
    for name in order:
        if name not in used:
            continue
        spec = seg.columns.get(name)
        builtin = name in BUILTIN_COLUMNS
        kind = name if builtin else ("number" if spec and spec.numeric else "text")
        spellings = {
            plain_words(s): plain_words(value)
            for value, written in (spec.values.items() if spec else ())
            for s in (value, *written)
        }
        source = _FIELDS[name] if builtin and not (spec and spec.headers) else f"column:{name}"
        out[name] = _Column(
            name,
            (spec.label if spec and spec.label else None) or _LABELS.get(name, name),
            source,
            kind,  # type: ignore[arg-type]
            bool(spec and spec.required),
            spellings,
        )
    return out


def _headers(research: Research, name: str) -> list[str]:
    spec = research.segmentation.columns.get(name)
    return [*(spec.headers if spec and spec.headers else [name])]


Compiled = dict[str, frozenset[str] | tuple[int, int]]


@dataclass(frozen=True)
class _Rule:
    persona: str
    when: Compiled


@dataclass(frozen=True)
class _Sub:
    id: str
    when: Compiled


class Placer:
    """The research's rule, compiled once: place(fields) for each of many contacts."""

    def __init__(self, research: Research, today: date | None = None) -> None:
        self.research = research
        self.today = today or date.today()
        self.columns = _columns(research)
        self.rules = [
            _Rule(r.persona, self._compile(r.conditions())) for r in research.segmentation.rules
        ]
        self.subgroups = {
            p.id: [_Sub(s.id, self._compile(s.match.conditions())) for s in p.subgroups]
            for p in research.personas
        }
        self.min_age: int | None = None
        if AGE in self.columns:
            mins = [
                s.match.min_age
                for p in research.personas
                for s in p.subgroups
                if s.match.min_age is not None
            ]
            self.min_age = min(mins, default=DEFAULT_MIN_AGE)
        self.own_columns = {
            c.source: _headers(research, c.name)
            for c in self.columns.values()
            if c.source.startswith("column:")
        }
        self._keys = (*_PLACE_FIELDS, *self.own_columns)
        self._key_of = itemgetter(*self._keys)
        self._names = {p.id: _persona_keys(p) for p in research.personas}
        self._resolved: dict[str, tuple[str | None, str | None]] = {}
        self._placed: dict[tuple[str, ...], Placement] = {}

    def _compile(self, conditions: dict[str, Condition]) -> Compiled:
        return {
            name: self.columns[name].accepts(condition)
            for name, condition in conditions.items()
            if name in self.columns
        }

    def find_columns(self, raw: Iterable[str]) -> dict[str, str]:
        """The study's own columns in a contact list: source -> header, as Row.raw keys."""
        keys = {norm_header(k): k for k in reversed(list(raw))}
        found: dict[str, str] = {}
        for source, headers in self.own_columns.items():
            for header in headers:
                if norm_header(header) in keys:
                    found[source] = keys[norm_header(header)]
                    break
        return found

    def place(self, fields: dict[str, str]) -> Placement:
        """An explicit persona column wins; else the study's segmentation rule.

        Remembered per distinct combination of the fields it reads: a list holds
        few, so most contacts cost one dictionary lookup.
        """
        try:
            key = self._key_of(fields)  # a reader's fields hold every name
        except KeyError:
            key = tuple(fields.get(name, "") for name in self._keys)
        found = self._placed.get(key)
        if found is None:
            found = _remember(self._placed, key, self._place(fields))
        return found

    def for_cells(self, keys: list[str], index: dict[str, int]) -> Callable[[list[str]], Placement]:
        """place() for rows as cells: `keys` names each cell (Row.raw's keys), `index` is
        where each field is. Remembered per distinct combination of the cells it reads,
        as written, so that most rows cost one tuple and one dictionary lookup."""
        read: list[tuple[str, int]] = [(n, index[n]) for n in _PLACE_FIELDS if n in index]
        read += [(s, keys.index(key)) for s, key in self.find_columns(keys).items()]
        names = [name for name, _at in read]
        if not read:
            nothing = self._place({})
            return lambda cells: nothing
        key_of = itemgetter(*(at for _name, at in read))
        placed: dict[object, Placement] = {}

        def place_cells(cells: list[str]) -> Placement:
            key = key_of(cells)
            found = placed.get(key)
            if found is None:
                values = key if len(names) > 1 else (key,)
                found = _remember(placed, key, self._place(dict(zip(names, values, strict=True))))
            return found

        return place_cells

    def _place(self, fields: dict[str, str]) -> Placement:
        values = {name: col.read(fields, self.today) for name, col in self.columns.items()}
        explicit = fields.get("persona", "").strip()
        if explicit:
            persona, problem = self.resolve_persona(explicit)
            if persona is None:
                return Placement(None, None, problem)
            return Placement(persona, self.subgroup(persona, values), None)
        age = values.get(AGE, ("", None))[1]
        if self.min_age is not None and isinstance(age, Age) and age.high < self.min_age:
            return _reject(
                f"outside the research's groups: age {age} (the research starts at {self.min_age})"
            )
        rules = self.rules
        unknown: list[str] = []
        for name, col in self.columns.items():
            if not any(name in r.when for r in self.rules):
                continue
            text, value = values[name]
            if value is None:
                why = f"{col.label} '{text}' not recognised" if text else f"no {col.label}"
                if col.required:
                    field = col.source.removeprefix("column:")
                    return _reject(f"cannot be placed: {why if text else f'{why} ({field})'}")
                unknown.append(why)
                continue
            rules = [r for r in rules if _holds(r.when.get(name), value)]
            if not rules:
                return _reject(f"outside the research's groups: {col.label} '{text}'")
        if len(rules) > 1:
            choice = " or ".join(r.persona for r in rules)
            why = unknown[0] if unknown else "more than one rule fits"
            return _reject(f"cannot be placed: {why} (it decides {choice})")
        if not rules:
            return _reject("outside the research's groups: no rule fits")
        persona = rules[0].persona
        return Placement(persona, self.subgroup(persona, values), None)

    def subgroup(self, persona: str, values: dict[str, tuple[str, Value]]) -> str | None:
        """The one subgroup whose match the contact meets; None when unknown or in doubt."""
        found = [
            s.id
            for s in self.subgroups.get(persona, [])
            if all(
                (value := values.get(name, ("", None))[1]) is not None and _holds(cond, value)
                for name, cond in s.when.items()
            )
        ]
        return found[0] if len(found) == 1 else None

    def resolve_persona(self, text: str) -> tuple[str | None, str | None]:
        """(persona id, None) for an id, a name or an unambiguous short form; else (None, why)."""
        found = self._resolved.get(text)
        if found is None:
            if len(self._resolved) > 4096:  # a column of free text must not grow without end
                self._resolved.clear()
            found = self._resolved[text] = self._resolve(text)
        return found

    def _resolve(self, text: str) -> tuple[str | None, str | None]:
        query = norm_header(text)
        for pid, keys in self._names.items():
            if query in keys:
                return pid, None
        tries = [query]
        for suffix in ("s", "en"):
            if query.endswith(suffix):
                tries.append(query.removesuffix(suffix))
        found = {
            pid
            for pid, keys in self._names.items()
            for key in keys
            for q in tries
            if len(q) >= 4 and (q in key or key in q)
        }
        if len(found) == 1:
            return found.pop(), None
        known = ", ".join(self._names)
        if found:
            both = " or ".join(sorted(found))
            return None, f"unknown persona: '{text}' could be {both}"
        return None, f"unknown persona: '{text}' (use one of {known})"


# Every field that place() reads: its answer depends on these alone.
_PLACE_FIELDS: Final = ("persona", "education", "status", "age", "birth_date", "birth_year")


def _holds(condition: frozenset[str] | tuple[int, int] | None, value: str | Age) -> bool:
    """None: the rule says nothing about this column, so any value holds."""
    if condition is None:
        return True
    if isinstance(condition, frozenset):
        return isinstance(value, str) and value in condition
    if not isinstance(value, Age):
        return False
    return condition[0] <= value.low and value.high <= condition[1]


def _remember(cache: dict[Any, Placement], key: object, placement: Placement) -> Placement:
    if len(cache) > 65536:  # free text in the columns it reads must not grow it
        cache.clear()
    cache[key] = placement
    return placement


def _persona_keys(persona: Persona) -> frozenset[str]:
    return frozenset({norm_header(persona.id), norm_header(persona.name)})


REASON_CATEGORIES: Final = (
    N_("cannot be placed"),
    N_("outside the research's groups"),
    N_("unknown persona"),
    N_("malformed row"),
    N_("invalid email"),
    N_("duplicate email"),
    N_("rejected"),
)
"""What comes before the colon of a reason: counted per category, shown translated."""


def _reject(reason: str) -> Placement:
    return Placement(None, None, reason)


_LAST: list[Placer] = []


def place(fields: dict[str, str], research: Research, today: date) -> Placement:
    """Place one contact; for many, a Placer (or segment_rows) compiles the rule once."""
    if not _LAST or _LAST[0].research is not research or _LAST[0].today != today:
        _LAST[:] = [Placer(research, today)]
    return _LAST[0].place(fields)


# ---------------------------------------------------------------- many contacts

DUPLICATE: Final = "duplicate email"
Outcome = tuple[int, list[str], Placement]
"""A row's line, its cells (as many as the header; a malformed row's extra cells
after them) and where it goes: placed (a persona) or not (a reason)."""


class SeenEmails:
    """The emails read so far, in about 20 bytes each where a set of strings takes 130.

    A list of 1.3 million contacts (100 MB) would otherwise hold 170 MB of addresses.
    We keep the 64-bit hash of the case-folded address, with the line it was first seen
    on, in an open-addressing table of two flat arrays, made big enough up front for the
    rows the list is expected to hold (so it seldom grows). Two addresses share a hash
    with odds of about n**2 / 2**65: one in 20 million for 1.3 million contacts, and the
    cost would be one contact wrongly called a duplicate. Python's string hash is keyed
    anew in every process, so no list can be made to collide on purpose.
    """

    _MAX_LOAD = 2 / 3
    _MAX_START = 1 << 22
    """At most 50 MB up front, however many rows a list claims to hold."""

    def __init__(self, expected: int = 0) -> None:
        self._count = 0
        size = 1 << 12
        while size * self._MAX_LOAD < expected and size < self._MAX_START:
            size *= 2
        self._keys, self._lines = _table(size)
        self._limit = int(size * self._MAX_LOAD)

    def __len__(self) -> int:
        return self._count

    def first_line(self, email: str, line: int) -> int | None:
        """The line `email` was first seen on; None, remembering `line`, when it is new."""
        key = hash(email.casefold()) or 1  # 0 marks an empty slot
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while found := keys[slot]:  # _slot(key), inline: this runs once per contact
            if found == key:
                return self._lines[slot]
            slot = (slot + 1) & mask
        keys[slot] = key
        self._lines[slot] = line if line < _MAX_LINE else _MAX_LINE
        self._count += 1
        if self._count > self._limit:
            self._grow()
        return None

    def _slot(self, key: int) -> int:
        """Where `key` is, or the empty slot where it goes (linear probing)."""
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while keys[slot] not in (0, key):
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        old_keys, old_lines = self._keys, self._lines
        self._keys, self._lines = _table(len(old_keys) * 2)
        self._limit = int(len(self._keys) * self._MAX_LOAD)
        for key, line in zip(old_keys, old_lines, strict=True):
            if key:
                slot = self._slot(key)
                self._keys[slot] = key
                self._lines[slot] = line


_MAX_LINE = 2**32 - 1


def _table(size: int) -> tuple[array[int], array[int]]:
    return array("q", bytes(8 * size)), array("I", bytes(4 * size))


def segment_blocks(
    reader: ContactReader, research: Research, today: date | None = None
) -> Iterator[list[Outcome]]:
    """Stream outcomes, a block of rows at a time, in file order: malformed rows, bad
    emails, duplicates (case-insensitive, the first wins), then placement.

    Rows stay lists of cells and placement is remembered per combination of the cells
    it reads, so a row costs a few operations in C. Memory grows only with the number
    of distinct emails, by about 20 bytes each (SeenEmails).
    """
    place = Placer(research, today).for_cells(reader.keys, reader.field_index)
    width = len(reader.keys)
    at_email = reader.field_index["email"]
    first_line = SeenEmails(reader.expected_rows).first_line
    for lines, rows in reader.blocks():
        block: list[Outcome] = []
        for line, cells in zip(lines, rows, strict=True):
            if len(cells) != width:
                if is_blank(cells):
                    continue
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                else:
                    extra = [c for c in cells[width:] if c.strip()]
                    del cells[width:]
                    if extra:
                        cells += extra
                        reason = (
                            f"malformed row: {len(extra)} cell(s) more than the header "
                            "(a delimiter inside a value without quotes?)"
                        )
                        block.append((line, cells, _reject(reason)))
                        continue
            email = cells[at_email].strip()
            problem = validate_email(email)
            if problem:
                if not email and is_blank(cells):
                    continue
                shown = email if len(email) <= 60 else email[:57] + "..."
                block.append((line, cells, _reject(f"invalid email: '{shown}' {problem}")))
                continue
            first = first_line(email, line)
            if first is not None:
                block.append((line, cells, _reject(f"{DUPLICATE}: same as line {first}")))
                continue
            block.append((line, cells, place(cells)))
        if block:
            yield block


def segment_rows(
    reader: ContactReader, research: Research, today: date | None = None
) -> Iterator[Outcome]:
    """segment_blocks, one row at a time."""
    for block in segment_blocks(reader, research, today):
        yield from block


@dataclass
class SegmentSummary:
    """Counts that add up: rows_read == placed + rejected + duplicates."""

    path: Path
    out: Path | None = None
    rejects_path: Path | None = None
    encoding: str = ""
    delimiter: str = ","
    rows_read: int = 0
    rejected: int = 0
    duplicates: int = 0
    by_persona: Counter[str] = field(default_factory=Counter)
    by_subgroup: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return sum(self.by_persona.values())

    def share(self, persona: str) -> float:
        """Share of the placed contacts (0..1), comparable with the report's persona shares."""
        return self.by_persona[persona] / self.placed if self.placed else 0.0

    def subgroup_share(self, persona: str, subgroup: str | None) -> float:
        """Share of the placed contacts in one subgroup (None: the persona's general draft)."""
        return self.by_subgroup[(persona, subgroup)] / self.placed if self.placed else 0.0

    def add_placed(self, placement: Placement, count: int) -> None:
        assert placement.persona is not None
        self.rows_read += count
        self.by_persona[placement.persona] += count
        self.by_subgroup[(placement.persona, placement.subgroup)] += count

    def add_rejected(self, placement: Placement) -> None:
        self.rows_read += 1
        category = placement.category or "rejected"
        if category == DUPLICATE:
            self.duplicates += 1
        else:
            self.rejected += 1
        self.reasons[category] += 1


_FORMULA_FIRST: Final = frozenset("=+-@\t\r")


# Where Excel may start a cell: at the start, or after any separator it might split on
# (Dutch Excel splits a comma-separated file on ";"), then a character that starts a formula.
_FORMULA_AT = re.compile(r"(^|[,;\t])(?=[=+\-@\t\r])")
# The same test over many cells joined by NUL, rows by LF (with the first character apart:
# a pattern that starts with a set of characters is searched for faster than one with ^).
_FORMULA_AFTER = re.compile(r"[\x00\n,;\t][=+\-@\t\r]")


def _may_hold_formula(cells: str) -> bool:
    """False when no cell of `cells` (joined by NUL, rows by LF) needs a quote: nearly
    every row, which then saves a check per cell (an address always holds "@", many a "-")."""
    return cells[:1] in _FORMULA_FIRST or _FORMULA_AFTER.search(cells) is not None


def neutralise(cell: str) -> str:
    """A quote before every formula start keeps Excel from running it (CSV injection),
    whichever separator Excel opens the file with."""
    if not any(c in cell for c in _FORMULA_FIRST):
        return cell
    return _FORMULA_AT.sub(r"\1'", cell)


def absent_columns(research: Research, path: Path, header: list[str]) -> list[str]:
    """A notice for each column of the study's own that the contact list lacks."""
    placer = Placer(research)
    found = placer.find_columns(header)
    return [
        f"{path}: no column {' or '.join(repr(h) for h in headers)}; "
        f"{source.removeprefix('column:')} is unknown for every contact"
        for source, headers in placer.own_columns.items()
        if source not in found
    ]


def rejects_path_for(out: Path) -> Path:
    """`contacts.csv` -> `contacts-rejected.csv`, beside it."""
    return out.with_name(f"{out.stem}-rejected{out.suffix or '.csv'}")


def segment_contacts(
    path: Path,
    research: Research,
    out: Path | None,
    *,
    rejects: Path | None = None,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    today: date | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SegmentSummary:
    """Read a contact list, write it back with persona and subgroup columns, and the
    rejected rows with their line and reason beside it; None for `out` writes nothing.

    Output is UTF-8 with BOM in the input's delimiter, so Excel opens it as it opened
    the input; both files appear whole or not at all. Existing files are replaced
    only with `force`.
    """
    if out is not None:
        rejects = rejects or rejects_path_for(out)
        _check_targets(path, out, rejects, force=force)
    with open_contacts(path, encoding=encoding, mapping=mapping, sheet=sheet) as reader:
        summary = SegmentSummary(path, out, rejects if out else None)
        summary.delimiter = reader.delimiter
        outcomes = segment_blocks(reader, research, today)
        if out is None or rejects is None:
            for _rows in _count(outcomes, summary, progress):
                pass
        else:
            header = reader.header
            # A column already called persona or subgroup is filled in, not repeated.
            names = ("persona", "subgroup")
            at = [_column(header, name) for name in names]
            added = [name for name, index in zip(names, at, strict=True) if index < 0]
            with (
                _atomic_csv(out, reader.delimiter) as good,
                _atomic_csv(rejects, reader.delimiter) as bad,
            ):
                good.writerow([*header, *added])
                bad.writerow(["line", "reason", *header])
                fill = None if len(added) == 2 else at
                for placed, rejected in _count(outcomes, summary, progress, fill):
                    good.writerows(placed)
                    bad.writerows(rejected)
        summary.encoding = reader.encoding
        summary.notices = [*reader.notices, *absent_columns(research, path, reader.header)]
    return summary


def _count(
    outcomes: Iterator[list[Outcome]],
    summary: SegmentSummary,
    progress: Callable[[int], None] | None,
    fill: list[int] | None = None,
) -> Iterator[tuple[list[list[str]], list[list[str]]]]:
    """Count each block's outcomes into `summary` and yield the rows to write: placed
    rows with persona and subgroup added (or filled in at `fill`), and rejected rows
    with their line and reason first. Tells `progress` the count after every block."""
    placements: dict[Placement, int] = {}
    read = 0
    for block in outcomes:
        placed: list[list[str]] = []
        rejected: list[list[str]] = []
        for line, cells, placement in block:
            persona, subgroup, reason = placement
            if persona is None:
                summary.add_rejected(placement)
                rejected.append([str(line), reason or "", *cells])
                continue
            placements[placement] = placements.get(placement, 0) + 1
            if fill is None:
                cells += (persona, subgroup or "")
            else:
                for index, value in zip(fill, (persona, subgroup or ""), strict=True):
                    if index >= 0:
                        cells[index] = value
                    else:
                        cells.append(value)
            placed.append(cells)
        read += len(block)
        if progress is not None:
            progress(read)
        yield placed, rejected
    for placement, count in placements.items():
        summary.add_placed(placement, count)
    if progress is not None:
        progress(read)


def _column(header: list[str], name: str) -> int:
    for index, cell in enumerate(header):
        if norm_header(cell) == name:
            return index
    return -1


def _check_targets(source: Path, out: Path, rejects: Path, *, force: bool) -> None:
    """Never write over the list being read, both outputs to one file, or without force
    over a file that is there (a symbolic link counts: the user put it there)."""
    for target in (out, rejects):
        if target.is_dir():
            raise OutputError(
                "is a folder; give a file name such as contacts-segmented.csv", path=target
            )
        if target.exists() and source.exists() and target.samefile(source):
            raise OutputError("is the contact list being read; choose another --out", path=target)
    if out.resolve() == rejects.resolve():
        raise OutputError("the output and the rejects file are the same file", path=out)
    for target in (out, rejects):
        if target.exists() and not target.is_symlink() and not target.is_file():
            raise OutputError(
                "is not a regular file (a device, pipe or socket); mkbcopy replaces only "
                "files; choose another --out",
                path=target,
            )
        if not force and (target.exists() or target.is_symlink()):
            raise OutputError(
                "already exists; use --force to overwrite it, or choose another --out",
                path=target,
            )
        remove_stale_temps(target.parent, [target.name])


BOM: Final = "\ufeff"
"""Written first, so Excel reads the CSV as UTF-8; then plain UTF-8, which Python
encodes in C where the utf-8-sig codec runs Python code for every row."""


class SafeCsvWriter:
    """A csv.writer that neutralises every cell, so no write can skip it."""

    def __init__(self, handle: TextIO, delimiter: str) -> None:
        self._handle = handle
        self._delimiter = delimiter
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, cells: list[str]) -> None:
        if _may_hold_formula("\x00".join(cells)):
            cells = [neutralise(c) for c in cells]
        self._writer.writerow(cells)

    def writerows(self, rows: list[list[str]]) -> None:
        """Many rows at once, with one test over all their cells, which nearly always passes.

        When no cell needs quotes either (no delimiter, quote or line break in it), the
        rows are written as csv.writer would write them, joined by the delimiter.
        """
        if not rows:
            return
        text = "\n".join(map("\x00".join, rows))
        if _may_hold_formula(text):
            for cells in rows:
                self.writerow(cells)
        elif (
            self._delimiter in text
            or '"' in text
            or "\r" in text
            or text.count("\n") != len(rows) - 1
            or text.count("\x00") != sum(map(len, rows)) - len(rows)
            or min(map(len, rows)) < 2  # csv.writer writes a row of one empty cell as ""
        ):
            self._writer.writerows(rows)
        else:
            self._handle.write(text.replace("\x00", self._delimiter).replace("\n", "\r\n"))
            self._handle.write("\r\n")


@contextmanager
def _atomic_csv(path: Path, delimiter: str) -> Iterator[SafeCsvWriter]:
    """Stream into a temporary file beside `path`, then rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(BOM)
            yield SafeCsvWriter(handle, delimiter)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a full disk says so on write(), without a name
        raise
