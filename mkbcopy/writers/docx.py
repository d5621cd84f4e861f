"""Word output; the only module that imports python-docx (it is slow to import)."""

from __future__ import annotations

import io
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

from mkbcopy.brandfiles import check_logo, check_reference_docx
from mkbcopy.document import Document, Inline
from mkbcopy.errors import InputError
from mkbcopy.text import BAD_CHARS

PLACEHOLDER_PREFIX = "[AANVULLEN:"
MAX_TITLE = 255  # Word's limit for a document property


def render_docx(
    document: Document,
    *,
    title: str = "",
    colour: str | None = None,
    reference_docx: Path | None = None,
    logo: Path | None = None,
) -> bytes:
    """An A4 Word file with real headings, bullets, bold and clickable links."""
    doc = _open(reference_docx)
    if reference_docx is None:
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        doc.styles["Normal"].font.name = "Calibri"
        doc.styles["Normal"].font.size = Pt(11)
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


def _add_runs(para: Paragraph, spans: Inline) -> None:
    for span in spans:
        if span.url:
            _add_hyperlink(para, span.text, span.url, bold=span.bold)
            continue
        run = para.add_run(_xml(span.text))
        run.bold = span.bold or None
        run.italic = span.italic or None
        if PLACEHOLDER_PREFIX in span.text:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _add_hyperlink(para: Paragraph, text: str, url: str, *, bold: bool) -> None:
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
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.append(colour)
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
