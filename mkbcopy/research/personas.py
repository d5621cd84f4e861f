"""The persona research as validated data (personas.yaml)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from pydantic import AfterValidator, Field, model_validator

from mkbcopy.errors import ValidationError, one_line
from mkbcopy.i18n import _
from mkbcopy.research.brief import FACT_KEYS
from mkbcopy.research.text import Slug, Strict, Text

_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _fact_key(value: str) -> str:
    if value not in FACT_KEYS:
        raise ValueError(
            _("'%(value)s' is not a brief fact; use one of %(facts)s")
            % {"value": one_line(value), "facts": ", ".join(FACT_KEYS)}
        )
    return value


def _source_lines(value: list[int | str]) -> list[int | str]:
    if not value:
        raise ValueError(_("must name at least one line of the report"))
    for item in value:
        if isinstance(item, str):
            match = _RANGE.match(item)
            if not match or int(match.group(1)) > int(match.group(2)):
                raise ValueError(
                    _("'%(value)s' is not a line or a range like '112-116'")
                    % {"value": one_line(item)}
                )
    return value


FactKey = Annotated[str, AfterValidator(_fact_key)]
SourceLines = Annotated[list[int | str], AfterValidator(_source_lines)]


def expand_lines(source_lines: list[int | str]) -> list[int]:
    """`[12, '14-16']` -> `[12, 14, 15, 16]`."""
    lines: list[int] = []
    for item in source_lines:
        if isinstance(item, int):
            lines.append(item)
        else:
            start, end = (int(part) for part in item.split("-"))
            lines.extend(range(start, end + 1))
    return lines


class ProfileBar(Strict):
    """The report's one-line facts about a persona; a study gives those it has."""

    employment: Text | None = None
    age: Text | None = None
    education: Text | None = None
    sectors: Text | None = None
    source_lines: SourceLines


class Motivator(Strict):
    id: Slug
    title: Text
    guidance: Text
    needs: list[FactKey]
    source_lines: SourceLines


class Drempel(Strict):
    id: Slug
    description: Text
    needs: list[FactKey]
    source_lines: SourceLines


BUILTIN_COLUMNS: Final = ("werkzaamheid", "opleidingsniveau", "leeftijd")
"""The named vocabularies a study can segment by without defining them: Dutch work
statuses, Dutch education levels, and age (from an age, birth date or birth year)."""
AGE: Final = "leeftijd"

_AGE_RANGE = re.compile(r"^\s*(\d{1,3})?\s*(-|\+)?\s*(\d{1,3})?\s*$")

Condition = list[Text] | Text | int
"""Values a column may hold, or for a number or age column a range: '16-34', '35+', '-34'."""


def parse_range(value: str | int) -> tuple[int | None, int | None] | None:
    """`'16-34'` -> (16, 34), `'35+'` -> (35, None), `'-34'` -> (None, 34), `40` -> (40, 40);
    None when it is not a range."""
    if isinstance(value, int):
        return (value, value) if value >= 0 else None
    match = _AGE_RANGE.match(value)
    if not match or not (match.group(1) or match.group(3)):
        return None
    low, sign, high = match.groups()
    if sign is None:
        return None if (low and high) else (int(low or high), int(low or high))
    if sign == "+":
        return (int(low), None) if low and not high else None
    return (int(low) if low else None, int(high) if high else None)


