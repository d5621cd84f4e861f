"""Dutch spelling through the hunspell program and the OpenTaal dictionary.

hunspell gets Dutch compounds and affixes right, which a word list read in Python
cannot; so without it spelling is reported as unavailable, never guessed. Debian:
`apt-get install hunspell hunspell-nl`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from mkbcopy.checks.readability import (
    DOMAIN,
    EMAIL,
    PLACEHOLDER,
    URL,
    WORD,
    known_abbreviations,
    known_words,
    mask_links,
    split_sentences,
)
from mkbcopy.errors import MkbcopyError
from mkbcopy.i18n import _

INSTALL_HINT = "apt-get install hunspell hunspell-nl"
DICTIONARY_DIRS = (
    Path("/usr/share/hunspell"),
    Path("/usr/share/myspell/dicts"),
    Path("/usr/share/myspell"),
)
DICTIONARY_NAMES = ("nl", "nl_NL")
TIMEOUT = 60
# Words between a first name and a surname: Sanne de Vries, Jan van der Berg.
_TUSSENVOEGSELS = frozenset({"de", "van", "der", "den", "ter", "ten", "te", "het", "in", "op"})


def find_dictionary() -> Path | None:
    """The Dutch .dic (with its .aff beside it): $DICPATH first, then Debian's folders."""
    extra = [Path(p) for p in os.environ.get("DICPATH", "").split(os.pathsep) if p]
    for folder in (*extra, *DICTIONARY_DIRS):
        for name in DICTIONARY_NAMES:
            dic = folder / f"{name}.dic"
            if dic.is_file() and dic.with_suffix(".aff").is_file():
                return dic
    return None


def hunspell_binary() -> str | None:
    return shutil.which("hunspell")


def unavailable_reason() -> str | None:
    """Why spelling cannot be checked here, with the fix; None when it can."""
    if find_dictionary() is None:
        return _("the Dutch hunspell dictionary is not installed (%(fix)s)") % {"fix": INSTALL_HINT}
    if hunspell_binary() is None:
        return _("the hunspell program is not installed (%(fix)s)") % {"fix": INSTALL_HINT}
    return None


# No dictionary word is longer; hunspell takes seconds on a word of thousands of letters.
MAX_SPELLED_WORD = 100
# Letters in a word of capitals that is an acronym (VVT, CTO, HBO), not a misspelling.
ACRONYM_LETTERS = (2, 5)
_POSSESSIVE = re.compile(r"['’]s$")


def candidate_words(text: str) -> list[str]:
    """The words of a text worth a spelling check, in order.

    Remembered for the last texts: lint asks once to prefetch, once per draft.

    Left out: words over MAX_SPELLED_WORD letters, placeholders, links, e-mail
    addresses, hashtags, numbers, known abbreviations, and names: a capitalised word
    that does not start a sentence, or one that does but is followed by another
    capitalised word (Priya Raghoenath) or appears mid-sentence elsewhere in the text.
    """
    return list(_candidates(text))


@lru_cache(maxsize=256)
def _candidates(text: str) -> tuple[str, ...]:
    text = PLACEHOLDER.sub(" ", text)
    names: set[str] = set()
    found: list[tuple[str, bool]] = []  # (word, capitalised at a sentence start)
    for sentence in split_sentences(text):
        masked = mask_links(sentence)
        tokens = list(WORD.finditer(masked))
        for index, match in enumerate(tokens):
            word = match.group()
            if len(word) < 2 or any(c.isdigit() for c in word):
                continue
            if word.isupper():
                if word.lower() not in known_abbreviations():
                    found.append((word, False))
                continue
            if not word[0].isupper():
                found.append((word, False))
                continue
            before = masked[: match.start()].rstrip()
            at_start = index == 0 or before.endswith((":", "(", '"', "“", "‘", "'"))
            if not at_start or _name_follows(masked, tokens, index):
                names.add(word)
            else:
                found.append((word, True))
    return tuple(
        word
        for word, start in found
        if not (start and word in names) and len(word) <= MAX_SPELLED_WORD
    )


