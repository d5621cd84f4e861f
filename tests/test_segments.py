"""Placing contacts in the research's personas and subgroups, and the files segmenting writes."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkbcopy.contacts.reading import open_contacts
from mkbcopy.contacts.segments import (
    PLAIN_EMAIL,
    Age,
    Placement,
    Placer,
    SafeCsvWriter,
    SeenEmails,
    _email_problem,
    age_of,
    neutralise,
    place,
    rejects_path_for,
    segment_blocks,
    segment_contacts,
    segment_rows,
    validate_email,
)
from mkbcopy.errors import InputError, OutputError
from mkbcopy.research.personas import Research
from mkbcopy.research.vocabulary import normalise_education, normalise_status

TODAY = date(2025, 6, 1)
STUDENT = "nieuwsgierige-student"
DOORSTROMER = "doelgerichte-doorstromer"
ZIJ = "onafhankelijke-zij-instromer"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("havo", "havo"),
        ("VWO", "vwo"),
        ("mbo 4", "mbo"),
        ("MBO-niveau 3", "mbo"),
        ("mbo4", "mbo"),
        ("hbo", "hbo"),
        ("HBO bachelor", "hbo"),
        ("hbo-master", "hbo"),
        ("wo", "wo"),
        ("WO master", "wo"),
        ("universiteit", "wo"),
        ("Universiteit van Amsterdam", "wo"),
        ("master", "wo"),
        ("bachelor", "hbo"),
        ("Associate degree", "hbo"),
        ("University of Applied Sciences", "hbo"),
        ("Hoger beroepsonderwijs", "hbo"),
        ("middelbaar beroepsonderwijs", "mbo"),
        ("Voorbereidend middelbaar beroepsonderwijs", "vmbo"),
        ("vmbo", "vmbo"),
        ("vmbo-tl", "vmbo"),
        ("mavo", "vmbo"),
        ("gymnasium", "vwo"),
        ("havo/vwo", "vwo"),
        ("vmbo, daarna mbo 2", "mbo"),
        ("basisonderwijs", "basisonderwijs"),
        ("Basisschool", "basisonderwijs"),
        ("", None),
        ("middelbare school", None),
        ("weet ik niet", None),
        ("woensdag", None),
    ],
)
def test_normalise_education(text: str, level: str | None) -> None:
    assert normalise_education(text) == level


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("student", "student"),
        ("Studente", None),
        ("studenten", "student"),
        ("scholier", "scholier"),
        ("leerling havo 5", "scholier"),
        ("werkend", "werkend"),
        ("Werkend (parttime)", "werkend"),
        ("in loondienst", "werkend"),
        ("zzp", "werkend"),
        ("zzp'er", "werkend"),
        ("ZZP-er", "werkend"),
        ("ondernemer", "werkend"),
        ("eigen bedrijf", "werkend"),
        ("employed", "werkend"),
        ("self-employed", "werkend"),
        ("werkzoekend", "werkzoekend"),
        ("op zoek naar werk", "werkzoekend"),
        ("geen werk", "werkzoekend"),
        ("job seeker", "werkzoekend"),
        ("unemployed", "werkzoekend"),
        ("werkend en studerend", "student"),
        ("gepensioneerd", "gepensioneerd"),
        ("retired", "gepensioneerd"),
        ("", None),
        ("subscribed", None),
    ],
)
def test_normalise_status(text: str, status: str | None) -> None:
    assert normalise_status(text) == status


@pytest.mark.parametrize(
    ("fields", "age"),
    [
        ({"age": "34"}, Age(34, 34)),
        ({"age": " 35 jaar "}, Age(35, 35)),
        ({"age": "35.0"}, Age(35, 35)),
        ({"age": "25-34"}, Age(25, 34)),
        ({"age": "35+"}, Age(35, 120)),
        ({"age": "onbekend"}, None),
        ({"age": "250"}, None),
        ({"age": "1990"}, Age(34, 35)),  # a birth year in the age column
        ({"birth_year": "1990"}, Age(34, 35)),  # birthday this year or not yet: unknown
        ({"birth_year": "2030"}, None),
        ({"birth_date": "01-06-1990"}, Age(35, 35)),  # birthday today
        ({"birth_date": "02-06-1990"}, Age(34, 34)),
        ({"birth_date": "02/06/1990"}, Age(34, 34)),
        ({"birth_date": "1990-06-02"}, Age(34, 34)),
        ({"birth_date": "1990-06-01 00:00:00"}, Age(35, 35)),
        ({"birth_date": "12/31/1990"}, Age(34, 34)),  # US order only when day-first is impossible
        ({"birth_date": "05/17"}, None),  # Mailchimp birthday: no year
        ({"birth_date": "01-01-2030"}, None),
        ({"age": "", "birth_date": "", "birth_year": ""}, None),
        ({"age": "x", "birth_date": "02-06-1990"}, Age(34, 34)),
        ({"age": "40", "birth_year": "1990"}, Age(40, 40)),
    ],
)
def test_age_of(fields: dict[str, str], age: Age | None) -> None:
    assert age_of(fields, TODAY) == age


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("piet@example.nl", None),
        ("p.de.vries+nieuwsbrief@sub.example.co.uk", None),
        ("zoë@voorbeeld.nl", "outside a-z"),  # most mail servers refuse it
        ("", "empty"),
        ("piet.example.nl", "no @"),
        ("piet@@example.nl", "more than one @"),
        ("piet@example", "no dot"),
        ("piet@example..nl", "empty part"),
        ("piet@example.nl.", "empty part"),
        ("@example.nl", "nothing before"),
        ("piet @example.nl", "space"),
        ("Piet <piet@example.nl>", "space"),
        ("piet@example.nl;anna@example.nl", "';'"),
        ("piet\x07@example.nl", "control"),
        ("p" * 250 + "@example.nl", "254"),
        (".piet@example.nl", "dot"),
        ("piet@-example.nl", "'-'"),
        ("piet@10.0.0.1", "number"),
    ],
)
def test_validate_email(text: str, problem: str | None) -> None:
    result = validate_email(text)
    if problem is None:
        assert result is None
    else:
        assert result is not None and problem in result


def fields(**values: str) -> dict[str, str]:
    return values


@pytest.mark.parametrize(
    ("given", "persona", "subgroup"),
    [
        # students and pupils: subgroup by education
        (fields(status="student", education="hbo"), STUDENT, "hbo"),
        (fields(status="student", education="wo"), STUDENT, "hbo"),
        (fields(status="student", education="universiteit"), STUDENT, "hbo"),
        (fields(status="student", education="bachelor"), STUDENT, "hbo"),
        (fields(status="student", education="master"), STUDENT, "hbo"),
        (fields(status="scholier", education="havo"), STUDENT, "havo-vwo-mbo"),
        (fields(status="scholier", education="vwo"), STUDENT, "havo-vwo-mbo"),
        (fields(status="student", education="mbo 4"), STUDENT, "havo-vwo-mbo"),
        (fields(status="student"), STUDENT, None),  # no education: the general draft
        (fields(status="student", education="iets anders"), STUDENT, None),
        (fields(status="student", education="hbo", age="45"), STUDENT, "hbo"),
        # working or job-seeking, middle educated: doorstromer by age
        (fields(status="werkend", education="mbo", age="22"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="havo", age="34"), DOORSTROMER, "16-34"),
        (fields(status="werkzoekend", education="vwo", age="35"), DOORSTROMER, "35+"),
        (fields(status="in loondienst", education="MBO-niveau 3", age="58"), DOORSTROMER, "35+"),
        (fields(status="werkend", education="mbo"), DOORSTROMER, None),  # no age
        (fields(status="werkend", education="mbo", birth_year="1990"), DOORSTROMER, None),
        (fields(status="werkend", education="mbo", birth_year="1989"), DOORSTROMER, "35+"),
        (fields(status="werkend", education="mbo", birth_date="02-06-1990"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="mbo", age="30-39"), DOORSTROMER, None),
        (fields(status="werkend", education="mbo", age="30-34"), DOORSTROMER, "16-34"),
        (fields(status="werkend", education="mbo", age="12-20"), DOORSTROMER, None),
        # working or job-seeking, higher educated: zij-instromer by age
        (fields(status="zzp'er", education="hbo", age="29"), ZIJ, "16-34"),
        (fields(status="employed", education="wo", age="50"), ZIJ, "35+"),
        (fields(status="job seeker", education="HBO bachelor", age="35 jaar"), ZIJ, "35+"),
        (fields(status="ondernemer", education="master"), ZIJ, None),
        # an explicit persona column wins
        (fields(persona=DOORSTROMER, status="student", education="hbo"), DOORSTROMER, None),
        (fields(persona="Onafhankelijke zij-instromer", age="40"), ZIJ, "35+"),
        (fields(persona="student", education="havo"), STUDENT, "havo-vwo-mbo"),
        (fields(persona="doorstromer", age="20"), DOORSTROMER, "16-34"),
        (fields(persona="zij-instromer"), ZIJ, None),
        (fields(persona="Zij-instromers"), ZIJ, None),
        (fields(persona="NIEUWSGIERIGE STUDENT"), STUDENT, None),
    ],
)
def test_place(
    research: Research, given: dict[str, str], persona: str, subgroup: str | None
) -> None:
    assert place(given, research, TODAY) == Placement(persona, subgroup, None)


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (fields(status="werkend", education="vmbo", age="30"), "outside the research's groups"),
        (fields(status="scholier", education="vmbo-t"), "opleidingsniveau 'vmbo-t'"),
        (fields(status="werkend", education="basisonderwijs"), "outside"),
        (fields(status="student", education="hbo", age="15"), "age 15"),
        (fields(status="werkend", education="mbo", birth_date="01-01-2012"), "age 13"),
        (fields(status="gepensioneerd", education="hbo"), "werksituatie 'gepensioneerd'"),
        (fields(education="hbo", age="40"), "no werksituatie"),
        (fields(status="vrijwilliger", education="hbo"), "not recognised"),
        (fields(status="werkend", age="40"), "no opleidingsniveau"),
        (fields(status="werkend", education="middelbare school"), "'middelbare school' not"),
        (fields(persona="marketeer"), "unknown persona"),
        (fields(persona="er"), "unknown persona"),
    ],
)
def test_not_placed(research: Research, given: dict[str, str], words: str) -> None:
    result = place(given, research, TODAY)
    assert result.persona is None and result.subgroup is None
    assert result.reason is not None and words in result.reason


def test_ambiguous_short_persona_is_refused(research: Research) -> None:
    persona, why = Placer(research, TODAY).resolve_persona("stromer")
    assert persona is None and why is not None and "could be" in why


def test_the_rule_comes_from_the_research(research: Research) -> None:
    """Change the yaml's subgroup bounds and the rule changes with it."""
    personas = []
    for persona in research.personas:
        subs = [
            s.model_copy(update={"match": s.match.model_copy(update={"min_age": 18})})
            if s.match.min_age == 16
            else s
            for s in persona.subgroups
        ]
        personas.append(persona.model_copy(update={"subgroups": subs}))
    rules = [
        r.model_copy(update={"opleidingsniveau": ["HBO"]}) if r.persona == ZIJ else r
        for r in research.segmentation.rules
    ]
    changed = research.model_copy(
        update={
            "personas": personas,
            "segmentation": research.segmentation.model_copy(update={"rules": rules}),
        }
    )
    placer = Placer(changed, TODAY)
    assert placer.min_age == 18
    assert "starts at 18" in (
        placer.place(fields(status="werkend", education="mbo", age="17")).reason or ""
    )
    wo = placer.place(fields(status="werkend", education="wo", age="40"))
    assert wo.persona is None and "opleidingsniveau 'wo'" in (wo.reason or "")
    assert placer.place(fields(status="werkend", education="hbo", age="40")).persona == ZIJ


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["age", "birth_year", "birth_date", "education", "status", "persona"]),
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                ["student", "werkend", "hbo", "mbo", "vmbo", "35", "1990", "doorstromer"]
            ),
        ),
    )
)
def test_place_always_answers(research: Research, given: dict[str, str]) -> None:
    result = place(given, research, TODAY)
    if result.persona is None:
        assert result.reason and result.subgroup is None
    else:
        assert result.reason is None
        subgroups = [s.id for s in research.persona(result.persona).subgroups]
        assert result.subgroup is None or result.subgroup in subgroups


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+31612345678", "'+31612345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Piet", "Piet"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, written: str) -> None:
    assert neutralise(cell) == written


