"""The built-in templates with the example brief meet the B1 targets of the copy issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkbcopy.checks.lint import lint_document
from mkbcopy.checks.spelling import find_dictionary, misspelled
from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research


def _drafts(research: Research, brief: Brief):  # type: ignore[no-untyped-def]
    plans = [plan_campaign(brief, research)]
    subgroups = sorted({s.id for p in research.personas for s in p.subgroups})
    plans += [plan_campaign(brief, research, subgroup=s) for s in subgroups]
    plans.append(plan_campaign(brief, research, variants=5))
    return [d for plan in plans for d in plan.drafts]


@pytest.fixture(scope="module")
def reports(research: Research, example_brief: Brief):  # type: ignore[no-untyped-def]
    return [
        (d, lint_document(d.document, d.channel, path=Path(f"{d.slug}/{d.channel.name}")))
        for d in _drafts(research, example_brief)
    ]


@pytest.mark.slow
def test_b1_readability_for_email_and_flyer(reports) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for draft, report in reports:
        if draft.channel.name not in ("email", "flyer"):
            continue
        stats = report.readability
        assert stats is not None
        where = f"{draft.slug}/{draft.channel.name} {draft.variant}"
        assert stats.score >= 65, where
        assert stats.average_words <= 15, where
        assert stats.longest is None or stats.longest.words <= 20, (where, stats.longest)
        checked += 1
    assert checked >= 2 * (3 + 6 + 15)


@pytest.mark.slow
def test_no_errors_or_warnings_in_any_builtin_draft(reports) -> None:  # type: ignore[no-untyped-def]
    for draft, report in reports:
        bad = [f for f in report.findings if f.severity in ("error", "warning")]
        assert bad == [], (draft.slug, draft.channel.name, bad)
        assert draft.warnings == []


@pytest.mark.slow
def test_no_spelling_errors(reports) -> None:  # type: ignore[no-untyped-def]
    if find_dictionary() is None or misspelled(["huis"]) is None:
        pytest.skip(
            "hunspell with hunspell-nl is not installed (apt-get install hunspell hunspell-nl)"
        )
    for draft, report in reports:
        assert report.spelling_checked, draft.slug
        assert [f for f in report.findings if f.rule == "spelling"] == []
