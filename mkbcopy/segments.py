"""Place each contact in a research persona and subgroup, the way the report segments.

The report segments by werkzaamheid x opleidingsniveau, with subgroups by education
(students) or age (the two working groups). The rule's vocabulary and the subgroup
bounds come from personas.yaml; this module only knows how people write those words.
"""

from __future__ import annotations

import csv
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
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Final, Literal, NamedTuple, TextIO

from mkbcopy.contacts import Row, norm_header, open_contacts
from mkbcopy.errors import OutputError
from mkbcopy.output import remove_stale_temps
from mkbcopy.personas import Persona, Research, SubgroupMatch

DEFAULT_MIN_AGE: Final = 16
"""Used only when no subgroup in the research names a minimum age."""
MAX_AGE: Final = 120
MAX_EMAIL: Final = 254

# ---------------------------------------------------------------- words


def _words(text: str) -> str:
    """`MBO-niveau 3` -> ` mbo niveau 3 `: lowercase words without accents, padded for phrases."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    plain = re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", plain)
    return f" {' '.join(plain.split())} "


def _rewrite(words: str, phrases: tuple[tuple[str, str], ...]) -> str:
    for phrase, word in phrases:
        words = words.replace(f" {phrase} ", f" {word} ")
    return words


# Longest first: "voorbereidend middelbaar beroepsonderwijs" holds "middelbaar beroepsonderwijs".
_EDU_PHRASES: Final = (
    ("voorbereidend middelbaar beroepsonderwijs", "vmbo"),
    ("voorbereidend wetenschappelijk onderwijs", "vwo"),
    ("hoger algemeen voortgezet onderwijs", "havo"),
    ("middelbaar algemeen voortgezet onderwijs", "vmbo"),
    ("universities of applied sciences", "hbo"),
    ("university of applied sciences", "hbo"),
    ("higher professional education", "hbo"),
    ("higher vocational education", "hbo"),
    ("middelbaar beroepsonderwijs", "mbo"),
    ("wetenschappelijk onderwijs", "wo"),
    ("hoger beroepsonderwijs", "hbo"),
    ("vocational education", "mbo"),
    ("elementary school", "basisonderwijs"),
    ("primary education", "basisonderwijs"),
    ("associate degree", "hbo"),
    ("applied sciences", "hbo"),
    ("primary school", "basisonderwijs"),
    ("lagere school", "basisonderwijs"),
)
_EDU_WORDS: Final = {
    **dict.fromkeys(("geen", "none"), "geen"),
    **dict.fromkeys(("basisonderwijs", "basisschool"), "basisonderwijs"),
    "praktijkonderwijs": "praktijkonderwijs",
    **dict.fromkeys(("vmbo", "mavo", "vbo", "lbo", "lts", "leao", "lhno"), "vmbo"),
    **dict.fromkeys(("mbo", "mts", "meao", "mdgo", "roc", "bol", "bbl"), "mbo"),
    "havo": "havo",
    **dict.fromkeys(("vwo", "atheneum", "gymnasium"), "vwo"),
    **dict.fromkeys(("hbo", "hts", "heao", "pabo", "hogeschool", "propedeuse"), "hbo"),
    **dict.fromkeys(("wo", "universiteit", "university", "uni", "academisch"), "wo"),
}
# Degrees say hbo or wo only when the text names no school type ("hbo master" is hbo).
_DEGREE_WORDS: Final = {
    **dict.fromkeys(("bachelor", "bsc", "ba"), "hbo"),
    **dict.fromkeys(("master", "msc", "ma", "phd", "doctoraal", "gepromoveerd"), "wo"),
}
_EDU_ORDER: Final = {
    "geen": 0,
    "basisonderwijs": 0,
    "praktijkonderwijs": 0,
    "vmbo": 1,
    "mbo": 2,
    "havo": 3,
    "vwo": 4,
    "hbo": 5,
    "wo": 6,
}


def normalise_education(text: str) -> str | None:
    """The education level in the research's words (havo, vwo, mbo, hbo, wo, or vmbo,
    basisonderwijs, ... outside it), the highest one mentioned; None if not recognised."""
    return _education(text)


@lru_cache(maxsize=4096)
def _education(text: str) -> str | None:
    words = _rewrite(_words(text), _EDU_PHRASES).split()
    levels = [_EDU_WORDS[w] for w in words if w in _EDU_WORDS]
    if not levels:
        levels = [_DEGREE_WORDS[w] for w in words if w in _DEGREE_WORDS]
    if not levels and words == ["ad"]:
        levels = ["hbo"]
    return max(levels, key=_EDU_ORDER.__getitem__) if levels else None


_STATUS_PHRASES: Final = (
    ("op zoek naar een baan", "werkzoekend"),
    ("op zoek naar werk", "werkzoekend"),
    ("looking for a job", "werkzoekend"),
    ("looking for work", "werkzoekend"),
    ("volgt een opleiding", "student"),
    ("volgt opleiding", "student"),
    ("self employed", "werkend"),
    ("between jobs", "werkzoekend"),
    ("business owner", "werkend"),
    ("in loondienst", "werkend"),
    ("eigen bedrijf", "werkend"),
    ("zonder werk", "werkzoekend"),
    ("zonder baan", "werkzoekend"),
    ("niet werkend", "werkzoekend"),
    ("not employed", "werkzoekend"),
    ("not working", "werkzoekend"),
    ("job seeking", "werkzoekend"),
    ("job seeker", "werkzoekend"),
    ("in opleiding", "student"),
    ("geen werk", "werkzoekend"),
    ("geen baan", "werkzoekend"),
    ("zzp er", "werkend"),
    ("part time", "werkend"),
    ("full time", "werkend"),
)
_STATUS_WORDS: Final = {
    **dict.fromkeys(("scholier", "scholieren", "leerling", "leerlingen", "pupil"), "scholier"),
    **dict.fromkeys(
        (
            "student",
            "studenten",
            "studerend",
            "studerende",
            "studeert",
            "werkstudent",
            "studying",
            "propedeuse",
        ),
        "student",
    ),
    **dict.fromkeys(
        (
            "werkzoekend",
            "werkzoekende",
            "werkloos",
            "werkloze",
            "ww",
            "bijstand",
            "jobseeker",
            "unemployed",
            "jobless",
        ),
        "werkzoekend",
    ),
    **dict.fromkeys(("gepensioneerd", "pensioen", "retired", "aow"), "gepensioneerd"),
    **dict.fromkeys(("arbeidsongeschikt", "wao", "wia", "wajong"), "arbeidsongeschikt"),
    **dict.fromkeys(
        (
            "werkend",
            "werkende",
            "werkt",
            "werk",
            "werknemer",
            "medewerker",
            "loondienst",
            "dienstverband",
            "zzp",
            "zzper",
            "zelfstandige",
            "zelfstandig",
            "ondernemer",
            "onderneemster",
            "freelancer",
            "freelance",
            "fulltime",
            "parttime",
            "baan",
            "employed",
            "employee",
            "working",
            "worker",
            "entrepreneur",
            "contractor",
        ),
        "werkend",
    ),
}
# A working student is a student; a retired freelancer is retired.
_STATUS_ORDER: Final = (
    "scholier",
    "student",
    "werkzoekend",
    "gepensioneerd",
    "arbeidsongeschikt",
    "werkend",
)


def normalise_status(text: str) -> str | None:
    """The werkzaamheid in the research's words (student, scholier, werkend, werkzoekend,
    or gepensioneerd, ... outside it); None if not recognised."""
    return _status(text)


@lru_cache(maxsize=4096)
def _status(text: str) -> str | None:
    words = _rewrite(_words(text), _STATUS_PHRASES).split()
    found = {_STATUS_WORDS[w] for w in words if w in _STATUS_WORDS}
    return next((status for status in _STATUS_ORDER if status in found), None)


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
    if len(text) <= MAX_EMAIL and PLAIN_EMAIL.fullmatch(text):
        return None  # the common case, in one regular expression
    return _email_problem(text)


# Passes every check below, so most addresses need no more: tests hold it to that.
PLAIN_EMAIL: Final = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
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
    return None


# ---------------------------------------------------------------- placing


class Placement(NamedTuple):
    """A persona (and subgroup, None for the persona's general draft), or why not."""

    persona: str | None
    subgroup: str | None
    reason: str | None


@dataclass(frozen=True)
class _Rule:
    persona: str
    statuses: frozenset[str]
    levels: frozenset[str]


@dataclass(frozen=True)
class _Sub:
    id: str
    levels: frozenset[str] | None
    min_age: int | None
    max_age: int | None


def _own_words(words: Iterable[str], normalise: Callable[[str], str | None]) -> frozenset[str]:
    """The research's words as the normalisers write them, so 'HBO' in the yaml still fits."""
    return frozenset(normalise(w) or w.casefold() for w in words)


class Placer:
    """The research's rule, compiled once: place(fields) for each of many contacts."""

    def __init__(self, research: Research, today: date | None = None) -> None:
        self.research = research
        self.today = today or date.today()
        self.rules = [
            _Rule(
                r.persona,
                _own_words(r.werkzaamheid, normalise_status),
                _own_words(r.opleidingsniveau, normalise_education),
            )
            for r in research.segmentation.rules
        ]
        self.subgroups = {
            p.id: [_sub(s.id, s.match) for s in p.subgroups] for p in research.personas
        }
        mins = [
            s.min_age for subs in self.subgroups.values() for s in subs if s.min_age is not None
        ]
        self.min_age = min(mins, default=DEFAULT_MIN_AGE)
        self._names = {p.id: _persona_keys(p) for p in research.personas}
        self._resolved: dict[str, tuple[str | None, str | None]] = {}
        self._placed: dict[tuple[str, ...], Placement] = {}

    def place(self, fields: dict[str, str]) -> Placement:
        """An explicit persona column wins; else werkzaamheid x opleidingsniveau.

        Remembered per distinct combination of the fields it reads: a list holds
        few, so most contacts cost one dictionary lookup.
        """
        key = tuple(fields.get(name, "") for name in _PLACE_FIELDS)
        found = self._placed.get(key)
        if found is None:
            if len(self._placed) > 65536:  # free text in those columns must not grow it
                self._placed.clear()
            found = self._placed[key] = self._place(fields)
        return found

    def _place(self, fields: dict[str, str]) -> Placement:
        age = age_of(fields, self.today)
        edu_text = fields.get("education", "").strip()
        edu = normalise_education(edu_text) if edu_text else None
        explicit = fields.get("persona", "").strip()
        if explicit:
            persona, problem = self.resolve_persona(explicit)
            if persona is None:
                return Placement(None, None, problem)
            return Placement(persona, self.subgroup(persona, edu, age), None)
        if age is not None and age.high < self.min_age:
            return _reject(
                f"outside the research's groups: age {age} (the research starts at {self.min_age})"
            )
        status_text = fields.get("status", "").strip()
        if not status_text:
            return _reject("cannot be placed: no werksituatie (status)")
        status = normalise_status(status_text)
        if status is None:
            return _reject(f"cannot be placed: werksituatie '{status_text}' not recognised")
        rules = [r for r in self.rules if status in r.statuses]
        if not rules:
            return _reject(f"outside the research's groups: werksituatie '{status_text}'")
        if edu is not None:
            rules = [r for r in rules if edu in r.levels]
            if not rules:
                return _reject(f"outside the research's groups: opleidingsniveau '{edu_text}'")
        if len(rules) > 1:
            why = (
                f"opleidingsniveau '{edu_text}' not recognised"
                if edu_text
                else "no opleidingsniveau"
            )
            choice = " or ".join(r.persona for r in rules)
            return _reject(f"cannot be placed: {why} (it decides {choice})")
        persona = rules[0].persona
        return Placement(persona, self.subgroup(persona, edu, age), None)

    def subgroup(self, persona: str, edu: str | None, age: Age | None) -> str | None:
        """The one subgroup whose match the contact meets; None when unknown or in doubt."""
        found = [s.id for s in self.subgroups.get(persona, []) if _meets(s, edu, age)]
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


def _sub(sub_id: str, match: SubgroupMatch) -> _Sub:
    levels = match.opleidingsniveau
    return _Sub(
        sub_id,
        _own_words(levels, normalise_education) if levels is not None else None,
        match.min_age,
        match.max_age,
    )


def _meets(sub: _Sub, edu: str | None, age: Age | None) -> bool:
    if sub.levels is not None and (edu is None or edu not in sub.levels):
        return False
    if sub.min_age is None and sub.max_age is None:
        return True
    if age is None:
        return False
    low = sub.min_age if sub.min_age is not None else 0
    high = sub.max_age if sub.max_age is not None else MAX_AGE
    return low <= age.low and age.high <= high


def _persona_keys(persona: Persona) -> frozenset[str]:
    return frozenset({norm_header(persona.id), norm_header(persona.name)})


def _reject(reason: str) -> Placement:
    return Placement(None, None, reason)


_LAST: list[Placer] = []


def place(fields: dict[str, str], research: Research, today: date) -> Placement:
    """Place one contact; for many, a Placer (or segment_rows) compiles the rule once."""
    if not _LAST or _LAST[0].research is not research or _LAST[0].today != today:
        _LAST[:] = [Placer(research, today)]
    return _LAST[0].place(fields)


# ---------------------------------------------------------------- many contacts

Kind = Literal["placed", "rejected", "duplicate"]


@dataclass(frozen=True, slots=True)
class Segmented:
    """One contact's outcome; `reason` is 'category: detail' when it is not placed."""

    row: Row
    kind: Kind
    persona: str | None = None
    subgroup: str | None = None
    reason: str | None = None

    @property
    def category(self) -> str | None:
        return self.reason.split(":", 1)[0] if self.reason else None


class SeenEmails:
    """The emails read so far, in about 20 bytes each where a dict of strings takes 130.

    A list of 1.3 million contacts (100 MB) would otherwise hold 170 MB of addresses.
    We keep an 8-byte BLAKE2b digest of the case-folded address, with the line it
    was first seen on, in an open-addressing table of two flat arrays. Two addresses
    share a digest with odds of about n**2 / 2**65: one in 20 million for 1.3 million
    contacts, and the cost would be one contact wrongly called a duplicate.
    """

    _MAX_LOAD = 2 / 3

    def __init__(self) -> None:
        self._count = 0
        self._keys, self._lines = _table(1 << 12)

    def __len__(self) -> int:
        return self._count

    def first_line(self, email: str, line: int) -> int | None:
        """The line `email` was first seen on; None, remembering `line`, when it is new."""
        digest = blake2b(email.casefold().encode("utf-8", "surrogatepass"), digest_size=8)
        key = int.from_bytes(digest.digest(), "little") or 1  # 0 marks an empty slot
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while found := keys[slot]:  # _slot(key), inline: this runs once per contact
            if found == key:
                return self._lines[slot]
            slot = (slot + 1) & mask
        self._keys[slot] = key
        self._lines[slot] = min(line, _MAX_LINE)
        self._count += 1
        if self._count > len(self._keys) * self._MAX_LOAD:
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
        for key, line in zip(old_keys, old_lines, strict=True):
            if key:
                slot = self._slot(key)
                self._keys[slot] = key
                self._lines[slot] = line


_MAX_LINE = 2**32 - 1


def _table(size: int) -> tuple[array[int], array[int]]:
    return array("Q", bytes(8 * size)), array("I", bytes(4 * size))


def segment_rows(
    rows: Iterable[Row], research: Research, today: date | None = None
) -> Iterator[Segmented]:
    """Stream outcomes: bad rows and emails, duplicates (case-insensitive, the first wins),
    then placement. Memory grows only with the number of distinct emails, by about
    20 bytes each (SeenEmails)."""
    placer = Placer(research, today)
    seen = SeenEmails()
    for row in rows:
        if row.extra:
            cells = len(row.extra)
            yield Segmented(
                row,
                "rejected",
                reason=f"malformed row: {cells} cell(s) more than the header "
                "(a delimiter inside a value without quotes?)",
            )
            continue
        email = row.fields["email"]
        problem = validate_email(email)
        if problem:
            shown = email if len(email) <= 60 else email[:57] + "..."
            yield Segmented(row, "rejected", reason=f"invalid email: '{shown}' {problem}")
            continue
        first = seen.first_line(email, row.line)
        if first is not None:
            yield Segmented(row, "duplicate", reason=f"duplicate email: same as line {first}")
            continue
        placement = placer.place(row.fields)
        if placement.persona is None:
            yield Segmented(row, "rejected", reason=placement.reason)
        else:
            yield Segmented(row, "placed", placement.persona, placement.subgroup)


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

    def add(self, outcome: Segmented) -> None:
        self.rows_read += 1
        if outcome.kind == "placed" and outcome.persona is not None:
            self.by_persona[outcome.persona] += 1
            self.by_subgroup[(outcome.persona, outcome.subgroup)] += 1
            return
        if outcome.kind == "duplicate":
            self.duplicates += 1
        else:
            self.rejected += 1
        self.reasons[outcome.category or "rejected"] += 1


_FORMULA_FIRST: Final = frozenset("=+-@\t\r")


# Where Excel may start a cell: at the start, or after any separator it might split on
# (Dutch Excel splits a comma-separated file on ";"), then a character that starts a formula.
_FORMULA_AT = re.compile(r"(^|[,;\t])(?=[=+\-@\t\r])")


def neutralise(cell: str) -> str:
    """A quote before every formula start keeps Excel from running it (CSV injection),
    whichever separator Excel opens the file with."""
    if not any(c in cell for c in _FORMULA_FIRST):
        return cell
    return _FORMULA_AT.sub(r"\1'", cell)


def rejects_path_for(out: Path) -> Path:
    """`contacts.csv` -> `contacts-rejected.csv`, beside it."""
    return out.with_name(f"{out.stem}-rejected{out.suffix or '.csv'}")


def _reporting(
    outcomes: Iterator[Segmented], progress: Callable[[int], None]
) -> Iterator[Segmented]:
    """Pass the outcomes on, telling `progress` the count every 500 rows and at the end."""
    count = 0
    for outcome in outcomes:
        count += 1
        if count % 500 == 0:
            progress(count)
        yield outcome
    progress(count)


def segment_contacts(
    path: Path,
    research: Research,
    out: Path | None,
    *,
    rejects: Path | None = None,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
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
    with open_contacts(path, encoding=encoding, mapping=mapping) as reader:
        summary = SegmentSummary(path, out, rejects if out else None)
        summary.delimiter = reader.delimiter
        outcomes = segment_rows(reader, research, today)
        if progress is not None:
            outcomes = _reporting(outcomes, progress)
        if out is None or rejects is None:
            for outcome in outcomes:
                summary.add(outcome)
        else:
            header = reader.header
            # A column already called persona or subgroup is filled in, not repeated.
            at = {name: _column(header, name) for name in ("persona", "subgroup")}
            added = [name for name, index in at.items() if index < 0]
            with (
                _atomic_csv(out, reader.delimiter) as good,
                _atomic_csv(rejects, reader.delimiter) as bad,
            ):
                good.writerow([*header, *added])
                bad.writerow(["line", "reason", *header])
                for outcome in outcomes:
                    summary.add(outcome)
                    cells = list(outcome.row.raw.values())
                    if outcome.kind == "placed":
                        values = {"persona": outcome.persona, "subgroup": outcome.subgroup}
                        for name, value in values.items():
                            if at[name] >= 0:
                                cells[at[name]] = value or ""
                            else:
                                cells.append(value or "")
                        good.writerow(cells)
                    else:
                        row = [str(outcome.row.line), outcome.reason or "", *cells]
                        bad.writerow([*row, *outcome.row.extra])
        summary.encoding = reader.encoding
        summary.notices = list(reader.notices)
    return summary


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
        self._writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, cells: list[str]) -> None:
        self._writer.writerow([neutralise(c) for c in cells])


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
