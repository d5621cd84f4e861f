"""Messages in the user's language: English by default, Dutch on request.

One gettext catalogue (`mkbcopy/locale/nl/LC_MESSAGES/mkbcopy.po`, compiled to a .mo
shipped in the package) holds every message. Dutch is chosen by `--lang nl`, by
MKBCOPY_LANG, or by a Dutch locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; the first
one set decides, as in gettext). `make messages` extracts, updates and compiles.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final

DOMAIN: Final = "mkbcopy"
LANGUAGES: Final = ("en", "nl")
LOCALE_VARS: Final = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def normalise(value: str) -> str:
    """'nl_NL.UTF-8', 'nl-BE', 'NL' -> 'nl'; anything else is English."""
    return "nl" if value.strip().casefold().startswith("nl") else "en"


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """MKBCOPY_LANG, else the first locale variable that is set (a LANGUAGE list: its first)."""
    env = os.environ if environ is None else environ
    wanted = env.get("MKBCOPY_LANG", "").strip()
    if wanted:
        return normalise(wanted)
    for name in LOCALE_VARS:
        value = env.get(name, "").strip()
        if value:
            return normalise(value.split(":")[0])
    return "en"


def set_language(lang: str | None) -> None:
    """Fix the language for this process (the CLI's --lang); None goes back to the environment."""
    global _chosen
    _chosen = None if lang is None else normalise(lang)


def language() -> str:
    return _chosen or language_from_env()


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue; English is the msgids themselves."""
    if lang == "en":
        return gettext.NullTranslations()
    mo = resources.files("mkbcopy") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _(message: str, lang: str | None = None) -> str:
    """`message` in the user's language (or in `lang`)."""
    return catalogue(lang or language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The singular or plural form for `n`, in the user's language."""
    return catalogue(lang or language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


@dataclass(frozen=True)
class Text:
    """A message kept untranslated with its values, to show in any language later.

    Lint findings are English in --json (stable) and in the user's language on the
    terminal, and always Dutch in the Dutch preview.
    """

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        text = _(self.msgid, lang)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render("en")
