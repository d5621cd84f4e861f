"""Lengths as each platform counts them."""

from __future__ import annotations

import re
import unicodedata

from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.document import Document, inline_text, plain_blocks
from mkbcopy.i18n import N_, Text
from mkbcopy.writers.text import render_text

URL = re.compile(r"https?://\S+")
HASHTAG = re.compile(r"(?<![\w#])#\w+")
WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
X_URL_LENGTH = 23
# twitter-text v3: these ranges weigh 1, everything else 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def x_length(text: str) -> int:
    """X's weighted length: a URL counts 23, an emoji or CJK character 2."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    for index, chunk in enumerate(URL.split(text)):
        if index:
            total += X_URL_LENGTH
        for char in chunk:
            code = ord(char)
            if char in "\u200d\ufe0f" or 0x1F3FB <= code <= 0x1F3FF:
                continue  # joiners, variation selectors and skin tones ride on the emoji
            total += 1 if any(lo <= code <= hi for lo, hi in _LIGHT) else 2
    return total


def channel_length(text: str, channel: ChannelMeta) -> int:
    return x_length(text) if channel.counting == "x" else len(text.rstrip("\n"))


def length_problems(document: Document, channel: ChannelMeta) -> list[Text]:
    """Warnings for a draft that breaks its channel's limits."""
    problems: list[Text] = []
    text = render_text(document)
    if channel.limit is not None:
        length = channel_length(text, channel)
        if length > channel.limit:
            problems.append(
                Text(
                    N_("%(length)s characters; %(channel)s allows %(limit)s"),
                    {"length": length, "channel": channel.name, "limit": channel.limit},
                )
            )
    if channel.hashtags is not None:
        count = len(HASHTAG.findall(text))
        if count > channel.hashtags:
            problems.append(
                Text(
                    N_("%(count)s hashtags; %(channel)s allows %(limit)s"),
                    {"count": count, "channel": channel.name, "limit": channel.hashtags},
                )
            )
    subject = document.meta.get("subject")
    limit = channel.subject_limit
    if limit is not None and subject is not None and len(subject) > limit:
        problems.append(
            Text(
                N_("subject is %(length)s characters; keep it within %(limit)s"),
                {"length": len(subject), "limit": limit},
            )
        )
    return problems


def body_text(document: Document) -> str:
    """The words a reader reads: headings, paragraphs and bullet items, no URLs."""
    parts: list[str] = []
    for block in plain_blocks(document.blocks):
        if block.kind == "bullets":
            parts.append("\n".join(f"- {inline_text(item)}" for item in block.items))
        else:
            parts.append(inline_text(block.spans))
    return "\n\n".join(p for p in parts if p.strip())


def word_count(document: Document) -> int:
    """Words a reader reads: "2.400", "mkb-bedrijf" and "HBO-ICT" count one each; a URL none.

    So a draft counts the same as Markdown, as plain text (where links show their URL)
    and as an email read back.
    """
    return len(WORD.findall(URL.sub(" ", body_text(document))))
