"""A contact list's header: which column holds which field, in Dutch or English.

Headers compare without case, accents or punctuation (`E-mail adres` is `emailadres`);
`--map COLUMN=FIELD` wins over what a header looks like, and the first column that
looks like a field gets it, with a notice naming the others.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Final

from mkbcopy.errors import InputError, UsageError
from mkbcopy.i18n import _

FIELDS: Final = (
    "first_name",
    "last_name",
    "email",
    "age",
    "birth_year",
    "birth_date",
    "education",
    "status",
    "persona",
)
IGNORE: Final = "ignore"
"""`--map COLUMN=ignore` keeps a column from being recognised as a field."""


_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "first_name": (
        "voornaam",
        "roepnaam",
        "firstname",
        "fname",
        "givenname",
        "forename",
        "prenom",
        "vorname",
    ),
    "last_name": (
        "achternaam",
        "familienaam",
        "lastname",
        "lname",
        "surname",
        "familyname",
        "nachname",
    ),
    "email": (
        "emailadres",
        "emailadressen",
        "emailadress",
        "mailadres",
        "email",
        "emails",
        "emailaddress",
        "mail",
        "email1",
        "email1value",
        "eadres",
    ),
    "age": ("leeftijd", "age", "leeftijdjaren", "ageyears", "leeftijdsgroep", "agegroup"),
    "birth_year": ("geboortejaar", "birthyear", "yearofbirth"),
    "birth_date": (
        "geboortedatum",
        "gebdatum",
        "geboortedag",
        "birthdate",
        "dateofbirth",
        "birthday",
        "dob",
    ),
    "education": (
        "opleidingsniveau",
        "opleiding",
        "education",
        "educationlevel",
        "niveau",
        "hoogsteopleiding",
        "vooropleiding",
        "hoogstgenotenopleiding",
        "schoolniveau",
    ),
    "status": (
        "werksituatie",
        "status",
        "werkzaamheid",
        "werkzaamheden",
        "situatie",
        "occupation",
        "dagbesteding",
        "beroepssituatie",
        "arbeidssituatie",
        "employment",
        "employmentstatus",
        "workstatus",
    ),
    "persona": ("persona", "personaid"),
}


def norm_header(text: str) -> str:
    """`E-mail adres` -> `emailadres`: headers compare without case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", decomposed)


_BY_ALIAS: Final = {norm_header(a): f for f, aliases in _ALIASES.items() for a in aliases}
_BY_ALIAS.update({norm_header(f): f for f in FIELDS})


def field_for_header(header: str) -> str | None:
    """The canonical field a column header names, or None."""
    return _BY_ALIAS.get(norm_header(header))


def _field_name(name: str) -> str:
    if norm_header(name) in {IGNORE, "skip", ""} or name.strip() == "-":
        return IGNORE
    found = field_for_header(name)
    if found is None:
        raise UsageError(
            _("--map: '%(name)s' is not a field; use one of %(fields)s or %(ignore)s")
            % {"name": name, "fields": ", ".join(FIELDS), "ignore": IGNORE}
        )
    return found


def unique_keys(header: list[str]) -> list[str]:
    """Row.raw keys: the header, with blanks and repeats made unique."""
    keys: list[str] = []
    seen: set[str] = set()
    tried: dict[str, int] = {}  # the next number to try per name: linear in the header
    for index, cell in enumerate(header, start=1):
        base = cell or f"column {index}"
        key = base
        n = tried.get(base, 2)
        while key in seen:
            key = f"{base} ({n})"
            n += 1
        tried[base] = n
        seen.add(key)
        keys.append(key)
    return keys


def shown_columns(header: list[str]) -> str:
    """The columns a list has, for a message that says which one is missing."""
    shown = ", ".join(f"'{h}'" for h in header[:12])
    return shown + (", ..." if len(header) > 12 else "")


def resolve_columns(
    path: Path,
    header: list[str],
    keys: list[str],
    mapping: dict[str, str],
    notices: list[str],
) -> dict[str, str]:
    """field -> Row.raw key: `--map` first, then known headers, first column wins."""
    columns: dict[str, str] = {}
    claimed: set[str] = set()
    for column, wanted in mapping.items():
        key = _find_column(column, header, keys)
        if key is None:
            raise UsageError(
                _("--map: no column '%(column)s' (columns: %(columns)s)")
                % {"column": column, "columns": shown_columns(header)},
                path=path,
            )
        claimed.add(key)
        target = _field_name(wanted)
        if target != IGNORE:
            columns[target] = key
    mapped = set(columns)
    also: dict[str, list[str]] = {}  # field -> further columns that look like it
    for cell, key in zip(header, keys, strict=True):
        if key in claimed:
            continue
        name = field_for_header(cell)
        if name is None:
            continue
        if name in columns:
            if name not in mapped:
                also.setdefault(name, []).append(cell)
            continue
        columns[name] = key
    for name, others in also.items():  # one notice per field, however many columns
        if len(others) > 1:
            message = _(
                "%(path)s: columns '%(first)s' and '%(other)s' and %(more)s more all look like "
                "%(field)s; using '%(first)s' (choose with --map)"
            )
        else:
            message = _(
                "%(path)s: columns '%(first)s' and '%(other)s' both look like %(field)s; "
                "using '%(first)s' (choose with --map)"
            )
        values = {"first": columns[name], "other": others[0], "more": len(others) - 1}
        notices.append(message % {"path": path, "field": name, **values})
    if "email" not in columns:
        for cell, key in zip(header, keys, strict=True):
            if key not in claimed and norm_header(cell).startswith(("email", "emailadres")):
                columns["email"] = key
                notices.append(
                    _("%(path)s: using column '%(column)s' as the email address")
                    % {"path": path, "column": cell}
                )
                break
    if "email" not in columns:
        if len(header) <= 1:
            raise InputError(
                _(
                    "has a single column and none of it is an email address; is this a CSV "
                    "file? Expected a header row such as 'email;voornaam;achternaam'"
                ),
                path=path,
            )
        raise InputError(
            _("has no email column (columns: %(columns)s); name one with --map COLUMN=email")
            % {"columns": shown_columns(header)},
            path=path,
        )
    return {name: columns[name] for name in FIELDS if name in columns}


def _find_column(column: str, header: list[str], keys: list[str]) -> str | None:
    for cell, key in zip(header, keys, strict=True):
        if column in (cell, key):
            return key
    wanted = norm_header(column)
    for cell, key in zip(header, keys, strict=True):
        if wanted and norm_header(cell) == wanted:
            return key
    return None
