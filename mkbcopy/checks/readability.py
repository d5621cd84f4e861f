"""Dutch readability: Flesch-Douma, sentence lengths, long words and passive hints.

B1 copy needs short sentences and short words; these numbers point a writer at
the sentences to rewrite. The passive check is a heuristic, so it gives hints.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from mkbcopy.checks import hyphenation

# Said letter by letter: hbo = ha-bee-o. Lowercase forms that are also ordinary
# Dutch words (bol, duo) stay out; their capitals are caught by _is_letter_word.
LETTER_ABBREVIATIONS = frozenset(
    {"hbo", "mbo", "vwo", "mkb", "wo", "bbl", "ad", "utm", "vmbo", "cao", "ict", "uwv", "zzp"}
)
# Acronyms said as a word: havo = ha-vo, not ha-a-vee-o.
SPOKEN_ACRONYMS = frozenset({"havo", "croho", "roc", "duo", "vavo", "nato"})

_VOWELS = frozenset("aeiouy")
# A diaeresis starts a new syllable (ge-ïn-te-res-seerd, re-ëel); other accents only
# mark stress (één, hé) and count as the plain vowel.
_DIAERESIS = re.compile(r"(?=[äëïöü])")
_PLAIN = str.maketrans("áéíóúýàèìòùâêîôûäëïöüÿ", "aeiouyaeiouaeiouaeiouy")
# Longest first: one Dutch vowel sound each. "ea", "ai", "oa" are mostly loan words
# (team, mail, coach); pyphen already splits the Dutch hiatus in re-a-li-se-ren.
_GRAPHEMES = (
    *("aai", "ooi", "oei", "eeu", "ieu"),
    *("aa", "ee", "oo", "uu", "ie", "oe", "eu", "ei", "ij", "ui", "ou", "au"),
    *("ai", "ay", "ey", "oy", "ea", "oa"),
)

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
_TAIL = r"""[^\s<>()\[\].,;:!?'"]"""  # a link does not end in punctuation
URL = re.compile(rf"(?:https?://|mailto:|www\.)[^\s<>()\[\]]*{_TAIL}", re.IGNORECASE)
# Each may start only where a run of its characters starts: unanchored, a long word
# would be scanned again from every one of its letters (quadratic; 28 s for 20,000).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOMAIN = re.compile(
    rf"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:nl|be|com|org|net|eu|info|io|example)\b"
    rf"(?:/[^\s<>()]*{_TAIL})?",
    re.IGNORECASE,
)
HASHTAG = re.compile(r"(?<![\w#@])[#@]\w+")
PLACEHOLDER = re.compile(r"\[AANVULLEN:[^\]]*\]?")

