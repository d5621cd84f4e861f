"""A/B variants: each tests one research hypothesis, deterministically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.compose.campaign import plan_campaign
from mkbcopy.compose.rendering import Draft
from mkbcopy.document import inline_text
from mkbcopy.errors import UsageError
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.text import render_text


def test_same_inputs_give_identical_variants(research: Research, example_brief: Brief) -> None:
    def texts() -> list[tuple[str, str | None, str]]:
        plan = plan_campaign(example_brief, research, variants=4, channels=["email", "x"])
        return [
            (d.slug, d.variant.label if d.variant else None, render_text(d.document))
            for d in plan.drafts
        ]

    first, second = texts(), texts()
    assert first == second
    assert len(first) == 3 * 2 * 4


def test_each_variant_leads_with_its_item_and_its_fact(
    research: Research, example_brief: Brief
) -> None:
    plan = plan_campaign(example_brief, research, variants=5, channels=["email"])
    for draft in plan.drafts:
        assert draft.variant is not None
        persona = research.persona(draft.persona)
        leads = draft.variant.leads_with
        covered = draft.motivators if draft.variant.kind == "motivator" else draft.drempels
        assert covered[0] == leads
        item = next(i for i in [*persona.motivators, *persona.drempels] if i.id == leads)
        # The opening asks the lead's question and answers it with the lead's fact.
        opening = inline_text(draft.document.blocks[1].spans)
        assert any(getattr(example_brief.facts, key) in opening for key in item.needs)
    per_persona: dict[str, list[Draft]] = {}
    for draft in plan.drafts:
        per_persona.setdefault(draft.persona, []).append(draft)
    for drafts in per_persona.values():
        assert len({d.variant.leads_with for d in drafts if d.variant}) == 5
        # Variants differ in substance: subject, preheader and opening are their own.
        for part in ("subject", "preheader"):
            assert len({d.document.meta[part] for d in drafts}) >= 4, part
        openings = {inline_text(d.document.blocks[1].spans) for d in drafts}
        assert len(openings) >= 4


def test_manifest_and_links_carry_the_hypothesis(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["generate", "-o", str(out), "--variants", "2", "-c", "linkedin", "--no-lint"]
    assert runner.invoke(app, args).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert entry["variant"] in ("A", "B")
        assert entry["path"].endswith(f"linkedin--{entry['variant']}.txt")
        text = (out / entry["path"]).read_text(encoding="utf-8")
        assert f"utm_content={entry['persona']}--{entry['variant']}" in text
        assert entry["leads_with"] in entry["motivators"] + entry["drempels"]


def test_variant_count_is_checked(research: Research, example_brief: Brief) -> None:
    with pytest.raises(UsageError, match="2 to 5"):
        plan_campaign(example_brief, research, variants=6)


def test_batch_split_is_even_and_seeded(runner: CliRunner, tmp_path: Path) -> None:
    rows = ["Voornaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie"]
    rows += [f"N{i};c{i}@example.org;{20 + i % 30};havo;werkend" for i in range(301)]
    contacts = tmp_path / "c.csv"
    contacts.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def run(name: str, seed: str) -> tuple[dict, dict[str, str]]:  # type: ignore[type-arg]
        out = tmp_path / name
        args = [
            "batch",
            str(contacts),
            "--example",
            "-o",
            str(out),
            "--variants",
            "3",
            "--seed",
            seed,
        ]
        result = runner.invoke(app, [*args, "--merge-tags", "brevo"])
        assert result.exit_code == 0, result.output
        report = json.loads((out / "report.json").read_text())
        assigned = {}
        for path in out.glob("segments/*/*/contacts.csv"):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    assert row["VARIANT"] == path.parent.name
                    assigned[row["EMAIL"]] = row["VARIANT"]
        return report, assigned

    report, first = run("a", "7")
    for segment, counts in report["variants"].items():
        assert sum(counts.values()) == report["segments"][segment]
        assert max(counts.values()) - min(counts.values()) <= 1
    # Brevo's A/B test varies only the subject: each variant is its own campaign instead,
    # every variant's body present, and no A/B fields that would split the list again.
    segment = next((tmp_path / "a" / "segments").iterdir())
    assert not list((tmp_path / "a").glob("segments/*/brevo-ab-test.json"))
    calls = [json.loads((segment / v / "brevo-campaign.json").read_text()) for v in "ABC"]
    assert len({c["subject"] for c in calls}) == 3
    assert len({c["htmlContent"] for c in calls}) == 3
    assert all("abTesting" not in c and "FILL IN" in c["recipients"]["listIds"][0] for c in calls)
    for label in "ABC":
        campaign = json.loads((segment / label / "campaign.json").read_text())
        assert campaign["variant"] == label and campaign["leads_with"]
    _, again = run("b", "7")
    _, other = run("c", "8")
    assert first == again
    assert first != other
