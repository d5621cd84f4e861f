"""What each reader sees of a draft: an inbox, a feed, a sheet of paper.

These functions compute the data a view shows; `templates/views.html.j2` (in
mkbcopy/review/) turns it into HTML with autoescape, so no draft text is ever
written into markup by hand.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from mkbcopy.checks.lint import read_draft
from mkbcopy.checks.readability import PLACEHOLDER
from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.compose.measure import HASHTAG, URL, channel_length
from mkbcopy.document import Block, Document, Inline, plain_blocks
from mkbcopy.writers.html import DEFAULT_COLOUR
from mkbcopy.writers.text import render_text

PDFTOPPM_TIMEOUT = 30.0
_PLATFORM_COLOURS = {
    "linkedin": "#0A66C2",
    "instagram": "#C13584",
    "facebook": "#1877F2",
    "x": "#111111",
}
_TOKENS = re.compile(f"({URL.pattern})|({PLACEHOLDER.pattern})|({HASHTAG.pattern})")
# In HTML a placeholder never spans a tag; stopping at < keeps the marked-up email valid.
_HTML_PLACEHOLDER = re.compile(r"\[AANVULLEN:[^\]<>]*\]")


@dataclass
class Stats:
    """Counts for the page's header, and the PDF pages rendered beside the linting."""

    errors: int = 0
    warnings: int = 0
    files: int = 0
    pdf_pages: int = 0
    # PDF path -> (page 1 as base64 PNG, page count)
    images: dict[Path, tuple[str | None, int | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Token:
    """A run of text: plain, a link, a marked [AANVULLEN: ...], a hashtag or a line break."""

    kind: Literal["text", "url", "mark", "tag", "br"]
    text: str = ""


@dataclass(frozen=True)
class SpanView:
    pieces: list[Token]
    bold: bool = False
    italic: bool = False
    url: str | None = None


@dataclass(frozen=True)
class BlockView:
    kind: str  # heading, bullets or paragraph
    tag: str = "p"
    level: int = 0
    spans: list[SpanView] = field(default_factory=list)
    items: list[list[SpanView]] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    text: str
    kind: str = "problem"


@dataclass(frozen=True)
class EmailView:
    compact: bool
    rows: list[tuple[str, str]]
    sender_name: str
    subject: str
    preheader: str
    frame_title: str
    srcdoc: str | None  # the HTML body as a page of its own, or None for a text body
    text: list[Token]
    kind: str = "email"


@dataclass(frozen=True)
class Count:
    length: int
    limit: int | None
    state: str = ""
    how: str = ""
    over_by: int = 0
    width: str = ""
    hashtags: bool = False


@dataclass(frozen=True)
class PostView:
    colour: str
    initials: str
    who: str
    label: str
    text: list[Token]
    counts: list[Count]
    kind: str = "post"


@dataclass(frozen=True)
class FlyerView:
    side_by_side: bool
    image: str | None = None
    pages: int | None = None
    pdf_name: str = ""
    pdf_href: str = ""
    hint: bool = False
    paper: list[BlockView] | None = None
    paper_label: str = ""
    fold: bool = False
    kind: str = "flyer"


View = Problem | EmailView | PostView | FlyerView


def inside(out: Path, rel: str) -> Path | None:
    """The file a manifest path names, unless an edited manifest points outside OUT."""
    path = out / rel
    try:
        path.resolve().relative_to(out.resolve())
    except ValueError:
        return None
    return path


def email_view(path: Path, *, compact: bool = False) -> View:
    """Sender, subject and preheader as an inbox shows them, then the HTML body.

    `compact` (an A/B pane) leaves out the sender, which all variants share, and folds
    the body away: subject and preheader are what a variant tests, and what must compare.
    """
    sender = subject = preheader = ""
    body_html: str | None = None
    body_text: str | None = None
    if path.suffix.lower() == ".eml":
        try:
            with path.open("rb") as handle:
                message = BytesParser(policy=policy.default).parse(handle)
        except OSError as exc:
            return Problem(f"{path.name}: {exc.strerror or exc}")
        sender = " ".join(str(message.get("From", "")).split())
        subject = " ".join(str(message.get("Subject", "")).split())
        preheader = " ".join(str(message.get("X-Preheader", "")).split())
        if isinstance(message, EmailMessage):
            part = message.get_body(preferencelist=("html",))
            if part is not None:
                body_html = str(part.get_content())
            else:
                plain = message.get_body(preferencelist=("plain",))
                body_text = str(plain.get_content()) if plain is not None else None
    elif path.suffix.lower() in (".html", ".htm"):
        body_html = path.read_text(encoding="utf-8", errors="replace")
    if body_html is None and body_text is None:
        body_text = render_text(read_draft(path))
    if body_html is not None and not (subject and preheader):
        document = read_draft(path) if path.suffix.lower() != ".eml" else Document()
        subject = subject or document.meta.get("subject", "")
        preheader = preheader or document.meta.get("preheader", "")
    rows = [] if compact else [("Van", sender or "(afzender staat niet in dit bestand)")]
    rows.append(("Onderwerp", subject or "(geen onderwerp)"))
    if preheader:
        rows.append(("Voorbeeldtekst", preheader))
    return EmailView(
        compact=compact,
        rows=rows,
        sender_name=_display_name(sender) or "Afzender",
        subject=subject,
        preheader=preheader,
        frame_title="E-mail: " + (subject or path.name),
        srcdoc=_frame_source(body_html) if body_html is not None else None,
        text=linked_text(body_text or ""),
    )


def _display_name(sender: str) -> str:
    return sender.split("<", 1)[0].strip().strip('"') if "<" in sender else sender


def _frame_source(source: str) -> str:
    """The email as its own page, guarded, with its gaps marked; escaped into srcdoc later.

    The guard (review/templates/frame-guard.html) stops the email's own requests and opens
    its links in a new tab; a gap is marked inside the email's existing HTML.
    """
    guard = _frame_guard()
    source = _HTML_PLACEHOLDER.sub(lambda m: f"<mark>{m.group()}</mark>", source)
    match = re.search(r"<head\b[^>]*>", source, flags=re.IGNORECASE)
    if match:
        return source[: match.end()] + guard + source[match.end() :]
    return guard + source


@cache
def _frame_guard() -> str:
    guard = resources.files("mkbcopy") / "review" / "templates" / "frame-guard.html"
    return guard.read_text(encoding="utf-8").strip()


def post_view(path: Path, meta: ChannelMeta | None, label: str, organisation: str) -> PostView:
    """A post as a feed shows it, with its length against the platform's limit."""
    document = read_draft(path)
    text = render_text(document)
    if path.suffix.lower() == ".txt":
        text = path.read_text(encoding="utf-8", errors="replace")
    who = organisation or "Jouw organisatie"
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", who)[:2]).upper() or "?"
    return PostView(
        colour=_PLATFORM_COLOURS.get(meta.name if meta else "", DEFAULT_COLOUR),
        initials=initials,
        who=who,
        label=label,
        text=linked_text(text.strip("\n")),
        counts=_counts(render_text(document), meta) if meta is not None else [],
    )


def _counts(text: str, meta: ChannelMeta) -> list[Count]:
    """Characters against the limit, counted the way the platform counts them."""
    length = channel_length(text, meta)
    how = "gewogen tekens (X telt een link als 23)" if meta.counting == "x" else "tekens"
    counts: list[Count] = []
    if meta.limit is not None:
        over = length > meta.limit
        ratio = min(length / meta.limit, 1.0)
        state = "over" if over else ("near" if ratio > 0.9 else "ok")
        over_by = length - meta.limit if over else 0
        counts.append(Count(length, meta.limit, state, how, over_by, f"{ratio * 100:.1f}"))
    else:
        counts.append(Count(length, None, how=how))
    if meta.hashtags is not None:
        tags = len(HASHTAG.findall(text))
        state = "over" if tags > meta.hashtags else "ok"
        counts.append(Count(tags, meta.hashtags, state, hashtags=True))
    return counts


def linked_text(text: str) -> list[Token]:
    """Post text as runs: links become links, hashtags and [AANVULLEN: ...] stand out."""
    out: list[Token] = []
    last = 0
    for match in _TOKENS.finditer(text):
        out.append(Token("text", text[last : match.start()]))
        kind: Literal["url", "mark", "tag"] = (
            "url" if match.group(1) else "mark" if match.group(2) else "tag"
        )
        out.append(Token(kind, match.group()))
        last = match.end()
    out.append(Token("text", text[last:]))
    return out


def _text_runs(text: str) -> list[Token]:
    """Text with its line breaks kept and its placeholders marked."""
    out: list[Token] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        out.extend(_with_breaks(text[last : match.start()]))
        out.append(Token("mark", match.group()))
        last = match.end()
    out.extend(_with_breaks(text[last:]))
    return out


def _with_breaks(text: str) -> list[Token]:
    out: list[Token] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append(Token("br"))
        out.append(Token("text", line))
    return out


def flyer_view(
    out: Path, path: Path | None, pdf_rel: str | None, stats: Stats, *, compact: bool = False
) -> FlyerView:
    """The PDF's first page where there is one, and the flyer's text as a sheet of paper.

    `compact` (an A/B pane, one of several side by side) folds the text away under the
    printed page, and puts the flyer's headings a level below the pane's own.
    """
    pdf: Path | None = None
    if pdf_rel is not None:
        pdf = inside(out, pdf_rel)
    elif path is not None and path.with_suffix(".pdf").is_file():
        pdf = path.with_suffix(".pdf")
    image: str | None = None
    pages: int | None = None
    pdf_name = pdf_href = ""
    if pdf is not None and pdf.is_file():
        pdf_name, pdf_href = pdf.name, quote(pdf.relative_to(out).as_posix())
        image, pages = stats.images[pdf] if pdf in stats.images else pdf_page(pdf)
        if image is not None:
            stats.pdf_pages += 1
    pictured = image is not None
    return FlyerView(
        # Side by side where there is room: the printed page, and the text it was made from.
        side_by_side=pictured and not compact,
        image=image,
        pages=pages,
        pdf_name=pdf_name,
        pdf_href=pdf_href,
        hint=not pdf_href and path is not None and not compact,
        paper=document_blocks(read_draft(path), 4 if compact else 3) if path else None,
        paper_label=f"Tekst van {path.name}" if path else "",
        fold=compact and pictured,
    )


def pdf_page(pdf: Path) -> tuple[str | None, int | None]:
    """Page 1 as a base64 PNG via pdftoppm, and the page count via pdfinfo; None if absent."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None, None
    with tempfile.TemporaryDirectory(prefix="mkbcopy-preview-") as tmp:
        prefix = Path(tmp) / "page"
        command = [pdftoppm, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", "900"]
        try:
            subprocess.run(
                [*command, str(pdf), str(prefix)],
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
                check=True,
            )
            data = prefix.with_suffix(".png").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None, None
    return base64.b64encode(data).decode("ascii"), _page_count(pdf)


def _page_count(pdf: Path) -> int | None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return None
    try:
        result = subprocess.run(
            [pdfinfo, str(pdf)], capture_output=True, timeout=PDFTOPPM_TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(rb"^Pages:\s+(\d+)", result.stdout, flags=re.MULTILINE)
    return int(match.group(1)) if match else None


def document_blocks(document: Document, depth: int = 3) -> list[BlockView]:
    """Headings, paragraphs and bullets; the page's CSS gives the look.

    `depth` is the level of the heading the document sits under (a card's h3, a pane's h4).
    """
    return [_block(block, depth) for block in plain_blocks(document.blocks)]


def _block(block: Block, depth: int) -> BlockView:
    if block.kind == "heading":
        # Inside a card (h3) the flyer's own headings are a level lower, so the page's
        # outline stays in order for screen readers; the look stays a flyer's.
        level = min(max(block.level, 1), 3)
        return BlockView("heading", f"h{min(level + depth, 6)}", level, _spans(block.spans))
    if block.kind == "bullets":
        return BlockView("bullets", items=[_spans(item) for item in block.items])
    return BlockView("paragraph", spans=_spans(block.spans))


def _spans(spans: Inline) -> list[SpanView]:
    return [
        SpanView(
            _text_runs(span.text),
            bold=span.bold,
            italic=span.italic,
            url=span.url
            if span.url and re.match(r"(?i)(https?:|mailto:|tel:)", span.url)
            else None,
        )
        for span in spans
    ]
