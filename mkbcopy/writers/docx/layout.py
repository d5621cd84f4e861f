"""The one-page flyer's layout, estimated before anything is written: what fits
on the page, shortened or left out until it does."""

from __future__ import annotations

from dataclasses import dataclass

from mkbcopy.document import Document, Inline, Span, inline_text
from mkbcopy.links import display_url
from mkbcopy.research.qualifiers import whole_sentence_cut


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
# Estimating the layout: an average glyph is at most this wide (em; DejaVu Sans, the
# widest usual fallback for Calibri), and a single-spaced line this tall.
_GLYPH_EM = 0.56
_LINE_EM = 1.17
_CM = 28.35  # points per cm
# The most characters one line of each kind keeps: with these caps the fixed parts
# (headline, call to action, footer) always fit, and _fit_page trims the rest.
# The copy's caps are wide: whole sentences are kept, and _fit_page fills the page height.
_CAP = dict(
    headline=90, subhead=90, lead=420, text=420, footer=240, bullets=360, facts=280, cta=160, qr=160
)
_FIXED = ("headline", "cta", "footer", "qr")


@dataclass
class _Piece:
    """One thing on the page before it is written, so it can still be shortened or left out."""

    kind: str
    lines: list[Inline]
    url: str | None = None


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
        if piece.kind in _FIXED:
            piece.lines = [_clip(line, _CAP[piece.kind]) for line in piece.lines]
        else:  # copy: whole sentences, or the line is left out
            kept = (_whole_sentences(line, _CAP[piece.kind]) for line in piece.lines)
            piece.lines = [line for line in kept if line is not None]
    pieces = [p for p in pieces if p.lines or p.kind in _FIXED]
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
                # the last line left: keep its first sentences rather than lose the block
                text = inline_text(last.lines[0])
                shorter = _whole_sentences(last.lines[0], len(text) - 1)
                if shorter is None:
                    break
                last.lines = [shorter]
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


def _whole_sentences(spans: Inline, limit: int) -> Inline | None:
    """At most `limit` characters of whole sentences, dropping none that qualifies the rest.

    None when no such cut exists: a fact cut mid-sentence or without its condition
    says less than the truth, so the line is left out instead.
    """
    text = inline_text(spans)
    if len(text) <= limit:
        return spans
    cut = whole_sentence_cut(text, limit)
    if cut is None:
        return None
    out: list[Span] = []
    for span in spans:
        if cut <= 0:
            break
        out.append(Span(span.text[:cut], span.bold, span.italic, span.url))
        cut -= len(span.text)
    return tuple(out)


def _clip(spans: Inline, limit: int) -> Inline:
    """At most `limit` characters, cut at a word and ended with an ellipsis.

    Only for the fixed parts (headline, call to action, footer), which are no brief facts.
    """
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
