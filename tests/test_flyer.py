"""The one-page flyer: building blocks, the Word layout, page counts, the printed URL and QR code.

Page counts and the QR code are checked on LibreOffice's real rendering, so these
tests skip (with the reason) where LibreOffice, poppler or zbar is missing.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from docx.shared import Cm, RGBColor
from docx.text.hyperlink import Hyperlink
from typer.testing import CliRunner

from mkbcopy.checks.lint import read_draft
from mkbcopy.cli import app
from mkbcopy.compose.campaign import plan_campaign, render_file
from mkbcopy.compose.measure import word_count
from mkbcopy.compose.rendering import Draft
from mkbcopy.document import Document, escape_md, parse_document
from mkbcopy.links import display_url
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.docx import qr_png, render_docx_page
from mkbcopy.writers.html import render_html
from mkbcopy.writers.pdf import find_soffice
from mkbcopy.writers.text import render_markdown, render_text

FLYER_TEMPLATE = Path(__file__).resolve().parent.parent / "campaign_templates" / "flyer"
needs_soffice = pytest.mark.skipif(
    find_soffice() is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)",
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed (apt-get install poppler-utils)",
)
needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None,
    reason="zbar-tools is not installed (apt-get install zbar-tools)",
)
SUBGROUPS = {
    "nieuwsgierige-student": [None, "hbo", "havo-vwo-mbo"],
    "doelgerichte-doorstromer": [None, "16-34", "35+"],
    "onafhankelijke-zij-instromer": [None, "16-34", "35+"],
}
SOURCE = """# Werk en leer

Je verdient meteen.

- **Zekerheid:** Je houdt je baan.

::: facts
- **Duur:** Twee jaar.
- **Salaris:** 2.400 euro.
:::

