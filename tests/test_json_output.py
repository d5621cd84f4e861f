"""--json through the real CLI: only JSON on stdout, in the shape README documents."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.personas import Research


def _json(args: list[str], exit_code: int = 0) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)  # fails on anything else on stdout


def test_personas_list_and_show(research: Research) -> None:
    listed = _json(["personas", "list"])
    assert [p["id"] for p in listed] == [p.id for p in research.personas]
    first = research.personas[0]
    assert listed[0] == {
        "id": first.id,
        "name": first.name,
        "share": first.share,
        "motivators": [m.id for m in first.motivators],
        "drempels": [d.id for d in first.drempels],
        "subgroups": [s.id for s in first.subgroups],
    }
    shown = _json(["personas", "show", first.id])
    assert shown["id"] == first.id and shown["share"] == first.share
    assert [m["id"] for m in shown["motivators"]] == listed[0]["motivators"]
    assert {"title", "guidance", "needs"} <= set(shown["motivators"][0])
    assert {"employment", "age", "education", "sectors"} <= set(shown["profile_bar"])


def test_brief_check(write_brief: Callable[..., Path]) -> None:
    complete = write_brief()
    report = _json(["brief", "check", str(complete)])
    assert report["brief"] == str(complete) and report["complete"] is True
    assert report["missing"] == []
    for gap in report["batch_missing"]:  # the test brief may leave out batch's two fields
        assert gap["key"] in ("contact.unsubscribe", "contact.address") and gap["why"]
    lacking = write_brief(name="lacking.yaml", drop=("travel",))
    report = _json(["brief", "check", str(lacking)], exit_code=1)
    assert report["complete"] is False and report["missing"]
    for gap in report["missing"]:
        assert gap["fact"] == "travel" and gap["question"] == "hoe ver moet je reizen?"
        assert set(gap) == {"persona", "fact", "question", "needed_by"} and gap["needed_by"]


def test_coverage_agrees_with_the_csv(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert runner.invoke(app, ["generate", "-o", str(out), "-c", "x", "--no-lint"]).exit_code == 0
    report = _json(["coverage", str(out)])
    assert report["channels"] == ["x"] and report["csv"] == str(out / "coverage.csv")
    rows = list(csv.DictReader((out / "coverage.csv").open(encoding="utf-8")))
    assert len(report["items"]) == len(rows)
    for item, row in zip(report["items"], rows, strict=True):
        for key in ("persona", "kind", "id"):
            assert item[key] == row[key]
        assert item["channels"] == {"x": row["x"] == "x"}
        assert item["addressed"] == any(item["channels"].values())
    assert report["unaddressed"] == sum(not item["addressed"] for item in report["items"])
