"""Bounded work: a runaway template stops, lint and CSV reading are linear, symlinks in
a templates folder are refused, brand files are checked before they are inflated,
and input limits hold for pipes and devices. See docs/security.md.

The 1 MB inputs would take hours on a quadratic path (20,000 characters took 28 s);
the time limits are generous so a busy machine does not fail them.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.checks.lint import lint_paths
from mkbcopy.cli import app
from mkbcopy.compose.sandbox import MAX_SECONDS
from mkbcopy.contacts.reading import open_contacts
from tests.test_reliability import CONTACTS, one_error_line

MB = 1_000_000

RUNAWAY = """{#- mkbcopy
formats: [txt]
-#}
{% set ns = namespace(x=[]) %}{% for i in range(99999) %}{% set ns.x = ns.x + [i] %}{% endfor %}
{{ ns.x|length }}
"""
SLOW_FILTERS = """{#- mkbcopy
formats: [txt]
-#}
{% set words = ("woord " * 100000).split() %}
{% for i in range(99999) %}{{ (words|sort)[0] }}{% endfor %}
"""


@pytest.mark.slow
@pytest.mark.parametrize("source", [RUNAWAY, SLOW_FILTERS], ids=["grow", "sort"])
def test_a_runaway_template_stops_within_its_budget_naming_the_template(
    tmp_path: Path, source: str
) -> None:
    folder = tmp_path / "mijn-templates"
    (folder / "traag").mkdir(parents=True)
    template = folder / "traag" / "template.md.j2"
    template.write_text(source, encoding="utf-8")
    start = time.monotonic()
    result = CliRunner().invoke(
        app, ["generate", "-c", "traag", "-t", str(folder), "-o", str(tmp_path / "o")]
    )
    one_error_line(result, str(template), "takes too long")
    assert time.monotonic() - start < MAX_SECONDS + 20
    start = time.monotonic()
    result = CliRunner().invoke(app, ["templates", "check", str(folder)])
    assert result.exit_code == 1 and "takes too long" in result.output
    assert time.monotonic() - start < MAX_SECONDS + 60  # once per channel, not per render


LINT_INPUTS = {
    "one long word": "a" * MB,
    "dashes": "a-" * (MB // 2),
    "dots": "a." * (MB // 2),
    "at signs": "a@" * (MB // 2),
    "www": "www." * (MB // 4),
    "long address": "x" * (MB - 20) + "@example",
}


@pytest.mark.slow
@pytest.mark.parametrize("text", LINT_INPUTS.values(), ids=list(LINT_INPUTS))
def test_lint_is_linear_on_1_mb_hostile_drafts(tmp_path: Path, text: str) -> None:
    draft = tmp_path / "email.txt"
    draft.write_text("Onderwerp\n\n" + text + "\n", encoding="utf-8")
    start = time.monotonic()
    lint_paths([draft])
    assert time.monotonic() - start < 240  # 8 to 70 s seen on a busy machine


def test_a_megabyte_of_duplicate_column_names_reads_at_once_with_one_notice(
    tmp_path: Path,
) -> None:
    columns = 110_000  # over 1 MB of header
    path = tmp_path / "c.csv"
    path.write_text(
        "email;" + ";".join(["Voornaam"] * columns) + "\nx@example.nl;" + ";" * columns + "\n",
        encoding="utf-8",
    )
    assert path.stat().st_size > MB
    start = time.monotonic()
    with open_contacts(path) as reader:
        rows = list(reader)
    assert time.monotonic() - start < 120  # about 2 s
    assert len(rows) == 1 and len(reader.keys) == columns + 1
    assert len(reader.notices) == 1 and f"and {columns - 2} more" in reader.notices[0]


# ---------------------------------------------------------------- symlinks in templates


def _linked_folder(tmp_path: Path, rel: str) -> tuple[Path, Path]:
    result = CliRunner().invoke(app, ["templates", "init", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    secret = tmp_path / "secret.yaml"
    secret.write_text("wachtwoord: hunter2\n")
    link = tmp_path / "t" / rel
    link.unlink()
    link.symlink_to(secret if rel.endswith("yaml") else tmp_path / "t" / "x" / "template.md.j2")
    return tmp_path / "t", link


@pytest.mark.parametrize("rel", ["_shared/copy.yaml", "email/template.md.j2"])
@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_symlink_in_a_templates_folder_is_one_clear_line(
    tmp_path: Path, rel: str, command: str
) -> None:
    folder, link = _linked_folder(tmp_path, rel)
    if command == "check":
        args = ["templates", "check", str(folder)]
    else:
        args = ["generate", "-t", str(folder), "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args)
    one_error_line(result, str(link), "symbolic link")
    assert "hunter2" not in result.output


# ---------------------------------------------------------------- brand files


def _brief_with(tmp_path: Path, **brand: str) -> Path:
    from mkbcopy.research.brief import example_brief_path

    text = example_brief_path().read_text(encoding="utf-8")
    lines = "".join(f"  {key}: {value}\n" for key, value in brand.items())
    assert "brand:\n" in text
    path = tmp_path / "campaign.yaml"
    path.write_text(text.replace("brand:\n", "brand:\n" + lines), encoding="utf-8")
    return path


def _docx_with(document_xml: bytes, tmp_path: Path) -> Path:
    from mkbcopy.document import parse_document
    from mkbcopy.writers.docx import render_docx  # a real .docx to start from

    data = render_docx(parse_document("# Kop\n\nTekst\n"))
    path = tmp_path / "huisstijl.docx"
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            body = document_xml if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, body)
    return path


def test_a_reference_docx_with_a_doctype_is_refused(tmp_path: Path) -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x "boom">]><w:document/>'
    docx = _docx_with(xml, tmp_path)
    brief = _brief_with(tmp_path, reference_docx=str(docx))
    result = CliRunner().invoke(
        app, ["generate", str(brief), "-c", "flyer", "-o", str(tmp_path / "o")]
    )
    one_error_line(result, str(docx), "DTD or entities", "word/document.xml")
    assert not (tmp_path / "o").exists()


def test_a_zip_bomb_reference_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"word/part{n}.xml", b"\0" * 60_000_000)
    assert bomb.stat().st_size < 1_000_000
    brief = _brief_with(tmp_path, reference_docx=str(bomb))
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (600_000_000,) * 2);"
        "from mkbcopy.__main__ import main; sys.argv = ['mkbcopy'] + sys.argv[1:]; main()"
    )
    args = ["generate", str(brief), "-c", "flyer", "-o", str(tmp_path / "o")]
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert b"is it a zip bomb?" in proc.stderr and proc.stderr.count(b"\n") == 1


@pytest.mark.parametrize("logo", ["/dev/zero", "fifo"])
def test_a_logo_that_is_no_file_is_refused_before_reading(tmp_path: Path, logo: str) -> None:
    import os

    if logo == "fifo":
        logo = str(tmp_path / "logo.png")
        os.mkfifo(logo)
    brief = _brief_with(tmp_path, logo=logo)
    result = CliRunner().invoke(
        app, ["generate", str(brief), "-c", "flyer", "-o", str(tmp_path / "o")]
    )
    one_error_line(result, logo, "not a regular file")


# ---------------------------------------------------------------- pipes, devices, headers


def test_the_brief_limit_holds_for_a_device(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["brief", "check", "/dev/zero"])
    one_error_line(result, "/dev/zero", "the limit is 5 MB")


def test_the_brief_limit_holds_for_a_pipe() -> None:
    code = (
        "import sys; from mkbcopy.__main__ import main;"
        "sys.argv = ['mkbcopy', 'brief', 'check', '/dev/stdin']; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], input=b"a: b\n" * 4_000_000, capture_output=True, timeout=60
    )
    assert proc.returncode == 1 and b"the limit is 5 MB" in proc.stderr, proc.stderr


def test_a_multi_line_sender_name_is_refused_when_the_brief_loads(tmp_path: Path) -> None:
    from mkbcopy.research.brief import example_brief_path

    text = example_brief_path().read_text(encoding="utf-8")
    assert "contact:\n  name: " in text
    brief = tmp_path / "campaign.yaml"
    brief.write_text(text.replace("contact:\n  name: ", 'contact:\n  name: "Jan\\nBcc: x@y.nl" #'))
    result = CliRunner().invoke(app, ["brief", "check", str(brief)])
    one_error_line(result, str(brief), "must be one line")
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["batch", str(contacts), str(brief), "-o", str(tmp_path / "b")]
    )
    one_error_line(result, "must be one line")