@given(st.lists(st.text(alphabet="ab=+-@;,\t\r\x00 ", max_size=6), max_size=5))
def test_csv_writer_neutralises_every_cell(cells: list[str]) -> None:
    """The writer checks a whole row at once; it must quote exactly what neutralise does."""
    written, expected = io.StringIO(), io.StringIO()
    SafeCsvWriter(written, ";").writerow(cells)
    csv.writer(expected, delimiter=";", lineterminator="\r\n").writerow(
        [neutralise(c) for c in cells]
    )
    assert written.getvalue() == expected.getvalue()


@given(
    st.lists(
        st.lists(st.text(alphabet='ab=+-@;,"\t\r\n\x00 ', max_size=4), min_size=1, max_size=4),
        max_size=6,
    )
)
def test_writing_many_rows_at_once_is_writing_each(rows: list[list[str]]) -> None:
    """Rows written in one go come out as csv.writer writes them, each neutralised."""
    written, expected = io.StringIO(), io.StringIO()
    SafeCsvWriter(written, ";").writerows(rows)
    csv.writer(expected, delimiter=";", lineterminator="\r\n").writerows(
        [[neutralise(c) for c in cells] for cells in rows]
    )
    assert written.getvalue() == expected.getvalue()
    plain = [["Zoë", "zoe@example.nl", "16-34", ""], ["Jan-Willem", "", "a b", "x"]]
    SafeCsvWriter(written := io.StringIO(), ";").writerows(plain)
    assert written.getvalue() == "Zoë;zoe@example.nl;16-34;\r\nJan-Willem;;a b;x\r\n"


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


