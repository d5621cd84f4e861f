"""The offer names any programme in correct Dutch, and the opening says "diploma" once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.compose.measure import body_text
from mkbcopy.research.brief import load_brief
from mkbcopy.research.personas import Research


@pytest.mark.parametrize(
    "programme", ["deeltijd Bachelor Logistiek", "Associate degree Bouwkunde", "HBO-ICT"]
)
def test_the_offer_joins_any_programme_name_and_the_opening_says_diploma_once(
    programme: str, research: Research, write_brief: Callable[..., Path]
) -> None:
    brief = load_brief(write_brief(programme=programme))
    plan = plan_campaign(brief, research, channels=["email", "linkedin", "facebook", "x"])
    for draft in plan.drafts:
        plain = " ".join(body_text(draft.document).split())
        assert "volg je de opleiding" not in plain, (draft.slug, draft.channel.name)
        if draft.channel.name == "x":  # too short for the offer: it names the school
            continue
        assert programme in plain, (draft.slug, draft.channel.name)
        opening = plain[: plain.find(programme) + len(programme)]
        assert opening.lower().count("diploma") <= 1, (draft.slug, draft.channel.name, opening)


def test_the_offer_names_the_organisation_without_saying_it_awards_the_degree(
    research: Research, write_brief: Callable[..., Path]
) -> None:
    """A branch association runs the route; "Opleiding: X, bij Branche Y" says Y teaches it."""
    brief = load_brief(write_brief(organisation="Installatiebranche Noord"))
    plan = plan_campaign(brief, research, channels=["email"])
    for draft in plan.drafts:
        plain = " ".join(body_text(draft.document).split())
        assert "bij Installatiebranche Noord" not in plain
        assert "Een Mkb-route van Installatiebranche Noord." in plain


def test_the_offer_leaves_out_the_programme_when_the_opening_fact_names_it(
    research: Research, write_brief: Callable[..., Path], example_data: dict[str, object]
) -> None:
    programme = "Associate degree Persoonsgerichte Zorg"
    facts = dict(example_data["facts"])  # type: ignore[call-overload]
    facts["diploma"] = f"Je haalt het erkende hbo-diploma {programme}."
    brief = load_brief(write_brief(programme=programme, facts=facts))
    plan = plan_campaign(brief, research, channels=["email"], personas=["doelgerichte-doorstromer"])
    plain = " ".join(body_text(plan.drafts[0].document).split())
    assert plain.count(programme) == 1, plain
