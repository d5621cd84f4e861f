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
import os
import re
from contextlib import suppress
from dataclasses import dataclass
from email.headerregistry import Address
from email.policy import SMTP
from email.utils import formatdate

from markupsafe import escape

from mkbcopy.compose.rendering import Draft
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
    folded = SMTP.fold_binary(name, SMTP.header_store_parse(name, value)[1])
    bare = name.encode("ascii") + b":\r\n"
    if name in _UNSTRUCTURED and folded.startswith(bare):
        # A value too long for the first line but not for the next one: the email package
        # reads that fold back as "Name: " + fold, so write it that way, and it stays put.
        folded = name.encode("ascii") + b": \r\n" + folded[len(bare) :]
    return folded


_UNSTRUCTURED = ("Subject", "X-Preheader", "List-Unsubscribe")


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


_Lines = tuple[bytes, bytes]  # base64 lines ended by CRLF, and the same by LF


class _Body:
    """A body as base64 lines, all but those around the first name encoded ahead.

    Base64 turns each 57 bytes into one 76-column line, so the lines before the
    name's first line never change, and after the name only its offset modulo 57
    does: the lines from there on are encoded once per offset and reused.
    """

    def __init__(self, body: str, without_name: str) -> None:
        parts = [p.encode("utf-8") for p in body.split(NAME_MARKER)]
        self.without_name = _lines(without_name.encode("utf-8"))
        if len(parts) == 1:  # the template does not use the first name
            self.without_name = self.head = _lines(parts[0])
            self.parts: list[bytes] = []
            return
        cut = len(parts[0]) - len(parts[0]) % _LINE_BYTES
        self.head = _lines(parts[0][:cut])
        self.parts = [parts[0][cut:], *parts[1:]]
        self._tails: dict[int, _Lines] = {}

    def encode(self, name: bytes) -> tuple[_Lines, _Lines, _Lines]:
        """(constant head, the lines that hold the name, constant tail), CRLF and LF alike."""
        if not self.parts:
            return self.head, _NOTHING, _NOTHING
        middle = name.join(self.parts[:-1]) + name
        last = self.parts[-1]
        take = min(-len(middle) % _LINE_BYTES, len(last))
        tail = self._tails.get(take)
        if tail is None:
            tail = self._tails[take] = _lines(last[take:])
        return self.head, _lines(middle + last[:take]), tail


_NOTHING: _Lines = (b"", b"")
_LINE_BYTES = 57  # bytes per 76-column base64 line, as the email package writes them


def _lines(data: bytes) -> _Lines:
    """`data` as 76-column base64 lines, ended by CRLF and by LF."""
    lf = base64.encodebytes(data)
    return lf.replace(b"\n", b"\r\n"), lf


@dataclass
class MergeTemplate:
    """A segment's email with the first name still to fill in."""

    text: _Body
    html: _Body
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
        unsubscribe: str | None = None,
        logo: str | None = None,
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
        if unsubscribe:  # RFC 2369; one click (RFC 8058) only for a web address
            head += _header("List-Unsubscribe", f"<{unsubscribe}>")
            if unsubscribe.lower().startswith("https://"):
                head += _header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        preheader = doc.meta.get("preheader")
        if preheader:
            head += _header("X-Preheader", " ".join(preheader.split())[:MAX_HEADER])
        return cls(
            text=_Body(render_text(doc), render_text(without_name.document)),
            html=_Body(
                render_html(doc, colour=colour, logo=logo),
                render_html(without_name.document, colour=colour, logo=logo),
            ),
            head=head,
            domain=ascii_domain(sender_email.rpartition("@")[2]),
        )

    def message(self, first_name: str, email: str, *, to_name: str = "") -> bytes:
        """A complete RFC 5322 draft with CRLF line ends."""
        return b"".join(self.pieces(first_name, email, to_name=to_name)[0])

    def pieces(
        self, first_name: str, email: str, *, to_name: str = ""
    ) -> tuple[list[bytes], list[bytes]]:
        """The draft with CRLF line ends (a .eml) and with LF (for an mbox), in pieces.

        Most pieces are the segment's, shared by every contact: joined only by the
        system call that writes them (os.writev), they are never copied in Python.
        """
        name = clean_name(first_name)
        if name:
            text = self.text.encode(name.encode("utf-8"))
            html = self.html.encode(escape(name).encode("utf-8"))
        else:
            text = (self.text.without_name, _NOTHING, _NOTHING)
            html = (self.html.without_name, _NOTHING, _NOTHING)
        ids = _random_hex(64)
        boundary = f"==mkbcopy-{ids[:32]}=="
        display = clean_name(to_name or first_name)
        start = b"".join(
            [
                self.head,
                to_header(display, email),
                f"Message-ID: <{ids[32:]}@{self.domain}>\r\n".encode("ascii"),
                b"MIME-Version: 1.0\r\n",
                # Folded where the email package folds it: the line is over 78 columns.
                f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n'.encode(),
                _part_head(boundary, "plain"),
            ]
        )
        html_head = _part_head(boundary, "html")
        end = f"--{boundary}--\r\n".encode()
        crlf = [start, *(p[0] for p in text), html_head, *(p[0] for p in html), end]
        lf = [
            start.replace(b"\r\n", b"\n"),
            *(p[1] for p in text),
            html_head.replace(b"\r\n", b"\n"),
            *(p[1] for p in html),
            end[:-2] + b"\n",
        ]
        return crlf, lf


_POOL = {"hex": ""}
os.register_at_fork(after_in_child=lambda: _POOL.update(hex=""))  # no ids shared with a child


def _random_hex(size: int) -> str:
    """`size` random hex digits, as uuid4().hex gives 32: from a pool, not a system call each."""
    pool = _POOL["hex"]
    if len(pool) < size:
        pool = os.urandom(8192).hex()
    _POOL["hex"] = pool[size:]
    return pool[:size]


def _part_head(boundary: str, subtype: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode()
