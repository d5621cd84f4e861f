"""Check drafts before they go out: B1 readability, spelling, channel limits, spam signs.

Drafts are edited by hand after `generate`, so the linter reads every output
format back (txt, md, html, eml, docx) and checks what the reader will see.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Literal

from mkbcopy.checks.readability import (
    PLACEHOLDER,
    WORD,
    Readability,
    analyse,
    known_abbreviations,
    mask_links,
    split_sentences,
    split_unit,
    text_units,
)
from mkbcopy.checks.spelling import (
    SpellChecker,
    candidate_words,
    checking,
    misspelled,
    suggestions,
)
from mkbcopy.compose.channels import ChannelMeta, channel_names, load_channel
from mkbcopy.compose.measure import HASHTAG, body_text, channel_length, word_count
from mkbcopy.document import Block, Document, Inline, Span, parse_document
from mkbcopy.errors import InputError
from mkbcopy.i18n import N_, Text, _
from mkbcopy.writers.folder import MANIFEST, read_manifest
from mkbcopy.writers.text import render_text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SEVERITY_LABELS: dict[str, str] = {
    "info": N_("info"),
    "warning": N_("warning"),
    "error": N_("error"),
}
"""Untranslated: the terminal shows them in the user's language."""
DRAFT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".eml", ".docx")

B1_SCORE = 65.0  # Flesch-Douma: 60-70 is B1; below 65 most B1 readers struggle
MAX_AVERAGE_WORDS = 15
MAX_SENTENCE_WORDS = 20
SUBJECT_LIMIT = 60
PREHEADER_RANGE = (40, 100)
CAPS_MIN_LETTERS = 5  # MBO, HAVO and ICT are acronyms; GRATIS shouts
REPEAT_MIN_WORDS = 4
FOLD_FACT_CHARS = 60  # this much of a fact before the fold tells the reader what it is
SCORED_MEDIA = ("email", "print")  # long bodies; a score of a 3-line post says little
_EXCLAMATIONS = re.compile(r"!{2,}")


@dataclass(frozen=True)
class Finding:
    """One problem; `rule` is stable (for --json and filters), `message` is English.

    `text()` says it in the user's language, or in another (the preview is Dutch).
    """

    rule: str
    severity: Severity
    message: str
    excerpt: str | None = None
    said: Text | None = field(default=None, compare=False)

    def text(self, lang: str | None = None) -> str:
        return self.said.render(lang) if self.said is not None else self.message

    def to_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True)
