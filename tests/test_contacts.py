"""Reading contact lists as marketers export them: real files on disk, read back."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkbcopy.contacts.columns import FIELDS, field_for_header
from mkbcopy.contacts.lines import MAX_FIELD_CHARS
from mkbcopy.contacts.reading import Row, open_contacts, parse_mapping
from mkbcopy.errors import InputError, UsageError


def write(tmp_path: Path, data: bytes | str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_all(
    path: Path, *, encoding: str | None = None, mapping: dict[str, str] | None = None
) -> list[Row]:
    with open_contacts(path, encoding=encoding, mapping=mapping) as reader:
        return list(reader)


EXCEL_NL = (
    "\ufeffVoornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n"
    "Zoë;de Vries;zoe@example.nl;34;mbo 4;werkend\r\n"
    '"Jan; jr.";"van ""de"" Berg";jan@example.nl;41;HBO bachelor;zzp\'er\r\n'
)


def test_excel_nl_semicolon_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, EXCEL_NL)
    with open_contacts(path) as reader:
        rows = list(reader)
        assert reader.delimiter == ";"
        assert reader.encoding == "utf-8-sig"
        assert reader.header[0] == "Voornaam"  # no BOM left in the first header
        assert reader.notices == []
    assert [r.line for r in rows] == [2, 3]
    assert rows[0].fields["first_name"] == "Zoë"
    assert rows[0].fields["education"] == "mbo 4"
    assert rows[1].fields["first_name"] == "Jan; jr."
    assert rows[1].fields["last_name"] == 'van "de" Berg'
    assert rows[1].raw["Werksituatie"] == "zzp'er"
    assert set(rows[0].fields) == set(FIELDS)


def test_windows_1252_is_read_with_a_notice(tmp_path: Path) -> None:
    text = (
        "Voornaam;Achternaam;Email\r\nZoë;Yılmaz;zoe@example.nl\r\nÖmer;Öztürk;omer@example.nl\r\n"
    )
    path = write(tmp_path, text.replace("ı", "i").encode("cp1252"))
    with open_contacts(path) as reader:
        rows = list(reader)
        assert reader.encoding == "windows-1252"
        assert len(reader.notices) == 1
        assert "Windows-1252" in reader.notices[0] and ":2:" in reader.notices[0]
    assert [r.fields["first_name"] for r in rows] == ["Zoë", "Ömer"]
    assert rows[1].fields["last_name"] == "Öztürk"


def test_explicit_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "email,voornaam\r\nzoe@example.nl,Zoë\r\n".encode("cp1252"))
    with open_contacts(path, encoding="cp1252") as reader:
        assert [r.fields["first_name"] for r in reader] == ["Zoë"]
        assert reader.notices == []
    with pytest.raises(InputError) as err:
        read_all(path, encoding="utf-8")
    assert err.value.line == 2 and "utf-8" in str(err.value)
    with pytest.raises(UsageError, match="unknown encoding"):
        read_all(path, encoding="klingon")


def test_utf8_file_with_one_windows_line(tmp_path: Path) -> None:
    data = "email;voornaam\nzoe@example.nl;Zoë\n".encode() + "omer@x.nl;Ömer\n".encode("cp1252")
    with open_contacts(write(tmp_path, data)) as reader:
        names = [r.fields["first_name"] for r in reader]
        assert reader.encoding == "utf-8+windows-1252"
        assert ":3:" in reader.notices[0]
    assert names == ["Zoë", "Ömer"]


def test_mailchimp_export(tmp_path: Path) -> None:
    text = (
        '"Email Address","First Name","Last Name","Birthday",MEMBER_RATING,OPTIN_TIME\n'
        '"anna@example.com","Anna","Bakker","05/17",2,"2024-01-03 10:00:00"\n'
        '"bram@example.com","Bram","de Wit","",3,"2024-02-01 11:00:00"\n'
    )
    with open_contacts(write(tmp_path, text)) as reader:
        rows = list(reader)
        assert reader.delimiter == ","
        assert reader.columns["email"] == "Email Address"
        assert reader.columns["birth_date"] == "Birthday"
    assert rows[0].fields["email"] == "anna@example.com"
    assert rows[1].fields["last_name"] == "de Wit"
    assert rows[0].raw["MEMBER_RATING"] == "2"


def test_brevo_export(tmp_path: Path) -> None:
    text = "EMAIL;FIRSTNAME;LASTNAME;SMS\nanna@example.com;Anna;Bakker;+31612345678\n"
    with open_contacts(write(tmp_path, text)) as reader:
        rows = list(reader)
        assert reader.delimiter == ";"
        assert reader.columns == {
            "first_name": "FIRSTNAME",
            "last_name": "LASTNAME",
            "email": "EMAIL",
        }
    assert rows[0].fields["first_name"] == "Anna"


def test_google_sheets_comma(tmp_path: Path) -> None:
    text = (
        "Voornaam,E-mail,Geboortedatum,Opleiding,Situatie\n"
        'Sanne,sanne@example.nl,17-05-1990,"havo, vwo",student\n'
    )
    with open_contacts(write(tmp_path, text)) as reader:
        rows = list(reader)
        assert reader.delimiter == ","
    assert rows[0].fields["birth_date"] == "17-05-1990"
    assert rows[0].fields["education"] == "havo, vwo"
    assert rows[0].fields["status"] == "student"


@pytest.mark.parametrize("delimiter", ["\t", "|", ";", ","])
def test_every_delimiter(tmp_path: Path, delimiter: str) -> None:
    lines = [["email", "first name", "note"], ["a@example.nl", "An", "x, y; z"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(lines)
    with open_contacts(write(tmp_path, buffer.getvalue())) as reader:
        rows = list(reader)
        assert reader.delimiter == delimiter
    assert rows[0].raw == {"email": "a@example.nl", "first name": "An", "note": "x, y; z"}


def test_sniffer_is_not_fooled_by_commas_in_names(tmp_path: Path) -> None:
    text = "Naam;Email;Leeftijd\nJansen, P.;p@example.nl;40\nBoer, A.;a@example.nl;22\n"
    with open_contacts(write(tmp_path, text)) as reader:
        assert reader.delimiter == ";"
        assert [r.fields["email"] for r in reader] == ["p@example.nl", "a@example.nl"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("voornaam", "first_name"),
        ("First Name", "first_name"),
        ("firstname", "first_name"),
        ("FNAME", "first_name"),
        ("FIRSTNAME", "first_name"),
        ("Given Name", "first_name"),
        ("Achternaam", "last_name"),
        ("Last Name", "last_name"),
        ("LNAME", "last_name"),
        ("LASTNAME", "last_name"),
        ("Surname", "last_name"),
        ("E-mailadres", "email"),
        ("email", "email"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("EMAIL", "email"),
        ("Mail", "email"),
        (" e-mail adres ", "email"),
        ("Leeftijd", "age"),
        ("Age", "age"),
        ("Geboortejaar", "birth_year"),
        ("Birth year", "birth_year"),
        ("Geboortedatum", "birth_date"),
        ("Birthdate", "birth_date"),
        ("Date of birth", "birth_date"),
        ("Opleidingsniveau", "education"),
        ("Opleiding", "education"),
        ("Education", "education"),
        ("Niveau", "education"),
        ("Werksituatie", "status"),
        ("Status", "status"),
        ("Werkzaamheid", "status"),
        ("Situatie", "status"),
        ("Occupation", "status"),
        ("Persona", "persona"),
        ("Telefoon", None),
        ("Naam", None),
    ],
)
def test_headers_dutch_and_english(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


def test_map_wins_over_recognised_headers(tmp_path: Path) -> None:
    text = "Contact;Email;Naam;Status\nreal@example.nl;old@example.nl;Piet;subscribed\n"
    path = write(tmp_path, text)
    mapping = parse_mapping(["Contact=email", "naam=voornaam", "Status=ignore"])
    with open_contacts(path, mapping=mapping) as reader:
        row = next(iter(reader))
    assert row.fields["email"] == "real@example.nl"
    assert row.fields["first_name"] == "Piet"
    assert row.fields["status"] == ""
    with pytest.raises(UsageError, match="no column 'Nope'"):
        read_all(path, mapping={"Nope": "email"})
    with pytest.raises(UsageError, match="not a field"):
        read_all(path, mapping={"Naam": "shoe size"})
    with pytest.raises(UsageError, match="COLUMN=FIELD"):
        parse_mapping(["Naam"])


def test_two_email_columns_use_the_first_with_a_notice(tmp_path: Path) -> None:
    with open_contacts(write(tmp_path, "E-mail;Email\na@example.nl;b@example.nl\n")) as reader:
        assert next(reader).fields["email"] == "a@example.nl"
        assert "both look like email" in reader.notices[0]


def test_line_numbers_survive_blank_lines_and_multiline_values(tmp_path: Path) -> None:
    text = 'sep=;\nemail;opmerking\n\na@example.nl;"regel een\nregel twee"\n;\nb@example.nl;kort\n'
    with open_contacts(write(tmp_path, text)) as reader:
        rows = list(reader)
        assert "runs over 2 lines" in reader.notices[0]
    assert [(r.line, r.fields["email"]) for r in rows] == [(4, "a@example.nl"), (7, "b@example.nl")]
    assert rows[0].raw["opmerking"] == "regel een\nregel twee"


def test_old_mac_line_endings(tmp_path: Path) -> None:
    rows = read_all(write(tmp_path, "email,voornaam\ra@example.nl,An\rb@example.nl,Bo\r"))
    assert [(r.line, r.fields["first_name"]) for r in rows] == [(2, "An"), (3, "Bo")]


def test_utf16_unicode_text_from_excel(tmp_path: Path) -> None:
    path = write(tmp_path, "email\tvoornaam\r\nz@example.nl\tZoë\r\n".encode("utf-16"))
    with open_contacts(path) as reader:
        assert reader.delimiter == "\t"
        assert [r.fields["first_name"] for r in reader] == ["Zoë"]


def test_short_and_long_rows(tmp_path: Path) -> None:
    text = (
        "email;voornaam;leeftijd;;\na@example.nl;An\nb@example.nl;Bo;30;;;\nc@example.nl;C;1;x;y\n"
    )
    rows = read_all(write(tmp_path, text))
    assert rows[0].fields["age"] == "" and rows[0].extra == ()
    assert rows[1].extra == ()  # trailing empty cells from Excel are no problem
    assert rows[2].extra == ("x", "y")


def test_blank_and_repeated_headers_get_unique_keys(tmp_path: Path) -> None:
    with open_contacts(write(tmp_path, "email;x;;x;y\na@example.nl;1;2;3;4\n")) as reader:
        assert reader.keys == ["email", "x", "column 3", "x (2)", "y"]
        assert next(reader).raw == {
            "email": "a@example.nl",
            "x": "1",
            "column 3": "2",
            "x (2)": "3",
            "y": "4",
        }


def test_a_broken_workbook_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError) as err:
        open_contacts(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "Excel workbook" in message
    assert "\n" not in message


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(InputError, match="zip archive"):
        open_contacts(path)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Excel"),
        (b"", "empty"),
        (b"Dit is een brief.\nGeen tabel, geen adressen.\n", "single column"),
        (b"naam;telefoon\nPiet;0612345678\n", "no email column"),
        (b"piet@example.nl\nanna@example.nl\n", "not column names"),
    ],
)
def test_files_that_are_not_contact_lists(tmp_path: Path, data: bytes, words: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError) as err:
        read_all(path)
    message = str(err.value)
    assert message.startswith(str(path)) and words in message
    assert "\n" not in message


def test_no_email_column_suggests_map(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no email column.*'naam', 'telefoon'.*--map"):
        read_all(write(tmp_path, "naam;telefoon\nPiet;06\n"))


def test_nul_later_in_the_file(tmp_path: Path) -> None:
    data = b"email;voornaam\n" + b"a@example.nl;An\n" * 5000 + b"b@example.nl;B\x00o\n"
    with pytest.raises(InputError) as err:
        read_all(write(tmp_path, data))
    assert err.value.line == 5002 and "NUL" in str(err.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        open_contacts(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        open_contacts(tmp_path)


def test_unclosed_quote_at_the_end_is_an_error_not_a_lost_row(tmp_path: Path) -> None:
    text = 'email;voornaam\na@example.nl;An\nb@example.nl;"Bo\nc@example.nl;Cas\n'
    with pytest.raises(InputError) as err:
        read_all(write(tmp_path, text))
    assert err.value.line == 3 and "quote" in str(err.value)


def test_runaway_quote_in_a_big_file_stops_fast_with_the_line(tmp_path: Path) -> None:
    body = "".join(f"u{i}@example.nl;Naam {i}\n" for i in range(200_000))
    text = 'email;voornaam\na@example.nl;An\nb@example.nl;"Bo\n' + body
    path = write(tmp_path, text)
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_all(path)
    assert time.perf_counter() - started < 5
    assert err.value.line == 3
    message = str(err.value)
    assert "quote" in message and (str(MAX_FIELD_CHARS // 1024) in message or "lines" in message)


def test_a_very_long_line_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "email;notitie\na@example.nl;" + "x" * (2 * 1024 * 1024) + "\n")
    with pytest.raises(InputError) as err:
        read_all(path)
    assert err.value.line == 2


def test_a_big_list_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("email;voornaam;leeftijd;opleiding;status\n")
        for i in range(80_000):
            handle.write(f"persoon{i}@example.nl;Voornaam{i};{20 + i % 40};mbo;werkend\n")
    size = path.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        count = 0
        with open_contacts(path) as reader:
            for row in reader:
                count += 1
                assert row.fields["email"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 80_000
    assert peak < size / 8, f"peak {peak} bytes for a {size} byte file"


def test_closing_closes_the_file(tmp_path: Path) -> None:
    reader = open_contacts(write(tmp_path, EXCEL_NL))
    with reader:
        next(reader)
    with pytest.raises(ValueError):
        next(reader)


# Any text a contact list may hold: no NUL or other control characters but line breaks and tabs.
_cell = st.text(
    st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from('\n\r\t"')),
    max_size=30,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    rows=st.lists(st.tuples(_cell, _cell), min_size=1, max_size=8),
    bom=st.booleans(),
)
def test_whatever_a_csv_writer_writes_reads_back(
    tmp_path: Path, delimiter: str, rows: list[tuple[str, str]], bom: bool
) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]  # blank rows are skipped
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(["E-mailadres", "Notitie"])
    writer.writerows(rows)
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    path = write(tmp_path, data, "roundtrip.csv")
    try:
        got = read_all(path)
    except InputError as exc:  # only values with many line breaks may be refused
        assert "quote" in str(exc) and any(
            c.count("\n") + c.count("\r") > 10 for r in rows for c in r
        )
        return
    assert [(r.raw["E-mailadres"], r.raw["Notitie"]) for r in got] == rows


def test_simple_blocks_read_as_the_careful_path_does(tmp_path: Path) -> None:
    """Plain lines are read a block at a time; rows around the odd ones stay the same."""
    simple = "".join(f"p{i}@example.nl;Zoë {i};{20 + i % 40};mbo;werkend\r\n" for i in range(3000))
    odd = [
        'q@example.nl;"Anna\r\nMaria";30;hbo;werkend\r\n',  # a value over two lines
        "\r\n",  # an empty row
        "r@example.nl;Piet;41;mbo;werkzoekend;extra\r\n",  # one cell too many
        "s@example.nl;Kees\r\n",  # cells too few
        "t@example.nl;Noor;22;hbo;student",  # the last line, without a line end
    ]
    text = "email;voornaam;leeftijd;opleiding;status\r\n" + "".join(simple + line for line in odd)
    path = write(tmp_path, text)
    assert read_all(path) == read_all(path, encoding="utf-8-sig")  # line by line
    rows = read_all(path)
    lines = {r.fields["email"][0]: r.line for r in rows if r.fields["email"][0] != "p"}
    assert lines == {"q": 3002, "r": 9005, "s": 12006, "t": 15007}
    assert rows[3000].raw["voornaam"] == "Anna\r\nMaria"


@pytest.mark.parametrize("encoding", [None, "utf-8", "cp1252"])
def test_quoted_blocks_read_as_the_careful_path_does(tmp_path: Path, encoding: str | None) -> None:
    """Quotes (Google Sheets and Mailchimp quote every value) cost a block no speed;
    a value that runs on to the next line sends its block the careful way."""
    notes = ['zegt "hoi"', "a, b; c", "", "kort", "regel een\nregel twee"]
    rows = [[f"p{i}@example.nl", f"Zoë {i}", notes[i % 4 if i % 3000 else 4]] for i in range(8000)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([["email", "voornaam", "notitie"], *rows])
    path = write(tmp_path, buffer.getvalue().encode(encoding or "utf-8"))
    got = read_all(path, encoding=encoding)
    assert [list(r.raw.values()) for r in got] == rows
    starts = [2 + i + (i + 2999) // 3000 for i in range(8000)]  # each run-on value adds a line
    assert [r.line for r in got] == starts
    if encoding != "cp1252":
        assert got == read_all(path, encoding="utf-8-sig")  # line by line
    with open_contacts(path, encoding=encoding) as reader:
        in_blocks = sum(len(rows) for _lines, rows in reader.blocks() if len(rows) > 1)
    assert in_blocks > 4000


def test_a_windows_1252_line_among_simple_blocks(tmp_path: Path) -> None:
    simple = "".join(f"p{i}@example.nl;Zoë;30;mbo;werkend\n" for i in range(3000))
    data = ("email;voornaam;leeftijd;opleiding;status\n" + simple).encode()
    path = write(tmp_path, data + "x@example.nl;Zoë;30;mbo;werkend\n".encode("cp1252") + data[41:])
    with open_contacts(path) as reader:
        rows = list(reader)
        assert reader.encoding == "utf-8+windows-1252"
        assert any(":3002: not UTF-8" in n for n in reader.notices)
    assert len(rows) == 6001 and {r.raw["voornaam"] for r in rows} == {"Zoë"}