::: cta
**[Meld je aan](https://example.org/route?utm_source=flyer&utm_medium=print)**

Of kom naar de open avond.
:::

::: footer
Vragen? [a@example.org](mailto:a@example.org)
:::
"""


# --- the building blocks ---------------------------------------------------------------------


def test_fences_make_building_blocks_and_every_writer_shows_them() -> None:
    doc = parse_document(SOURCE)
    assert [b.kind for b in doc.blocks] == [
        "heading",
        "paragraph",
        "bullets",
        "facts",
        "cta",
        "footer",
    ]
    facts = doc.blocks[3]
    assert ["".join(s.text for s in item) for item in facts.items] == [
        "Duur: Twee jaar.",
        "Salaris: 2.400 euro.",
    ]
    assert doc.blocks[4].url == "https://example.org/route?utm_source=flyer&utm_medium=print"
    text = render_text(doc)
    assert "- Duur: Twee jaar." in text and "Meld je aan (https://example.org/route?" in text
    assert "Of kom naar de open avond." in text and ":::" not in text
    markdown = render_markdown(doc)
    assert ":::" not in markdown and "- **Salaris:** 2.400 euro." in markdown
    html = render_html(doc)
    assert (
        "Salaris:" in html
        and 'href="https://example.org/route?utm_source=flyer&amp;utm_medium=print"' in html
    )
    assert ":::" not in html
    assert word_count(doc) == word_count(parse_document(doc.markdown_without_markers()))


def test_brief_text_cannot_open_a_building_block() -> None:
    doc = parse_document(f"# Kop\n\n{escape_md('::: cta')}\n\n{escape_md(':::')}\n")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph"]
    assert render_text(doc) == "Kop\n\n::: cta\n\n:::\n"


def test_an_unknown_or_stray_fence_is_left_out_and_an_open_one_ends_with_the_text() -> None:
    doc = parse_document("::: poster\n\nTekst.\n\n:::\n\n::: facts\n- **Duur:** Kort.\n")
    assert [b.kind for b in doc.blocks] == ["paragraph", "facts"]


def test_display_url_is_what_a_reader_types() -> None:
    url = "https://www.school.example/mkb-route/?id=7&utm_source=flyer&utm_medium=print"
    assert display_url(url) == "www.school.example/mkb-route?id=7"


# --- the Word flyer --------------------------------------------------------------------------


def _flyers(brief: Brief, research: Research, **options: object) -> list[Draft]:
    plan = plan_campaign(brief, research, channels=["flyer"], formats=["docx"], **options)  # type: ignore[arg-type]
    return plan.drafts


def test_word_flyer_has_headline_facts_cta_with_qr_and_footer(
    example_brief: Brief, research: Research
) -> None:
    draft = _flyers(example_brief, research, personas=["doelgerichte-doorstromer"])[0]
    flyer = docx.Document(io.BytesIO(render_file(draft, "docx", example_brief)))
    heading = flyer.paragraphs[0]
    assert heading.style.name == "Heading 1"
    assert heading.text == draft.document.blocks[0].spans[0].text
    assert heading.runs[0].font.size.pt >= 28
    assert str(heading.runs[0].font.color.rgb) == "0B5FA5"
    facts, cta = flyer.tables
    labels = [row.cells[0].text for row in facts.rows]
    assert 1 <= len(labels) <= 3 and set(labels) <= {
        "Duur",
        "Je week",
        "Salaris en zekerheid",  # a point that says two facts names both
        "Kosten en wie betaalt",
    }
    cta_text = cta.rows[0].cells[0].text
    assert "Meld je aan voor een kennismaking" in cta_text
    assert "www.hogeschoolrivierland.example/mkb-route" in cta_text
    assert "Informatieavond Mkb-route" in cta_text
    assert len(flyer.inline_shapes) == 1  # the QR code
    links = [h.address for p in cta.rows[0].cells[0].paragraphs for h in p.hyperlinks]
    tags = parse_qs(urlsplit(links[-1]).query)
    assert tags["utm_medium"] == ["print"] and tags["utm_source"] == ["flyer"]
    body = "\n".join(p.text for p in flyer.paragraphs)
    assert "Priya Raghoenath" in body and "026\u00a0123\u00a045\u00a067" in body  # never split
    section = flyer.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    # each fact once: no key fact repeated among the benefits
    bullets = " ".join(p.text for p in flyer.paragraphs if p.style.name == "List Bullet")
    for row in facts.rows:
        assert row.cells[1].text not in bullets
    assert not any("once" in str(w) for w in draft.warnings)


# --- pages, on LibreOffice's rendering -------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs() -> Iterator[Callable[[dict[str, bytes]], dict[str, Path]]]:
    """Convert many Word files in one LibreOffice run: one start-up instead of dozens."""
    with tempfile.TemporaryDirectory(prefix="mkbcopy-flyer-test-") as tmp:
        root = Path(tmp)
        runs = iter(range(10_000))

        def convert(files: dict[str, bytes]) -> dict[str, Path]:
            folder = root / str(next(runs))
            folder.mkdir()
            for name, data in files.items():
                (folder / f"{name}.docx").write_bytes(data)
            soffice = find_soffice()
            assert soffice is not None
            subprocess.run(
                [soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
                 *(str(folder / f"{name}.docx") for name in files)],
                capture_output=True, check=True, timeout=600,
            )  # fmt: skip
            return {name: folder / "pdf" / f"{name}.pdf" for name in files}

        yield convert


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, flags=re.MULTILINE)
    assert found, info.stdout
    return int(found.group(1))


def _all_flyers(
    brief: Brief, research: Research, templates: Path | None = None
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for persona, subgroups in SUBGROUPS.items():
        for subgroup in subgroups:
            for variants in (0, 3):
                plan = plan_campaign(
                    brief, research, channels=["flyer"], formats=["docx"], personas=[persona],
                    subgroup=subgroup, variants=variants, templates=templates,
                )  # fmt: skip
                for draft in plan.drafts:
                    label = draft.variant.label if draft.variant else "-"
                    files[f"{draft.slug}--{label}"] = render_file(draft, "docx", brief)
    return files


def _long_brief(write_brief: Callable[..., Path]) -> Brief:
    """Facts at the brief's 2,000-character limit, some one endless sentence; two left out."""
    sentence = "Je werkt en leert tegelijk bij een mkb-bedrijf in de regio met begeleiding "
    long = (sentence * 30)[:1990].rstrip() + "."
    facts = {
        "programme_content": long,
        "weekly_schedule": ("Je werkt drie dagen. " * 100)[:2000].rstrip(),
        "duration": long,
        "costs": long,
        "paid_by": long,
        "salary": ("Salaris " * 250)[:2000],
        "job_security": long,
        "on_quit": long,
        "employer_match": long,
        "travel": long,
        "guidance": long,
        "learn_first": long,
        "future": long,
    }
    site = "https://www.hogeschoolrivierland.example/"
    path = write_brief(
        facts=facts,
        call_to_action={"text": "Meld je aan " * 30, "url": site + "a" * 200},
        contact={
            "name": "Priya " * 20,
            "email": "mkbroute@hogeschoolrivierland.example",
            "phone": "026 123 45 67",
        },
        event={"name": "Informatie " * 40, "date": "11 maart 2027", "place": "Campus " * 60},
    )
    return load_brief(path)


def _a5_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "a5" / "flyer"
    folder.mkdir(parents=True)
    source = (FLYER_TEMPLATE / "template.md.j2").read_text(encoding="utf-8")
    (folder / "template.md.j2").write_text(
        source.replace("paper: a4", "paper: a5"), encoding="utf-8"
    )
    return folder.parent


@pytest.mark.slow
@needs_soffice
@needs_poppler
@pytest.mark.parametrize("paper", ["a4", "a5"])
@pytest.mark.parametrize("brief_kind", ["example", "long"])
def test_every_flyer_is_one_page(
    paper: str,
    brief_kind: str,
    research: Research,
    example_brief: Brief,
    write_brief: Callable[..., Path],
    tmp_path: Path,
    pdfs: Callable[[dict[str, bytes]], dict[str, Path]],
) -> None:
    brief = example_brief if brief_kind == "example" else _long_brief(write_brief)
    templates = _a5_templates(tmp_path) if paper == "a5" else None
    files = _all_flyers(brief, research, templates)
    assert len(files) == 9 * 4  # 9 persona/subgroup pairs, each alone and as variants A-C
    pages = {name: _pages(pdf) for name, pdf in pdfs(files).items()}
    assert pages == dict.fromkeys(files, 1)
    first = next(iter(pdfs({"x": next(iter(files.values()))}).values()))
    size = subprocess.run(["pdfinfo", str(first)], capture_output=True, text=True).stdout
    wanted = r"595(\.\d+)? x 841" if paper == "a4" else r"419(\.\d+)? x 595"
    assert re.search(rf"^Page size:\s+{wanted}", size, re.MULTILINE), size


@pytest.mark.slow
@needs_soffice
@needs_poppler
def test_missing_facts_show_as_placeholders_on_one_page(
    research: Research,
    write_brief: Callable[..., Path],
    pdfs: Callable[[dict[str, bytes]], dict[str, Path]],
) -> None:
    brief = load_brief(write_brief(drop=("salary", "costs", "duration", "travel")))
    files = _all_flyers(brief, research)
    converted = pdfs(files)
    assert all(_pages(pdf) == 1 for pdf in converted.values())
    texts = [
        subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout
        for p in converted.values()
    ]
    assert any("[AANVULLEN:" in t for t in texts)


@pytest.mark.slow
@needs_soffice
@needs_poppler
@needs_zbar
@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_pdf_prints_the_url_and_its_qr_code_decodes_to_the_tagged_link(
    paper: str, research: Research, example_brief: Brief, tmp_path: Path
) -> None:
    plan = plan_campaign(
        example_brief, research, channels=["flyer"], formats=["pdf"],
        personas=["nieuwsgierige-student"], subgroup="hbo", paper=paper,
    )  # fmt: skip
    draft = plan.drafts[0]
    url = next(b.url for b in draft.document.blocks if b.kind == "cta")
    assert url is not None and "utm_medium=print" in url
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(render_file(draft, "pdf", example_brief))
    assert _pages(pdf) == 1
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "www.hogeschoolrivierland.example/mkb-route" in text
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
    )
    assert decoded.stdout.strip().splitlines() == [url]


