"""RFC 5322 drafts that Outlook and Thunderbird open for editing (X-Unsent: 1)."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from mkbcopy.errors import ValidationError


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
    msg["Subject"] = _one_line(subject)
    msg["From"] = _address(sender_name, sender_email)
    if to:
        msg["To"] = _address(to_name, to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender_email.rpartition("@")[2] or None)
    msg["X-Unsent"] = "1"
    if preheader:
        msg["X-Preheader"] = _one_line(preheader)
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _address(name: str, email: str) -> Address:
    try:
        local, _, domain = email.strip().rpartition("@")
        return Address(display_name=_one_line(name), username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise ValidationError(f"'{email}' is not a usable email address: {exc}") from None
