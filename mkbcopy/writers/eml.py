"""RFC 5322 drafts that Outlook and Thunderbird open for editing (X-Unsent: 1)."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from mkbcopy.errors import ValidationError
from mkbcopy.i18n import _
from mkbcopy.research.text import BAD_CHARS

MAX_NAME = 200  # characters of a display name in From: and To:
# Characters of a subject or preheader: lint already warns far below this, and folding
# a header of 100,000 characters takes the email package seconds and gigabytes.
MAX_HEADER = 1000


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    sender_name: str,
    sender_email: str,
    preheader: str | None = None,
    to: str | None = None,
    to_name: str = "",
) -> EmailMessage:
    """A multipart/alternative draft; header values never carry line breaks."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = _one_line(subject)[:MAX_HEADER]
    sender = _address(sender_name, sender_email)
    msg["From"] = sender
    if to:
        msg["To"] = _address(to_name, to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    msg["X-Unsent"] = "1"
    if preheader:
        msg["X-Preheader"] = _one_line(preheader)[:MAX_HEADER]
    msg.set_content(_clean(text), subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(_clean(html), subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def _clean(value: str) -> str:
    """Without control characters and lone surrogates, which no mail program shows."""
    return BAD_CHARS.sub("", value)


def _one_line(value: str) -> str:
    return " ".join(_clean(value).split())


def ascii_domain(domain: str) -> str:
    """`bäcker.nl` -> `xn--bcker-gra.nl`: headers hold only ASCII (IDNA)."""
    return domain.encode("idna").decode("ascii") if not domain.isascii() else domain


# One address and nothing else: the email package mangles (or trips over) the rest.
_ADDRESS = re.compile(r'^[^@\s<>(),;:"\[\]\\]+@[^@\s<>(),;:"\[\]\\]+$')


def _address(name: str, email: str) -> Address:
    local, _at, domain = email.strip().rpartition("@")
    try:
        if not _ADDRESS.match(email.strip()):
            raise ValueError(_("not one address"))
        if not local.isascii():
            raise ValueError(_("a draft cannot carry letters such as 'ö' before the @"))
        # An unbreakable name of 2,000 letters would pass the 998-octet line limit.
        display = _one_line(name)[:MAX_NAME]
        return Address(display_name=display, username=local, domain=ascii_domain(domain))
    except (ValueError, IndexError) as exc:  # UnicodeError (IDNA) is a ValueError
        raise ValidationError(
            _("'%(email)s' is not a usable email address: %(reason)s")
            % {"email": email, "reason": exc}
        ) from None
