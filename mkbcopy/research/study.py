"""Loading a persona study: read the YAML, find every problem, then validate.

Its own module because the checks read the segmentation vocabulary (segments), which
itself builds on the persona models: personas -> segments -> studycheck -> study.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pydantic

from mkbcopy.bundle import bundled_path
from mkbcopy.errors import InputError
from mkbcopy.i18n import N_, _, ngettext
from mkbcopy.research.personas import Research
from mkbcopy.research.studycheck import study_problems
from mkbcopy.research.yamlfile import load_yaml
from mkbcopy.usercache import kept


def study_path(option: Path | None, named: object = None) -> Path | None:
    """`--personas FILE` wins, then the study a brief or an output folder names;
    None means the bundled Mkb-route study. `named` may come from a manifest's JSON,
    so anything but a non-empty string names nothing."""
    if option is not None:
        return option
    return Path(named) if isinstance(named, str) and named else None


def load_personas(path: Path | None = None) -> Research:
    """Read and validate personas.yaml; None means the bundled research."""
    if path is None:
        return _bundled()
    return _load(path)


@cache
def _bundled() -> Research:
    return _load(bundled_path("personas.yaml"))


def _load(path: Path) -> Research:
    """Kept between runs (parsing and checking a study takes longer than using it)."""
    return kept("studies", [path], lambda: _read(path), tag=pydantic.VERSION)


def _read(path: Path) -> Research:
    doc = load_yaml(path, what=N_("personas file"))
    if not isinstance(doc.data, dict):
        raise InputError(_("must be a mapping with a top-level 'personas:' list"), path=path)
    problems = study_problems(doc)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            first.message += _(" (and %(count)s more: run mkbcopy personas check %(path)s)") % {
                "count": len(problems) - 1,
                "path": path,
            }
        raise first
    return Research.model_validate(doc.data)


def describe_study(path: Path) -> str:
    """A one-line summary of a sound study, for `personas check`."""
    research = load_personas(path)
    items = sum(len(p.motivators) + len(p.drempels) for p in research.personas)
    subs = sum(len(p.subgroups) for p in research.personas)
    rules = len(research.segmentation.rules)
    n = len(research.personas)
    return _("%(personas)s, %(items)s, %(subgroups)s, %(rules)s; shares add up to 100.") % {
        "personas": ngettext("%(count)s persona", "%(count)s personas", n) % {"count": n},
        "items": ngettext(
            "%(count)s motivator or drempel", "%(count)s motivators and drempels", items
        )
        % {"count": items},
        "subgroups": ngettext("%(count)s subgroup", "%(count)s subgroups", subs) % {"count": subs},
        "rules": ngettext("%(count)s segmentation rule", "%(count)s segmentation rules", rules)
        % {"count": rules},
    }
