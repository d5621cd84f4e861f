"""A phone number on the flyer never breaks across lines: its digit groups are glued."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from mkbcopy.compose.campaign import plan_campaign, render_file
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research


@pytest.mark.parametrize("phone", ["010 765 43 21", "+31 6 1234 5678", "0800 1234"])
def test_phone_digits_are_joined_by_non_breaking_spaces(
    phone: str, example_data: dict[str, object], research: Research,
    write_brief: Callable[..., Path],
) -> None:  # fmt: skip
    contact = dict(example_data["contact"])  # type: ignore[call-overload]
    brief: Brief = load_brief(write_brief(contact={**contact, "phone": phone}))
    plan = plan_campaign(brief, research, channels=["flyer"], formats=["docx"])
    for draft in plan.drafts:
        flyer = docx.Document(io.BytesIO(render_file(draft, "docx", brief)))
        text = "\n".join(p.text for p in flyer.paragraphs)
        assert phone.replace(" ", "\u00a0") in text
        assert not re.search(r"\d \d", text)
