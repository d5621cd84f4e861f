"""Email addresses checked as the mail platforms check them, with email-validator.

Syntax only: no DNS look-up, so a batch gives the same answer offline. The common
case never gets to email-validator: PLAIN_EMAIL passes it in one regular expression,
and a test holds that expression to email-validator's verdict. What is left gets a
reason in the words of what lists hold: a typo, two addresses, a name around one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

import email_validator
from email_validator import EmailNotValidError

from mkbcopy.contacts.reasons import Reason
from mkbcopy.i18n import N_

SPECIAL_USE: Final = frozenset(("arpa", "invalid", "local", "localhost", "onion", "test"))
"""Top-level names no mail reaches (RFC 6761); email-validator refuses them too."""


# email-validator's reasons, in its own long English, said in a few words of ours.
# It raises one exception type for all, so its message tells them apart: the first
# of these phrases found in it decides.
_LIBRARY_REASONS: Final = (
    ("special-use or reserved", N_("has a domain reserved for tests or local networks")),
    ("top-level domain", N_("does not end in a real top-level domain (.nl, .com)")),
    ("should have a period", N_("no dot in the domain")),
    ("idna", N_("has a domain that cannot exist")),
    ("punycode", N_("has a domain that cannot exist")),
    ("so many characters", N_("has a domain that cannot exist")),
    ("too long", N_("is too long")),
    ("must have an @-sign", N_("has no @")),
    ("something before the @-sign", N_("nothing before the @")),
    ("period", N_("has a dot in the wrong place")),
    ("hyphen", N_("has a '-' in the wrong place")),
    ("character", N_("contains characters an address cannot hold")),
)


def library_problem(text: str) -> Reason | None:
    """Why email-validator refuses `text`, in our words, or None: what Mailchimp and Brevo
    refuse too, such as a special-use domain or a top-level domain that ends in a digit."""
    try:
        email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        message = str(exc).lower()
        for phrase, reason in _LIBRARY_REASONS:
            if phrase in message:
                return said(reason)
        return said(N_("is not an address the mail platforms accept"))
    return None


def normalise_email(text: str) -> str:
    """The address as platforms store it: the domain lowercased, and an internationalised
    domain (bäcker.nl) in its ASCII form (xn--bcker-gra.nl), which every importer takes."""
    local, _, domain = text.rpartition("@")
    if domain.isascii():
        return f"{local}@{domain.lower()}"
    try:
        found = email_validator.validate_email(
            text, check_deliverability=False, allow_smtputf8=False
        )
        return found.ascii_email or text
    except EmailNotValidError:
        return text  # rejected before it gets here; never fail a row on the way out


@functools.cache
def said(reason: str) -> Reason:
    """A reason without values, made once: a list may hold thousands of one typo."""
    return Reason(reason)


MAX_EMAIL: Final = 254
_EMAIL_BAD = re.compile(r'[\s\x00-\x1f\x7f"(),:;<>\[\]\\]')


def validate_email(text: str) -> Reason | None:
    """Why `text` is not a usable address, or None when it is; a practical check, not RFC 5322.

    Catches what lists really hold: typos, two addresses in one cell, names around the
    address. Deliverability is the mail platform's job.
    """
    local, _at, domain = text.rpartition("@")
    if len(text) <= MAX_EMAIL and _plain_domain(domain) and _PLAIN_LOCAL.fullmatch(local):
        return None  # the common case: PLAIN_EMAIL, with the domain's half remembered
    return _email_problem(text)


# Not starting with = + -: those are refused (a spreadsheet would run them).
_LOCAL = (
    r"[A-Za-z0-9!#$%&'*/?^_`{|}~][A-Za-z0-9!#$%&'*+/=?^_`{|}~-]*"
    r"(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
# No label with "--" in places 3-4: email-validator keeps those for Punycode ("xn--").
_DOMAIN = (
    r"(?:(?![A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?![A-Za-z0-9]{2}--)[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z])?"
)
# Passes every check below, so most addresses need no more: tests hold it to that.
# Neither half can hold an "@", so it is the two halves either side of the last one.
PLAIN_EMAIL: Final = re.compile(f"{_LOCAL}@{_DOMAIN}")
_PLAIN_LOCAL: Final = re.compile(_LOCAL)
_PLAIN_DOMAIN: Final = re.compile(_DOMAIN)


@functools.lru_cache(maxsize=4096)
def _plain_domain(domain: str) -> bool:
    """The domain half of PLAIN_EMAIL, and no special-use name: a list has few domains."""
    return (
        _PLAIN_DOMAIN.fullmatch(domain) is not None
        and domain.rpartition(".")[2].lower() not in SPECIAL_USE
    )


def _email_problem(text: str) -> Reason | None:
    if not text:
        return said(N_("empty"))
    if len(text) > MAX_EMAIL:
        return Reason(N_("longer than %(max)s characters"), {"max": MAX_EMAIL})
    bad = _EMAIL_BAD.search(text)
    if bad:
        char = bad.group()
        if char.isspace():
            return said(N_("contains a space"))
        if char.isprintable():
            return Reason(N_("contains '%(char)s'"), {"char": char})
        return said(N_("contains a control character"))
    at = text.count("@")
    if at != 1:
        return said(N_("has no @") if at == 0 else N_("has more than one @"))
    local, domain = text.split("@")
    if not local:
        return said(N_("nothing before the @"))
    if local[0] in "=+-":
        # A platform's import file would have to change it to keep spreadsheets safe.
        return Reason(
            N_("starts with '%(char)s', which a spreadsheet reads as a formula"),
            {"char": local[0]},
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return said(N_("a dot at the start or end, or two dots, before the @"))
    if "." not in domain:
        return said(N_("no dot in the domain"))
    labels = domain.split(".")
    if any(not label for label in labels):
        return said(N_("an empty part in the domain (two dots, or a dot at the start or end)"))
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return said(N_("a domain part starts or ends with '-'"))
    if labels[-1].isdigit():
        return said(N_("the domain ends in a number"))
    return _refused_by_servers(local, domain)


def _refused_by_servers(local: str, domain: str) -> Reason | None:
    """What makes a defective To: header or is refused by most mail servers."""
    if any(unicodedata.category(c) in ("Cf", "Co", "Cn", "Zl", "Zp") for c in local + domain):
        return said(N_("contains an invisible or direction-changing character"))
    if not local.isascii():
        return said(N_("has letters outside a-z before the @, which most mail servers refuse"))
    try:
        domain.encode("idna")
    except UnicodeError:
        return said(N_("has a domain that cannot exist"))
    return library_problem(f"{local}@{domain}")
