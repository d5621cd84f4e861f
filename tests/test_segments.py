"""Segmenting whole contact lists: the files it writes, counts, rejects and duplicates."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from mkbcopy.contacts.reading import open_contacts
from mkbcopy.contacts.segments import (
    SeenEmails,
    rejects_path_for,
    segment_blocks,
    segment_contacts,
    segment_rows,
)
from mkbcopy.errors import InputError, OutputError
from mkbcopy.research.personas import Research

TODAY = date(2025, 6, 1)
STUDENT = "nieuwsgierige-student"
DOORSTROMER = "doelgerichte-doorstromer"
ZIJ = "onafhankelijke-zij-instromer"


# ---------------------------------------------------------------- whole files

MIXED = (
    "\ufeffVoornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n"
    "Zoë;de Vries;zoe@example.nl;22;mbo 4;werkend\r\n"  # 2 doorstromer 16-34
    "Henk;Bakker;henk@example.nl;48;havo;werkzoekend\r\n"  # 3 doorstromer 35+
    "Sara;Jansen;sara@example.nl;29;hbo;zzp'er\r\n"  # 4 zij-instromer 16-34
    "Ömer;Yilmaz;omer@example.nl;;wo;in loondienst\r\n"  # 5 zij-instromer, no age
    "Lisa;Smit;lisa@example.nl;19;hbo;student\r\n"  # 6 student hbo
    "Tim;Mulder;tim@example.nl;17;havo;scholier\r\n"  # 7 student havo-vwo-mbo
    "Kees;Visser;kees@example.nl;30;vmbo;werkend\r\n"  # 8 vmbo: outside
    "Anna;de Boer;anna.example.nl;25;hbo;werkend\r\n"  # 9 invalid email
    "Zoë;de Vries;ZOE@example.nl;22;mbo 4;werkend\r\n"  # 10 duplicate of 2
    "Piet;Kok;piet@example.nl;40;hbo;\r\n"  # 11 no status
    '"=HYPERLINK(""http://evil.example"",""klik"")";Hack;hack@example.nl;40;hbo;werkend\r\n'
    ";;;;;\r\n"  # 13 blank: not a contact
    "Bram;Wit;bram@example.nl;14;vwo;scholier\r\n"  # 14 too young
)


def read_csv(path: Path) -> tuple[bytes, list[list[str]]]:
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    return data, list(csv.reader(text.splitlines(), delimiter=";"))


def test_segment_contacts_writes_placed_and_rejected(research: Research, tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(MIXED, encoding="utf-8")
    out = tmp_path / "uit" / "segmented.csv"
    summary = segment_contacts(source, research, out, today=TODAY)

    assert summary.rows_read == 12
    assert summary.placed + summary.rejected + summary.duplicates == summary.rows_read
    assert summary.placed == 7 and summary.rejected == 4 and summary.duplicates == 1
    assert summary.by_persona == {DOORSTROMER: 2, ZIJ: 3, STUDENT: 2}
    assert summary.by_subgroup == {
        (DOORSTROMER, "16-34"): 1,
        (DOORSTROMER, "35+"): 1,
        (ZIJ, "16-34"): 1,
        (ZIJ, None): 1,
        (ZIJ, "35+"): 1,
        (STUDENT, "hbo"): 1,
        (STUDENT, "havo-vwo-mbo"): 1,
    }
    assert sum(summary.by_subgroup.values()) == summary.placed
    assert summary.share(ZIJ) == pytest.approx(3 / 7)
    assert sum(summary.share(p.id) for p in research.personas) == pytest.approx(1.0)
    assert summary.subgroup_share(ZIJ, None) == pytest.approx(1 / 7)
    assert summary.reasons == {
        "outside the research's groups": 2,
        "invalid email": 1,
        "cannot be placed": 1,
        "duplicate email": 1,
    }

    data, rows = read_csv(out)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert rows[0] == [
        "Voornaam",
        "Achternaam",
        "E-mailadres",
        "Leeftijd",
        "Opleidingsniveau",
        "Werksituatie",
        "persona",
        "subgroup",
    ]
    by_email = {r[2]: r for r in rows[1:]}
    assert len(by_email) == 7
    assert by_email["zoe@example.nl"][0] == "Zoë"
    assert by_email["zoe@example.nl"][6:] == [DOORSTROMER, "16-34"]
    assert by_email["omer@example.nl"][6:] == [ZIJ, ""]
    hack = by_email["hack@example.nl"]
    assert hack[0] == '\'=HYPERLINK("http://evil.example","klik")'
    assert hack[6:] == [ZIJ, "35+"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    assert (
        summary.rejects_path == rejects_path_for(out) == tmp_path / "uit" / "segmented-rejected.csv"
    )
    data, rejected = read_csv(summary.rejects_path)
    assert data.startswith(b"\xef\xbb\xbf")
    assert rejected[0][:3] == ["line", "reason", "Voornaam"]
    reasons = {int(r[0]): r[1] for r in rejected[1:]}
    assert sorted(reasons) == [8, 9, 10, 11, 14]
    assert "opleidingsniveau 'vmbo'" in reasons[8]
    assert reasons[9].startswith("invalid email")
    assert reasons[10] == "duplicate email: same as line 2"
    assert "no werksituatie" in reasons[11]
    assert "age 14" in reasons[14]
    assert rejected[1][2:] == ["Kees", "Visser", "kees@example.nl", "30", "vmbo", "werkend"]


def test_counts_add_up_for_a_random_list(research: Research, tmp_path: Path) -> None:
    statuses = ["student", "werkend", "zzp", "werkzoekend", "", "gepensioneerd", "scholier"]
    levels = ["hbo", "wo", "mbo", "havo", "vmbo", "", "master", "basisschool"]
    lines = ["email,status,opleiding,leeftijd"]
    for i in range(3000):
        email = f"p{i % 2500}@example.nl" if i % 97 else f"kapot{i}"
        age = "" if i % 11 == 0 else str(10 + i % 60)
        lines.append(f"{email},{statuses[i % 7]},{levels[i % 8]},{age}")
    source = tmp_path / "random.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = segment_contacts(source, research, None, today=TODAY)
    assert summary.rows_read == 3000
    assert summary.placed + summary.rejected + summary.duplicates == 3000
    assert sum(summary.by_subgroup.values()) == summary.placed
    assert sum(summary.reasons.values()) == summary.rejected + summary.duplicates
    seen: set[str] = set()
    duplicates = 0
    for i in range(3000):
        if i % 97:
            duplicates += f"p{i % 2500}" in seen
            seen.add(f"p{i % 2500}")
    assert summary.duplicates == duplicates > 0
    assert summary.out is None and summary.rejects_path is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["random.csv"]


def test_output_keeps_the_input_delimiter_and_fills_an_existing_persona_column(
    research: Research, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "Email Address\tFirst Name\tPersona\na@example.nl\tAn\tdoorstromer\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    segment_contacts(source, research, out, today=TODAY)
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "Email Address\tFirst Name\tPersona\tsubgroup",
        f"a@example.nl\tAn\t{DOORSTROMER}\t",
    ]


def test_windows_1252_list_is_written_as_utf8(research: Research, tmp_path: Path) -> None:
    source = tmp_path / "oud.csv"
    source.write_bytes(
        "Voornaam;Email;Opleiding;Status;Leeftijd\r\nZoë;z@example.nl;hbo;werkend;40\r\n"
        "Ömer;o@example.nl;mbo;werkend;20\r\n".encode("cp1252")
    )
    out = tmp_path / "nieuw.csv"
    summary = segment_contacts(source, research, out, today=TODAY)
    assert summary.encoding == "windows-1252" and summary.notices
    _, rows = read_csv(out)
    assert [r[0] for r in rows[1:]] == ["Zoë", "Ömer"]


def test_never_writes_over_the_input(research: Research, tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_bytes(MIXED.encode())
    with pytest.raises(OutputError, match="being read"):
        segment_contacts(source, research, source)
    with pytest.raises(OutputError, match="folder"):
        segment_contacts(source, research, tmp_path)
    assert source.read_bytes() == MIXED.encode()


def test_an_error_halfway_leaves_earlier_output_untouched(
    research: Research, tmp_path: Path
) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text(
        "email;status\n" + "a@example.nl;student\n" * 10 + 'b@example.nl;"student\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    out.write_text("previous run", encoding="utf-8")
    with pytest.raises(InputError) as err:
        segment_contacts(source, research, out, today=TODAY, force=True)
    assert err.value.line == 12
    assert out.read_text(encoding="utf-8") == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.csv", "out.csv"]


def test_segment_rows_streams(research: Research, tmp_path: Path) -> None:
    """The email writer can take contacts one by one, without a summary or files."""
    source = tmp_path / "c.csv"
    source.write_text(MIXED, encoding="utf-8")
    with open_contacts(source) as reader:
        outcomes = segment_rows(reader, research, TODAY)
        line, cells, first = next(outcomes)
        assert (first.persona, first.subgroup, line, cells[0]) == (DOORSTROMER, "16-34", 2, "Zoë")
        rest = list(outcomes)
    categories = [p.category for _line, _cells, p in rest if p.persona is None]
    assert categories.count("duplicate email") == 1 and len(categories) == 5
    assert all(categories) and [line for line, _cells, _p in rest] == [*range(3, 13), 14]


def test_segment_blocks_read_no_more_than_a_block_ahead(research: Research, tmp_path: Path) -> None:
    """A block is a few hundred rows of a plain list: memory stays flat however long it is."""
    source = tmp_path / "c.csv"
    rows = "".join(f"p{i}@example.nl;Zoë;{20 + i % 40};mbo;werkend\n" for i in range(20_000))
    source.write_text("email;voornaam;leeftijd;opleiding;status\n" + rows, encoding="utf-8")
    with open_contacts(source) as reader:
        blocks = segment_blocks(reader, research, TODAY)
        first = next(blocks)
        assert 100 < len(first) < 2000 and first[0][0] == 2
        lines = [line for block in [first, *blocks] for line, _cells, _p in block]
    assert lines == list(range(2, 20_002))


def test_a_malformed_row_is_rejected_with_its_line(research: Research, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text(
        "voornaam;email;status;opleiding\nJansen; Piet;p@example.nl;student;hbo\n", encoding="utf-8"
    )
    with open_contacts(source) as reader:
        ((line, cells, placement),) = list(segment_rows(reader, research, TODAY))
    assert (line, placement.category, cells[-1]) == (2, "malformed row", "hbo")
    out = tmp_path / "o.csv"
    segment_contacts(source, research, out, today=TODAY)
    _, rejected = read_csv(rejects_path_for(out))
    assert rejected[1][0] == "2" and rejected[1][2:] == [
        "Jansen",
        " Piet",
        "p@example.nl",
        "student",
        "hbo",
    ]


@pytest.mark.parametrize("expected", [0, 20_000])
def test_seen_emails_keep_the_first_line_as_they_grow(expected: int) -> None:
    seen = SeenEmails(expected)
    assert [seen.first_line(f"p{i}@example.nl", i + 2) for i in range(20_000)] == [None] * 20_000
    assert [seen.first_line(f"P{i}@Example.NL", 0) for i in range(0, 20_000, 997)] == [
        i + 2 for i in range(0, 20_000, 997)
    ]
    assert len(seen) == 20_000