class Match(Strict):
    """Conditions on contact-list columns, all of which must hold.

    Written as `{column: values}`; `leeftijd: 16-34` is stored as min_age/max_age, and a
    column the study defines itself (segmentation.columns) lands in `columns`.
    """

    werkzaamheid: list[Text] | None = None
    opleidingsniveau: list[Text] | None = None
    min_age: int | None = None
    max_age: int | None = None
    columns: dict[str, Condition] = {}

    @model_validator(mode="before")
    @classmethod
    def _spread(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        own = {"werkzaamheid", "opleidingsniveau", "min_age", "max_age", "columns", "persona"}
        out: dict[str, Any] = {}
        columns: dict[str, Any] = dict(data.get("columns") or {})
        for key, value in data.items():
            if key == AGE:
                bounds = parse_range(value) if isinstance(value, (str, int)) else None
                if bounds is None or isinstance(value, bool):
                    raise ValueError(
                        _("leeftijd: '%(value)s' is not an age or a range like 16-34 or 35+")
                        % {"value": value}
                    )
                out["min_age"], out["max_age"] = bounds
            elif key in own or key in cls.model_fields:
                if key != "columns":
                    out[key] = value
            else:
                columns[str(key)] = value
        if columns:
            out["columns"] = columns
        return out

    def conditions(self) -> dict[str, Condition]:
        """Every condition by column name, the built-in ones first."""
        found: dict[str, Condition] = {}
        if self.werkzaamheid is not None:
            found["werkzaamheid"] = self.werkzaamheid
        if self.opleidingsniveau is not None:
            found["opleidingsniveau"] = self.opleidingsniveau
        if self.min_age is not None or self.max_age is not None:
            low = "" if self.min_age is None else str(self.min_age)
            high = "" if self.max_age is None else str(self.max_age)
            found[AGE] = f"{low}+" if not high else f"{low}-{high}"
        found.update(self.columns)
        return found


SubgroupMatch = Match


class Subgroup(Strict):
    id: Slug
    name: Text
    match: SubgroupMatch
    nuances: list[Text] = Field(min_length=1)
    stress: list[Slug] = []
    needs: list[FactKey] = []
    source_lines: SourceLines


class Persona(Strict):
    id: Slug
    name: Text
    share: int = Field(ge=0, le=100)
    # Shown to the writer (personas show, the deck skeleton), never in copy: optional.
    profile_bar: ProfileBar | None = None
    profile: Text | None = None
    profile_lines: SourceLines | None = None
    learning_style: Text | None = None
    learning_style_lines: SourceLines | None = None
    life_phase: Text | None = None
    life_phase_lines: SourceLines | None = None
    motivators: list[Motivator] = Field(min_length=1)
    drempels: list[Drempel] = Field(min_length=1)
    subgroups: list[Subgroup] = []

    def needs(self, sub: Subgroup | None = None) -> list[str]:
        """Every brief fact that copy for this persona has to state, in brief order."""
        items: list[Motivator | Drempel] = [*self.motivators, *self.drempels]
        wanted = {n for item in items for n in item.needs}
        wanted.update(sub.needs if sub else ())
        return [key for key in FACT_KEYS if key in wanted]

    def subgroup(self, subgroup_id: str) -> Subgroup:
        for sub in self.subgroups:
            if sub.id == subgroup_id:
                return sub
        known = ", ".join(s.id for s in self.subgroups) or _("none")
        raise ValidationError(
            _("persona '%(persona)s' has no subgroup '%(subgroup)s' (known: %(known)s)")
            % {"persona": self.id, "subgroup": subgroup_id, "known": known}
        )


class SegmentationRule(Match):
    """Which contacts belong to a persona: `persona:` plus conditions, as in a Match."""

    persona: Slug
    subgroup_by: Text | None = None


class Column(Strict):
    """A contact-list column the segmentation reads.

    `headers`: the column names it may have (compared without case, accents or
    punctuation; default: the column's own name). `values`: each value with the ways
    a contact list may write it. `numeric`: the cells are numbers, matched by range.
    `required`: a contact without it is not placed.
    """

    headers: list[Text] = []
    values: dict[str, list[Text]] = {}
    numeric: bool = False
    required: bool = False
    label: Text | None = None


class Segmentation(Strict):
    description: Text | None = None
    source_lines: SourceLines | None = None
    columns: dict[str, Column] = {}
    rules: list[SegmentationRule]


class Research(Strict):
    report: Text | None = None
    segmentation: Segmentation
    personas: list[Persona] = Field(min_length=1)

    def persona(self, persona_id: str) -> Persona:
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        raise ValidationError(
            _("unknown persona '%(persona)s' (known: %(known)s)")
            % {"persona": persona_id, "known": ", ".join(p.id for p in self.personas)}
        )
