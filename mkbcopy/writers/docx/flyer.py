"""The one-page flyer written into a Word document: headline, facts, call to action with QR code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from mkbcopy.document import Block, Document, Inline, Span
from mkbcopy.links import display_url
from mkbcopy.writers.colours import readable, text_on
from mkbcopy.writers.docx.elements import (
    _add_hyperlink,
    _add_logo,
    _add_runs,
    _border_top,
    _cell_margins,
    _gap,
    _glue_digits,
    _shade,
    _spacing,
    _style,
    _widths,
    _xml,
)
from mkbcopy.writers.docx.layout import (
    _CM,
    Paper,
    _fact_columns,
    _fact_parts,
    _fit_page,
    _Piece,
    _pieces,
)
from mkbcopy.writers.docx.qr import qr_png

DEFAULT_BRAND = RGBColor(0x1F, 0x3A, 0x5F)
FACT_TINT = "EEF2F7"


def _render_flyer(
    doc: Any,
    document: Document,
    *,
    rgb: RGBColor | None,
    paper: Paper,
    reference: bool,
    logo: Path | None,
) -> Document:
    """Lay the flyer out on one page; returns the page as a reader of the file finds it.

    `rgb` is the brand colour, already readable on the white page: headings and the
    call to action's box take it (without one, DEFAULT_BRAND; with a house style and
    no colour, the headings keep the house style's).
    """
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(paper.width), Cm(paper.height)
    if not reference:
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(paper.margin))
        doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(paper.body)
    width = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU->pt
    height = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    if reference:  # the house style's header and footer take room from the body
        height -= 3 * _CM
    height -= 0.5 * _CM  # slack for rounding in the word processor
    if logo is not None:
        height -= _add_flyer_logo(doc, logo, paper) / 12700 + 6
    pieces = _fit_page(_pieces(document), paper, width, height)
    brand = rgb or DEFAULT_BRAND
    heading = None if rgb is None and reference else brand
    for piece in pieces:
        _write_piece(doc, piece, paper, width, heading, brand)
    listed = _style(doc, "List Bullet") is not None
    return _page(pieces, bullets="styled" if listed else _text_bullets(doc))


def _text_bullets(doc: Any) -> str:
    """How a text bullet reads back: as a list item in "List Paragraph", else as text."""
    return "listed" if _style(doc, "List Paragraph", copy=False) is not None else "plain"


def _page(pieces: list[_Piece], *, bullets: str) -> Document:
    """The paragraphs of the page as `lint` reads a Word file back (checks/lint.py):
    headings, paragraphs and list items as plain text; tables (facts, the call to
    action) are not read. So generate lints a flyer without reading its file again.
    `bullets`: "styled" (List Bullet), "listed" (a text bullet in List Paragraph), "plain".
    """
    blocks: list[Block] = []
    items: list[Inline] = []

    def flush() -> None:
        if items:
            blocks.append(Block("bullets", items=tuple(items)))
            items.clear()

    def add(kind: Literal["heading", "paragraph"], spans: Inline, level: int = 0) -> None:
        flush()
        text = _read_back(spans)
        if text:
            blocks.append(Block(kind, (Span(text),), level=level))

    for piece in pieces:
        if piece.kind in ("headline", "subhead"):
            add("heading", piece.lines[0], 1 if piece.kind == "headline" else 2)
        elif piece.kind in ("lead", "text"):
            add("paragraph", piece.lines[0])
        elif piece.kind == "bullets":
            for line in piece.lines:
                bullet = () if bullets == "styled" else (Span("\u2022\t"),)
                if bullets == "plain":
                    add("paragraph", (*bullet, *line))
                elif text := _read_back((*bullet, *line)):
                    items.append((Span(text),))
        elif piece.kind == "footer":
            for line in piece.lines:
                add("paragraph", line)
        else:  # a table, then an empty paragraph that keeps it from the next
            flush()
    flush()
    return Document(blocks=blocks)


def _read_back(spans: Inline) -> str:
    """A paragraph's text as python-docx reads it: a run's CR becomes a line break."""
    text = "".join(
        _xml(s.text) if s.url else _glue_digits(_xml(s.text)).replace("\r", "\n") for s in spans
    )
    return text.strip()


def _write_piece(
    doc: Any, piece: _Piece, paper: Paper, width: float, heading: RGBColor | None, brand: RGBColor
) -> None:
    if piece.kind in ("headline", "subhead"):
        level = 1 if piece.kind == "headline" else 2
        _style(doc, f"Heading {level}")
        para = doc.add_heading(level=level)
        size = paper.headline if level == 1 else paper.lead + 2
        _add_runs(para, piece.lines[0], size=size)
        _spacing(para, after=size * 0.35, before=0 if level == 1 else paper.body * 0.6)
        for run in para.runs:
            if heading is not None:
                run.font.color.rgb = heading
    elif piece.kind in ("lead", "text"):
        para = doc.add_paragraph()
        _add_runs(para, piece.lines[0], size=paper.lead if piece.kind == "lead" else None)
        _spacing(para, after=paper.body * 0.6)
    elif piece.kind == "bullets":
        bullet_style = _style(doc, "List Bullet")
        for item in piece.lines:
            if bullet_style is not None:
                para = doc.add_paragraph(style=bullet_style)
                _add_runs(para, item)
            else:
                para = doc.add_paragraph(style=_style(doc, "List Paragraph", copy=False))
                para.add_run("\u2022\t")
                _add_runs(para, item)
            _spacing(para, after=paper.body * 0.35)
        _spacing(para, after=paper.body * 0.8)
    elif piece.kind == "facts":
        _write_facts(doc, piece, paper, width, brand)
    elif piece.kind in ("cta", "qr"):
        _write_cta(doc, piece, paper, width, brand)
    elif piece.kind == "footer":
        for index, line in enumerate(piece.lines):
            para = doc.add_paragraph()
            _add_runs(para, line, colour="555555", size=paper.small)
            _spacing(para, after=1, before=paper.small if index == 0 else 0)
            if index == 0:
                _border_top(para)


def _write_facts(doc: Any, piece: _Piece, paper: Paper, width: float, brand: RGBColor) -> None:
    label_w, value_w = _fact_columns(width)
    label_ink = readable(str(brand), FACT_TINT).lstrip("#")
    table = doc.add_table(rows=0, cols=2)
    for line in piece.lines:
        label, value = _fact_parts(line)
        cells = table.add_row().cells
        for cell, spans in ((cells[0], label), (cells[1], value)):
            _shade(cell, FACT_TINT)
            para = cell.paragraphs[0]
            _add_runs(para, spans, colour=label_ink if spans is label else None)
            _spacing(para, before=3, after=3)
    _widths(table, [label_w, value_w])
    for row, line in zip(table.rows, piece.lines, strict=True):
        if not _fact_parts(line)[0]:
            row.cells[0].merge(row.cells[1])
    _cell_margins(table, 6)
    _gap(doc, paper.body * 0.6)


def _write_cta(doc: Any, piece: _Piece, paper: Paper, width: float, brand: RGBColor) -> None:
    """A brand-coloured box: the call in large type, the printed link, and a QR code beside it.

    The box's text is white or near-black, whichever reads better on the brand colour.
    """
    qr_w = paper.qr * _CM + 16 if piece.url else 0
    cols = 2 if piece.url else 1
    table = doc.add_table(rows=1, cols=cols)
    _widths(table, [width - qr_w, qr_w][:cols])
    text_cell = table.rows[0].cells[0]
    filled = piece.kind == "cta"
    if filled:
        _shade(text_cell, str(brand))
    ink = text_on(str(brand)).lstrip("#") if filled else None
    for index, line in enumerate(piece.lines):
        para = text_cell.paragraphs[0] if index == 0 else text_cell.add_paragraph()
        size = paper.lead + 2 if index == 0 and filled else paper.body
        _add_runs(para, line, colour=ink, size=size)
        _spacing(para, after=4)
    if piece.url:
        para = text_cell.add_paragraph() if piece.lines else text_cell.paragraphs[0]
        _add_hyperlink(
            para, display_url(piece.url), piece.url, bold=True, colour=ink, size=paper.body
        )
        qr_cell = table.rows[0].cells[1]
        picture = qr_cell.paragraphs[0]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(qr_png(piece.url)), width=Cm(paper.qr))
        caption = qr_cell.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = caption.add_run("Scan de code")
        run.font.size = Pt(paper.small)
        for para in qr_cell.paragraphs:
            _spacing(para, after=0)
    _cell_margins(table, 8)
    _gap(doc, paper.body * 0.8)


def _add_flyer_logo(doc: Any, logo: Path, paper: Paper) -> int:
    """The logo at the top, at most `paper.logo` wide and half that tall; its height (EMU).

    A tall logo would otherwise push the call to action off the page.
    """
    _add_logo(doc, logo)
    shape = doc.inline_shapes[-1]
    ratio = shape.height / shape.width if shape.width else 1.0
    width = int(Cm(paper.logo))
    height = int(width * ratio)
    limit = int(Cm(paper.logo / 2))
    if height > limit:
        width, height = int(limit / ratio), limit
    shape.width, shape.height = width, height
    return height
