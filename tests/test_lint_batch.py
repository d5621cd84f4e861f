"""lint and preview on a `batch` folder: segment emails are drafts, merge tags are no words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.checks.lint import Finding, lint_draft, lint_paths
from mkbcopy.checks.mergetags import strip_merge_tags
from mkbcopy.checks.spelling import unavailable_reason
from mkbcopy.cli import app
from mkbcopy.contacts.batch import run_batch
from mkbcopy.contacts.platforms import PLATFORMS
from mkbcopy.document import parse_document
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research

needs_hunspell = pytest.mark.skipif(
    unavailable_reason() is not None, reason="spelling checks need hunspell-nl"
)

ROWS = [
    "Sanne;Jansen;sanne@example.nl;19;havo;scholier",
    "Ömer;Yılmaz;omer@example.nl;41;MBO-niveau 3;werkend",
    "Zoë;d'Hondt;zoe@example.nl;29;hbo;in loondienst",
    "Joop;Zonder;joop@example.nl;;mbo;werkzoekend",
]


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacten.csv"
    header = "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie"
    path.write_text("\n".join([header, *ROWS]) + "\n", encoding="utf-8")
    return path


def _words(findings: Iterable[Finding]) -> set[object]:
    """The words spelling and shouting flagged."""
    return {
        f.said.params.get("word")
        for f in findings
        if f.rule in ("spelling", "capitals") and f.said is not None
    }


def test_every_platforms_tags_are_stripped() -> None:
    """The pattern knows every tag platforms.py writes, so no part of one is left."""
    for platform in PLATFORMS.values():
        tags = [platform.first_name, platform.greeting, platform.unsubscribe, platform.address]
        for tag in filter(None, tags):
            assert " ".join(strip_merge_tags(f"Hoi{tag}, lees dit.").split()) in (
                "Hoi, lees dit.",
                "Hoi , lees dit.",
            )


@needs_hunspell
def test_merge_tags_and_postcodes_are_no_words() -> None:
    greetings = " ".join(p.greeting for p in PLATFORMS.values() if p.greeting)
    footers = " ".join(filter(None, (p.unsubscribe for p in PLATFORMS.values())))
    text = (
        f"Hoi{greetings},\n\nJe leert op school en je werkt in het ziekenhuis.\n\n"
        f"Meld je af: {footers}. Hogeschool Zuidkust, Kade 1, 1234 NW Vlissingen.\n"
    )
    findings = lint_draft(parse_document(text), None)
    assert _words(findings) == set(), findings
    # A real misspelling beside them is still found.
    wrong = lint_draft(parse_document(text.replace("ziekenhuis", "ziekenhuiz")), None)
    assert any(f.rule == "spelling" for f in wrong)


@needs_hunspell
@pytest.mark.parametrize("platform", ["brevo", "mailchimp", "listmonk"])
def test_lint_and_preview_count_segment_drafts(
    platform: str,
    contacts: Path,
    tmp_path: Path,
    example_brief: Brief,
    research: Research,
    runner: CliRunner,
) -> None:
    out = tmp_path / "batch"
    report = run_batch(contacts, example_brief, research, out, merge_tags=platform)
    segments = len(report.segments)
    assert segments >= 2
    reports = lint_paths([out])
    assert len(reports) == 2 * segments  # email.html and email.txt per segment
    for r in reports:
        words = _words(r.findings)
        assert not words & {"if", "endif", "FIRSTNAME", "FNAME", "unsubscribe", "UNSUB"}, words
    linted = runner.invoke(app, ["lint", str(out)])
    per_draft = re.search(r"per draft in .*: (\d+) drafts?, (\d+) errors?", linted.output)
    assert per_draft is not None, linted.output
    assert int(per_draft.group(1)) == segments
    shown = runner.invoke(app, ["preview", str(out), "-v"])
    assert shown.exit_code == 0, shown.output
    page = re.search(r"The page shows (\d+) drafts? from (\d+) files?: (\d+) errors?", shown.output)
    assert page is not None, shown.output
    assert (int(page.group(1)), int(page.group(2))) == (segments, 2 * segments)
    assert page.group(3) == per_draft.group(2)  # the same errors, counted the same way
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("Je leert op school") >= segments or segments == 0
