"""A contact's age from what lists hold: an age, an age band, a birth date or a birth year."""

from __future__ import annotations

import re
from datetime import date
from typing import Final, NamedTuple

MAX_AGE: Final = 120


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