def test_a_remembered_placement_is_the_one_computed_afresh(research: Research) -> None:
    people = [
        {"education": edu, "status": status, "age": age, "persona": persona}
        for edu in ("havo", "hbo", "mbo 4", "MBO-niveau 3", "wo", "")
        for status in ("scholier", "student", "werkend", "werkzoekend", "")
        for age in ("17", "23", "41", "1985", "")
        for persona in ("", "stromer")
    ]
    placer = Placer(research, TODAY)
    first = [placer.place(fields) for fields in people]
    again = [placer.place(fields) for fields in people]
    fresh = [Placer(research, TODAY).place(fields) for fields in people]
    assert first == again == fresh
    keys = ["Opleiding", "Werksituatie", "Leeftijd", "Persona", "E-mail"]
    index = {"education": 0, "status": 1, "age": 2, "persona": 3, "email": 4}
    place_cells = placer.for_cells(keys, index)
    rows = [[f" {p['education']}", p["status"], p["age"], p["persona"], "x"] for p in people]
    assert [place_cells(cells) for cells in rows * 2] == first * 2
    assert len({p.persona for p in first}) > 2 and any(p.reason for p in first)


@pytest.mark.parametrize("expected", [0, 20_000])
def test_seen_emails_keep_the_first_line_as_they_grow(expected: int) -> None:
    seen = SeenEmails(expected)
    assert [seen.first_line(f"p{i}@example.nl", i + 2) for i in range(20_000)] == [None] * 20_000
    assert [seen.first_line(f"P{i}@Example.NL", 0) for i in range(0, 20_000, 997)] == [
        i + 2 for i in range(0, 20_000, 997)
    ]
    assert len(seen) == 20_000


