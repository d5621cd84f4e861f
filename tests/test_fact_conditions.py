"""A shortened fact never drops its conditions, and the subject says only what the body says."""

from __future__ import annotations

import pytest

from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.compose.measure import body_text, channel_length
from mkbcopy.document import inline_text
from mkbcopy.research.brief import FACT_KEYS, Brief
from mkbcopy.research.personas import Research
from mkbcopy.research.qualifiers import qualifies, safe_short, sentences
from mkbcopy.writers.text import render_text


@pytest.mark.parametrize(
    "sentence",
    [
        "Stop je binnen een jaar na je diploma bij je werkgever? Dan betaal je een deel terug.",
        "Je betaalt dan het deel van het collegegeld van dat jaar terug.",
        "Dit geldt alleen voor studenten met een mbo-diploma.",
        "Behalve in de zomer.",
        "Je krijgt een laptop, mits je een contract hebt.",
        "Het collegegeld is 1.320 euro per jaar.",
        "Je krijgt korting als je voor 1 mei aanmeldt.",
    ],
)
def test_conditions_costs_and_pay_backs_qualify(sentence: str) -> None:
    assert qualifies(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["Je werkt drie dagen per week.", "De opleiding duurt vier jaar.", "Je leert plannen."],
)
def test_plain_statements_qualify_nothing(sentence: str) -> None:
    assert not qualifies(sentence)


def test_short_form_drops_only_trailing_sentences_that_qualify_nothing() -> None:
    parts = ["A is waar.", "Stop je eerder? Dan betaal je terug.", "Je leert veel.", "B klopt."]
    assert safe_short(parts) == parts[:2]
    assert safe_short(["A is waar.", "Je leert veel."]) == ["A is waar."]


def _condition(index: int) -> str:
    return f"Stop je binnen {index + 2} maanden? Dan betaal je {index + 100} euro terug."


def test_no_draft_states_a_fact_without_its_conditions(
    example_brief: Brief, research: Research
) -> None:
    """Every fact carries a pay-back; wherever a fact shows, so does its pay-back."""
    data = example_brief.model_dump()
    facts = {k: v for k, v in data["facts"].items() if v}
    data["facts"] = {k: f"{v} {_condition(FACT_KEYS.index(k))}" for k, v in facts.items()}
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(
        brief, research, channels=["email", "linkedin", "instagram", "facebook", "x"]
    )
    for draft in plan.drafts:
        plain = " ".join(body_text(draft.document).split())
        for key in facts:
            first = sentences(getattr(brief.facts, key))[0]
            if first in plain:
                assert _condition(FACT_KEYS.index(key)) in plain, (draft.slug, key, plain)


def test_an_email_subject_says_only_what_its_body_says(
    example_brief: Brief, research: Research
) -> None:
    """A lead fact too long for the subject line does not hand the subject to its partner."""
    data = example_brief.model_dump()
    for key in FACT_KEYS:
        value = data["facts"].get(key)
        if value:  # every first sentence too long for the subject, except a partner's
            first, *rest = sentences(value)
            if key not in ("job_security", "costs", "travel", "duration"):
                first = first.rstrip(".") + " en dat staat ook in je contract met de hogeschool."
            data["facts"][key] = " ".join([first, *rest])
    brief = Brief.model_validate(data, strict=False)
    for subgroup in (None, "hbo", "35+", "16-34"):
        plan = plan_campaign(brief, research, channels=["email"], subgroup=subgroup, variants=0)
        for draft in plan.drafts:
            subject = str(draft.document.meta["subject"])
            plain = " ".join(body_text(draft.document).split())
            firsts = [sentences(v)[0] for v in data["facts"].values() if v]
            for first in firsts:
                if subject.rstrip(".") == first.rstrip("."):
                    assert first in plain, (draft.slug, subject)


def test_the_bundled_brief_spells_the_programme_as_its_name_does(example_brief: Brief) -> None:
    """A fact that names the programme's degree ("associate degree") spells it as the name."""
    name = example_brief.programme
    words = name.split()
    for size in range(2, len(words) + 1):
        for start in range(len(words) - size + 1):
            part = " ".join(words[start : start + size])
            for value in example_brief.facts.model_dump().values():
                if value and part.lower() in value.lower():
                    assert part in value, (part, value)


