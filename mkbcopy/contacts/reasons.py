"""Why a contact is not placed: English for the counts and --json, the user's language
in the rejects file."""

from __future__ import annotations

from typing import Any

from mkbcopy.i18n import _


class Reason(str):
    """A reason as a str, in English (what counts, --json and tests see), that keeps its
    messages and values so that it can be said again in another language.

    'category: detail', the category one of REASON_CATEGORIES (counted per category);
    an email's problem has no category. A str, so that a reason compares, splits and
    is written as before; `render` says it in the user's language. A value may be a
    Reason itself (an email's problem in 'invalid email: ...').
    """

    category: str | None
    detail: str
    params: dict[str, Any]

    def __new__(
        cls, detail: str, params: dict[str, Any] | None = None, category: str | None = None
    ) -> Reason:
        values = params or {}
        text = detail % values if values else detail
        self = super().__new__(cls, f"{category}: {text}" if category else text)
        self.category, self.detail, self.params = category, detail, values
        return self

    def render(self, lang: str | None = None) -> str:
        """The reason in `lang` (default: the user's language)."""
        text = _(self.detail, lang)
        if self.params:
            values = {
                key: value.render(lang) if isinstance(value, Reason) else value
                for key, value in self.params.items()
            }
            text = text % values
        return f"{_(self.category, lang)}: {text}" if self.category else text


def shown(reason: str, lang: str) -> str:
    """`reason` as the rejects file says it: in English, the str itself, at no cost."""
    if lang == "en" or not isinstance(reason, Reason):
        return reason
    return reason.render(lang)
