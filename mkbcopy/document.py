"""The structured text that templates produce and writers consume.

Templates write a small Markdown dialect (headings, paragraphs, bullet lists,
bold, italic, links) after an optional `---` header of `key: value` lines
(subject, preheader). Parsing it once here keeps every writer simple.

Flyer building blocks are fenced, as in Pandoc: a line `::: facts` (or `cta`,
`qr`, `footer`) opens one, a line `:::` closes it, and the Markdown between
becomes its items. Plain CommonMark sees the markers as ordinary paragraphs,
so the markers are recognised here, on the raw source; brief text never
produces one because `escape_md` escapes `:::`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, cast

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
_META_LINE = re.compile(r"^([a-z_]+):[ \t]*(.*)$")
_MARKER = re.compile(r"^:::[ \t]*([a-z]*)[ \t]*$")
# The building blocks a `::: name` fence makes (see docs/templates.md).
BOX_KINDS = ("facts", "cta", "qr", "footer")
BoxKind = Literal["facts", "cta", "qr", "footer"]
_FENCE = "\0fence"  # the url of a fence-line paragraph: no real link holds a NUL


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
    """A heading, paragraph or bullet list, or a flyer building block (`BOX_KINDS`).

    A building block keeps its lines in `items`; `url` is its first link, the one
    a `cta` or `qr` block prints and encodes as a QR code.
    """

    kind: Literal["heading", "paragraph", "bullets", "facts", "cta", "qr", "footer"]
    spans: Inline = ()
    level: int = 0
    items: tuple[Inline, ...] = ()
    url: str | None = None


@dataclass
class Document:
    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    markdown: str = ""

    def links(self) -> list[str]:
        spans = [s for b in self.blocks for s in (*b.spans, *(x for i in b.items for x in i))]
        return [s.url for s in spans if s.url]

    def markdown_without_markers(self) -> str:
        """The body as plain CommonMark: the `:::` fence lines left out."""
        lines = ["" if _MARKER.match(line) else line for line in self.markdown.splitlines()]
        return _tidy("\n".join(lines))


def escape_md(text: str) -> str:
    """Make brief text literal inside Markdown: `*` stays a star, `<b>` stays text."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace(":::", "\\:::")


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
    blocks = _boxes(_blocks(_parser().parse(_fence_apart(body))))
    return Document(meta=meta, blocks=blocks, markdown=body)


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


def _fence_apart(body: str) -> str:
    """Blank lines around each `:::` line, so a marker never joins a paragraph or list item."""
    out: list[str] = []
    for line in body.splitlines():
        if _MARKER.match(line):
            out.extend(("", line, ""))
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _marker(block: Block) -> str | None:
    """The name of a `::: name` line ("" for a closing `:::`), or None for other blocks."""
    if block.kind != "paragraph" or block.url != _FENCE:
        return None
    return inline_text(block.spans)


def _boxes(blocks: list[Block]) -> list[Block]:
    """Fold the blocks between `::: name` and `:::` into one building block."""
    out: list[Block] = []
    open_kind: BoxKind | None = None
    inside: list[Block] = []
    for block in blocks:
        name = _marker(block)
        if name is None:
            (inside if open_kind else out).append(block)
        elif open_kind is None and name in BOX_KINDS:
            open_kind, inside = cast(BoxKind, name), []
        elif open_kind is not None and name in ("", *BOX_KINDS):
            out.append(_box(open_kind, inside))  # a new marker also closes the open one
            open_kind, inside = cast(BoxKind, name) if name else None, []
        # else: a stray `:::` or an unknown name, dropped like a comment
    if open_kind is not None:
        out.append(_box(open_kind, inside))  # an unclosed box ends with the document
    return out


def _box(kind: BoxKind, blocks: list[Block]) -> Block:
    items: list[Inline] = []
    for block in blocks:
        items.extend(block.items if block.kind == "bullets" else (block.spans,))
    web = [s.url for item in items for s in item if s.url and s.url.startswith("http")]
    return Block(kind, items=tuple(i for i in items if i), url=web[0] if web else None)


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
            raw = _MARKER.match(tokens[i + 1].content)
            if raw and tok.level == 0:  # a fence line: a paragraph tagged as a marker
                blocks.append(Block("paragraph", (Span(raw.group(1)),), url=_FENCE))
            else:
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


def plain_blocks(blocks: list[Block]) -> list[Block]:
    """Building blocks as the basic kinds, for writers without a flyer layout.

    A fact block reads as a bullet list; a call to action, QR code or footer as
    one paragraph per line. Text, HTML and the preview then need no new markup.
    """
    out: list[Block] = []
    for block in blocks:
        if block.kind == "facts":
            out.append(Block("bullets", items=block.items))
        elif block.kind in BOX_KINDS:
            out.extend(Block("paragraph", item) for item in block.items)
        else:
            out.append(block)
    return out


def inline_text(spans: Inline, *, show_urls: bool = False) -> str:
    """Plain text of spans; with show_urls a link reads `text (url)`."""
    out: list[str] = []
    for span in spans:
        out.append(span.text)
        if show_urls and span.url and span.url not in (span.text, f"mailto:{span.text}"):
            out.append(f" ({span.url})")
    return "".join(out)
