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
from mkbcopy.i18n import N_, _, ngettext
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
    raise InputError(_("no %(file)s in the templates") % {"file": COPY_FILE})


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
    deck, errors, _unknown = check_copydeck(research, user_dir)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        shown = "; ".join(
            _("line %(line)s %(key)s: %(problem)s")
            % {"line": e.line, "key": e.key, "problem": e.message}
            if e.key
            else _("line %(line)s: %(problem)s") % {"line": e.line, "problem": e.message}
            for e in errors[:_SHOWN]
        )
        if len(errors) > _SHOWN:
            shown += _("; and %(count)s more") % {"count": len(errors) - _SHOWN}
        folder = f" {user_dir}" if user_dir else ""
        raise ValidationError(
            ngettext(
                "the copy deck is not complete, %(count)s line to fix: %(shown)s "
                "(mkbcopy templates check%(folder)s shows it)",
                "the copy deck is not complete, %(count)s lines to fix: %(shown)s "
                "(mkbcopy templates check%(folder)s lists them one per line)",
                len(errors),
            )
            % {"count": len(errors), "shown": shown, "folder": folder},
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
        doc = load_yaml(path, what=N_("copy deck"))
    except InputError as exc:
        return {}, [exc], []
    if not isinstance(doc.data, dict):
        problem = ValidationError(_("must be a mapping of persona ids"), path=path, line=1)
        return {}, [problem], []
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
        message = _("is still empty: fill it in") if empty else error_message(err)
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
        message = _(
            "has no copy for persona '%(persona)s' "
            "(a study of your own needs its own deck: mkbcopy personas init-deck)"
        ) % {"persona": persona_id}
        return [ValidationError(message, path=doc.path, line=1)]
    entry = deck[persona_id]
    out: list[MkbcopyError] = []
    for kind, items, have, message in (
        (
            "motivators",
            persona.motivators,
            entry.motivators,
            N_("has no copy for motivator '%(id)s'"),
        ),
        ("drempels", persona.drempels, entry.drempels, N_("has no copy for drempel '%(id)s'")),
    ):
        for item in items:
            if item.id not in have:
                key = (persona_id, kind)
                out.append(
                    ValidationError(
                        _(message) % {"id": item.id},
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
            message = _("copy for unknown persona '%(id)s' is never used") % {"id": persona_id}
            out.append(ValidationError(message, path=doc.path, line=doc.line_of((persona_id,))))
            continue
        for kind, ids, have, message in (
            (
                "motivators",
                {m.id for m in persona.motivators},
                entry.motivators,
                N_("copy for unknown motivator '%(id)s' is never used"),
            ),
            (
                "drempels",
                {d.id for d in persona.drempels},
                entry.drempels,
                N_("copy for unknown drempel '%(id)s' is never used"),
            ),
            (
                "subgroups",
                {s.id for s in persona.subgroups},
                entry.subgroups,
                N_("copy for unknown subgroup '%(id)s' is never used"),
            ),
        ):
            for item_id in have:
                if item_id not in ids:
                    key = (persona_id, kind, item_id)
                    out.append(
                        ValidationError(
                            _(message) % {"id": item_id},
                            path=doc.path,
                            line=doc.line_of(key),
                            key=format_key(key),
                        )
                    )
    return out
