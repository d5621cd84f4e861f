"""Word output; the only module that imports python-docx (it is slow to import)."""

from __future__ import annotations

import hashlib
import io
from contextlib import suppress
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from mkbcopy.document import Document, Inline, Span, inline_text
from mkbcopy.errors import InputError
from mkbcopy.links import display_url
from mkbcopy.research.text import BAD_CHARS
from mkbcopy.usercache import private_folder, write_private
from mkbcopy.writers.brandfiles import check_logo, check_reference_docx

PLACEHOLDER_PREFIX = "[AANVULLEN:"
MAX_TITLE = 255  # Word's limit for a document property


def render_docx(
    document: Document,
    *,
    title: str = "",
    colour: str | None = None,
    reference_docx: Path | None = None,
    logo: Path | None = None,
    layout: str = "document",
    paper: str = "a4",
) -> bytes:
    """An A4 Word file with real headings, bullets, bold and clickable links.

    `layout="flyer"` lays it out as one page of `paper` instead: what does not
    fit is shortened or left out, so it never runs onto a second page.
    """
    doc = deepcopy(_a4_skeleton()) if reference_docx is None else _open(reference_docx)
    if layout == "flyer":
        if title:
            doc.core_properties.title = _xml(title)[:MAX_TITLE]
        _render_flyer(
            doc,
            document,
            rgb=RGBColor.from_string(colour.lstrip("#")) if colour else None,
            paper=PAPERS[paper],
            reference=reference_docx is not None,
            logo=logo,
        )
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    if title:
        doc.core_properties.title = _xml(title)[:MAX_TITLE]
    if logo is not None:
        _add_logo(doc, logo)
    # An explicit brand colour wins; without one, headings keep the reference's colour.
    rgb = RGBColor.from_string(colour.lstrip("#")) if colour else None
    bullet_style = _style(doc, "List Bullet")
    for block in document.blocks:
        if block.kind == "heading":
            level = min(max(block.level, 1), 3)
            _style(doc, f"Heading {level}")
            para = doc.add_heading(level=level)
            _add_runs(para, block.spans)
            if rgb is not None:
                for run in para.runs:
                    run.font.color.rgb = rgb
        elif block.kind == "bullets":
            for item in block.items:
                if bullet_style is not None:
                    _add_runs(doc.add_paragraph(style=bullet_style), item)
                else:  # a text bullet: copying the style would need its numbering too
                    para = doc.add_paragraph(style=_style(doc, "List Paragraph", copy=False))
                    para.add_run("\u2022\t")
                    _add_runs(para, item)
        else:
            _add_runs(doc.add_paragraph(), block.spans)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@cache
