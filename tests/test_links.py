from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.links import slugify, tag_url
from mkbcopy.research.brief import load_brief
from mkbcopy.research.personas import Research


def test_tag_url_keeps_the_existing_query() -> None:
    url = tag_url(
        "https://example.org/aanmelden?ref=beurs&utm_source=flyer#form",
        source="x",
        medium="social",
        campaign="werk-en-leer",
        content="nieuwsgierige-student--hbo",
    )
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert query["ref"] == ["beurs"]
    assert query["utm_source"] == ["flyer"]  # the user's own tag wins
    assert query["utm_medium"] == ["social"]
    assert query["utm_content"] == ["nieuwsgierige-student--hbo"]
    assert parts.fragment == "form"


def test_slugify() -> None:
    assert slugify("Werk & leer in de techniek 2027!") == "werk-leer-in-de-techniek-2027"
    assert slugify("Zoë's één") == "zoe-s-een"
    assert slugify("!!!") == "campagne"


def test_every_link_is_tagged_per_channel_and_persona(
    research: Research, write_brief: Callable[..., Path]
) -> None:
    brief = load_brief(write_brief())
    plan = plan_campaign(brief, research, subgroup="hbo")
    for draft in plan.drafts:
        for link in draft.document.links():
            if link.startswith("mailto:"):
                continue
            query = parse_qs(urlsplit(link).query)
            assert query["utm_source"] == [draft.channel.name]
            assert query["utm_medium"] == [draft.channel.medium]
            assert query["utm_campaign"] == ["werk-en-leer-in-de-techniek-2027"]
            assert query["utm_content"] == ["nieuwsgierige-student--hbo"]


def test_tagging_can_be_turned_off(research: Research, write_brief: Callable[..., Path]) -> None:
    brief = load_brief(write_brief(utm=False))
    plan = plan_campaign(brief, research, channels=["email", "linkedin"])
    links = [link for d in plan.drafts for link in d.document.links()]
    assert links and not any("utm_" in link for link in links)
