from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from mkbcopy.checks.coverage import compute_coverage
from mkbcopy.cli import app
from mkbcopy.research.brief import load_brief
from mkbcopy.research.gaps import brief_gaps
from mkbcopy.research.personas import Research


def test_coverage_matches_what_was_rendered(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert runner.invoke(app, ["generate", "-o", str(out), "-c", "x", "-c", "email"]).exit_code == 0
    result = runner.invoke(app, ["coverage", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "coverage.csv").open(encoding="utf-8")))
    manifest = json.loads((out / "manifest.json").read_text())
    for row in rows:
        for channel in ("x", "email"):
            rendered = any(
                row["id"] in e[f"{row['kind']}s"]
                for e in manifest["files"]
                if e["persona"] == row["persona"] and e["channel"] == channel
            )
            assert (row[channel] == "x") == rendered
    # coverage.csv is ours now: generating again into OUT is allowed.
    assert runner.invoke(app, ["generate", "-o", str(out), "-c", "x"]).exit_code == 0
    assert "coverage.csv" in json.loads((out / "manifest.json").read_text())["extras"]


def test_unaddressed_items_are_flagged(research: Research) -> None:
    manifest = {
        "files": [
            {
                "persona": "doelgerichte-doorstromer",
                "channel": "x",
                "motivators": ["kosten"],
                "drempels": [],
            }
        ]
    }
    coverage = compute_coverage(manifest, research)
    gaps = {row.id for row in coverage.gaps()}
    persona = research.persona("doelgerichte-doorstromer")
    assert gaps == {m.id for m in persona.motivators if m.id != "kosten"} | {
        d.id for d in persona.drempels
    }


def test_brief_gaps_group_by_persona(
    write_brief: Callable[..., Path], research: Research, runner: CliRunner
) -> None:
    path = write_brief(drop=("travel", "guidance"))
    gaps = brief_gaps(load_brief(path), research)
    assert {(g.persona, g.fact) for g in gaps} == {
        ("doelgerichte-doorstromer", "travel"),
        ("nieuwsgierige-student", "guidance"),
    }
    travel = next(g for g in gaps if g.fact == "travel")
    assert "motivator 'Werkgever'" in map(str, travel.needed_by)
    assert "drempel 'reisafstand'" in map(str, travel.needed_by)
    result = runner.invoke(app, ["brief", "check", str(path)])
    assert result.exit_code == 1
    assert "travel: hoe ver moet je reizen?" in result.stdout
    complete = runner.invoke(app, ["brief", "check", str(write_brief(name="full.yaml"))])
    assert complete.exit_code == 0


def test_placeholders_do_not_cover_an_item(
    write_brief: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    """A draft whose only line about begeleiding is '[AANVULLEN: ...]' does not address it."""
    out = tmp_path / "o"
    brief = write_brief(drop=("guidance",))
    args = ["generate", str(brief), "-o", str(out), "-p", "nieuwsgierige-student"]
    assert runner.invoke(app, [*args, "-c", "flyer", "-c", "email"]).exit_code == 0
    result = runner.invoke(app, ["coverage", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    item = next(i for i in report["items"] if i["id"] == "begeleiding")
    assert item["channels"] == {"flyer": False, "email": False}
    assert not item["addressed"] and item["waiting_for_brief"]
    assert report["waiting_for_brief"] == sum(i["waiting_for_brief"] for i in report["items"])
    assert report["waiting_for_brief"] >= 1 and report["unaddressed"] >= 1
    rows = list(csv.DictReader((out / "coverage.csv").open(encoding="utf-8")))
    row = next(r for r in rows if r["id"] == "begeleiding")
    assert (row["addressed"], row["waiting_for_brief"]) == ("NO", "yes")
    text = runner.invoke(app, ["coverage", str(out)])
    assert "waiting for the brief" in text.output
    assert runner.invoke(app, ["preview", str(out)]).exit_code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("wacht op de brief") == report["waiting_for_brief"]
    # With the fact, the same drafts address it.
    full = tmp_path / "full"
    brief = write_brief(name="full.yaml")
    args = ["generate", str(brief), "-o", str(full), "-p", "nieuwsgierige-student"]
    assert runner.invoke(app, [*args, "-c", "flyer", "-c", "email"]).exit_code == 0
    report = json.loads(runner.invoke(app, ["coverage", str(full), "--json"]).stdout)
    item = next(i for i in report["items"] if i["id"] == "begeleiding")
    assert item["addressed"] and not item["waiting_for_brief"]