class LintReport:
    """The findings for one draft file, with the numbers behind them."""

    path: Path | None
    channel: str | None
    findings: tuple[Finding, ...] = ()
    readability: Readability | None = None
    spelling_checked: bool = True

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, level: Severity) -> bool:
        """True when any finding is at `level` or worse (for --fail-on)."""
        return any(SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[level] for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        summary: dict[str, object] | None = None
        if self.readability is not None:
            r = self.readability
            summary = {
                "score": r.score,
                "sentences": r.sentence_count,
                "words": r.word_count,
                "average_words": r.average_words,
                "longest": {"words": r.longest.words, "text": r.longest.text}
                if r.longest
                else None,
                "long_words": list(r.long_words),
            }
        return {
            "path": str(self.path) if self.path is not None else None,
            "channel": self.channel,
            "spelling_checked": self.spelling_checked,
            "readability": summary,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class _Result:
    findings: list[Finding] = field(default_factory=list)
    readability: Readability | None = None
    spelling_checked: bool = True

    def add(
        self,
        rule: str,
        severity: Severity,
        message: str,
        excerpt: str | None = None,
        **params: object,
    ) -> None:
        """`message` is an untranslated N_() text with %(name)s fields filled from `params`."""
        said = Text(message, params)
        self.findings.append(Finding(rule, severity, str(said), excerpt, said))


# --- checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefTerms:
    """What lint knows of the brief: names it must not call shouting, facts a feed must show."""

    names: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()  # each fact's first sentence

    def to_dict(self) -> dict[str, list[str]]:
        return {"names": list(self.names), "facts": list(self.facts)}

    @classmethod
    def from_dict(cls, data: object) -> BriefTerms:
        if not isinstance(data, dict):
            return cls()
        names, facts = data.get("names"), data.get("facts")
        return cls(
            tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else (),
            tuple(f for f in facts if isinstance(f, str)) if isinstance(facts, list) else (),
        )


def lint_draft(
    document: Document, channel: ChannelMeta | None, terms: BriefTerms = BriefTerms()
) -> list[Finding]:
    """Every finding for one draft, errors first; `channel` None skips channel limits."""
    return _lint(document, channel, terms).findings


def _lint(document: Document, channel: ChannelMeta | None, terms: BriefTerms) -> _Result:
    result = _Result()
    body = body_text(document)
    _check_repeats(result, body, _link_texts(document))
    if channel is not None:
        _check_budget(result, document, body, channel, terms)
    subject = document.meta.get("subject")
    preheader = document.meta.get("preheader")
    everything = _everything(subject, preheader, body)

    for match in PLACEHOLDER.finditer(everything):
        result.add(
            "placeholder",
            "error",
            "unfilled placeholder: add the fact to the brief or remove the sentence",
            match.group(),
        )
    _check_lengths(result, document, channel, subject, preheader)
    _check_spelling(result, everything)
    _check_readability(result, body, channel)
    checkable = PLACEHOLDER.sub(" ", everything)
    _check_spam(result, checkable)
    _check_capitals(result, checkable, terms)
    for sentence in split_sentences(checkable):
        if _EXCLAMATIONS.search(sentence):
            result.add("exclamation", "warning", "use at most one exclamation mark", sentence)
    if result.readability is not None:
        for sentence in result.readability.passive:
            result.add(
                "passive",
                "info",
                "possible passive voice (a hint): say who does what, e.g. 'je werkgever betaalt'",
                sentence,
            )
    result.findings.sort(key=lambda f: -SEVERITY_ORDER[f.severity])
    return result


def _everything(subject: str | None, preheader: str | None, body: str) -> str:
    return "\n\n".join(t for t in (subject, preheader, body) if t)


def _check_lengths(
    result: _Result,
    document: Document,
    channel: ChannelMeta | None,
    subject: str | None,
    preheader: str | None,
) -> None:
    if channel is not None and channel.limit is not None:
        length = channel_length(render_text(document), channel)
        if length > channel.limit:
            if channel.counting == "x":
                message = N_("%(length)s weighted characters; %(channel)s allows %(limit)s")
            else:
                message = N_("%(length)s characters; %(channel)s allows %(limit)s")
            result.add(
                "length.limit",
                "error",
                message,
                length=length,
                channel=channel.name,
                limit=channel.limit,
            )
    if channel is not None and channel.hashtags is not None:
        count = len(HASHTAG.findall(render_text(document)))
        if count > channel.hashtags:
            result.add(
                "hashtags",
                "error",
                N_("%(count)s hashtags; %(channel)s allows %(limit)s"),
                count=count,
                channel=channel.name,
                limit=channel.hashtags,
            )
    if subject is not None:
        limit = channel.subject_limit if channel and channel.subject_limit else SUBJECT_LIMIT
        if len(subject) > limit:
            result.add(
                "length.subject",
                "error",
                N_("subject is %(length)s characters; inboxes cut it after %(limit)s"),
                subject,
                length=len(subject),
                limit=limit,
            )
    if preheader is not None:
        low, high = PREHEADER_RANGE
        if not low <= len(preheader) <= high:
            result.add(
                "length.preheader",
                "warning",
                N_("preheader is %(length)s characters; keep it between %(low)s and %(high)s"),
                preheader,
                length=len(preheader),
                low=low,
                high=high,
            )


def _check_spelling(result: _Result, text: str) -> None:
    words = candidate_words(text)
    wrong = misspelled(words)
    if wrong is None:
        result.spelling_checked = False
        return
    hints = suggestions(wrong)
    for word in wrong:
        close = hints.get(word, [])[:3]
        if close:
            message = N_(
                "'%(word)s' is not in the Dutch dictionary or the word list; "
                "did you mean %(options)s?"
            )
        else:
            message = N_("'%(word)s' is not in the Dutch dictionary or the word list")
        options = ", ".join(repr(c) for c in close)
        result.add(
            "spelling", "error", message, _sentence_with(text, word), word=word, options=options
        )


def _check_readability(result: _Result, body: str, channel: ChannelMeta | None) -> None:
    stats = analyse(body)
    result.readability = stats
    if not stats.word_count:
        return
    if (channel is None or channel.medium in SCORED_MEDIA) and stats.score < B1_SCORE:
        result.add(
            "readability.score",
            "warning",
            N_(
                "Flesch-Douma score %(score).1f is below the B1 target of %(target).0f: "
                "use shorter sentences and shorter words"
            ),
            score=stats.score,
            target=B1_SCORE,
        )
    if stats.average_words > MAX_AVERAGE_WORDS:
        result.add(
            "sentence.average",
            "warning",
            N_("sentences average %(words).1f words; B1 asks for at most %(limit)s"),
            words=stats.average_words,
            limit=MAX_AVERAGE_WORDS,
        )
    for sentence in stats.sentences:
        if sentence.words > MAX_SENTENCE_WORDS:
            result.add(
                "sentence.too-long",
                "warning",
                N_("sentence of %(words)s words; split it (B1: at most %(limit)s)"),
                sentence.text,
                words=sentence.words,
                limit=MAX_SENTENCE_WORDS,
            )
    if stats.long_words:
        result.add(
            "readability.long-words",
            "info",
            N_("long words (4+ syllables): use shorter ones, or add field terms to the word list"),
            ", ".join(stats.long_words),
        )


@cache
def spam_words() -> tuple[str, ...]:
    data = resources.files("mkbcopy").joinpath("data", "spamwords.txt")
    lines = (line.split("#", 1)[0].strip() for line in data.read_text("utf-8").splitlines())
    return tuple(line for line in lines if line)


@cache
def _spam_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _check_spam(result: _Result, text: str) -> None:
    masked = mask_links(text)
    for phrase in spam_words():
        match = _spam_pattern(phrase).search(masked)
        if match:
            result.add(
                "spam-word",
                "warning",
                N_(
                    "'%(phrase)s' reads as a sales pitch and trips spam filters; "
                    "say it concretely instead"
                ),
                _sentence_with(text, match.group()),
                phrase=match.group(),
            )


def _link_texts(document: Document) -> set[str]:
    spans = [s for b in document.blocks for s in (*b.spans, *(x for i in b.items for x in i))]
    return {" ".join(s.text.lower().split()) for s in spans if s.url}


def _check_repeats(result: _Result, body: str, links: set[str]) -> None:
    """A sentence said twice in one draft: the reader notices, and it costs words.

    A call to action (a line with its link) is the one exception: an email asks twice.
    """
    seen: set[str] = set()
    for unit in text_units(body):
        for sentence in split_unit(unit):
            key = " ".join(sentence.lower().split())
            if len(key.split()) < REPEAT_MIN_WORDS or key in links or "http" in key:
                continue
            if key in seen:
                result.add("repeat", "warning", N_("sentence said twice; say it once"), sentence)
            seen.add(key)


def _check_budget(
    result: _Result, document: Document, body: str, channel: ChannelMeta, terms: BriefTerms
) -> None:
    """The channel's word budget, one call to action, a fact before the fold."""
    if channel.words is not None:
        count = word_count(document)
        if count > channel.words:
            result.add(
                "budget",
                "warning",
                N_("%(count)s words; %(channel)s reads best within %(limit)s"),
                count=count,
                channel=channel.name,
                limit=channel.words,
            )
    if channel.medium != "print":
        links = {u.split("?", 1)[0] for u in document.links() if u.startswith("http")}
        if len(links) > 1:
            result.add(
                "ask",
                "warning",
                N_("%(count)s different links; one clear ask works best"),
                ", ".join(sorted(links)),
                count=len(links),
            )
    if channel.fold is not None and terms.facts:
        plain = " ".join(body.split())
        if not any(
            plain.find(f) >= 0 and plain.find(f) + min(len(f), FOLD_FACT_CHARS) <= channel.fold
            for f in terms.facts
        ):
            result.add(
                "fold",
                "warning",
                N_("no brief fact in the first %(fold)s characters, where the feed cuts off"),
                plain[: channel.fold],
                fold=channel.fold,
            )


def _shouting(word: str, names: frozenset[str]) -> bool:
    """Capitals that shout: not an acronym (HBO-ICT, MBO) and not one of the brief's names."""
    if not word.isupper() or word in names:
        return False
    parts = [p for p in re.split(r"[-/]", word) if p]
    return any(
        sum(c.isalpha() for c in p) >= CAPS_MIN_LETTERS and p.lower() not in known_abbreviations()
        for p in parts
    )


def _check_capitals(result: _Result, text: str, terms: BriefTerms) -> None:
    seen: set[str] = set()
    names = frozenset(w for n in terms.names for w in WORD.findall(n))
    for word in WORD.findall(mask_links(text)):
        if _shouting(word, names) and word not in seen:
            seen.add(word)
            result.add(
                "capitals",
                "warning",
                N_("'%(word)s' in capitals reads as shouting; use bold for stress"),
                _sentence_with(text, word),
                word=word,
            )


def _sentence_with(text: str, needle: str) -> str | None:
    pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return next((s for s in split_sentences(text) if pattern.search(s)), None)


# --- reading drafts back -------------------------------------------------------------


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
            return _read_docx(path)
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


def _read_docx(path: Path) -> Document:
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


@cache
def _channel(name: str) -> ChannelMeta:
    return load_channel(name)


def infer_channel(path: Path) -> ChannelMeta | None:
    """The built-in channel a file is for, from its name: email.eml, doorstromer-x.txt."""
    names = channel_names()
    stem = path.stem.lower()
    if stem in names:
        return _channel(stem)
    for token in reversed(re.split(r"[-_. ]+", stem)):
        if token in names:
            return _channel(token)
    return None


def lint_path(path: Path, terms: BriefTerms = BriefTerms()) -> LintReport:
    """Read one draft file back and lint it against the channel its name says."""
    return lint_document(read_draft(path), infer_channel(path), path=path, terms=terms)


def lint_document(
    document: Document,
    channel: ChannelMeta | None,
    *,
    path: Path | None = None,
    terms: BriefTerms = BriefTerms(),
) -> LintReport:
    """Lint a draft still in memory, as generate does after writing it."""
    result = _lint(document, channel, terms)
    return LintReport(
        path=path,
        channel=channel.name if channel else None,
        findings=tuple(result.findings),
        readability=result.readability,
        spelling_checked=result.spelling_checked,
    )


def draft_files(paths: Iterable[Path]) -> list[Path]:
    """The given files, plus every draft file inside given folders (recursively).

    An output folder's extras (its preview page) are not drafts and are left out, and
    so are hidden files and folders (.git, half-written `.name.tmp` files).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # an output folder's extras (the preview's index.html) are pages about the drafts
            extras = (read_manifest(path) or {}).get("extras") or []
            skip = {path / rel for rel in extras if isinstance(rel, str)}
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DRAFT_SUFFIXES
                and p.name != MANIFEST
                and p not in skip
                and not p.name.startswith("~$")  # Word's lock file
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(_("holds no draft files"), path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(_("not found"), path=path)
    return list(dict.fromkeys(files))


def lint_documents(
    drafts: Iterable[tuple[Document, ChannelMeta | None, Path | None, BriefTerms]],
    checker: SpellChecker | None = None,
) -> list[LintReport]:
    """Lint many drafts with one hunspell, asked about all their words at once."""
    drafts = list(drafts)
    with checking(checker) as checker:
        checker.prefetch(
            candidate_words(
                _everything(d.meta.get("subject"), d.meta.get("preheader"), body_text(d))
            )
            for d, _, _, _ in drafts
        )
        return [
            lint_document(d, channel, path=path, terms=terms) for d, channel, path, terms in drafts
        ]


def lint_paths(paths: list[Path]) -> list[LintReport]:
    """A report per draft file; a file that cannot be read is an error in its report."""
    read: dict[Path, Document | Finding] = {}
    for path in draft_files(paths):
        try:
            read[path] = read_draft(path)
        except InputError as exc:
            read[path] = Finding("file", "error", exc.message)
    linted = iter(
        lint_documents(
            (d, infer_channel(p), p, terms_near(p))
            for p, d in read.items()
            if isinstance(d, Document)
        )
    )
    return [
        next(linted)
        if isinstance(found, Document)
        else LintReport(path=path, channel=None, findings=(found,), readability=None)
        for path, found in read.items()
    ]


def terms_near(path: Path) -> BriefTerms:
    """The brief's names and facts, from the manifest of the output folder a draft is in."""
    for folder in list(path.parents)[:3]:
        manifest = folder / MANIFEST
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8")[:50_000_000])
            except (OSError, ValueError):
                return BriefTerms()
            return BriefTerms.from_dict(data.get("lint") if isinstance(data, dict) else None)
    return BriefTerms()
