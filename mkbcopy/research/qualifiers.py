"""Which sentences of a brief fact qualify it, so a short form never drops them.

A fact cut to its first sentence must not say less than the truth: "Je werkgever
betaalt de helft. Stop je binnen een jaar? Dan betaal je een deel terug." loses
its pay-back if cut. A sentence qualifies when it states a condition, an
exception, a cost or a pay-back, recognised by plain Dutch markers:

- a question with its answer ("Stop je eerder? Dan ..."): a case the fact depends on,
  and its form without the question mark ("Werk je 24 uur, dan krijg je ...");
- conditions and exceptions: als, alleen, behalve, tenzij, mits, voorwaarde(n),
  zolang, indien, wel, maar, geldt, meestal, soms, minstens, minimaal, maximaal, uiterlijk;
- costs and pay-back: terug (terugbetalen, betaal je ... terug), betaal/betalen,
  kost(en), euro, EUR, a euro sign.

The list errs on keeping: a sentence wrongly counted as a qualifier only makes
the short form longer, never untrue.
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (and a closing quote), before a space and a new sentence;
# a parenthesis after it (a quote's source) stays with it.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)]*)\s+(?=[^\s(])")
_MARKERS = re.compile(
    r"\b(?:als|alleen|behalve|tenzij|mits|voorwaarden?|zolang|indien|wel|maar|geldt"
    r"|meestal|soms|minstens|minimaal|maximaal|uiterlijk|terug\w*|\w*betaal\w*|kost\w*|euro|eur)\b"
    r"|€|,\s*dan\b",
    re.IGNORECASE,
)


def qualifies(sentence: str) -> bool:
    """True when the sentence states a condition, exception, cost or pay-back."""
    return "?" in sentence.rstrip("?") or bool(_MARKERS.search(sentence))


def safe_short(parts: list[str], words: int = 0) -> list[str]:
    """The fact's sentences up to its last qualifying one (at least the first), and further
    while they fit in `words`.

    Only trailing sentences that qualify nothing are dropped, so the short form keeps every
    condition and what it leans on ("Daarna ..."); `words` keeps a short fact's point
    ("Pas in september ga je aan het werk.") where there is room for a bullet's length.
    """
    keep = 1
    for i, sentence in enumerate(parts[1:], start=2):
        if qualifies(sentence):
            keep = i
    while keep < len(parts) and len(" ".join(parts[: keep + 1]).split()) <= words:
        keep += 1
    return parts[:keep]


def sentences(text: str) -> list[str]:
    """Split brief text into sentences; a question keeps the answer that follows it.

    A quotation stays one unit however many sentences it has: cut, it would misquote.
    """
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group(1))
        if _inside_quote(text[:end]):  # a quote is said whole, with its source
            continue
        parts.append(text[start:end])
        start = match.end()
    parts.append(text[start:])
    joined: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if joined and joined[-1].endswith("?"):  # "Stop je eerder? Dan betaal je niets terug."
            joined[-1] += " " + part
        else:
            joined.append(part)
    return joined


def _inside_quote(before: str) -> bool:
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def whole_sentence_cut(text: str, limit: int) -> int | None:
    """Where to cut `text` to at most `limit` characters at a sentence's end, or None.

    None when even the first sentence is too long, or when a sentence that would be
    cut off qualifies the rest (a condition must not be dropped: leave the point out).
    """
    units = sentences(text)
    ends: list[int] = []
    position = 0
    for unit in units:
        found = text.find(unit, position)
        if found < 0:  # whitespace inside a unit differs from the text: no safe cut
            return None
        position = found + len(unit)
        ends.append(position)
    for count in range(len(units) - 1, 0, -1):
        if ends[count - 1] <= limit and not any(qualifies(u) for u in units[count:]):
            return ends[count - 1]
    return None