def _name_follows(text: str, tokens: list[re.Match[str]], index: int) -> bool:
    after = index + 1
    while after < len(tokens) and tokens[after].group() in _TUSSENVOEGSELS:
        after += 1
    if after >= len(tokens):
        return False
    following = tokens[after]
    between = text[tokens[index].end() : following.start()]
    return following.group()[0].isupper() and not any(c in between for c in ".,;:!?()")


@lru_cache(maxsize=65536)
def _skip(word: str) -> bool:
    """Words the word list allows or that are not words at all."""
    if len(word) < 2 or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return True
    if word.startswith(("#", "@")) or PLACEHOLDER.search(word):
        return True
    if is_acronym(word):
        return True
    if any(p.fullmatch(word) for p in (URL, EMAIL, DOMAIN)):
        return True
    return word.lower() in known_words()


def is_acronym(word: str) -> bool:
    """Two to five capitals (CTO, VVT, CTO's): an acronym hunspell cannot know, never a typo.

    A longer run of capitals is checked: GRATSI is a typo, and GRATIS shouts (a lint rule).
    """
    base = _POSSESSIVE.sub("", word)
    low, high = ACRONYM_LETTERS
    return low <= len(base) <= high and base.isalpha() and base.isupper()


def misspelled(words: Iterable[str]) -> list[str] | None:
    """Words hunspell-nl rejects (unique, in order); None when hunspell is unavailable.

    A hyphenated word passes when each part does (hbo-opleiding, zij-instromer).
    Inside `checking()` the answers come from that one hunspell, asked once per word.
    """
    checker = _ACTIVE.get()
    if checker is None:
        with SpellChecker(start=False) as checker:
            return checker.misspelled(words)
    return checker.misspelled(words)


def suggestions(words: Iterable[str], *, limit: int = 10) -> dict[str, list[str]]:
    """hunspell's corrections for up to `limit` words (they cost ~70 ms each)."""
    checker = _ACTIVE.get()
    if checker is None:
        with SpellChecker(start=False) as checker:
            return checker.suggestions(words, limit=limit)
    return checker.suggestions(words, limit=limit)


