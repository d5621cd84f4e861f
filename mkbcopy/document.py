"""The structured text that templates produce and writers consume.

Templates write a small Markdown dialect (headings, paragraphs, bullet lists,
bold, italic, links) after an optional `---` header of `key: value` lines
(subject, preheader). Parsing it once here keeps every writer simple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
_META_LINE = re.compile(r"^([a-z_]+):[ \t]*(.*)$")


@dataclass(frozen=True)
class Span:
    """A run of inline text; `url` makes it a link."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


Inline = tuple[Span, ...]


@dataclass(frozen=True)
class Block:
    kind: Literal["heading", "paragraph", "bullets"]
    spans: Inline = ()
    level: int = 0
    items: tuple[Inline, ...] = ()


@dataclass
class Document:
    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    markdown: str = ""

    def links(self) -> list[str]:
        spans = [s for b in self.blocks for s in (*b.spans, *(x for i in b.items for x in i))]
        return [s.url for s in spans if s.url]


def escape_md(text: str) -> str:
    """Make brief text literal inside Markdown: `*` stays a star, `<b>` stays text."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
        ["image", "code", "fence", "html_block", "html_inline", "table"], ignoreInvalid=True
    )


def parse_document(text: str) -> Document:
    """Split the optional header from the body and parse the body into blocks."""
    meta: dict[str, str] = {}
    body = text.lstrip("\n")
    if body.startswith("---\n"):
        end = body.find("\n---", 4)
        if end != -1:
            for line in body[4:end].splitlines():
                match = _META_LINE.match(line.strip())
                if match:
                    meta[match.group(1)] = plain_inline(match.group(2))
            body = body[end + 4 :].lstrip("\n")
    body = _tidy(body)
    return Document(meta=meta, blocks=_blocks(_parser().parse(body)), markdown=body)


def plain_inline(text: str) -> str:
    """Markdown inline text as plain text (escapes resolved, markup dropped)."""
    tokens = _parser().parseInline(text)
    return "".join(s.text for s in _spans(tokens[0].children or [])) if tokens else ""


def _tidy(body: str) -> str:
    """Collapse the blank-line runs and trailing spaces that template logic leaves."""
    lines = [line.rstrip() for line in body.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _blocks(tokens: list[Token]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            blocks.append(
                Block("heading", _spans(tokens[i + 1].children or []), level=int(tok.tag[1]))
            )
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Block("paragraph", _spans(tokens[i + 1].children or [])))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            items: list[Inline] = []
            depth = 0
            current: list[Span] = []
            while True:
                t = tokens[i]
                if t.type in ("bullet_list_open", "ordered_list_open"):
                    depth += 1
                elif t.type in ("bullet_list_close", "ordered_list_close"):
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "list_item_close" and current:
                    items.append(tuple(current))
                    current = []
                elif t.type == "inline":
                    if current:
                        current.append(Span(" "))
                    current.extend(_spans(t.children or []))
                i += 1
            blocks.append(Block("bullets", items=tuple(items)))
            i += 1
        elif tok.type == "inline":
            blocks.append(Block("paragraph", _spans(tok.children or [])))
            i += 1
        else:
            i += 1
    return blocks


def _spans(children: list[Token]) -> Inline:
    spans: list[Span] = []
    bold = italic = False
    url: str | None = None
    for tok in children:
        if tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type == "em_open":
            italic = True
        elif tok.type == "em_close":
            italic = False
        elif tok.type == "link_open":
            url = str(tok.attrs.get("href", ""))
        elif tok.type == "link_close":
            url = None
        elif tok.type in ("text", "code_inline", "html_inline"):
            _append(spans, Span(tok.content, bold, italic, url))
        elif tok.type == "softbreak":
            _append(spans, Span(" ", bold, italic, url))
        elif tok.type == "hardbreak":
            _append(spans, Span("\n", bold, italic, url))
    return tuple(spans)


def _append(spans: list[Span], span: Span) -> None:
    if spans:
        last = spans[-1]
        if (last.bold, last.italic, last.url) == (span.bold, span.italic, span.url):
            spans[-1] = Span(last.text + span.text, span.bold, span.italic, span.url)
            return
    spans.append(span)


def inline_text(spans: Inline, *, show_urls: bool = False) -> str:
    """Plain text of spans; with show_urls a link reads `text (url)`."""
    out: list[str] = []
    for span in spans:
        out.append(span.text)
        if show_urls and span.url and span.url not in (span.text, f"mailto:{span.text}"):
            out.append(f" ({span.url})")
    return "".join(out)
