"""The copy deck: the Dutch lines that carry each motivator and drempel.

The research says what matters to a persona; the copy deck says it in the
reader's words. It holds no facts: those come from the brief, so a template
can never state something the brief does not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pydantic

from mkbcopy.compose.channels import template_dirs
from mkbcopy.errors import InputError, MkbcopyError, ValidationError
from mkbcopy.research.personas import Research
from mkbcopy.research.text import Strict, Text
from mkbcopy.research.yamlfile import YamlDoc, error_message, format_key, load_yaml
from mkbcopy.usercache import kept

COPY_FILE = "_shared/copy.yaml"


class ItemCopy(Strict):
    """How a motivator or drempel is framed: a label and a question, never a claim."""

    kop: Text | None = None
    vraag: Text
    # False: never the default opening (a worry's answer, such as what happens if you stop).
    opent: bool = True


class SubgroupCopy(Strict):
    vraag: Text | None = None


class PersonaCopy(Strict):
    # `{organisation}` and `{programme}` are filled in from the brief.
    aanbod: Text
    vraag: Text | None = None
    onderwerp: Text
    hashtags: list[Text]
    volgorde: list[str] = []
    motivators: dict[str, ItemCopy]
    drempels: dict[str, ItemCopy]
    subgroups: dict[str, SubgroupCopy] = {}


class CopyDeck(pydantic.RootModel[dict[str, PersonaCopy]]):
    model_config = pydantic.ConfigDict(strict=True, frozen=True)


def copy_path(user_dir: Path | None) -> Path:
    for folder in template_dirs(user_dir):
        if (folder / COPY_FILE).is_file():
            return folder / COPY_FILE
    raise InputError(f"no {COPY_FILE} in the templates")


def load_copydeck(research: Research, user_dir: Path | None = None) -> dict[str, PersonaCopy]:
    """Read the copy deck and check it covers every motivator and drempel.

    Kept between runs, for the same deck file and the same study.
    """
    sources = [copy_path(user_dir)]
    # repr holds every field and, unlike a dump, needs no serializer built for the study
    study = hashlib.sha256(repr(research).encode()).hexdigest()
    tag = f"{pydantic.VERSION} {study}"
    return kept("copydecks", sources, lambda: _load_copydeck(research, user_dir), tag=tag)


def _load_copydeck(research: Research, user_dir: Path | None) -> dict[str, PersonaCopy]:
    deck, errors, _ = check_copydeck(research, user_dir)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        shown = "; ".join(
            f"line {e.line} {e.key}: {e.message}" if e.key else f"line {e.line}: {e.message}"
            for e in errors[:_SHOWN]
        )
        more = f"; and {len(errors) - _SHOWN} more" if len(errors) > _SHOWN else ""
        folder = f" {user_dir}" if user_dir else ""
        raise ValidationError(
            f"the copy deck is not complete, {len(errors)} line(s) to fix: {shown}{more} "
            f"(mkbcopy templates check{folder} lists them one per line)",
            path=errors[0].path,
        )
    return deck


_SHOWN = 8
"""Missing lines named in the one error generation stops with; templates check lists all."""


def check_copydeck(
    research: Research, user_dir: Path | None = None
) -> tuple[dict[str, PersonaCopy], list[MkbcopyError], list[MkbcopyError]]:
    """The valid part of the deck, every error, and entries the research does not know.

    Each persona is checked on its own, so one broken entry does not hide the rest.
    """
    path = copy_path(user_dir)
    try:
        doc = load_yaml(path, what="copy deck")
    except InputError as exc:
        return {}, [exc], []
    if not isinstance(doc.data, dict):
        return {}, [ValidationError("must be a mapping of persona ids", path=path, line=1)], []
    deck: dict[str, PersonaCopy] = {}
    errors: list[MkbcopyError] = []
    for key, value in doc.data.items():
        try:
            deck[str(key)] = PersonaCopy.model_validate(value)
        except pydantic.ValidationError as exc:
            errors += _each_error(doc, exc, (str(key),))
    for persona in research.personas:
        errors += _missing(doc, deck, persona.id, research)
    return deck, errors, _unknown(doc, deck, research)


def _each_error(
    doc: YamlDoc, exc: pydantic.ValidationError, prefix: tuple[str, ...]
) -> list[MkbcopyError]:
    out: list[MkbcopyError] = []
    for err in exc.errors():
        loc = prefix + tuple(str(p) for p in err["loc"])
        empty = err.get("input", ...) is None and err["type"].endswith("_type")
        message = "is still empty: fill it in" if empty else error_message(err)
        out.append(
            ValidationError(message, path=doc.path, line=doc.line_of(loc), key=format_key(loc))
        )
    return out


def _missing(
    doc: YamlDoc, deck: dict[str, PersonaCopy], persona_id: str, research: Research
) -> list[MkbcopyError]:
    persona = research.persona(persona_id)
    if persona_id not in deck:
        if persona_id in (doc.data or {}):
            return []  # invalid, and reported as such
        message = (
            f"has no copy for persona '{persona_id}' "
            "(a study of your own needs its own deck: mkbcopy personas init-deck)"
        )
        return [ValidationError(message, path=doc.path, line=1)]
    entry = deck[persona_id]
    out: list[MkbcopyError] = []
    for kind, items, have in (
        ("motivators", persona.motivators, entry.motivators),
        ("drempels", persona.drempels, entry.drempels),
    ):
        for item in items:
            if item.id not in have:
                key = (persona_id, kind)
                out.append(
                    ValidationError(
                        f"has no copy for {kind[:-1]} '{item.id}'",
                        path=doc.path,
                        line=doc.line_of(key),
                        key=format_key(key),
                    )
                )
    return out


def _unknown(doc: YamlDoc, deck: dict[str, PersonaCopy], research: Research) -> list[MkbcopyError]:
    """Copy for ids the research lacks: harmless, but usually a typo."""
    known = {p.id: p for p in research.personas}
    out: list[MkbcopyError] = []
    for persona_id, entry in deck.items():
        persona = known.get(persona_id)
        if persona is None:
            message = f"copy for unknown persona '{persona_id}' is never used"
            out.append(ValidationError(message, path=doc.path, line=doc.line_of((persona_id,))))
            continue
        for kind, ids, have in (
            ("motivators", {m.id for m in persona.motivators}, entry.motivators),
            ("drempels", {d.id for d in persona.drempels}, entry.drempels),
            ("subgroups", {s.id for s in persona.subgroups}, entry.subgroups),
        ):
            for item_id in have:
                if item_id not in ids:
                    key = (persona_id, kind, item_id)
                    out.append(
                        ValidationError(
                            f"copy for unknown {kind[:-1]} '{item_id}' is never used",
                            path=doc.path,
                            line=doc.line_of(key),
                            key=format_key(key),
                        )
                    )
    return out
