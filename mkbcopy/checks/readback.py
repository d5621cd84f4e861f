"""Reading a draft back from any output format, as the reader will see it.

Drafts are edited by hand after `generate`, so lint reads every format back (txt, md,
html, eml, docx) into a Document; a Word file through writers/docx/read.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

from mkbcopy.document import Block, Document, Inline, Span, parse_document
from mkbcopy.errors import InputError
from mkbcopy.i18n import _

DRAFT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".eml", ".docx")


def read_draft(path: Path) -> Document:
    """A draft file in any output format as a Document (subject/preheader in meta)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md"):
            return parse_document(path.read_text(encoding="utf-8"))
        if suffix in (".html", ".htm"):
            return read_html(path.read_text(encoding="utf-8"))
        if suffix == ".eml":
            return _read_eml(path)
        if suffix == ".docx":
            from mkbcopy.writers.docx.read import read_docx  # python-docx is slow to import

            return read_docx(path)
    except UnicodeDecodeError:
        raise InputError(_("is not UTF-8 text"), path=path) from None
    except OSError as exc:
        raise InputError(
            _("cannot read: %(reason)s") % {"reason": exc.strerror or exc}, path=path
        ) from None
    raise InputError(
        _("is not a draft file (use %(suffixes)s)") % {"suffixes": ", ".join(DRAFT_SUFFIXES)},
        path=path,
    )


class _HtmlDraft(HTMLParser):
    """Headings, paragraphs and list items of our HTML; <title> and hidden preheader."""

    _BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li"})
    _SKIP = frozenset({"script", "style", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        self.items: list[Inline] | None = None
        self.heading = 0
        self.url: str | None = None
        self.bold = self.italic = 0
        self.skip = 0
        self.title: list[str] | None = None
        self.divs = 0
        self.hidden_at: int | None = None
        self.hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "title":
            self.title = []
        elif tag in self._SKIP:
            self.skip += 1
        elif tag == "div":
            self.divs += 1
            style = attr.get("style", "").replace(" ", "").lower()
            if self.hidden_at is None and "display:none" in style:
                self.hidden_at = self.divs
        elif tag in self._BLOCKS:
            self._flush()
            self.heading = int(tag[1]) if tag[0] == "h" else 0
        elif tag in ("ul", "ol"):
            self._flush()
            self.items = []
        elif tag == "br":
            self.spans.append(Span("\n"))
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "a":
            self.url = attr.get("href") or None

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title is not None:
            title = " ".join("".join(self.title).split())
            if title:
                self.meta["subject"] = title
            self.title = None
        elif tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "div":
            if self.hidden_at == self.divs:
                preheader = " ".join("".join(self.hidden).split())
                if preheader:
                    self.meta["preheader"] = preheader
                self.hidden_at = None
            self.divs = max(0, self.divs - 1)
        elif tag in self._BLOCKS:
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.items:
                self.blocks.append(Block("bullets", items=tuple(self.items)))
            self.items = None
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "a":
            self.url = None

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        elif self.hidden_at is not None:
            self.hidden.append(data)
        elif not self.skip:
            text = re.sub(r"\s+", " ", data)
            if text.strip() or self.spans:
                self.spans.append(Span(text, bool(self.bold), bool(self.italic), self.url))

    def _flush(self) -> None:
        spans = _trim(self.spans)
        self.spans = []
        if not spans:
            return
        if self.items is not None:
            self.items.append(spans)
        elif self.heading:
            self.blocks.append(Block("heading", spans, level=self.heading))
        else:
            self.blocks.append(Block("paragraph", spans))
        self.heading = 0

    def document(self) -> Document:
        self._flush()
        return Document(meta=self.meta, blocks=self.blocks)


def _trim(spans: list[Span]) -> Inline:
    """Drop the whitespace that HTML layout leaves around a block's text and its <br>s."""
    out = list(spans)
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if not out:
        return ()
    out[0] = replace(out[0], text=out[0].text.lstrip())
    out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return tuple(replace(s, text=re.sub(r" *\n *", "\n", s.text)) for s in out)


def read_html(source: str) -> Document:
    """Our HTML (or any simple HTML) as a Document; tags stripped, structure kept."""
    parser = _HtmlDraft()
    parser.feed(source)
    parser.close()
    return parser.document()


def _read_eml(path: Path) -> Document:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    part = (
        message.get_body(preferencelist=("plain", "html"))
        if isinstance(message, EmailMessage)
        else None
    )
    if part is None:
        raise InputError(_("has no text/plain or text/html body"), path=path)
    try:
        content = part.get_content()
    except (LookupError, ValueError) as exc:
        raise InputError(
            _("cannot decode the mail body: %(reason)s") % {"reason": exc}, path=path
        ) from None
    text = str(content)
    document = read_html(text) if part.get_content_type() == "text/html" else parse_document(text)
    for header, key in (("Subject", "subject"), ("X-Preheader", "preheader")):
        value = message.get(header)
        if value is not None:
            document.meta[key] = " ".join(str(value).split())
    return document
