"""Brief gaps: facts the research says a persona's copy needs and the brief lacks."""

from __future__ import annotations

from dataclasses import dataclass

from mkbcopy.i18n import N_, Text
from mkbcopy.research.brief import FACT_KEYS, Brief
from mkbcopy.research.personas import Research


@dataclass(frozen=True)
class Gap:
    persona: str
    fact: str
    # "motivator 'Betaling'", "drempel 'wie-betaalt'", "subgroup 16-34": English in --json,
    # the user's language on the terminal.
    needed_by: list[Text]


def brief_gaps(brief: Brief, research: Research) -> list[Gap]:
    """Every missing fact per persona, with the research items that need it."""
    missing = set(brief.facts.missing())
    gaps: list[Gap] = []
    for persona in research.personas:
        wanted = set(persona.needs()) | {n for s in persona.subgroups for n in s.needs}
        for fact in [f for f in FACT_KEYS if f in wanted and f in missing]:
            needed_by = [
                Text(N_("motivator '%(name)s'"), {"name": m.title})
                for m in persona.motivators
                if fact in m.needs
            ]
            needed_by += [
                Text(N_("drempel '%(name)s'"), {"name": d.id})
                for d in persona.drempels
                if fact in d.needs
            ]
            needed_by += [
                Text(N_("subgroup %(name)s"), {"name": s.id})
                for s in persona.subgroups
                if fact in s.needs
            ]
            gaps.append(Gap(persona.id, fact, needed_by))
    return gaps
