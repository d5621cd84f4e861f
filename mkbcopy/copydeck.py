"""The copy deck: the Dutch lines that carry each motivator and drempel.

The research says what matters to a persona; the copy deck says it in the
reader's words. It holds no facts: those come from the brief, so a template
can never state something the brief does not.
"""

from __future__ import annotations

from pathlib import Path

import pydantic

from mkbcopy.channels import template_dirs
from mkbcopy.errors import InputError, ValidationError
from mkbcopy.personas import Research
from mkbcopy.text import Strict, Text
from mkbcopy.yamlfile import YamlDoc, format_key, load_yaml, validation_error

COPY_FILE = "_shared/copy.yaml"


class MotivatorCopy(Strict):
    kop: Text
    tekst: Text
    kort: Text


class DrempelCopy(Strict):
    vraag: Text


class SubgroupCopy(Strict):
    kop: Text | None = None
    intro: Text | None = None


class PersonaCopy(Strict):
    kop: Text
    intro: Text
    onderwerp: Text
    preheader: Text
    hashtags: list[Text]
    motivators: dict[str, MotivatorCopy]
    drempels: dict[str, DrempelCopy]
    subgroups: dict[str, SubgroupCopy] = {}


class CopyDeck(pydantic.RootModel[dict[str, PersonaCopy]]):
    model_config = pydantic.ConfigDict(strict=True, frozen=True)


def copy_path(user_dir: Path | None) -> Path:
    for folder in template_dirs(user_dir):
        if (folder / COPY_FILE).is_file():
            return folder / COPY_FILE
    raise InputError(f"no {COPY_FILE} in the templates")


def load_copydeck(research: Research, user_dir: Path | None = None) -> dict[str, PersonaCopy]:
    """Read the copy deck and check it covers every motivator and drempel."""
    path = copy_path(user_dir)
    doc = load_yaml(path, what="copy deck")
    try:
        deck = CopyDeck.model_validate(doc.data).root
    except pydantic.ValidationError as exc:
        raise validation_error(doc, exc) from None
    for persona in research.personas:
        _check_covers(doc, deck, persona.id, research)
    return deck


def _check_covers(
    doc: YamlDoc, deck: dict[str, PersonaCopy], persona_id: str, research: Research
) -> None:
    persona = research.persona(persona_id)
    if persona_id not in deck:
        raise ValidationError(f"has no copy for persona '{persona_id}'", path=doc.path, line=1)
    entry = deck[persona_id]
    for kind, items, have in (
        ("motivators", persona.motivators, entry.motivators),
        ("drempels", persona.drempels, entry.drempels),
    ):
        for item in items:
            if item.id not in have:
                key = (persona_id, kind)
                raise ValidationError(
                    f"has no copy for {kind[:-1]} '{item.id}'",
                    path=doc.path,
                    line=doc.line_of(key),
                    key=format_key(key),
                )