def test_paper_flag_sets_the_flyer_page_and_refuses_other_sizes(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    args = ["generate", "-c", "flyer", "-c", "email", "-p", "nieuwsgierige-student"]
    result = runner.invoke(app, [*args, "--paper", "a5", "-o", str(out), "--no-lint"])
    assert result.exit_code == 0, result.output
    section = docx.Document(str(out / "nieuwsgierige-student" / "flyer.docx")).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (14.8, 21.0)
    result = runner.invoke(app, [*args, "--paper", "a3", "-o", str(tmp_path / "p")])
    assert result.exit_code != 0 and "unknown paper size 'a3' (use a4, a5)" in result.output


def test_flyer_keeps_the_house_style_and_puts_the_logo_on_top(
    research: Research, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    ref = docx.Document()
    ref.styles["Heading 1"].font.name = "Georgia"
    ref.styles["Heading 1"].font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    ref.sections[0].header.paragraphs[0].text = "Huisstijl kop"
    ref.sections[0].footer.paragraphs[0].text = "Huisstijl voet"
    ref.add_paragraph("Voorbeeldtekst")
    ref.save(str(tmp_path / "huisstijl.docx"))
    (tmp_path / "logo.png").write_bytes(qr_png("logo"))  # any PNG; a QR is one at hand
    brand = {"name": "R", "reference_docx": "huisstijl.docx", "logo": "logo.png"}
    brief = load_brief(write_brief(brand=brand))
    draft = _flyers(brief, research, personas=["onafhankelijke-zij-instromer"])[0]
    flyer = docx.Document(io.BytesIO(render_file(draft, "docx", brief)))
    assert flyer.styles["Heading 1"].font.name == "Georgia"
    heading = next(p for p in flyer.paragraphs if p.style.name == "Heading 1")
    assert all(run.font.color.rgb is None for run in heading.runs)  # no brand colour set
    assert flyer.sections[0].header.paragraphs[0].text == "Huisstijl kop"
    assert flyer.sections[0].footer.paragraphs[0].text == "Huisstijl voet"
    assert "Voorbeeldtekst" not in "\n".join(p.text for p in flyer.paragraphs)
    assert len(flyer.inline_shapes) == 2  # the logo at the top, the QR code in the box
    first = flyer.element.body[0]
    assert first.xpath(".//pic:pic")  # the logo comes first
    assert flyer.inline_shapes[0].height <= Cm(4.5 / 2) + 1
    assert round(flyer.sections[0].page_height.cm, 1) == 29.7


def _reference_without(tmp_path: Path, *styles: str) -> Path:
    """A house-style document whose styles lack these (a Word file keeps only what it uses)."""
    ref = docx.Document()
    for name in styles:
        element = ref.styles[name].element
        element.getparent().remove(element)
    path = tmp_path / f"ref-{len(styles)}.docx"
    ref.save(str(path))
    return path


def test_the_page_generate_lints_is_the_flyer_read_back(
    example_brief: Brief, research: Research, tmp_path: Path
) -> None:
    """generate lints a flyer from the page its writer laid out, not from the file read
    back again; the two must be the same, whatever was dropped to fit and however the
    house style writes bullets."""
    long_fact = " ".join(["Je werkt en je leert, elke week opnieuw, met een coach."] * 30)
    crowded = SOURCE.replace(
        "- **Zekerheid:** Je houdt je baan.",
        "\n".join(f"- Punt {i}: {long_fact[: 40 * i]}" for i in range(1, 9))
        + "\n\n## Tussenkop met [een link](https://example.org/x)\n\n"
        + f"{long_fact}\tmet tab\n\nNog een alinea.",
    )
    documents = [d.document for d in _flyers(example_brief, research)]
    documents += [parse_document(SOURCE), parse_document(crowded)]
    references: list[Path | None] = [
        None,
        _reference_without(tmp_path, "List Bullet"),
        _reference_without(tmp_path, "List Bullet", "List Paragraph"),
    ]
    for document, reference, paper in itertools.product(documents, references, ("a4", "a5")):
        word, page = render_docx_page(
            document, layout="flyer", paper=paper, reference_docx=reference, title="T"
        )
        path = tmp_path / "flyer.docx"
        path.write_bytes(word)
        assert page == read_draft(path), (paper, reference)
    crowded_page = render_docx_page(parse_document(crowded), layout="flyer")[1]
    assert crowded_page is not None and len(crowded_page.blocks) < len(crowded.split("\n\n"))
    assert render_docx_page(parse_document(SOURCE))[1] is None  # not a flyer


# --- colours and the printed link ------------------------------------------------------------


def _wcag(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio, written out here rather than taken from the code under test."""

    def lum(colour: str) -> float:
        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (lin(int(colour[i : i + 2], 16) / 255) for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _inked_text(flyer: Any) -> list[tuple[str, str, str]]:
    """(text, ink, background) of every run with text, links included; a run without a
    colour of its own takes its paragraph style's, else black; a table cell its fill."""

    def runs(para: Any) -> Iterator[Any]:
        for item in para.iter_inner_content():
            yield from (item.runs if isinstance(item, Hyperlink) else [item])

    def pairs(paras: list[Any], background: str) -> Iterator[tuple[str, str, str]]:
        for para in paras:
            style = para.style.font.color.rgb if para.style is not None else None
            for run in runs(para):
                if run.text.strip():
                    ink = run.font.color.rgb or style
                    yield run.text, str(ink) if ink else "000000", background

    found = list(pairs(flyer.paragraphs, "FFFFFF"))
    for table in flyer.tables:
        for row in table.rows:
            for cell in row.cells:
                fill = cell._tc.xpath("./w:tcPr/w:shd/@w:fill")
                found += pairs(cell.paragraphs, fill[0] if fill else "FFFFFF")
    return found


@pytest.mark.parametrize(
    ("colour", "box"),
    [("#FFF59D", None), ("#F57C00", "B85D00"), ("#808080", None), ("#14213D", "14213D"),
     (None, "1F3A5F")],
)  # fmt: skip
def test_every_text_on_the_flyer_reads_on_its_background(
    colour: str | None, box: str | None
) -> None:
    """Light yellow, orange, mid grey, dark navy and no colour: each text/background pair
    reaches WCAG AA for body text (4.5:1), the brand colour darkened where needed."""
    source = SOURCE.replace("Je verdient meteen.", "Je verdient meteen.\n\n## Tussenkop")
    word, _ = render_docx_page(parse_document(source), layout="flyer", colour=colour)
    flyer = docx.Document(io.BytesIO(word))
    pairs = _inked_text(flyer)
    low = [(t, i, b, round(_wcag(i, b), 2)) for t, i, b in pairs if _wcag(i, b) < 4.5]
    assert not low
    fills = {b for _, _, b in pairs} - {"FFFFFF"}
    assert len(fills) == 2  # the facts' tint and the call to action's box: none was missed
    cta = flyer.tables[1].rows[0].cells[0]
    fill = cta._tc.xpath("./w:tcPr/w:shd/@w:fill")[0]
    assert box is None or fill == box  # #F57C00 darkens to the email button's #B85D00
    headings = [p for p in flyer.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == 2 and all(
        str(r.font.color.rgb) == fill for p in headings for r in p.runs
    )


# Without non-breaking hyphens LibreOffice ends a line with "ad-zorg-", on A4 and A5 alike.
LONG_URL = "https://www.hogeschool-zuiderzee.example/ad-zorg-werkend-leren"


def _hyphenated_flyer() -> Document:
    source = SOURCE.replace("https://example.org/route?", f"{LONG_URL}?").replace(
        "a@example.org", "werkend-leren@hogeschool-zuiderzee.example"
    )
    return parse_document(source)


def test_a_printed_address_never_breaks_at_a_hyphen(tmp_path: Path) -> None:
    word, page = render_docx_page(_hyphenated_flyer(), layout="flyer")
    (tmp_path / "flyer.docx").write_bytes(word)
    assert page == read_draft(tmp_path / "flyer.docx")  # lint reads the hyphens back
    flyer = docx.Document(io.BytesIO(word))
    cta = flyer.tables[1].rows[0].cells[0]
    links = [h for p in cta.paragraphs for h in p.hyperlinks]
    printed = links[-1]
    assert printed.text == display_url(LONG_URL)  # python-docx reads the hyphens as "-"
    assert printed.address == f"{LONG_URL}?utm_source=flyer&utm_medium=print"
    footer = next(h for p in flyer.paragraphs for h in p.hyperlinks)
    assert footer.text == "werkend-leren@hogeschool-zuiderzee.example"
    for link in (printed, footer):
        xml = link._hyperlink
        assert all("-" not in t.text for t in xml.xpath(".//w:t"))
        assert len(xml.xpath(".//w:noBreakHyphen")) == link.text.count("-") > 0
    # a link in running text may break where its words do
    assert "Meld je aan" in "".join(t.text for t in links[0]._hyperlink.xpath(".//w:t"))


@pytest.mark.slow
@needs_soffice
@needs_poppler
@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_the_printed_address_on_the_pdf_has_no_line_ending_in_a_hyphen(
    paper: str, pdfs: Callable[[dict[str, bytes]], dict[str, Path]]
) -> None:
    word, _ = render_docx_page(_hyphenated_flyer(), layout="flyer", paper=paper)
    pdf = pdfs({"flyer": word})["flyer"]
    assert _pages(pdf) == 1
    # -layout: plain pdftotext joins a line ending in a hyphen to the next, hiding the break
    lines = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("www.hogeschool"))
    shown = display_url(LONG_URL)
    printed = [line.split()[0] for line in lines[start : start + 4] if line.strip()]
    joined = ""
    for line in printed:
        joined += line
        assert not line.endswith("-"), printed
        if joined == shown:
            break
    assert joined == shown, printed