def _a4_skeleton() -> Any:
    """python-docx's empty document set to A4 and Calibri 11, read once: each flyer
    starts from a copy, which takes half the time of reading the template again."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    return doc


def check_brand_files(reference_docx: Path | None, logo: Path | None) -> None:
    """Open the reference document and the logo once, before any file is written."""
    if reference_docx is not None:
        _open(reference_docx)
    if logo is not None:
        _add_logo(new_docx(), logo)


def _open(reference_docx: Path | None) -> Any:
    if reference_docx is None:
        return new_docx()
    check_reference_docx(reference_docx)
    try:
        doc = new_docx(str(reference_docx))
    except Exception as exc:  # python-docx raises several types for a bad package
        detail = "not a .docx file" if "Package not found" in str(exc) else str(exc)
        raise InputError(
            f"cannot use as reference document: {detail}", path=reference_docx
        ) from None
    # Keep styles, headers and footers; drop the example body text.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _style(doc: Any, name: str, *, copy: bool = True) -> Any:
    """The reference's own style; a missing heading style is copied from python-docx's default.

    A Word file only stores the styles it uses, so a reference without headings
    lacks "Heading 2". "List Bullet" is not copied (it points into numbering.xml):
    the caller writes a text bullet instead.
    """
    try:
        return doc.styles[name]
    except KeyError:
        pass
    if not copy or not name.startswith("Heading"):
        return None
    default = new_docx().styles
    for wanted in (name, f"{name} Char"):
        try:
            doc.styles.element.append(deepcopy(default[wanted].element))
        except KeyError:
            continue
    return doc.styles[name]


def _add_logo(doc: Any, logo: Path) -> None:
    check_logo(logo)
    try:
        doc.add_picture(str(logo), width=Cm(4))
    except FileNotFoundError:
        raise InputError("logo not found", path=logo) from None
    except Exception as exc:
        detail = f" ({exc})" if str(exc) else ""
        raise InputError(f"logo is not a PNG or JPEG image{detail}", path=logo) from None


def _add_runs(
    para: Paragraph, spans: Inline, *, colour: str | None = None, size: float | None = None
) -> None:
    for span in spans:
        if span.url:
            _add_hyperlink(para, span.text, span.url, bold=span.bold, colour=colour, size=size)
            continue
        run = para.add_run(_xml(span.text))
        run.bold = span.bold or None
        run.italic = span.italic or None
        if colour is not None:
            run.font.color.rgb = RGBColor.from_string(colour)
        if size is not None:
            run.font.size = Pt(size)
        if PLACEHOLDER_PREFIX in span.text:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _add_hyperlink(
    para: Paragraph,
    text: str,
    url: str,
    *,
    bold: bool,
    colour: str | None = None,
    size: float | None = None,
) -> None:
    """python-docx has no hyperlink API; build the w:hyperlink element ourselves."""
    rel_id = para.part.relate_to(_xml(url), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    if bold:  # schema order: rStyle, b, color, u
        props.append(OxmlElement("w:b"))
    ink = OxmlElement("w:color")
    ink.set(qn("w:val"), colour or "0563C1")
    props.append(ink)
    if size is not None:
        half_points = OxmlElement("w:sz")
        half_points.set(qn("w:val"), str(round(size * 2)))
        props.append(half_points)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    text_el = OxmlElement("w:t")
    text_el.text = _xml(text)
    text_el.set(qn("xml:space"), "preserve")
    run.append(text_el)
    link.append(run)
    para._p.append(link)


def _xml(text: str) -> str:
    """Drop what XML cannot hold (control characters, lone surrogates): Word would
    refuse the whole file. The brief and the template check refuse these with the
    field or line named; this keeps other callers from writing a corrupt file."""
    return BAD_CHARS.sub("", text)


# --- the one-page flyer ----------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A flyer's page and type sizes (cm and pt): A5 is A4 scaled down by about 0.7."""

    width: float
    height: float
    margin: float
    headline: float
    lead: float
    body: float
    small: float
    qr: float
    logo: float


PAPERS = {
    "a4": Paper(21.0, 29.7, 1.8, 34, 15, 12, 9.5, 4.2, 4.5),
    "a5": Paper(14.8, 21.0, 1.2, 22, 11, 8.5, 7, 2.8, 3.2),
}
DEFAULT_BRAND = RGBColor(0x1F, 0x3A, 0x5F)
FACT_TINT = "EEF2F7"
# Estimating the layout: an average glyph is at most this wide (em; DejaVu Sans, the
# widest usual fallback for Calibri), and a single-spaced line this tall.
_GLYPH_EM = 0.56
_LINE_EM = 1.17
_CM = 28.35  # points per cm
# The most characters one line of each kind keeps: with these caps the fixed parts
# (headline, call to action, footer) always fit, and _fit_page trims the rest.
_CAP = dict(
    headline=90, subhead=90, lead=280, text=240, footer=240, bullets=220, facts=160, cta=160, qr=160
)


@dataclass
class _Piece:
    """One thing on the page before it is written, so it can still be shortened or left out."""

    kind: str
    lines: list[Inline]
    url: str | None = None


def _render_flyer(
    doc: Any,
    document: Document,
    *,
    rgb: RGBColor | None,
    paper: Paper,
    reference: bool,
    logo: Path | None,
) -> None:
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
    for piece in pieces:
        _write_piece(doc, piece, paper, width, rgb, brand)


def _pieces(document: Document) -> list[_Piece]:
    pieces: list[_Piece] = []
    for block in document.blocks:
        if block.kind == "heading":
            kind = "headline" if block.level <= 1 and not pieces else "subhead"
            pieces.append(_Piece(kind, [block.spans]))
        elif block.kind == "paragraph":
            lead = bool(pieces) and pieces[-1].kind == "headline"
            pieces.append(_Piece("lead" if lead else "text", [block.spans]))
        elif block.kind == "bullets":
            pieces.append(_Piece("bullets", list(block.items)))
        else:
            pieces.append(_Piece(block.kind, list(block.items), url=block.url))
    return pieces