_BULLET = re.compile(r"^\s*(?:[-*+•·–]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_UNIT_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
# Abbreviations that never end a sentence (enz. and etc. can, so they are not here).
_NO_STOP = frozenset(
    """bijv bv b.v o.a d.w.z m.a.w ca c.a incl excl max min nr tel dhr mevr mw drs dr ir ing
    prof mr jl e.d e.a i.p.v m.b.t t.a.v t.o.v i.v.m z.s.m vs evt resp zgn a.s o.b.v i.s.m
    n.a.v m.u.v blz p.p z.o.z o.l.v v.a t.z.t ong div afd st""".split()  # noqa: SIM905
)

WORDEN = frozenset({"word", "wordt", "worden", "werd", "werden", "geworden"})
ZIJN = frozenset({"is", "zijn", "was", "waren", "ben", "bent"})
_PARTICIPLE = re.compile(
    r"^(?:aan|af|bij|door|in|mee|na|om|op|over|terug|toe|uit|voor|weg|vast|samen|tegen)?"
    r"(?:ge[^\W\d_]{2,}[dtn]|(?:be|ver|ont|her|er)[^\W\d_]{3,}[dt])$"
)
# Look like participles, are not (or are present tense).
_NOT_PARTICIPLE = frozenset(
    """gewoon genoeg gezond gebied gelden geldt geven gemiddeld geheel gezin geleden gebeurt
    gemeen gevoelen begint bestaat betaalt verdient vertelt verandert verschijnt ontstaat
    herfst beroepen""".split()  # noqa: SIM905
)

LONG_WORD_SYLLABLES = 4


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int


@dataclass(frozen=True)
class Readability:
    """What a writer needs to shorten a text; `passive` holds hints, not verdicts."""

    score: float
    sentence_count: int
    word_count: int
    syllable_count: int
    average_words: float
    longest: Sentence | None
    sentences: tuple[Sentence, ...]
    long_words: tuple[str, ...]
    passive: tuple[str, ...]


# --- the word list -------------------------------------------------------------------


@cache
def word_list_entries() -> tuple[str, ...]:
    """The lines of data/wordlist.txt, without comments and blanks, case kept."""
    data = resources.files("mkbcopy").joinpath("data", "wordlist.txt")
    entries: list[str] = []
    for line in data.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return tuple(entries)


@cache
def known_words() -> frozenset[str]:
    """Lowercase words of the word list; a term of several words adds each word."""
    words: set[str] = set()
    for entry in word_list_entries():
        words.add(entry.lower())
        words.update(w.strip("-").lower() for w in entry.split() if w.strip("-"))
    return frozenset(words)


@cache
def known_abbreviations() -> frozenset[str]:
    """Lowercase abbreviations: the built-in ones plus the ALL-CAPS word-list entries."""
    caps = {e.lower() for e in word_list_entries() if e.isupper()}
    return LETTER_ABBREVIATIONS | SPOKEN_ACRONYMS | caps


# --- syllables -----------------------------------------------------------------------


def syllables(word: str) -> int:
    """Syllables of one Dutch word or abbreviation (hbo = 3, mkb-bedrijf = 5).

    A number counts as one: reading 1.320 aloud takes seven syllables, but readers
    take in digits at a glance, and counting them fully would punish concrete facts.
    """
    word = word.strip("'’-.,:;!?\"()[]")
    if not word:
        return 0
    if word[0].isdigit():
        return 1
    if "-" in word:
        return sum(syllables(part) for part in word.split("-") if part)
    return _word_syllables(word)


def _is_letter_word(word: str) -> bool:
    """Is this an abbreviation said letter by letter (HBO, NS, mkb)?"""
    lower = word.lower()
    if lower in SPOKEN_ACRONYMS:
        return False
    if lower in LETTER_ABBREVIATIONS:
        return True
    if not word.isupper() or len(word) < 2:
        return False
    return len(word) <= 3 or lower in known_abbreviations() or not (set(lower) & _VOWELS)


MAX_HYPHENATED = 100  # longer is no word; its vowel sounds are counted without pyphen


@lru_cache(maxsize=65536)
def _word_syllables(word: str) -> int:
    """Pyphen's nl_NL hyphenation, then the vowel sounds inside each part.

    Hyphenation never leaves one letter alone at a word's edge (o-ver, ra-di-o,
    i-dee), so counting hyphenation points alone undercounts; counting vowel sounds
    per hyphenated part fixes that while pyphen still splits the hiatus in cre-a-tief.
    """
    if _is_letter_word(word):
        return sum(1 for c in word if c.isalpha())
    lower = word.lower().replace("’", "'")
    if len(lower) > MAX_HYPHENATED:  # pyphen slows down more than linearly
        return max(1, _nuclei(lower))
    parts = hyphenation.dutch().inserted(lower).split("-")
    return max(1, sum(_nuclei(str(part)) for part in parts))


def _nuclei(part: str) -> int:
    """Vowel sounds in a part of a word: aa, ooi, ij and ieuw are one each."""
    return sum(_count_vowels(p.translate(_PLAIN)) for p in _DIAERESIS.split(part))


def _count_vowels(part: str) -> int:
    count = 0
    i = 0
    while i < len(part):
        if part[i] not in _VOWELS:
            i += 1
            continue
        count += 1
        for grapheme in _GRAPHEMES:
            if part.startswith(grapheme, i):
                i += len(grapheme)
                break
        else:
            i += 1
    return count


# --- words and sentences -------------------------------------------------------------


def mask_links(text: str) -> str:
    """Blank out URLs, e-mail addresses, bare domains, hashtags and @mentions.

    They are not words a reader reads, so they count neither for readability nor
    for spelling. Same-length blanks keep offsets intact.
    """
    for pattern in (URL, EMAIL, DOMAIN, HASHTAG):
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return text


def words(sentence: str) -> list[str]:
    """The words of a sentence as a reader counts them (links and hashtags left out)."""
    return WORD.findall(mask_links(sentence))


def text_units(text: str) -> list[str]:
    """Lines that stand alone: paragraphs, headings and bullet items.

    A line continues the previous one only when that one has no closing
    punctuation and this one starts in lowercase (a wrapped paragraph).
    """
    units: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if current:
                units.append(current)
            current = ""
            continue
        marker = _BULLET.match(line) or _HEADING.match(line)
        body = line[marker.end() :] if marker else line
        if current and not marker and body[:1].islower() and not _UNIT_END.search(current):
            current = f"{current} {body}"
            continue
        if current:
            units.append(current)
        current = body
    if current:
        units.append(current)
    return units


def split_unit(unit: str) -> list[str]:
    """Sentences inside one paragraph, heading or bullet item."""
    masked = mask_links(unit)
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(masked):
        end = match.end()
        if end >= len(masked):
            break
        following = masked[end]
        if following.islower():
            continue
        if masked[match.start()] == "." and _is_abbreviation(masked[start : match.start()]):
            continue
        out.append(unit[start:end].strip())
        start = end
    out.append(unit[start:].strip())
    return [s for s in out if s]


def _is_abbreviation(before: str) -> bool:
    last = before.rsplit(None, 1)[-1] if before.strip() else ""
    last = last.lstrip("(\"'“‘[")
    return last.lower() in _NO_STOP or (len(last) == 1 and last.isupper())


def split_sentences(text: str) -> list[str]:
    """Every sentence of a plain text; calls to action, headings and bullets count too."""
    return [s for unit in text_units(text) for s in split_unit(unit)]


# --- the measures --------------------------------------------------------------------


def douma(word_count: int, sentence_count: int, syllable_count: int) -> float:
    """Flesch-Douma; about 60-70 is B1, higher is easier."""
    if not word_count or not sentence_count:
        return 0.0
    return 206.835 - 0.93 * (word_count / sentence_count) - 77 * (syllable_count / word_count)


def flesch_douma(text: str) -> float:
    """Flesch-Douma of a plain text; 0.0 for a text without words."""
    return analyse(text).score


def analyse(text: str, *, known: Collection[str] | None = None) -> Readability:
    """Readability of a plain text; `known` (default: the word list) are allowed long words."""
    known_lower = known_words() if known is None else {k.lower() for k in known}
    sentences: list[Sentence] = []
    long_words: dict[str, str] = {}
    passive: list[str] = []
    word_count = syllable_count = 0
    for text_sentence in split_sentences(text):
        tokens = words(text_sentence)
        if not tokens:
            continue
        sentences.append(Sentence(text_sentence, len(tokens)))
        word_count += len(tokens)
        for index, token in enumerate(tokens):
            count = syllables(token)
            syllable_count += count
            name = index > 0 and token[0].isupper()  # Ruitenberglaan: not ours to shorten
            if (
                count >= LONG_WORD_SYLLABLES
                and not name
                and not token[0].isdigit()
                and not _is_known(token, known_lower)
            ):
                long_words.setdefault(token.lower(), token)
        if is_passive(tokens):
            passive.append(text_sentence)
    longest = max(sentences, key=lambda s: s.words, default=None)
    return Readability(
        score=round(douma(word_count, len(sentences), syllable_count), 1),
        sentence_count=len(sentences),
        word_count=word_count,
        syllable_count=syllable_count,
        average_words=round(word_count / len(sentences), 1) if sentences else 0.0,
        longest=longest,
        sentences=tuple(sentences),
        long_words=tuple(long_words.values()),
        passive=tuple(passive),
    )


def _is_known(word: str, known: Collection[str]) -> bool:
    lower = word.lower()
    if lower in known or _is_letter_word(word):
        return True
    parts = [p for p in lower.split("-") if p]
    return len(parts) > 1 and all(
        p in known or syllables(p) < LONG_WORD_SYLLABLES or _is_letter_word(p) for p in parts
    )


def is_passive(tokens: list[str]) -> bool:
    """A hint: a form of worden with a participle, or zijn + participle + door."""
    lower = [t.lower() for t in tokens]
    participle = any(_PARTICIPLE.match(t) and t not in _NOT_PARTICIPLE for t in lower)
    if not participle:
        return False
    if any(t in WORDEN for t in lower):
        return True
    first_zijn = next((i for i, t in enumerate(lower) if t in ZIJN), None)
    return first_zijn is not None and "door" in lower[first_zijn + 1 :]
