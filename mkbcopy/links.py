"""UTM tagging, so a platform's report maps a click back to persona and channel."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def slugify(text: str) -> str:
    """`Werk & leer 2027` -> `werk-leer-2027`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "campagne"


def tag_url(url: str, *, source: str, medium: str, campaign: str, content: str) -> str:
    """Add utm_* parameters, keeping the query the link already has."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    present = {k for k, _ in query}
    tags = {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_content": content,
    }
    query += [(k, v) for k, v in tags.items() if k not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


def display_url(url: str) -> str:
    """The link as a reader types it off paper: no scheme, no utm tags, no trailing slash.

    `https://www.school.nl/mkb-route/?utm_source=flyer` -> `www.school.nl/mkb-route`;
    the QR code beside it carries the full, tagged link.
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = urlencode([(k, v) for k, v in query if not k.startswith("utm_")])
    shown = (parts.netloc or "") + parts.path.rstrip("/")
    return (shown + (f"?{kept}" if kept else "")) or url
