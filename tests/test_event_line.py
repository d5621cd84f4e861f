"""The event line follows the call to action ("Of ..." points back to it), and a call to
action that is the event invites once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.research.brief import load_brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.text import render_text

CHANNELS = ["email", "linkedin", "facebook", "flyer"]


@pytest.mark.parametrize(
    ("cta", "event"),
    [
        ("Plan een gesprek met een studieadviseur", "Open avond deeltijd"),
        ("Meld je aan voor een kennismaking", "Informatieavond Mkb-route"),
    ],
)
def test_an_event_line_that_says_or_follows_the_call_to_action(
    cta: str, event: str, example_data: dict[str, object], research: Research,
    write_brief: Callable[..., Path],
) -> None:  # fmt: skip
    url = "https://www.school.example/aanmelden"
    brief = load_brief(
        write_brief(
            call_to_action={"text": cta, "url": url},
            event={**example_data["event"], "name": event},  # type: ignore[dict-item]
        )
    )
    plan = plan_campaign(brief, research, channels=CHANNELS)
    for draft in plan.drafts:
        text = render_text(draft.document)
        line = text.find(f"Of kom eerst kijken bij de {event}")
        if draft.channel.name in ("linkedin", "facebook"):
            assert 0 <= text.find(cta) < line, (draft.slug, draft.channel.name, text)


def test_a_call_to_action_that_is_the_event_invites_once(
    example_data: dict[str, object], research: Research, write_brief: Callable[..., Path]
) -> None:
    url = "https://www.school.example/meeloopdag"
    brief = load_brief(
        write_brief(
            call_to_action={"text": "Meld je aan voor een meeloopdag", "url": url},
            event={**example_data["event"], "name": "Meeloopdag Bouwkunde"},  # type: ignore[dict-item]
        )
    )
    plan = plan_campaign(brief, research, channels=CHANNELS, formats=["txt", "md"])
    for draft in plan.drafts:
        text = render_text(draft.document)
        assert "Meeloopdag Bouwkunde" in text, (draft.slug, draft.channel.name)
        assert "Of kom" not in text, (draft.slug, draft.channel.name, text)
