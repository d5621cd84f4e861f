"""Low-level Word pieces: styles, runs, hyperlinks, spacing, shading, table widths."""

from __future__ import annotations

import re
from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from mkbcopy.document import Inline
from mkbcopy.errors import InputError
from mkbcopy.i18n import _
from mkbcopy.research.text import BAD_CHARS
from mkbcopy.writers.brandfiles import check_logo

PLACEHOLDER_PREFIX = "[AANVULLEN:"


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
        raise InputError(_("%(what)s not found") % {"what": _("logo")}, path=logo) from None
    except Exception as exc:
        detail = f" ({exc})" if str(exc) else ""
        raise InputError(
            _("logo is not a PNG or JPEG image%(detail)s") % {"detail": detail}, path=logo
        ) from None


def _add_runs(
    para: Paragraph, spans: Inline, *, colour: str | None = None, size: float | None = None
) -> None:
    for span in spans:
        if span.url:
            _add_hyperlink(para, span.text, span.url, bold=span.bold, colour=colour, size=size)
            continue
        run = para.add_run(_glue_digits(_xml(span.text)))
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
    _add_link_text(run, _xml(text))
    link.append(run)
    para._p.append(link)


def _add_link_text(run: Any, text: str) -> None:
    """The link's text; in a printed address (no spaces: a URL or an email) every hyphen
    is Word's non-breaking hyphen. A line ending in `ad-zorg-` leaves a reader typing off
    paper guessing whether the hyphen is part of the address. It prints as "-", and
    python-docx reads it back as "-". After a `/` a line may still break."""
    parts = [text] if any(c.isspace() for c in text) else text.split("-")
    for index, part in enumerate(parts):
        if index:
            run.append(OxmlElement("w:noBreakHyphen"))
        if part:
            text_el = OxmlElement("w:t")
            text_el.text = part
            text_el.set(qn("xml:space"), "preserve")
            run.append(text_el)


# A space between two digits: in a phone number ("010 765 43 21") a line must not break there.
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")


def _glue_digits(text: str) -> str:
    """Non-breaking spaces between digit groups, so a number never splits across lines."""
    return _DIGIT_SPACE.sub("\u00a0", text)


def _xml(text: str) -> str:
    """Drop what XML cannot hold (control characters, lone surrogates): Word would
    refuse the whole file. The brief and the template check refuse these with the
    field or line named; this keeps other callers from writing a corrupt file."""
    return BAD_CHARS.sub("", text)


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
