"""The built-in Dutch vocabularies a study can segment by: education levels and work statuses.

A contact list spells them a hundred ways (`MBO-niveau 3`, `Hoger beroepsonderwijs`,
`werkend`); these turn a cell into one known word, and the study names them as
vocabularies. Its own module because checking a study needs them as much as placing a
contact does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final


def _words(text: str) -> str:
    """`MBO-niveau 3` -> ` mbo niveau 3 `: lowercase words without accents, padded for phrases."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    plain = re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", plain)
    return f" {' '.join(plain.split())} "


def plain_words(text: str) -> str:
    """`Noord-Holland` -> `noord holland`: how a study's values and a contact's cells compare."""
    return _words(text).strip()


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


EDUCATION_LEVELS: Final = tuple(_EDU_ORDER)
"""The built-in vocabulary 'opleidingsniveau', lowest first."""


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


WORK_STATUSES: Final = _STATUS_ORDER
"""The built-in vocabulary 'werkzaamheid'."""


def normalise_status(text: str) -> str | None:
    """The werkzaamheid in the research's words (student, scholier, werkend, werkzoekend,
    or gepensioneerd, ... outside it); None if not recognised."""
    return _status(text)


@lru_cache(maxsize=4096)
def _status(text: str) -> str | None:
    words = _rewrite(_words(text), _STATUS_PHRASES).split()
    found = {_STATUS_WORDS[w] for w in words if w in _STATUS_WORDS}
    return next((status for status in _STATUS_ORDER if status in found), None)
