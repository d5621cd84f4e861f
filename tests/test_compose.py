"""The copy rules, for any brief: each fact once, budgets held, facts before the fold."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkbcopy.checks.lint import BriefTerms, lint_draft
from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.measure import body_text, channel_length, word_count
from mkbcopy.compose.plan import compose
from mkbcopy.compose.rendering import Draft
from mkbcopy.research.brief import FACT_KEYS, Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.research.qualifiers import sentences
from mkbcopy.research.study import load_personas
from mkbcopy.writers.text import render_text

GOLDEN = Path(__file__).parent / "golden"
SCALE = int(os.environ.get("MKBCOPY_PROPERTY_SCALE", "1"))
WORDS = ["je", "werkt", "leert", "drie", "dagen", "bij", "een", "bedrijf", "school", "per", "week"]
WORDS += ["salaris", "euro", "jaar", "coach", "opleiding", "kosten", "twee", "vier", "team"]


def _sentence(words: list[str], number: int) -> str:
    return " ".join(["Je", *words, str(number)]) + "."


fact_text = st.builds(
    lambda parts: " ".join(_sentence(w, n) for w, n in parts),
    st.lists(
        st.tuples(st.lists(st.sampled_from(WORDS), min_size=2, max_size=14), st.integers(1, 99)),
        min_size=1,
        max_size=4,
        unique_by=lambda t: (tuple(t[0]), t[1]),  # a brief that repeats itself is its own problem
    ),
)
facts_strategy = st.dictionaries(st.sampled_from(FACT_KEYS), fact_text, min_size=1).map(
    # Each fact's sentences end in its own number, so no fact repeats another's sentence.
    lambda facts: {k: v.replace(".", f"0{FACT_KEYS.index(k)}.") for k, v in facts.items()}
)


def _brief(example: Brief, facts: dict[str, str], **changes: Any) -> Brief:
    data = example.model_dump()
    data["facts"] = facts
    data.update(changes)
    return Brief.model_validate(data, strict=False)


def _check_rules(draft: Draft, brief: Brief) -> None:
    channel = draft.channel
    text = render_text(draft.document)
    plain = " ".join(body_text(draft.document).split())
    said_twice = [str(w) for w in draft.warnings if "said" in str(w)]
    assert not said_twice, (draft.slug, channel.name, said_twice)
    if channel.words and channel.name != "flyer":
        assert word_count(draft.document) <= channel.words, (draft.slug, channel.name)
    if channel.limit:
        assert channel_length(text, channel) <= channel.limit, (draft.slug, channel.name)
    persona = load_personas().persona(draft.persona)
    sub = persona.subgroup(draft.subgroup) if draft.subgroup else None
    present = [v for v in (getattr(brief.facts, k) for k in persona.needs(sub)) if v]
    if channel.fold and present:
        firsts = [sentences(v)[0] for v in present]
        assert any(0 <= plain.find(f) < channel.fold for f in firsts), (draft.slug, plain)
    if channel.name in ("linkedin", "facebook", "instagram"):
        assert brief.programme in plain or brief.organisation in plain
    if channel.name == "instagram":
        assert "http" not in text
    if channel.name == "email":
        links = {u for u in draft.document.links() if u.startswith("http")}
        assert len(links) == 1 and text.count(next(iter(links))) == 2
    findings = lint_draft(draft.document, channel, BriefTerms(tuple(brief.names()), ()))
    rules = {f.rule for f in findings if f.severity != "info"}
    assert not rules & {"repeat", "budget", "ask", "capitals"}, (draft.slug, channel.name, rules)


@pytest.mark.slow
@settings(max_examples=12 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=facts_strategy)
def test_any_brief_keeps_the_copy_rules(
    facts: dict[str, str], example_brief: Brief, research: Research
) -> None:
    brief = _brief(
        example_brief, facts, programme="HBO-ICT", organisation="Hogeschool Noorderlicht"
    )
    plan = plan_campaign(brief, research, channels=["email", "linkedin", "instagram", "x"])
    for draft in plan.drafts:
        _check_rules(draft, brief)


@pytest.mark.parametrize("subgroup", [None, "hbo", "35+", "16-34"])
def test_example_brief_keeps_the_copy_rules(
    subgroup: str | None, example_brief: Brief, research: Research
) -> None:
    plan = plan_campaign(example_brief, research, subgroup=subgroup, variants=0)
    for draft in plan.drafts:
        _check_rules(draft, example_brief)


def test_every_persona_still_covers_all_its_motivators(
    example_brief: Brief, research: Research
) -> None:
    plan = plan_campaign(example_brief, research)
    for persona in research.personas:
        covered = {m for d in plan.drafts if d.persona == persona.id for m in d.motivators}
        assert covered == {m.id for m in persona.motivators}


def test_subgroups_change_opening_subject_and_order(
    example_brief: Brief, research: Research
) -> None:
    deck = load_copydeck(research)
    for persona in research.personas:
        general = compose(example_brief, persona, deck[persona.id])
        for sub in persona.subgroups:
            mine = compose(example_brief, persona, deck[persona.id], subgroup=sub)
            assert mine.lead.vraag != general.lead.vraag, (persona.id, sub.id)
            keys = [f.key for p in mine.points for f in p.facts]
            assert keys != [f.key for p in general.points for f in p.facts], (persona.id, sub.id)
            assert sorted(keys) == sorted(set(keys))  # each fact once


def test_a_brief_without_money_facts_makes_no_money_claims(
    example_brief: Brief, research: Research
) -> None:
    money = ("salary", "costs", "paid_by", "job_security")
    facts = {k: v for k, v in example_brief.facts.model_dump().items() if v and k not in money}
    brief = _brief(example_brief, facts)
    plan = plan_campaign(brief, research, channels=["linkedin", "instagram", "facebook", "x"])
    for draft in plan.drafts:
        text = render_text(draft.document).lower()
        for word in ("salaris", "euro", "betaalt", "gratis", "kost"):
            assert word not in text, (draft.slug, draft.channel.name, word)


@pytest.mark.parametrize("persona", ["nieuwsgierige-student", "doelgerichte-doorstromer"])
@pytest.mark.parametrize("channel", ["email", "linkedin", "instagram", "facebook", "x"])
def test_golden_drafts_of_the_example_brief(persona: str, channel: str, research: Research) -> None:
    """Copy changes show up in review: regenerate with MKBCOPY_UPDATE_GOLDEN=1."""
    plan = plan_campaign(load_brief(), research, personas=[persona], channels=[channel])
    document = plan.drafts[0].document
    text = "".join(f"{k}: {v}\n" for k, v in document.meta.items()) + render_text(document)
    path = GOLDEN / f"{persona}--{channel}.txt"
    if os.environ.get("MKBCOPY_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
