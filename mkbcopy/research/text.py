"""Validated text types shared by the brief and personas models."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from mkbcopy.errors import one_line
from mkbcopy.i18n import _

# Characters that XML 1.0 (and so docx) cannot hold, plus lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
BAD_CHARS = _BAD_CHARS
_SLUG = re.compile(r"^[a-z0-9][a-z0-9+-]*$")
MAX_TEXT = 2000


def _clean(value: str) -> str:
    bad = _BAD_CHARS.search(value)
    if bad:
        raise ValueError(
            _("contains the control character U+%(code)s at position %(position)s; remove it")
            % {"code": f"{ord(bad.group()):04X}", "position": bad.start() + 1}
        )
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValueError(
            _("is %(length)s characters; keep it under %(limit)s")
            % {"length": len(value), "limit": MAX_TEXT}
        )
    return value


def _nonempty(value: str) -> str:
    if not value:
        raise ValueError(_("must not be empty"))
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        # one_line: pydantic-core cannot carry a lone surrogate in a message.
        raise ValueError(
            _("'%(value)s' is not a valid id: use lowercase letters, digits and '-'")
            % {"value": one_line(value)}
        )
    return value


Text = Annotated[str, AfterValidator(_clean), AfterValidator(_nonempty)]
Slug = Annotated[str, AfterValidator(_slug)]


class Strict(BaseModel):
    """Base model: unknown keys are errors, values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