def test_a_fact_too_long_to_cut_is_left_out_not_overflowing(
    example_brief: Brief, research: Research
) -> None:
    """Every sentence qualifies, the fact is longer than a post: X leaves it out and fits."""
    data = example_brief.model_dump()
    long = " ".join(f"Je betaalt {n} euro terug als je stopt in jaar {n}." for n in range(1, 9))
    data["facts"] = {key: long.replace("euro", f"euro ({key})") for key in FACT_KEYS[:3]}
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(brief, research, channels=["x"])
    for draft in plan.drafts:
        assert channel_length(render_text(draft.document), draft.channel) <= 280, draft.slug


def test_a_quote_is_one_sentence_with_its_source() -> None:
    quote = '"Ze kijken verder. Dat merken onze klanten." (Marloes, teamleider bij De Polder)'
    assert sentences(quote) == [quote]
    assert sentences("Hij zei: “Goed zo. Prima.” Daarna niets.") == [
        "Hij zei: “Goed zo. Prima.”",
        "Daarna niets.",
    ]


def test_a_condition_without_a_question_mark_qualifies() -> None:
    """ "Werk je 24 uur, dan ..." is "Werk je 24 uur? Dan ..." written as one sentence."""
    assert qualifies("Werk je 24 uur, dan krijg je twee derde daarvan.")
    assert not qualifies("Je werkt meer dan 20 uur.")


def test_a_short_point_keeps_who_pays_with_the_price(
    example_brief: Brief, research: Research
) -> None:
    """Where short forms are needed, "Je werkgever betaalt" never goes without the price."""
    data = example_brief.model_dump()
    data["facts"]["paid_by"] = "Je werkgever betaalt het collegegeld."
    data["facts"]["costs"] = "Het collegegeld is 1.350 euro. Boeken betaal je zelf: 250 euro."
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(brief, research, channels=["email", "linkedin", "facebook", "x"])
    seen = 0
    for draft in plan.drafts:
        plain = " ".join(body_text(draft.document).split())
        if "Je werkgever betaalt het collegegeld." in plain:
            seen += 1
            assert "Boeken betaal je zelf: 250 euro." in plain, (draft.slug, draft.channel.name)
    assert seen


def test_a_lead_fact_that_cannot_fit_gives_way_to_the_next(
    example_brief: Brief, research: Research
) -> None:
    """Every sentence of the lead fact qualifies and it is longer than a caption's words:
    the next strongest fact opens the post, above the fold, instead of no fact at all."""
    data = example_brief.model_dump()
    long = " ".join(f"Je betaalt {n} euro terug als je stopt in jaar {n}." for n in range(1, 12))
    data["facts"]["diploma"] = long
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(brief, research, personas=["doelgerichte-doorstromer"])
    draft = next(d for d in plan.drafts if d.channel.name == "instagram")
    plain = " ".join(body_text(draft.document).split())
    fold = plain[: draft.channel.fold]
    firsts = [sentences(v)[0] for k, v in data["facts"].items() if v and k != "diploma"]
    assert any(first in fold for first in firsts), plain


def test_a_fragment_is_never_a_subject_and_the_preview_line_adds_news(
    example_brief: Brief, research: Research
) -> None:
    """ "Nee." or "2 jaar" as a subject reads as a broken mail; the preview line should not
    repeat the subject the body opens with."""
    data = example_brief.model_dump()
    data["facts"]["learn_first"] = "Nee."
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(brief, research, channels=["email"], variants=0)
    for draft in plan.drafts:
        subject = str(draft.document.meta["subject"])
        preheader = str(draft.document.meta["preheader"])
        assert subject.rstrip(".") != "Nee", draft.slug
        assert not preheader.startswith(subject.rstrip(".")), (draft.slug, subject, preheader)
        opening = inline_text(draft.document.blocks[1].spans)  # after "Hoi,"
        assert not any(s in preheader for s in sentences(opening)), (draft.slug, preheader)


def test_a_bare_yes_or_no_gets_its_question_and_never_opens(
    example_brief: Brief, research: Research
) -> None:
    data = example_brief.model_dump()
    data["facts"]["learn_first"] = "Nee."
    brief = Brief.model_validate(data, strict=False)
    plan = plan_campaign(brief, research, channels=["email", "linkedin"], variants=0)
    for draft in plan.drafts:
        plain = " ".join(body_text(draft.document).split())
        assert "? Nee." not in plain or "Kun je eerst leren en later gaan werken? Nee." in plain
        if draft.channel.name == "linkedin":  # a post has no room to say what a "no" costs
            assert "Nee." not in plain, draft.slug
        assert not plain.startswith("Eerst leren of meteen aan de slag?"), draft.slug
