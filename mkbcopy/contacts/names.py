"""First names that are not names: a formula, markup or a mail header from a bad list.

Headers and HTML stay safe whatever the name (mailmerge encodes and escapes it);
this is about not greeting someone with "Hoi =HYPERLINK(...)," and telling the user.
"""

from __future__ import annotations

import re
from typing import Final

_FORMULA_START: Final = ("=", "+", "-", "@")
_MARKUP = re.compile(r"<[^>]*>|<\s*[a-z/!]|&[#a-z0-9]+;|\{\{|\{%|\*\|", re.IGNORECASE)
# "Bcc: x@evil.example", "Subject:", a line break: text that reads as a mail header.
_HEADER = re.compile(r"(?:^|[\s\r\n])[A-Za-z][A-Za-z-]{1,30}:\s|[\r\n\x00-\x1f\x7f]")
MAX_NAME: Final = 50


def suspicious_name(name: str) -> str | None:
    """Why `name` should not be used as a greeting, or None when it reads as a name."""
    text = name.strip()
    if not text:
        return None
    if text.startswith(_FORMULA_START):
        return f"starts with '{text[0]}' like a spreadsheet formula"
    if _MARKUP.search(text):
        return "looks like markup or a merge tag"
    if _HEADER.search(name):
        return "looks like a mail header or holds a line break"
    if "@" in text or "://" in text or "www." in text.casefold():
        return "holds an email address or a web address"
    if len(text) > MAX_NAME:
        return f"longer than {MAX_NAME} characters"
    return None


def greeting_name(name: str) -> str:
    """The first name to greet with: "" (a neutral "Hoi,") when it is suspicious."""
    return "" if suspicious_name(name) else name
