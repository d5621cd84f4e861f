"""Email addresses checked as the mail platforms check them, with email-validator.

Syntax only: no DNS look-up, so a batch gives the same answer offline. The
common case never gets here (segments.PLAIN_EMAIL passes it in one regular
expression, and a test holds that expression to email-validator's verdict).
"""

from __future__ import annotations

from typing import Final

from email_validator import EmailNotValidError, validate_email

SPECIAL_USE: Final = frozenset(("arpa", "invalid", "local", "localhost", "onion", "test"))
"""Top-level names no mail reaches (RFC 6761); email-validator refuses them too."""


def library_problem(text: str) -> str | None:
    """email-validator's reason to refuse `text`, or None: what Mailchimp and Brevo refuse
    too, such as a special-use domain or a top-level domain that ends in a digit."""
    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return str(exc).rstrip(".")
    return None


def normalise_email(text: str) -> str:
    """The address as platforms store it: the domain lowercased, and an internationalised
    domain (bäcker.nl) in its ASCII form (xn--bcker-gra.nl), which every importer takes."""
    local, _, domain = text.rpartition("@")
    if domain.isascii():
        return f"{local}@{domain.lower()}"
    try:
        found = validate_email(text, check_deliverability=False, allow_smtputf8=False)
        return found.ascii_email or text
    except EmailNotValidError:
        return text  # rejected before it gets here; never fail a row on the way out
