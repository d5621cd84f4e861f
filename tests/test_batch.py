"""batch end to end on real CSV files, every output parsed back."""

from __future__ import annotations

import csv
import json
import mailbox
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.contacts.batch import MERGE_TAGS, run_batch, safe_filename
from mkbcopy.errors import TemplateError
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research

HEADER = "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n"
ROWS = [
    "Sanne;Jansen;sanne@example.nl;19;havo;scholier",
    "Ömer;Yılmaz;omer@example.nl;41;MBO-niveau 3;werkend",
    "Zoë;d'Hondt;zoe@example.nl;29;hbo;in loondienst",
    "Piet;Bakker;piet@example;40;mbo;werkend",  # invalid email
    "Kees;Dijk;SANNE@example.nl;22;wo;student",  # duplicate
    "Vera;Smit;vera@example.nl;50;vmbo;werkend",  # outside the research
    '=HYPERLINK("http://x");Evil;evil@example.nl;30;mbo 4;werkend',
    '"Eva\rBcc: x@evil.example";Hack;eva@example.nl;33;hbo;werkend',
    "../../etc;passwd;../../x@example.nl;33;hbo;werkend",
    "Joop;Zonder;joop@example.nl;;mbo;werkzoekend",  # no age: persona's general draft
]


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    path = tmp_path / "contacten.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n".join(ROWS) + "\r\n").encode("utf-8"))
    return path


