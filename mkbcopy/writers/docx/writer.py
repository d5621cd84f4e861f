"""A Document as a Word file: real headings, bullets, bold and clickable links."""

from __future__ import annotations

import io
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from mkbcopy.document import Document
from mkbcopy.errors import InputError
from mkbcopy.i18n import _
from mkbcopy.writers.brandfiles import check_reference_docx
from mkbcopy.writers.colours import readable
from mkbcopy.writers.docx.elements import (
    _add_logo,
    _add_runs,
    _style,
    _xml,
)
from mkbcopy.writers.docx.flyer import _render_flyer
from mkbcopy.writers.docx.layout import PAPERS

MAX_TITLE = 255  # Word's limit for a document property
PAGE = "#FFFFFF"  # the paper; a house style's page colour is not read


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
    return render_docx_page(
        document,
        title=title,
        colour=colour,
        reference_docx=reference_docx,
        logo=logo,
        layout=layout,
        paper=paper,
    )[0]


def render_docx_page(
    document: Document,
    *,
    title: str = "",
    colour: str | None = None,
    reference_docx: Path | None = None,
    logo: Path | None = None,
    layout: str = "document",
    paper: str = "a4",
) -> tuple[bytes, Document | None]:
    """The Word file as render_docx makes it, and for a flyer what is on its page, as
    `lint` would read it back from the file (None for other layouts)."""
    doc = deepcopy(_a4_skeleton()) if reference_docx is None else _open(reference_docx)
    if title:
        doc.core_properties.title = _xml(title)[:MAX_TITLE]
    # An explicit brand colour wins; without one, headings keep the reference's colour.
    # It is darkened or lightened where needed to read on the white page (WCAG 4.5:1).
    rgb = RGBColor.from_string(readable(colour, PAGE).lstrip("#")) if colour else None
    if layout == "flyer":
        page = _render_flyer(
            doc,
            document,
            rgb=rgb,
            paper=PAPERS[paper],
            reference=reference_docx is not None,
            logo=logo,
        )
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue(), page
    if logo is not None:
        _add_logo(doc, logo)
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
    return out.getvalue(), None


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
        detail = _("not a .docx file") if "Package not found" in str(exc) else str(exc)
        raise InputError(
            _("cannot use as reference document: %(reason)s") % {"reason": detail},
            path=reference_docx,
        ) from None
    # Keep styles, headers and footers; drop the example body text.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc
