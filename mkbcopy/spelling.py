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
from collections.abc import Iterable
from pathlib import Path

from mkbcopy.errors import MkbcopyError
from mkbcopy.readability import (
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
        return f"the Dutch hunspell dictionary is not installed ({INSTALL_HINT})"
    if hunspell_binary() is None:
        return f"the hunspell program is not installed ({INSTALL_HINT})"
    return None


def candidate_words(text: str) -> list[str]:
    """The words of a text worth a spelling check, in order.

    Left out: placeholders, links, e-mail addresses, hashtags, numbers, known
    abbreviations, and names: a capitalised word that does not start a sentence,
    or one that does but is followed by another capitalised word (Priya Raghoenath)
    or appears mid-sentence elsewhere in the text.
    """
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
    return [word for word, start in found if not (start and word in names)]


def _name_follows(text: str, tokens: list[re.Match[str]], index: int) -> bool:
    after = index + 1
    while after < len(tokens) and tokens[after].group() in _TUSSENVOEGSELS:
        after += 1
    if after >= len(tokens):
        return False
    following = tokens[after]
    between = text[tokens[index].end() : following.start()]
    return following.group()[0].isupper() and not any(c in between for c in ".,;:!?()")


def _skip(word: str) -> bool:
    """Words the word list allows or that are not words at all."""
    if len(word) < 2 or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return True
    if word.startswith(("#", "@")) or PLACEHOLDER.search(word):
        return True
    if any(p.fullmatch(word) for p in (URL, EMAIL, DOMAIN)):
        return True
    return word.lower() in known_words()


def misspelled(words: Iterable[str]) -> list[str] | None:
    """Words hunspell-nl rejects (unique, in order); None when hunspell is unavailable.

    A hyphenated word passes when each part does (hbo-opleiding, zij-instromer).
    """
    dictionary, binary = find_dictionary(), hunspell_binary()
    if dictionary is None or binary is None:
        return None
    todo = list(dict.fromkeys(w for w in words if not _skip(w)))
    parts = {p for w in todo if "-" in w for p in w.split("-") if p and not _skip(p)}
    queries = list(dict.fromkeys([*todo, *sorted(parts)]))
    if not queries:
        return []
    rejected = set(_run(binary, dictionary, ["-L"], queries).splitlines())
    result: list[str] = []
    for word in todo:
        if word not in rejected:
            continue
        pieces = [p for p in word.split("-") if p]
        if len(pieces) > 1 and all(_skip(p) or p not in rejected for p in pieces):
            continue
        result.append(word)
    return result


def suggestions(words: Iterable[str], *, limit: int = 10) -> dict[str, list[str]]:
    """hunspell's corrections for up to `limit` words (they cost ~70 ms each)."""
    dictionary, binary = find_dictionary(), hunspell_binary()
    todo = list(dict.fromkeys(words))[:limit]
    if dictionary is None or binary is None or not todo:
        return {}
    output = _run(binary, dictionary, ["-a"], [f"^{w}" for w in todo])
    groups = output.split("\n\n")
    result: dict[str, list[str]] = {}
    # The first line is hunspell's banner; then one group of result lines per word.
    lines = groups[0].split("\n", 1)
    groups[0] = lines[1] if len(lines) > 1 else ""
    for word, group in zip(todo, groups, strict=False):
        for line in group.splitlines():
            if line.startswith("&") and ": " in line:
                result[word] = [s.strip() for s in line.split(": ", 1)[1].split(",")]
                break
    return result


def check_text(text: str) -> list[str] | None:
    """Misspelled words of a plain text; None when hunspell is unavailable."""
    return misspelled(candidate_words(text))


def _run(binary: str, dictionary: Path, mode: list[str], lines: list[str]) -> str:
    command = [binary, *mode, "-i", "utf-8", "-d", str(dictionary.with_suffix(""))]
    try:
        done = subprocess.run(
            command,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MkbcopyError(f"hunspell could not check spelling: {exc}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise MkbcopyError(f"hunspell could not check spelling: {detail[0]}")
    return done.stdout
