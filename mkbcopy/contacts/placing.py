"""Place each contact in a research persona and subgroup, by the study's own rule.

The study names the contact-list columns and values that decide (segmentation:
in personas.yaml); this module knows how people write the built-in vocabularies
(Dutch work statuses, education levels, ages) and compiles the rule once per list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, Final, Literal, NamedTuple

from mkbcopy.contacts.ages import MAX_AGE, Age, age_of
from mkbcopy.contacts.columns import norm_header
from mkbcopy.contacts.reasons import Reason
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

DEFAULT_MIN_AGE: Final = 16
"""Used only when no subgroup in the research names a minimum age."""
MAX_NUMBER: Final = 10**12
"""The top of an open range ('250+') in a study's own numeric column."""


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

    def missing_required(self, fields: Iterable[str], header: list[str]) -> list[tuple[str, str]]:
        """The required columns a list lacks, as (label, what to name): a field for
        `--map COLUMN=FIELD`, or the study's own header. Without one, no contact is placed."""
        present = set(fields)
        own = self.find_columns(header)
        missing: list[tuple[str, str]] = []
        for name, col in self.columns.items():
            if not col.required or not any(name in r.when for r in self.rules):
                continue
            if col.source.startswith("column:"):
                if col.source not in own:
                    missing.append((col.label, self.own_columns[col.source][0]))
            elif col.kind == AGE:
                if not present & {"age", "birth_year", "birth_date"}:
                    missing.append((col.label, "age"))
            elif col.source not in present:
                missing.append((col.label, col.source))
        return missing

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
            return reject(
                OUTSIDE,
                N_("age %(age)s (the research starts at %(min)s)"),
                {"age": str(age), "min": self.min_age},
            )
        rules = self.rules
        unknown: list[str] = []
        for name, col in self.columns.items():
            if not any(name in r.when for r in self.rules):
                continue
            text, value = values[name]
            if value is None:
                said = {"label": col.label, "text": text}
                why = N_("%(label)s '%(text)s' not recognised") if text else N_("no %(label)s")
                if col.required and not text:
                    field = col.source.removeprefix("column:")
                    why, said = N_("no %(label)s (%(field)s)"), {**said, "field": field}
                if col.required:
                    return reject(UNPLACED, why, said)
                unknown.append(Reason(why, said))
                continue
            rules = [r for r in rules if _holds(r.when.get(name), value)]
            if not rules:
                return reject(
                    OUTSIDE,
                    N_("%(label)s '%(text)s'"),
                    {"label": col.label, "text": text},
                )
        if len(rules) > 1:
            choice = " / ".join(r.persona for r in rules)
            why = unknown[0] if unknown else Reason(N_("more than one rule fits"))
            return reject(
                UNPLACED,
                N_("%(why)s (it decides %(choice)s)"),
                {"why": why, "choice": choice},
            )
        if not rules:
            return reject(OUTSIDE, N_("no rule fits"))
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
            both = " / ".join(sorted(found))
            return None, Reason(
                N_("'%(text)s' could be %(both)s"), {"text": text, "both": both}, UNKNOWN_PERSONA
            )
        return None, Reason(
            N_("'%(text)s' (use one of %(known)s)"),
            {"text": text, "known": known},
            UNKNOWN_PERSONA,
        )


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


UNPLACED: Final = N_("cannot be placed")
OUTSIDE: Final = N_("outside the research's groups")
UNKNOWN_PERSONA: Final = N_("unknown persona")
MALFORMED: Final = N_("malformed row")
INVALID: Final = N_("invalid email")
DUPLICATE: Final = N_("duplicate email")
REASON_CATEGORIES: Final = (
    UNPLACED,
    OUTSIDE,
    UNKNOWN_PERSONA,
    MALFORMED,
    INVALID,
    DUPLICATE,
    N_("rejected"),
)
"""What comes before the colon of a reason: counted per category, shown translated."""


def reject(category: str, detail: str = "", params: dict[str, Any] | None = None) -> Placement:
    """Not placed: one of REASON_CATEGORIES, and a detail (marked with N_) with its values,
    said in the user's language where the rejects file is written."""
    return Placement(None, None, Reason(detail, params, category))


_LAST: list[Placer] = []


def place(fields: dict[str, str], research: Research, today: date) -> Placement:
    """Place one contact; for many, a Placer (or segment_rows) compiles the rule once."""
    if not _LAST or _LAST[0].research is not research or _LAST[0].today != today:
        _LAST[:] = [Placer(research, today)]
    return _LAST[0].place(fields)
