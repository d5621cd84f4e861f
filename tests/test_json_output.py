"""--json through the real CLI: only JSON on stdout, in the shape README documents."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.research.personas import Research


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


CONTACTS = (
    "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n"
    "Sanne;Jansen;sanne@example.nl;19;havo;scholier\r\n"
    "Ömer;Yılmaz;omer@example.nl;41;MBO-niveau 3;werkend\r\n"
    "Zoë;d'Hondt;zoe@example.nl;29;hbo;in loondienst\r\n"
    "Piet;Bakker;piet@example;40;mbo;werkend\r\n"
    "Kees;Dijk;SANNE@example.nl;22;wo;student\r\n"
)


def _contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacten.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    return path


def test_segment_counts_add_up(research: Research, tmp_path: Path) -> None:
    contacts = _contacts(tmp_path)
    report = _json(["segment", str(contacts)])
    assert report["contacts"] == str(contacts) and report["out"] is None
    assert report["rows_read"] == 5 and report["duplicates"] == 1 and report["rejected"] == 1
    assert report["rows_read"] == report["placed"] + report["rejected"] + report["duplicates"]
    assert [p["id"] for p in report["personas"]] == [p.id for p in research.personas]
    assert sum(p["contacts"] for p in report["personas"]) == report["placed"]
    for persona in report["personas"]:
        assert sum(s["contacts"] for s in persona["subgroups"]) == persona["contacts"]
        assert persona["subgroups"][-1]["id"] is None  # no age: the general draft
    assert sum(report["reasons"].values()) == report["rejected"] + report["duplicates"]
    written = _json(["segment", str(contacts), "--out", str(tmp_path / "p.csv")])
    assert written["out"] == str(tmp_path / "p.csv") and (tmp_path / "p.csv").is_file()


def test_batch_prints_what_report_json_holds(tmp_path: Path) -> None:
    out = tmp_path / "b"
    report = _json(["batch", str(_contacts(tmp_path)), "--example", "-o", str(out)])
    on_disk = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["out"] == str(out) and isinstance(report["notices"], list)
    assert {k: v for k, v in report.items() if k not in ("out", "notices")} == on_disk
    assert sum(report["segments"].values()) + report["rejected"] + report["duplicates"] == 5


def test_templates_list_and_check() -> None:
    listed = _json(["templates", "list"])
    by_name = {c["channel"]: c for c in listed}
    assert {"flyer", "email", "x"} <= set(by_name)
    assert by_name["x"]["counting"] == "x" and by_name["x"]["builtin"] is True
    assert by_name["email"]["subject_limit"] and "eml" in by_name["email"]["formats"]
    assert all(c["problem"] is None for c in listed)
    checked = _json(["templates", "check"])
    assert checked["ok"] is True and checked["errors"] == 0 and checked["templates"] is None


def test_templates_check_lists_each_problem(tmp_path: Path) -> None:
    (tmp_path / "post").mkdir()
    (tmp_path / "post" / "template.md.j2").write_text(
        "{#- mkbcopy\nformats: [txt]\n-#}\n{{ cta.txt }}\n", encoding="utf-8"
    )
    checked = _json(["templates", "check", str(tmp_path)], exit_code=1)
    assert checked["ok"] is False and checked["errors"] == 1
    (problem,) = checked["problems"]
    assert problem["line"] == 4 and problem["severity"] == "error"
    assert problem["source"] == "{{ cta.txt }}" and "did you mean 'text'?" in problem["message"]


def test_generate_json_counts_what_the_summary_and_the_manifest_say(
    write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("salary", "travel"))
    data = _json(["--lang", "nl", "generate", str(brief), "-o", str(tmp_path / "j")])
    assert set(data) == {
        "out",
        "drafts",
        "files",
        "missing_facts",
        "left_out",
        "lint",
        "spelling_checked",
        "findings",
        "notes",
        "warnings",
        "preview",
    }
    manifest = json.loads((tmp_path / "j" / "manifest.json").read_text(encoding="utf-8"))
    assert data["files"] == [e["path"] for e in manifest["files"]]
    assert [m["key"] for m in data["missing_facts"]] == list(manifest["missing_facts"])
    assert all(m["drafts"] and m["question"].endswith("?") for m in data["missing_facts"])
    assert data["lint"]["drafts"] == data["drafts"] == 18
    # The terminal's summary counts the same drafts and findings.
    shown = CliRunner().invoke(app, ["generate", str(brief), "-o", str(tmp_path / "t")])
    counts = data["lint"]
    assert shown.stdout.splitlines()[1] == (
        f"lint: {counts['drafts']} drafts, {counts['errors']} error"
        f"{'' if counts['errors'] == 1 else 's'}, {counts['warnings']} warning"
        f"{'' if counts['warnings'] == 1 else 's'}, {counts['hints']} hint"
        f"{'' if counts['hints'] == 1 else 's'}"
    )
    for finding in data["findings"]:
        assert finding["severity"] in ("error", "warning") and finding["drafts"]
        assert finding["rule"] != "placeholder"  # listed per fact under missing_facts
    # --json is English whatever --lang says: a stable shape for scripts.
    texts = [f["message"] for f in data["findings"]] + [f["origin"] or "" for f in data["findings"]]
    assert not any("zin van" in t or "de brief" in t for t in texts)


def test_generate_json_without_lint_and_with_the_preview(tmp_path: Path) -> None:
    args = ["generate", "-c", "x", "-o", str(tmp_path / "o"), "--no-lint", "--preview"]
    data = _json(args)
    assert data["lint"] is None and data["spelling_checked"] is None and data["findings"] == []
    assert data["preview"] == str(tmp_path / "o" / "index.html")
    assert (tmp_path / "o" / "index.html").is_file()


def test_generate_names_the_facts_an_email_had_no_room_for(
    write_brief: Callable[..., Path], tmp_path: Path, example_data: dict[str, Any]
) -> None:
    facts = dict(example_data["facts"])
    costs = (f"In jaar {n} kost het {n}00 euro als je stopt." for n in range(1, 30))
    facts["costs"] = " ".join(costs)
    brief = write_brief(facts=facts)
    data = _json(["generate", str(brief), "-o", str(tmp_path / "j"), "-c", "email", "--no-lint"])
    left = {entry["key"]: entry["drafts"] for entry in data["left_out"]}
    assert "doelgerichte-doorstromer/email" in left["costs"]
    shown = CliRunner().invoke(app, ["generate", str(brief), "-o", str(tmp_path / "t")])
    assert "No room for these facts" in shown.output and "costs" in shown.output
