"""Each platform's import files, read back as its importer reads them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.contacts.batch import run_batch
from mkbcopy.contacts.names import greeting_name, suspicious_name
from mkbcopy.contacts.platforms import segment_label
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research

HEADER = "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n"
ROWS = [
    "Sanne;Jansen;sanne@example.nl;19;havo;scholier",
    "Ömer;Yılmaz;omer@Bäcker.NL;41;MBO-niveau 3;werkend",
    "Zoë;d'Hondt;zoe@example.nl;29;hbo;in loondienst",
    '=HYPERLINK("http://x");Evil;evil@example.nl;30;mbo 4;werkend',
    ";Zonder;joop@example.nl;;mbo;werkzoekend",
    "Kim;Test;kim@example.test;30;mbo;werkend",  # a special-use domain
]


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacten.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n".join(ROWS) + "\r\n").encode("utf-8"))
    return path


def read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def rows_of(out: Path, delimiter: str = ",") -> list[dict[str, str]]:
    return [r for p in sorted(out.glob("segments/**/contacts.csv")) for r in read(p, delimiter)]


def run(contacts: Path, tmp_path: Path, brief: Brief, research: Research, platform: str) -> Path:
    out = tmp_path / platform
    run_batch(contacts, brief, research, out, merge_tags=platform, per_recipient=True)
    return out


def test_mailchimp_columns_are_its_default_fields_with_tags(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    rows = rows_of(run(contacts, tmp_path, example_brief, research, "mailchimp"))
    assert list(rows[0]) == ["Email Address", "First Name", "Last Name", "Tags"]
    by_email = {r["Email Address"]: r for r in rows}
    assert by_email["omer@xn--bcker-gra.nl"]["First Name"] == "Ömer"
    assert by_email["evil@example.nl"]["First Name"] == ""  # greeted "Hoi,"
    persona, segment = by_email["sanne@example.nl"]["Tags"].split(",")
    assert segment.startswith(persona)
    assert "kim@example.test" not in by_email


def test_brevo_columns_are_its_attributes(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    rows = rows_of(run(contacts, tmp_path, example_brief, research, "brevo"))
    assert list(rows[0]) == ["EMAIL", "FIRSTNAME", "LASTNAME", "PERSONA", "SEGMENT"]
    assert {r["EMAIL"]: r["FIRSTNAME"] for r in rows}["zoe@example.nl"] == "Zoë"


def test_listmonk_reads_email_name_and_json_attributes(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    rows = rows_of(run(contacts, tmp_path, example_brief, research, "listmonk"))
    assert list(rows[0]) == ["email", "name", "attributes"]
    by_email = {r["email"]: r for r in rows}
    assert by_email["zoe@example.nl"]["name"] == "Zoë d'Hondt"
    assert by_email["evil@example.nl"]["name"] == "Evil"  # the last name only
    assert json.loads(by_email["evil@example.nl"]["attributes"])["first_name"] == ""
    assert json.loads(by_email["zoe@example.nl"]["attributes"])["first_name"] == "Zoë"
    for row in rows:
        attributes = json.loads(row["attributes"])
        assert set(attributes) == {"first_name", "persona", "segment"}
        assert attributes["segment"].startswith(attributes["persona"])


def test_plain_keeps_the_list_and_adds_persona_and_segment(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    rows = rows_of(run(contacts, tmp_path, example_brief, research, "plain"), ";")
    assert list(rows[0]) == [*HEADER.strip().split(";"), "persona", "segment"]


def test_suspicious_first_names_are_reported_and_not_greeted(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = run(contacts, tmp_path, example_brief, research, "brevo")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["suspicious_names"] == [
        {"line": 5, "reason": "starts with '=' like a spreadsheet formula"}
    ]
    evil = next(p for p in (out / "recipients").iterdir() if "evil" in p.name)
    assert b"HYPERLINK" not in evil.read_bytes()


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("Sanne", False),
        ("Anne-Marie", False),
        ("D'Angelo", False),
        ("Zoë", False),
        ("José María", False),
        ("", False),
        ('=HYPERLINK("http://x")', True),
        ("+31612345678", True),
        ("-1", True),
        ("@sanne", True),
        ("<script>alert(1)</script>", True),
        ("<b>Jan</b>", True),
        ("*|FNAME|*", True),
        ("{{ contact.FIRSTNAME }}", True),
        ("Evil Bcc: victim@example.org", True),
        ("Eva\rBcc: x@evil.example", True),
        ("Subject: gratis", True),
        ("jan@example.nl", True),
    ],
)
def test_suspicious_name(name: str, flagged: bool) -> None:
    assert (suspicious_name(name) is not None) == flagged
    assert greeting_name(name) == ("" if flagged else name)


@pytest.mark.parametrize("subgroup", ["35+", "16-34", "1/2", "3-4", "hbo", None])
def test_segment_labels_stay_text_in_a_spreadsheet(subgroup: str | None) -> None:
    """A spreadsheet reads `35+` as 35 and `16-34` as a date; a label starts with the
    persona id, a word, and then with `--`, which no number or date format holds."""
    label = segment_label("werkende-vakkracht", subgroup)
    assert label[0].isalpha() and label.startswith("werkende-vakkracht")
    assert segment_label("35plus", subgroup)[0].isalpha()
    assert segment_label("3", "35+") == "segment 3--35+"


def test_the_summary_names_the_suspicious_lines(
    runner: CliRunner, contacts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "mailing"
    result = runner.invoke(app, ["batch", str(contacts), "--example", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 contact has a first name that looks like a formula" in result.stderr
    assert "(line 5)" in result.stderr
