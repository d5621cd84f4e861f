"""A Word draft read back as a Document: what lint and the preview check."""

from __future__ import annotations

import re
from pathlib import Path

from mkbcopy.document import Block, Document, Inline, Span
from mkbcopy.errors import InputError
from mkbcopy.i18n import _


def read_docx(path: Path) -> Document:
    """Word drafts via python-docx, imported here because it is slow to import."""
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            _("is not a Word document (%(reason)s)") % {"reason": exc}, path=path
        ) from None
    blocks: list[Block] = []
    items: list[Inline] = []
    for para in word.paragraphs:
        text = str(para.text).strip()
        style = str(para.style.name) if para.style is not None else ""
        if "List" in style:
            if text:
                items.append((Span(text),))
            continue
        if items:
            blocks.append(Block("bullets", items=tuple(items)))
            items = []
        if not text:
            continue
        level = re.search(r"Heading\s*(\d)", style)
        if level or style == "Title":
            blocks.append(
                Block("heading", (Span(text),), level=int(level.group(1)) if level else 1)
            )
        else:
            blocks.append(Block("paragraph", (Span(text),)))
    if items:
        blocks.append(Block("bullets", items=tuple(items)))
    return Document(blocks=blocks)