class SpellChecker:
    """One hunspell for many drafts, remembering every answer.

    Loading the Dutch dictionary takes hunspell 0.15 to 0.25 s, more than checking
    all words of a campaign; so `start` launches it at once, to load while the
    caller renders, and `prefetch` asks it about every draft's words in one go.
    """

    def __init__(self, *, start: bool = True) -> None:
        self.dictionary, self.binary = find_dictionary(), hunspell_binary()
        self._rejected: dict[str, bool] = {}
        self._hints: dict[str, list[str]] = {}
        self._waiting: subprocess.Popen[str] | None = None
        if start and self.binary is not None and self.dictionary is not None:
            self._waiting = _spawn(self.binary, self.dictionary, ["-L"])

    @property
    def available(self) -> bool:
        return self.dictionary is not None and self.binary is not None

    def __enter__(self) -> SpellChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop a hunspell that was started but never asked anything."""
        if self._waiting is not None:
            self._waiting.kill()
            self._waiting.communicate()
            self._waiting = None

    def prefetch(self, drafts: Iterable[list[str]]) -> None:
        """Ask once about the words of many drafts, then once for their suggestions."""
        drafts = [list(words) for words in drafts]
        if not self.available:
            return
        self._check([w for words in drafts for w in words])
        wanted: list[str] = []
        for words in drafts:
            wanted += list(dict.fromkeys(self.misspelled(words) or []))[:10]
        self._suggest(wanted)

    def misspelled(self, words: Iterable[str]) -> list[str] | None:
        if not self.available:
            return None
        todo = list(dict.fromkeys(w for w in words if not _skip(w)))
        self._check(todo)
        result: list[str] = []
        for word in todo:
            if not self._rejected[word]:
                continue
            pieces = [p for p in word.split("-") if p]
            if len(pieces) > 1 and all(_skip(p) or not self._rejected[p] for p in pieces):
                continue
            result.append(word)
        return result

    def suggestions(self, words: Iterable[str], *, limit: int = 10) -> dict[str, list[str]]:
        todo = list(dict.fromkeys(words))[:limit]
        if not self.available or not todo:
            return {}
        self._suggest(todo)
        return {w: self._hints[w] for w in todo if self._hints.get(w)}

    def _check(self, words: list[str]) -> None:
        """Fill in `_rejected` for the words and, for hyphenated ones, their parts."""
        todo = list(dict.fromkeys(w for w in words if not _skip(w)))
        parts = {p for w in todo if "-" in w for p in w.split("-") if p and not _skip(p)}
        queries = [q for q in dict.fromkeys([*todo, *sorted(parts)]) if q not in self._rejected]
        if not queries:
            return
        assert self.binary is not None and self.dictionary is not None
        process, self._waiting = self._waiting, None
        if process is None:
            process = _spawn(self.binary, self.dictionary, ["-L"])
        rejected = set(_finish(process, queries).splitlines())
        self._rejected.update((q, q in rejected) for q in queries)

    def _suggest(self, words: list[str]) -> None:
        todo = [w for w in dict.fromkeys(words) if w not in self._hints]
        if not todo:
            return
        assert self.binary is not None and self.dictionary is not None
        output = _finish(_spawn(self.binary, self.dictionary, ["-a"]), [f"^{w}" for w in todo])
        groups = output.split("\n\n")
        # The first line is hunspell's banner; then one group of result lines per word.
        lines = groups[0].split("\n", 1)
        groups[0] = lines[1] if len(lines) > 1 else ""
        for word, group in zip(todo, groups, strict=False):
            self._hints[word] = []
            for line in group.splitlines():
                if line.startswith("&") and ": " in line:
                    self._hints[word] = [s.strip() for s in line.split(": ", 1)[1].split(",")]
                    break


_ACTIVE: ContextVar[SpellChecker | None] = ContextVar("mkbcopy_spell_checker", default=None)


@contextmanager
def checking(checker: SpellChecker | None = None) -> Iterator[SpellChecker]:
    """Route misspelled() and suggestions() through one checker (started now) until exit."""
    active = _ACTIVE.get()
    if active is not None and checker is None:
        yield active
        return
    checker = checker or SpellChecker()
    token = _ACTIVE.set(checker)
    try:
        yield checker
    finally:
        _ACTIVE.reset(token)
        checker.close()


def check_text(text: str) -> list[str] | None:
    """Misspelled words of a plain text; None when hunspell is unavailable."""
    return misspelled(candidate_words(text))


def _spawn(binary: str, dictionary: Path, mode: list[str]) -> subprocess.Popen[str]:
    """hunspell, started now: it loads the dictionary while we prepare its input."""
    command = [binary, *mode, "-i", "utf-8", "-d", str(dictionary.with_suffix(""))]
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except OSError as exc:
        raise MkbcopyError(
            _("hunspell could not check spelling: %(reason)s") % {"reason": exc}
        ) from None


def _finish(process: subprocess.Popen[str], lines: list[str]) -> str:
    """Send the lines, close its input and return what hunspell wrote."""
    text = "\n".join(lines) + "\n"
    try:
        stdout, stderr = process.communicate(text, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        process.kill()
        process.communicate()
        raise MkbcopyError(
            _("hunspell could not check spelling: %(reason)s") % {"reason": exc}
        ) from None
    if process.returncode != 0:
        detail = stderr.strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        raise MkbcopyError(
            _("hunspell could not check spelling: %(reason)s") % {"reason": detail[0]}
        )
    return stdout
