"""Email HTML from a Jinja2 template (autoescaped), with inline styles for mail clients.

Mail clients drop or rewrite much of CSS, so the layout is tables and inline
styles; the only <style> block adds dark-mode colours for the clients that honour
`prefers-color-scheme` (Apple Mail, iOS, Outlook.com). A paragraph that is only a
link (the call to action) becomes a bulletproof button: a table cell with a
background colour, which Outlook's Word engine draws as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from mkbcopy.document import Block, Document, Inline, plain_blocks
from mkbcopy.research.text import BAD_CHARS
from mkbcopy.writers.colours import readable, text_on

DEFAULT_COLOUR = "#1F3A5F"
LIGHT = {"page": "#F4F4F4", "card": "#FFFFFF", "text": "#222222"}
DARK = {"page": "#121212", "card": "#1E1E1E", "text": "#E8E8E8"}


@dataclass(frozen=True)
class Palette:
    """Heading, link and button colours for light and dark mode, each >= 4.5:1."""

    light: str
    dark: str
    button_text: str
    dark_button_text: str

    @classmethod
    def of(cls, colour: str) -> Palette:
        light = readable(colour, LIGHT["card"])
        dark = readable(colour, DARK["card"])
        return cls(light, dark, text_on(light), text_on(dark))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(
    document: Document, *, colour: str | None = None, title: str = "", logo: str | None = None
) -> str:
    """A complete HTML email; the preheader is hidden preview text for inboxes, and `logo`
    (a hosted https image) heads the email."""
    return (
        _environment()
        .get_template("email.html.j2")
        .render(
            title=_clean(document.meta.get("subject", title)),
            preheader=_clean(document.meta.get("preheader", "")),
            blocks=[_block(b) for b in plain_blocks(document.blocks)],
            palette=Palette.of(colour or DEFAULT_COLOUR),
            light=LIGHT,
            dark=DARK,
            logo=logo,
            logo_alt=_clean(title) or "Logo",
        )
    )


def _clean(text: str) -> str:
    """Without the control characters and lone surrogates no page can show."""
    return BAD_CHARS.sub("", text)


def _block(block: Block) -> dict[str, Any]:
    url = _only_link(block.spans) if block.kind == "paragraph" else None
    if url is not None:
        text = "".join(_clean(s.text) for s in block.spans).strip()
        return {"kind": "button", "text": text, "url": _clean(url)}
    return {
        "kind": block.kind if block.kind in ("heading", "bullets") else "paragraph",
        "level": min(max(block.level, 1), 3),
        "spans": _spans(block.spans),
        "items": [_spans(item) for item in block.items],
    }


def _only_link(spans: Inline) -> str | None:
    """The link of a paragraph that is one link and nothing else: a call to action."""
    urls = {s.url for s in spans if s.text.strip()}
    return urls.pop() if len(urls) == 1 and None not in urls else None


def _spans(spans: Inline) -> list[dict[str, Any]]:
    return [
        {
            "lines": _clean(s.text).split("\n"),
            "bold": s.bold,
            "italic": s.italic,
            "url": _clean(s.url) if s.url else None,
        }
        for s in spans
    ]
