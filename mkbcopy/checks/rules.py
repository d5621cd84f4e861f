"""The lint rules: what a reviewer would flag in one draft, each finding in plain words.

B1 readability, spelling, channel limits, spam signs, shouting and repeats. The
findings keep their message untranslated (Text), so every reader gets their language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from mkbcopy.checks.mergetags import strip_merge_tags, strip_postcodes
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
    candidate_words,
    misspelled,
    suggestions,
)
from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.compose.measure import HASHTAG, body_text, channel_length, word_count
from mkbcopy.document import Document
from mkbcopy.i18n import N_, Text
from mkbcopy.writers.text import render_text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SEVERITY_LABELS: dict[str, str] = {
    "info": N_("info"),
    "warning": N_("warning"),
    "error": N_("error"),
}
"""Untranslated: the terminal shows them in the user's language."""

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


@dataclass
class RuleResult:
    """What the rules found in one draft, with the numbers lint reports beside them."""

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
    return apply_rules(document, channel, terms).findings


def apply_rules(document: Document, channel: ChannelMeta | None, terms: BriefTerms) -> RuleResult:
    """Every rule on one draft; lint_draft and lint's reports both start here."""
    result = RuleResult()
    body = body_text(document)
    _check_repeats(result, body, _link_texts(document))
    if channel is not None:
        _check_budget(result, document, body, channel, terms)
    subject = document.meta.get("subject")
    preheader = document.meta.get("preheader")
    everything = draft_text(subject, preheader, body)

    for match in PLACEHOLDER.finditer(everything):
        result.add(
            "placeholder",
            "error",
            "unfilled placeholder: add the fact to the brief or remove the sentence",
            match.group(),
        )
    _check_lengths(result, document, channel, subject, preheader)
    _check_spelling(result, strip_postcodes(everything))
    _check_readability(result, body, channel)
    checkable = PLACEHOLDER.sub(" ", everything)
    _check_spam(result, checkable)
    _check_capitals(result, strip_postcodes(checkable), terms)
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


def draft_text(subject: str | None, preheader: str | None, body: str) -> str:
    """All a reader reads, subject and preheader first: what spelling and spam rules see.

    A platform's merge tags are left out: the platform fills them in when it sends.
    """
    return strip_merge_tags("\n\n".join(t for t in (subject, preheader, body) if t))


def _check_lengths(
    result: RuleResult,
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


def _check_spelling(result: RuleResult, text: str) -> None:
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


def _check_readability(result: RuleResult, body: str, channel: ChannelMeta | None) -> None:
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


def _check_spam(result: RuleResult, text: str) -> None:
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


def _check_repeats(result: RuleResult, body: str, links: set[str]) -> None:
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
    result: RuleResult, document: Document, body: str, channel: ChannelMeta, terms: BriefTerms
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


def _check_capitals(result: RuleResult, text: str, terms: BriefTerms) -> None:
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