def _fit_page(pieces: list[_Piece], paper: Paper, width: float, height: float) -> list[_Piece]:
    """Shorten over-long lines, then drop benefits, extra text and facts until the page holds it.

    The word budget in the template header usually suffices; this is the guarantee
    for a brief whose single facts are long (a fact may have 2,000 characters).
    """
    for piece in pieces:
        piece.lines = [_clip(line, _CAP[piece.kind]) for line in piece.lines]
    # Three benefits and one key fact hold out longest: they are what a flyer is for.
    steps: list[tuple[str, int]] = [("bullets", 3), ("facts", 1), ("text", 0), ("bullets", 0)]
    steps += [("subhead", 0), ("facts", 0), ("lead", 0)]
    for kind, floor in steps:
        while _height(pieces, paper, width) > height:
            candidates = [p for p in pieces if p.kind == kind and p.lines]
            if not candidates or sum(len(p.lines) for p in candidates) <= floor:
                break
            last = candidates[-1]
            keep_one = kind in ("facts", "lead")
            if keep_one and len(last.lines) == 1:
                # the last line left: halve it rather than lose the block
                text = inline_text(last.lines[0])
                if len(text) < 60:
                    break
                last.lines = [_clip(last.lines[0], len(text) // 2)]
                continue
            last.lines.pop()
        pieces = [p for p in pieces if p.lines]
    for piece in pieces:  # the fixed parts: shrink them to their caps' minimum
        while (
            _height(pieces, paper, width) > height
            and piece.kind in ("cta", "footer", "qr")
            and len(piece.lines) > 1
        ):
            piece.lines.pop()
    return pieces


def _height(pieces: list[_Piece], paper: Paper, width: float) -> float:
    return sum(_piece_height(p, paper, width) for p in pieces)


def _lines(text: str, size: float, width: float) -> int:
    per_line = max(int(width / (size * _GLYPH_EM)), 1)
    total = 0
    for part in text.split("\n"):
        words = part.split()
        count, used = 1, 0
        for word in words:
            needed = len(word) + (1 if used else 0)
            if used and used + needed > per_line:
                count, used = count + 1, len(word)
            else:
                used += needed
            while used > per_line:  # a word longer than a line breaks anywhere
                count, used = count + 1, used - per_line
        total += count
    return total


def _piece_height(piece: _Piece, paper: Paper, width: float) -> float:
    def tall(lines: list[Inline], size: float, w: float, gap: float) -> float:
        return sum(_lines(inline_text(s), size, w) * size * _LINE_EM + gap for s in lines)

    if piece.kind == "headline":
        return tall(piece.lines, paper.headline, width, paper.headline * 0.5)
    if piece.kind == "subhead":
        return tall(piece.lines, paper.lead + 2, width, paper.body)
    if piece.kind == "lead":
        return tall(piece.lines, paper.lead, width, paper.body * 0.8)
    if piece.kind == "bullets":
        return tall(piece.lines, paper.body, width - 18, paper.body * 0.35) + paper.body * 0.5
    if piece.kind == "facts":
        label, value = _fact_columns(width)
        rows = [_fact_parts(line) for line in piece.lines]
        body = sum(
            max(
                _lines(inline_text(lab), paper.body, label - 12),
                _lines(inline_text(val), paper.body, value - 12),
            )
            * paper.body
            * _LINE_EM
            + 8
            for lab, val in rows
        )
        return body + paper.body * 1.2
    if piece.kind in ("cta", "qr"):
        qr = paper.qr * _CM + 16 if piece.url else 0
        text_width = width - (qr + 12 if piece.kind == "cta" else 0) - 16
        first, rest = piece.lines[:1], piece.lines[1:]
        text = tall(first, paper.lead + 2, text_width, 6) + tall(rest, paper.body, text_width, 4)
        url = tall([(Span(display_url(piece.url)),)], paper.body, text_width, 4) if piece.url else 0
        caption = paper.small * _LINE_EM
        return max(text + url, qr + caption) + 16 + paper.body
    if piece.kind == "footer":
        return tall(piece.lines, paper.small, width, 2) + paper.small * 2
    return tall(piece.lines, paper.body, width, paper.body * 0.6)


def _clip(spans: Inline, limit: int) -> Inline:
    """At most `limit` characters, cut at a word and ended with an ellipsis."""
    if len(inline_text(spans)) <= limit:
        return spans
    out: list[Span] = []
    room = limit - 1
    for span in spans:
        if room <= 0:
            break
        text = span.text[:room]
        room -= len(text)
        out.append(Span(text, span.bold, span.italic, span.url))
    last = out[-1]
    text = last.text
    cut = text.rfind(" ")
    if cut > len(text) // 2:
        text = text[:cut]
    out[-1] = Span(text.rstrip(" ,;:") + "\u2026", last.bold, last.italic, last.url)
    return tuple(out)


def _fact_columns(width: float) -> tuple[float, float]:
    label = min(width * 0.3, 4.2 * _CM)
    return label, width - label


def _fact_parts(line: Inline) -> tuple[Inline, Inline]:
    """`**Salaris:** 2.400 euro` -> ("Salaris", "2.400 euro"); no bold label, no label."""
    spans = [s for s in line if s.text]
    if spans and spans[0].bold and spans[0].text.rstrip().endswith(":") and len(spans) > 1:
        label = Span(spans[0].text.rstrip().rstrip(":"), bold=True)
        rest = list(spans[1:])
        rest[0] = Span(rest[0].text.lstrip(), rest[0].bold, rest[0].italic, rest[0].url)
        return (label,), tuple(rest)
    return (), tuple(spans)


def _write_piece(
    doc: Any, piece: _Piece, paper: Paper, width: float, rgb: RGBColor | None, brand: RGBColor
) -> None:
    if piece.kind in ("headline", "subhead"):
        level = 1 if piece.kind == "headline" else 2
        _style(doc, f"Heading {level}")
        para = doc.add_heading(level=level)
        size = paper.headline if level == 1 else paper.lead + 2
        _add_runs(para, piece.lines[0], size=size)
        _spacing(para, after=size * 0.35, before=0 if level == 1 else paper.body * 0.6)
        for run in para.runs:
            if rgb is not None:
                run.font.color.rgb = rgb
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
    table = doc.add_table(rows=0, cols=2)
    for line in piece.lines:
        label, value = _fact_parts(line)
        cells = table.add_row().cells
        for cell, spans in ((cells[0], label), (cells[1], value)):
            _shade(cell, FACT_TINT)
            para = cell.paragraphs[0]
            _add_runs(para, spans, colour=str(brand) if spans is label else None)
            _spacing(para, before=3, after=3)
    _widths(table, [label_w, value_w])
    for row, line in zip(table.rows, piece.lines, strict=True):
        if not _fact_parts(line)[0]:
            row.cells[0].merge(row.cells[1])
    _cell_margins(table, 6)
    _gap(doc, paper.body * 0.6)


def _write_cta(doc: Any, piece: _Piece, paper: Paper, width: float, brand: RGBColor) -> None:
    """A brand-coloured box: the call in large type, the printed link, and a QR code beside it."""
    qr_w = paper.qr * _CM + 16 if piece.url else 0
    cols = 2 if piece.url else 1
    table = doc.add_table(rows=1, cols=cols)
    _widths(table, [width - qr_w, qr_w][:cols])
    text_cell = table.rows[0].cells[0]
    filled = piece.kind == "cta"
    if filled:
        _shade(text_cell, str(brand))
    ink = "FFFFFF" if filled else None
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


# Error correction level M; 12 pixels per module; the 4-module quiet zone the standard asks.
QR_ERROR, QR_SCALE, QR_BORDER = "m", 12, 4


def qr_png(url: str) -> bytes:
    """The QR code of the full link, as a PNG with whole pixels per module (sharp in print).

    Kept in the user's cache under a name made of the link, the options and segno's
    version, so a hit is the PNG segno would make now; making one takes 15 ms.
    """
    from importlib.metadata import version

    folder = private_folder("qr")
    made_by = (version("segno"), QR_ERROR, QR_SCALE, QR_BORDER, url)
    key = hashlib.sha256(repr(made_by).encode()).hexdigest()
    kept = folder / f"{key[:32]}.png" if folder is not None else None
    if kept is not None:
        with suppress(OSError):
            return kept.read_bytes()
    png = make_qr_png(url)
    if kept is not None:
        write_private(kept, png)
    return png


def make_qr_png(url: str) -> bytes:
    """The QR code made now, without the cache."""
    import segno  # 15 ms to import, and only needed when the cache has no such code

    out = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(
        out, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return out.getvalue()


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


def _spacing(para: Paragraph, *, after: float = 0, before: float = 0) -> None:
    fmt = para.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0


def _gap(doc: Any, size: float) -> None:
    """A small empty paragraph: Word needs one between two tables or they merge."""
    para = doc.add_paragraph()
    _spacing(para)
    para.paragraph_format.line_spacing = Pt(size)


def _shade(cell: Any, fill: str) -> None:
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shade)


def _widths(table: Any, widths: list[float]) -> None:
    """Column widths in points, in the grid as well: LibreOffice reads the grid, Word the cells."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Pt(width)
        for cell in column.cells:
            cell.width = Pt(width)


def _cell_margins(table: Any, points: float) -> None:
    props = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(points * 20)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    props.append(margins)


def _border_top(para: Paragraph) -> None:
    props = para._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", "999999")):
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    props.append(border)
