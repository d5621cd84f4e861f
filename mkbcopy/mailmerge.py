"""Fast personal drafts: render a segment's email once, then merge each name in.

Rendering Jinja2 and building an EmailMessage per contact is what makes the
naive way slow. A segment's draft is the same for every contact but for the
first name, so we render it once with a marker where the name goes, split the
text and HTML bodies at the marker and, per contact, only join strings,
base64-encode two bodies and write the bytes. The result parses with the
standard library exactly as an EmailMessage built the slow way does.
"""

from __future__ import annotations

import base64
import re
import uuid
from contextlib import suppress
from dataclasses import dataclass
from email.headerregistry import Address
from email.policy import SMTP
from email.utils import formatdate
from html import escape

from mkbcopy.rendering import Draft
from mkbcopy.writers.eml import MAX_HEADER, ascii_domain
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_text

# Survives Markdown, HTML escaping and text rendering unchanged.
NAME_MARKER = "MKBCOPYFIRSTNAMEMARKER"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_name(name: str) -> str:
    """A first name fit for a header and a greeting: no control characters or line breaks."""
    return " ".join(_CONTROL.sub(" ", name).split())[:100]


def _header(name: str, value: str) -> bytes:
    """One folded, RFC 2047-encoded header line, as the email package writes it."""
    return SMTP.fold_binary(name, SMTP.header_store_parse(name, value)[1])


def to_header(display: str, email: str) -> bytes:
    """`To:` for one contact, built directly: the email package's parser is the slow part.

    Plain names go as they are (quoted where needed), others as an RFC 2047 base64
    word; names are at most 100 characters, so lines stay far below 998 octets.
    """
    if not email.isascii() or _CONTROL.search(email):
        return _header("To", _address(display, email))
    if not display:
        return f"To: {email}\r\n".encode("ascii")
    if display.isascii():
        name = display if _ATEXT.fullmatch(display) else _quote(display)
        line = f"To: {name} <{email}>"
        if len(line) <= 78:
            return (line + "\r\n").encode("ascii")
        return f"To: {name}\r\n <{email}>\r\n".encode("ascii")
    # One encoded word, even past RFC 2047's 75 characters: split words come back
    # from the standard library's parser with spaces inside the name.
    word = base64.b64encode(display.encode("utf-8")).decode("ascii")
    return f"To: =?utf-8?b?{word}?=\r\n <{email}>\r\n".encode("ascii")


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+")


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _address(display: str, email: str) -> str:
    local, _, domain = email.rpartition("@")
    with suppress(UnicodeError):  # not a name IDNA can write; the platform will say so
        domain = ascii_domain(domain)
    return str(Address(display_name=display, username=local, domain=domain))


@dataclass
class MergeTemplate:
    """A segment's email with the first name still to fill in."""

    text_parts: list[str]
    html_parts: list[str]
    text_without_name: str
    html_without_name: str
    head: bytes
    domain: str

    @classmethod
    def build(
        cls,
        with_marker: Draft,
        without_name: Draft,
        *,
        sender_name: str,
        sender_email: str,
        colour: str | None,
    ) -> MergeTemplate:
        doc = with_marker.document
        subject = doc.meta.get("subject", "")
        head = b"".join(
            [
                _header("Subject", " ".join(subject.split())[:MAX_HEADER]),
                _header("From", _address(sender_name, sender_email)),
                _header("Date", formatdate(localtime=True)),
                b"X-Unsent: 1\r\n",
            ]
        )
        preheader = doc.meta.get("preheader")
        if preheader:
            head += _header("X-Preheader", " ".join(preheader.split())[:MAX_HEADER])
        return cls(
            text_parts=render_text(doc).split(NAME_MARKER),
            html_parts=render_html(doc, colour=colour).split(NAME_MARKER),
            text_without_name=render_text(without_name.document),
            html_without_name=render_html(without_name.document, colour=colour),
            head=head,
            domain=ascii_domain(sender_email.rpartition("@")[2]),
        )

    def bodies(self, first_name: str) -> tuple[str, str]:
        """The text and HTML body for one contact (the name HTML-escaped in HTML)."""
        name = clean_name(first_name)
        if not name:
            return self.text_without_name, self.html_without_name
        return name.join(self.text_parts), escape(name).join(self.html_parts)

    def message(self, first_name: str, email: str, *, to_name: str = "") -> bytes:
        """A complete RFC 5322 draft with CRLF line ends."""
        text, html = self.bodies(first_name)
        boundary = f"==mkbcopy-{uuid.uuid4().hex}=="
        display = clean_name(to_name or first_name)
        return b"".join(
            [
                self.head,
                to_header(display, email),
                f"Message-ID: <{uuid.uuid4().hex}@{self.domain}>\r\n".encode("ascii"),
                b"MIME-Version: 1.0\r\n",
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode(),
                _part(boundary, "plain", text),
                _part(boundary, "html", html),
                f"--{boundary}--\r\n".encode(),
            ]
        )


def _part(boundary: str, subtype: str, body: str) -> bytes:
    data = base64.b64encode(body.encode("utf-8"))
    encoded = b"".join([data[i : i + 76] + b"\r\n" for i in range(0, len(data), 76)])
    return (
        f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + encoded
