"""CSV that a spreadsheet opens without running a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkbcopy.contacts.safecsv import SafeCsvWriter, neutralise


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
