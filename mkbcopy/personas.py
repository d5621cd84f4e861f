"""The persona research as validated data (personas.yaml)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from mkbcopy.brief import FACT_KEYS
from mkbcopy.bundle import bundled_path
from mkbcopy.errors import InputError, ValidationError, one_line
from mkbcopy.text import Slug, Strict, Text
from mkbcopy.yamlfile import load_yaml, validate

_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _fact_key(value: str) -> str:
    if value not in FACT_KEYS:
        raise ValueError(
            f"'{one_line(value)}' is not a brief fact; use one of {', '.join(FACT_KEYS)}"
        )
    return value


def _source_lines(value: list[int | str]) -> list[int | str]:
    if not value:
        raise ValueError("must name at least one line of the report")
    for item in value:
        if isinstance(item, str):
            match = _RANGE.match(item)
            if not match or int(match.group(1)) > int(match.group(2)):
                raise ValueError(f"'{one_line(item)}' is not a line or a range like '112-116'")
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
    employment: Text
    age: Text
    education: Text
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


class SubgroupMatch(Strict):
    opleidingsniveau: list[Text] | None = None
    min_age: int | None = None
    max_age: int | None = None


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
    profile_bar: ProfileBar
    profile: Text
    profile_lines: SourceLines
    learning_style: Text
    learning_style_lines: SourceLines
    life_phase: Text
    life_phase_lines: SourceLines
    motivators: list[Motivator] = Field(min_length=1)
    drempels: list[Drempel] = Field(min_length=1)
    subgroups: list[Subgroup] = []

    @model_validator(mode="after")
    def _ids_fit(self) -> Persona:
        ids = [m.id for m in self.motivators] + [d.id for d in self.drempels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"ids must be unique within a persona: {', '.join(dupes)}")
        for sub in self.subgroups:
            unknown = [s for s in sub.stress if s not in ids]
            if unknown:
                raise ValueError(f"subgroup '{sub.id}' stresses unknown ids: {', '.join(unknown)}")
        return self

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
        known = ", ".join(s.id for s in self.subgroups) or "none"
        raise ValidationError(
            f"persona '{self.id}' has no subgroup '{subgroup_id}' (known: {known})"
        )


class SegmentationRule(Strict):
    persona: Slug
    werkzaamheid: list[Text]
    opleidingsniveau: list[Text]
    subgroup_by: Literal["opleidingsniveau", "leeftijd"]


class Segmentation(Strict):
    description: Text
    source_lines: SourceLines
    rules: list[SegmentationRule]


class Research(Strict):
    report: Text
    segmentation: Segmentation
    personas: list[Persona] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Research:
        ids = [p.id for p in self.personas]
        if len(set(ids)) != len(ids):
            raise ValueError("persona ids must be unique")
        for rule in self.segmentation.rules:
            if rule.persona not in ids:
                raise ValueError(f"segmentation names unknown persona '{rule.persona}'")
        return self

    def persona(self, persona_id: str) -> Persona:
        for persona in self.personas:
            if persona.id == persona_id:
                return persona
        raise ValidationError(
            f"unknown persona '{persona_id}' (known: {', '.join(p.id for p in self.personas)})"
        )


def load_personas(path: Path | None = None) -> Research:
    """Read and validate personas.yaml; None means the bundled research."""
    if path is None:
        return _bundled()
    return _load(path)


@cache
def _bundled() -> Research:
    return _load(bundled_path("personas.yaml"))


def _load(path: Path) -> Research:
    doc = load_yaml(path, what="personas file")
    if not isinstance(doc.data, dict):
        raise InputError("must be a mapping with a top-level 'personas:' list", path=path)
    return validate(doc, Research)
