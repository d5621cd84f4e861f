"""Contact lists as a hostile user writes them: encodings that are no text encoding,
and addresses a mail server would refuse. See docs/security.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app

LIST = "email;voornaam\njan@example.nl;Jan\n"


@pytest.mark.parametrize(
    ("encoding", "code", "needle"),
    [
        ("base64", 2, "not a text encoding"),
        ("rot13", 2, "not a text encoding"),
        ("idna", 2, "not a text encoding"),
        ("punycode", 2, "not a text encoding"),
        ("utf-16", 1, "byte-order mark"),
        ("utf-32", 1, "byte-order mark"),
    ],
)
def test_an_encoding_that_cannot_read_a_list_is_one_line(
    tmp_path: Path, encoding: str, code: int, needle: str
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(LIST, encoding="utf-8")
    result = CliRunner().invoke(app, ["segment", str(contacts), "--encoding", encoding])
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("mkbcopy: error: ") and result.stderr.count("\n") == 1
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_addresses_a_mail_server_refuses_are_rejected_with_the_reason(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    rows = ["ä@bäcker.nl;Ä;", "jan@example.nl\u202e;Jan;", "piet@bäcker.nl;Piet;"]
    contacts.write_text("email;voornaam;werksituatie\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "lijst.csv"
    result = CliRunner().invoke(app, ["segment", str(contacts), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rejects = (tmp_path / "lijst-rejected.csv").read_text(encoding="utf-8-sig")
    assert "letters outside a-z before the @" in rejects
    assert "invisible or direction-changing character" in rejects
    written = rejects + out.read_text(encoding="utf-8-sig")
    piet = next(line for line in written.splitlines() if "piet@bäcker.nl" in line)
    assert "invalid email" not in piet  # an international domain is fine (IDNA)