def _special(text: str) -> bool:
    from mkbcopy.contacts.addresses import SPECIAL_USE

    return text.rpartition(".")[2].lower() in SPECIAL_USE


@pytest.mark.slow
@settings(max_examples=2000)
@given(
    st.text(alphabet="aZ09.-_+@'\"() é\t", max_size=30) | st.from_regex(PLAIN_EMAIL, fullmatch=True)
)
def test_the_fast_email_check_only_passes_what_the_full_check_passes(text: str) -> None:
    if len(text) <= 254 and PLAIN_EMAIL.fullmatch(text) and not _special(text):
        assert _email_problem(text) is None
    assert validate_email(text) == _email_problem(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sanne@example.test", "special-use or reserved name"),
        ("sanne@printer.local", "special-use or reserved name"),
        ("sanne@example.c0m1", "not within a valid top-level domain"),
        ("sanne@" + "a" * 64 + ".nl", "cannot exist"),
    ],
)
def test_addresses_the_platforms_refuse_are_rejected_with_the_reason(
    text: str, reason: str
) -> None:
    problem = validate_email(text)
    assert problem is not None and reason in problem


def test_an_internationalised_domain_is_kept_and_normalised() -> None:
    from mkbcopy.contacts.addresses import normalise_email

    assert validate_email("jan@bäcker.nl") is None
    assert normalise_email("jan@Bäcker.NL") == "jan@xn--bcker-gra.nl"
    assert normalise_email("Jan@Example.NL") == "Jan@example.nl"


@pytest.mark.parametrize("address", ["=cmd@example.org", "+31@example.org", "-info@example.org"])
def test_an_address_a_spreadsheet_would_run_as_a_formula_is_refused(address: str) -> None:
    """A platform's import file could only keep it by changing it; the row says why instead."""
    assert "formula" in (validate_email(address) or "")
    assert validate_email(address.replace(address[0], "a", 1)) is None
