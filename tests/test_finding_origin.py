"""Where a finding's sentence comes from: a word the brief holds is the brief's to fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.checks.findings import sentence_origin
from mkbcopy.checks.lint import LintReport
from mkbcopy.checks.rules import RuleResult
from mkbcopy.checks.spelling import unavailable_reason
from mkbcopy.cli import app
from mkbcopy.i18n import N_
from mkbcopy.research.brief import Brief

TESTIMONIAL = '"Ze leveren vanaf week 1." (Tom Wessels, direkteur van Datalab)'
SPELLING = N_("'%(word)s' is not in the Dutch dictionary or the word list")


def _origin(brief: Brief, word: str, excerpt: str, channel: str = "flyer") -> str | None:
    result = RuleResult()
    result.add("spelling", "error", SPELLING, excerpt, word=word)
    report = LintReport(path=None, channel=channel, findings=tuple(result.findings))
    return sentence_origin(result.findings[0], brief, report, "en")


def _with_testimonial(brief: Brief) -> Brief:
    facts = brief.facts.model_copy(update={"employer_testimonial": TESTIMONIAL})
    return brief.model_copy(update={"facts": facts, "organisation": "Datalab Twentte BV"})


def test_a_word_from_a_fact_is_the_brief_s_even_in_a_sentence_the_template_rearranged(
    example_brief: Brief,
) -> None:
    brief = _with_testimonial(example_brief)
    # The flyer quotes the attribution on its own line, without the fact's quote marks.
    origin = _origin(brief, "direkteur", "– Tom Wessels, direkteur van Datalab")
    assert origin == "the brief's facts: employer_testimonial"
    # A word from a name or field of the brief is the brief's too.
    origin = _origin(brief, "Twentte", "Werk bij Twentte, zegt de flyer.")
    assert origin == "a sentence mkbcopy builds from the brief's organisation"
    # A word the brief does not hold is the template's; a part of a brief word is not it.
    assert _origin(brief, "direk", "Een direk woord.") == (
        "the template's own text (flyer: mkbcopy templates show flyer)"
    )


@pytest.mark.skipif(unavailable_reason() is not None, reason="needs hunspell-nl")
def test_generate_attributes_a_misspelling_in_the_testimonial_to_the_brief(
    write_brief: Callable[..., Path], example_data: dict[str, object], tmp_path: Path
) -> None:
    facts = dict(example_data["facts"])  # type: ignore[call-overload]
    facts["employer_testimonial"] = TESTIMONIAL
    brief = write_brief(facts=facts)
    args = ["generate", str(brief), "-o", str(tmp_path / "out"), "-c", "flyer", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    found = [f for f in json.loads(result.stdout)["findings"] if "direkteur" in f["message"]]
    assert found, json.loads(result.stdout)["findings"]
    assert {f["origin"] for f in found} == {"the brief's facts: employer_testimonial"}
