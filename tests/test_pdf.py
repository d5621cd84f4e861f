"""Print-ready flyers: the Word flyer converted by LibreOffice, or a clear word on installing it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.compose.campaign import plan_campaign, render_file
from mkbcopy.document import inline_text
from mkbcopy.errors import ToolError
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.pdf import docx_to_pdf, find_soffice

needs_soffice = pytest.mark.skipif(
    find_soffice() is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@needs_soffice
def test_generate_format_pdf_writes_a_pdf_with_the_headline(
    runner: CliRunner, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    out = tmp_path / "o"
    args = ["generate", "-c", "flyer", "-f", "pdf", "-p", "doelgerichte-doorstromer"]
    result = runner.invoke(app, [*args, "-o", str(out), "--no-lint"])
    assert result.exit_code == 0, result.output
    pdf = out / "doelgerichte-doorstromer" / "flyer.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["path"], e["format"]) for e in manifest["files"]] == [
        ("doelgerichte-doorstromer/flyer.pdf", "pdf")
    ]

    plan = plan_campaign(
        example_brief, research, personas=["doelgerichte-doorstromer"], channels=["flyer"]
    )
    headline = inline_text(plan.drafts[0].document.blocks[0].spans)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = re.search(r"^Pages:\s+(\d+)", info.stdout, flags=re.MULTILINE)
        assert pages and int(pages.group(1)) >= 1
        assert re.search(r"^Page size:\s+595(\.\d+)? x 841(\.\d+)?", info.stdout, re.MULTILINE)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert _words(headline) in _words(text)
    else:
        assert data.count(b"/Type /Page") or data.count(b"/Type/Page")


@pytest.mark.slow
@needs_soffice
def test_parallel_conversions_do_not_clash(example_brief: Brief, research: Research) -> None:
    plan = plan_campaign(example_brief, research, channels=["flyer"], formats=["docx"])
    words = [render_file(draft, "docx", example_brief) for draft in plan.drafts]
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(docx_to_pdf, words))
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)


@pytest.mark.slow
@needs_soffice
def test_a_hung_conversion_is_stopped_with_a_one_line_error(
    example_brief: Brief, research: Research
) -> None:
    plan = plan_campaign(example_brief, research, channels=["flyer"], formats=["docx"])
    word = render_file(plan.drafts[0], "docx", example_brief)
    start = time.monotonic()
    with pytest.raises(ToolError, match="did not finish the PDF within") as caught:
        docx_to_pdf(word, name="x/flyer.pdf", timeout=0.2)
    assert time.monotonic() - start < 10
    assert str(caught.value).startswith("x/flyer.pdf: ") and "\n" not in str(caught.value)


def test_without_libreoffice_the_error_says_how_to_install_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "o"
    result = runner.invoke(
        app, ["generate", "-c", "flyer", "-f", "docx", "-f", "pdf", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "apt-get install libreoffice-writer-nogui" in result.stderr
    assert not out.exists(), "nothing may be written when the PDF cannot be made"


def test_pdf_is_only_for_print_channels(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "-c", "x", "-f", "pdf", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nothing to write" in result.stderr
