"""An email's opt-out, as `batch` requires it and `templates check` warns of it early.

Rendered with stand-in markers where the platform's tags go (Markdown would
percent-encode a tag in a link, so contacts/platforms.py puts the tags in after).
"""

from __future__ import annotations

from mkbcopy.compose.rendering import Draft, Footer
from mkbcopy.errors import TemplateError
from mkbcopy.i18n import _

UNSUBSCRIBE_MARKER = "https://mkbcopy.invalid/unsubscribe"
ADDRESS_MARKER = "MKBCOPYADDRESSMARKER"
MARKERS = Footer(UNSUBSCRIBE_MARKER, ADDRESS_MARKER)


def require_footer(draft: Draft) -> None:
    """A template of the user's that leaves out the opt-out would send mail without one."""
    if UNSUBSCRIBE_MARKER not in draft.document.links():
        raise TemplateError(
            _(
                "the email template writes no opt-out link: add "
                "[Meld je af](<{{ unsubscribe }}>) and {{ address }} "
                "(see the bundled email template)"
            ),
            path=str(draft.channel.template),
        )
