"""Text in a draft that no reader reads as written: mail-platform merge tags and postcodes.

A `batch` segment's email holds its platform's tags (Brevo `{{ contact.FIRSTNAME }}`
and `{% if %}`, listmonk `{{ UnsubscribeURL }}`, Mailchimp `*|FNAME|*`: the tags in
contacts/platforms.py), which the platform fills in when it sends. Spelling and shouting
rules must not read them as words, nor a Dutch postcode's letters ("1234 NW") as one.
"""

from __future__ import annotations

import re

# Mailchimp *|NAME|* (Markdown may have eaten an asterisk); Brevo and listmonk {{ ... }}
# and Brevo's {% ... %}.
MERGE_TAG = re.compile(r"\*?\|[A-Z][A-Z0-9_:]*\|\*?|\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\}")
# Four digits, the first not 0, then two capitals: the letters are no word.
POSTCODE = re.compile(r"\b([1-9][0-9]{3})(?:\s?[A-Z]{2})\b")


def strip_merge_tags(text: str) -> str:
    """The text without its platforms' merge tags, as the reader will not see them."""
    return MERGE_TAG.sub("", text)


def strip_postcodes(text: str) -> str:
    """The text with each postcode's letters dropped ("1234 NW" reads "1234")."""
    return POSTCODE.sub(r"\1", text)
