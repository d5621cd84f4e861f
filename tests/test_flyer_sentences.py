"""The flyer keeps whole sentences: no fact ends mid-sentence in an ellipsis, none loses its
condition, whatever the brief or paper."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from mkbcopy.compose.campaign import plan_campaign, render_file
from mkbcopy.research.brief import FACT_KEYS, Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.research.qualifiers import sentences, whole_sentence_cut
from tests.test_flyer import _a5_templates, _long_brief

PLAIN = "Je leert elke week veel van je collega's op de werkvloer en van je docenten op school."


def _condition(key: str) -> str:
    return f"Stop je binnen {FACT_KEYS.index(key) + 2} maanden? Dan betaal je een deel terug."


def _qualified_brief(example_brief: Brief, write_brief: Callable[..., Path]) -> Brief:
    """Every fact long, with a pay-back in its middle and a plain sentence after it."""
    facts = {k: v for k, v in example_brief.facts.model_dump().items() if v}
    facts = {k: f"{v} {_condition(k)} {PLAIN}" for k, v in facts.items()}
    return load_brief(write_brief(facts=facts))


def test_a_cut_is_at_a_sentence_end_and_never_drops_a_condition() -> None:
    text = "Je werkt drie dagen. Je leert veel op school. Je hebt een coach."
    assert text[: whole_sentence_cut(text, 45)] == "Je werkt drie dagen. Je leert veel op school."
    assert whole_sentence_cut(text, 10) is None  # no whole sentence fits: leave it out
    paid = "Je werkgever betaalt. Stop je eerder? Dan betaal je terug. " + PLAIN
    assert whole_sentence_cut(paid, 40) is None


@pytest.mark.parametrize("paper", ["a4", "a5"])
@pytest.mark.parametrize("kind", ["example", "qualified", "long"])
def test_no_flyer_text_is_cut_inside_a_sentence(
    kind: str,
    paper: str,
    example_brief: Brief,
    research: Research,
    write_brief: Callable[..., Path],
    tmp_path: Path,
) -> None:
    brief = {
        "example": lambda: example_brief,
        "qualified": lambda: _qualified_brief(example_brief, write_brief),
        "long": lambda: _long_brief(write_brief),
    }[kind]()
    templates = _a5_templates(tmp_path) if paper == "a5" else None
    plan = plan_campaign(brief, research, channels=["flyer"], formats=["docx"], templates=templates)
    for draft in plan.drafts:
        flyer = docx.Document(io.BytesIO(render_file(draft, "docx", brief)))
        # The copy: paragraphs but the headline and the contact footer, and the facts
        # table (the call to action's table comes last).
        lines = [
            p.text
            for p in flyer.paragraphs
            if p.text
            and not p.style.name.startswith("Heading")
            and brief.contact.email not in p.text
        ] + [row.cells[-1].text for table in flyer.tables[:-1] for row in table.rows]
        page = " ".join(lines)
        for line in lines:
            assert "\u2026" not in line and line.rstrip()[-1:] in ".!?\"')", (draft.slug, line)
        for key in FACT_KEYS:
            value = getattr(brief.facts, key)
            if kind == "qualified" and value and sentences(value)[0] in page:
                assert _condition(key) in page, (draft.slug, key)