@pytest.fixture
def result(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> tuple[Path, dict]:  # type: ignore[type-arg]
    out = tmp_path / "batch"
    run_batch(contacts, example_brief, research, out, per_recipient=True, merge_tags="brevo")
    return out, json.loads((out / "report.json").read_text())


def test_counts_add_up(result: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    out, report = result
    assert report["rows_read"] == len(ROWS)
    placed = sum(report["segments"].values())
    assert placed + report["rejected"] + report["duplicates"] == report["rows_read"]
    assert report["duplicates"] == 1
    rejects = list(csv.reader((out / "rejects.csv").open(encoding="utf-8-sig"), delimiter=";"))
    assert rejects[0][:2] == ["line", "reason"]
    assert len(rejects) - 1 == report["rejected"] + report["duplicates"]
    lines = {row[0]: row[1] for row in rejects[1:]}
    assert "invalid email" in lines["5"] and "duplicate" in lines["6"]
    assert report["segments"]["doelgerichte-doorstromer"] == 1  # Joop, no age


def test_segment_drafts_are_what_the_platform_imports(
    result: tuple[Path, dict],  # type: ignore[type-arg]
    example_brief: Brief,
) -> None:
    """HTML, text and campaign.json per segment; no .eml draft that one click sends."""
    out, report = result
    for segment in report["segments"]:
        folder = out / "segments" / segment
        assert sorted(p.name for p in folder.iterdir()) == [
            "brevo-campaign.json",
            "campaign.json",
            "contacts.csv",
            "email.html",
            "email.txt",
        ]
        html = (folder / "email.html").read_text(encoding="utf-8")
        assert MERGE_TAGS["brevo"] in (folder / "email.txt").read_text(encoding="utf-8")
        assert MERGE_TAGS["brevo"] in html
        campaign = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
        assert campaign["platform"] == "brevo" and campaign["segment"] == segment
        assert campaign["subject"] and campaign["preheader"]
        assert campaign["html"] == "email.html" and campaign["contacts"] == "contacts.csv"
        call = json.loads((folder / "brevo-campaign.json").read_text(encoding="utf-8"))
        assert call["htmlContent"] == html and call["subject"] == campaign["subject"]
        sender = {"name": example_brief.contact.name, "email": example_brief.contact.email}
        assert call["sender"] == sender
        assert "FILL IN" in call["recipients"]["listIds"][0]
        assert not {"abTesting", "winnerCriteria", "winnerDelay"} & set(call)
        with (folder / "contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == report["segments"][segment]
        assert list(rows[0]) == ["EMAIL", "FIRSTNAME", "LASTNAME", "PERSONA", "SEGMENT"]
        assert all(r["PERSONA"] and r["SEGMENT"].startswith(r["PERSONA"]) for r in rows)


def test_formula_cells_are_neutralised(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = tmp_path / "plain"
    run_batch(contacts, example_brief, research, out, merge_tags="plain")
    text = "".join(p.read_text(encoding="utf-8-sig") for p in out.glob("segments/*/contacts.csv"))
    assert "'=HYPERLINK" in text
    for line in text.splitlines():
        for cell in next(csv.reader([line], delimiter=";")):
            assert not cell.startswith(("=", "+", "-", "@"))


def test_every_recipient_eml_and_the_mbox_parse(
    result: tuple[Path, dict],  # type: ignore[type-arg]
) -> None:
    out, report = result
    placed = sum(report["segments"].values())
    files = sorted((out / "recipients").iterdir())
    assert len(files) == placed
    names = {}
    for path in files:
        assert path.parent == out / "recipients"
        raw = path.read_bytes()
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
        msg = BytesParser(policy=default).parsebytes(raw)
        assert msg["X-Unsent"] == "1" and msg["Bcc"] is None and not msg.defects
        address = msg["To"].addresses[0]
        plain = msg.get_body(("plain",))
        assert plain is not None
        names[address.addr_spec] = (address.display_name, plain.get_content().splitlines()[0])
    assert names["omer@example.nl"] == ("Ömer Yılmaz", "Hoi Ömer,")
    assert names["zoe@example.nl"] == ("Zoë d'Hondt", "Hoi Zoë,")
    assert names["eva@example.nl"][1] == "Hoi,"  # a header-like name is not used
    assert names["evil@example.nl"][1] == "Hoi,"  # nor a formula
    box = mailbox.mbox(str(out / "drafts.mbox"))
    assert len(box) == placed
    assert {m["To"].split("<")[-1].rstrip(">") for m in box} == set(names)


def test_file_names_cannot_leave_the_folder() -> None:
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert "/" not in safe_filename("a/b\\c")


def test_cli_batch_and_rerun(runner: CliRunner, contacts: Path, tmp_path: Path) -> None:
    out = tmp_path / "mailing"
    args = ["batch", str(contacts), "--example", "--out", str(out), "--merge-tags", "mailchimp"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "*|FNAME|*" in next(out.glob("segments/*/email.txt")).read_text(encoding="utf-8")
    again = runner.invoke(app, args)  # its own output is replaced, not refused
    assert again.exit_code == 0, again.output
    (out / "notes.txt").write_text("mine")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "notes.txt" in refused.stderr
    bad = runner.invoke(app, [*args, "--merge-tags", "hubspot"])
    assert bad.exit_code == 2


def test_not_a_csv_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = runner.invoke(app, ["batch", str(path), "--example", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.startswith("mkbcopy: error: ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_personal_drafts_carry_the_opt_out_and_the_address(
    result: tuple[Path, dict],  # type: ignore[type-arg]
    example_brief: Brief,
) -> None:
    out, _ = result
    url, address = example_brief.contact.unsubscribe, example_brief.contact.address
    assert url and address
    for path in sorted((out / "recipients").iterdir()):
        msg = BytesParser(policy=default).parsebytes(path.read_bytes())
        assert not msg.defects
        assert msg["List-Unsubscribe"].strip() == f"<{url}>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
        assert plain is not None and html is not None
        tail = plain.get_content().strip().splitlines()[-2:]
        assert tail == [
            f"Wil je deze e-mails niet meer krijgen? Meld je af ({url}).",
            f"{example_brief.organisation}, {address}",
        ]
        assert f'href="{url}"' in html.get_content() and address in html.get_content()
    for message in mailbox.mbox(str(out / "drafts.mbox")):
        assert message["List-Unsubscribe"].strip() == f"<{url}>"


@pytest.mark.parametrize(
    ("platform", "greeting", "unsubscribe", "address"),
    [
        ("mailchimp", "Hoi*|IF:FNAME|* *|FNAME|**|END:IF|*,", "*|UNSUB|*", "*|LIST:ADDRESSLINE|*"),
        (
            "brevo",
            "Hoi{% if contact.FIRSTNAME %} {{ contact.FIRSTNAME }}{% endif %},",
            "{{ unsubscribe }}",
            None,
        ),
        (
            "listmonk",
            "Hoi{{ if .Subscriber.Attribs.first_name }} "
            "{{ .Subscriber.Attribs.first_name }}{{ end }},",
            "{{ UnsubscribeURL }}",
            None,
        ),
        ("plain", "Hoi,", None, None),
    ],
)
def test_segment_drafts_use_the_platforms_tags(
    contacts: Path,
    tmp_path: Path,
    example_brief: Brief,
    research: Research,
    platform: str,
    greeting: str,
    unsubscribe: str | None,
    address: str | None,
) -> None:
    """A contact without a first name reads "Hoi,"; opt-out and address are the platform's."""
    out = tmp_path / "batch"
    report = run_batch(contacts, example_brief, research, out, merge_tags=platform)
    unsubscribe = unsubscribe or example_brief.contact.unsubscribe
    address = address or example_brief.contact.address
    for segment in report.segments:
        folder = out / "segments" / segment
        text = (folder / "email.txt").read_text(encoding="utf-8")
        assert text.splitlines()[0] == greeting
        assert text.strip().splitlines()[-2:] == [
            f"Wil je deze e-mails niet meer krijgen? Meld je af ({unsubscribe}).",
            f"{example_brief.organisation}, {address}",
        ]
        html = (folder / "email.html").read_text(encoding="utf-8")
        assert f'href="{unsubscribe}"' in html and f">{greeting}<" in html
        assert "MKBCOPY" not in html + text and "mkbcopy.invalid" not in html + text
        assert not (folder / "email.eml").exists()


def test_a_mailto_opt_out_has_no_one_click(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    mailto = "mailto:afmelden@hogeschoolrivierland.example?subject=afmelden"
    contact = example_brief.contact.model_copy(update={"unsubscribe": mailto})
    brief = example_brief.model_copy(update={"contact": contact})
    out = tmp_path / "batch"
    run_batch(contacts, brief, research, out, per_recipient=True, merge_tags="plain")
    for path in (out / "recipients").iterdir():
        msg = BytesParser(policy=default).parsebytes(path.read_bytes())
        assert msg["List-Unsubscribe"].strip() == f"<{mailto}>"
        assert msg["List-Unsubscribe-Post"] is None
        plain = msg.get_body(("plain",))
        assert plain is not None and f"Meld je af ({mailto})." in plain.get_content()


@pytest.mark.parametrize("drop", [("unsubscribe",), ("address",), ("unsubscribe", "address")])
def test_batch_without_opt_out_or_address_says_what_to_add(
    runner: CliRunner,
    contacts: Path,
    tmp_path: Path,
    write_brief: Callable[..., Path],
    example_data: dict,  # type: ignore[type-arg]
    drop: tuple[str, ...],
) -> None:
    contact = {k: v for k, v in example_data["contact"].items() if k not in drop}
    path = write_brief(contact=contact)
    out = tmp_path / "mailing"
    result = runner.invoke(app, ["batch", str(contacts), str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    line = path.read_text(encoding="utf-8").splitlines().index("contact:") + 1
    assert result.stderr.startswith(f"mkbcopy: error: {path}:{line}: contact: ")
    for key in drop:
        assert f"add {key}: (" in result.stderr or f"; {key}: (" in result.stderr
    assert not out.exists()
    check = runner.invoke(app, ["brief", "check", str(path)])
    for key in drop:
        assert f"contact: {key} is missing" in check.stderr


def test_a_template_without_the_opt_out_is_refused(
    contacts: Path, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    own = tmp_path / "mine" / "email"
    own.mkdir(parents=True)
    bundled = Path(__file__).parent.parent / "campaign_templates" / "email" / "template.md.j2"
    text = bundled.read_text(encoding="utf-8")
    (own / "template.md.j2").write_text(text.split("{% if unsubscribe %}")[0], encoding="utf-8")
    with pytest.raises(TemplateError, match="opt-out"):
        run_batch(contacts, example_brief, research, tmp_path / "o", templates=own.parent)


def test_batch_needs_a_brief_or_says_it_uses_the_example(
    runner: CliRunner, contacts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "mailing"
    bare = runner.invoke(app, ["batch", str(contacts), "--out", str(out)])
    assert bare.exit_code == 2 and "BRIEF" in bare.stderr and "--example" in bare.stderr
    assert not out.exists()
    tried = runner.invoke(app, ["batch", str(contacts), "--example", "--out", str(out)])
    assert tried.exit_code == 0, tried.output
    assert "bundled example brief" in tried.stderr and "do not send" in tried.stderr
    assert json.loads((out / "report.json").read_text())["example_brief"] is True


def test_placeholders_are_reported_and_strict_writes_nothing(
    runner: CliRunner, contacts: Path, tmp_path: Path, write_brief: Callable[..., Path]
) -> None:
    path = write_brief(drop=("costs", "salary"))
    out = tmp_path / "mailing"
    loose = runner.invoke(app, ["batch", str(contacts), str(path), "--out", str(out)])
    assert loose.exit_code == 0, loose.output
    report = json.loads((out / "report.json").read_text())
    assert "example_brief" not in report
    assert report["placeholders"], report
    for segment, facts in report["placeholders"].items():
        assert set(facts) <= {"costs", "salary"}
        text = (out / "segments" / segment / "email.txt").read_text(encoding="utf-8")
        assert "[AANVULLEN:" in text
    lines = loose.stdout.splitlines()
    assert lines[0].startswith("Wrote ") and "segment draft" in lines[0]
    for fact in ("costs", "salary"):  # one line per missing fact, with its segments
        mine = [line for line in lines if line.lstrip().startswith(f"{fact} ")]
        wanted = sorted(s for s, facts in report["placeholders"].items() if fact in facts)
        assert len(mine) == (1 if wanted else 0), loose.stdout
        if wanted:
            assert f"({len(wanted)} segment" in mine[0] and wanted[0] in mine[0]
    assert "report.json" in loose.stdout
    strict_out = tmp_path / "strict"
    args = ["batch", str(contacts), str(path), "--strict", "--out", str(strict_out)]
    strict = runner.invoke(app, args)
    assert strict.exit_code == 1
    assert (
        strict.stderr.startswith(f"mkbcopy: error: {path}: ") and "nothing written" in strict.stderr
    )
    assert strict.stderr.count("\n") == 1
    assert not strict_out.exists()
    complete = runner.invoke(app, [*args[:2], str(write_brief("full.yaml")), *args[3:]])
    assert complete.exit_code == 0, complete.output
    assert json.loads((strict_out / "report.json").read_text())["placeholders"] == {}
