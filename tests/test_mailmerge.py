"""The fast merge must give what the slow, obvious way gives."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default

import pytest

from mkbcopy.brief import Brief
from mkbcopy.channels import load_channel
from mkbcopy.copydeck import load_copydeck
from mkbcopy.mailmerge import NAME_MARKER, MergeTemplate, clean_name
from mkbcopy.personas import Research
from mkbcopy.rendering import render_draft
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_text


@pytest.fixture(scope="module")
def merge(research: Research, example_brief: Brief) -> MergeTemplate:
    persona = research.persona("nieuwsgierige-student")
    deck = load_copydeck(research)
    channel = load_channel("email")

    def draft(name: str | None):  # type: ignore[no-untyped-def]
        return render_draft(example_brief, persona, channel, deck[persona.id], first_name=name)

    return MergeTemplate.build(
        draft(NAME_MARKER),
        draft(None),
        sender_name=example_brief.contact.name,
        sender_email=example_brief.contact.email,
        colour=None,
    )


@pytest.mark.parametrize("name", ["Sanne", "Ömer", "Zoë", "d'Hondt", "José María", "李雷", ""])
def test_decoded_message_equals_the_slow_render(
    merge: MergeTemplate, research: Research, example_brief: Brief, name: str
) -> None:
    persona = research.persona("nieuwsgierige-student")
    slow = render_draft(
        example_brief,
        persona,
        load_channel("email"),
        load_copydeck(research)[persona.id],
        first_name=name or None,
    )
    raw = merge.message(name, "someone@example.org")
    msg = BytesParser(policy=default).parsebytes(raw)
    assert msg.defects == []
    assert msg["X-Unsent"] == "1"
    assert msg["To"].addresses[0].display_name == name
    assert msg["To"].addresses[0].addr_spec == "someone@example.org"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == render_text(slow.document)
    assert html.get_content() == render_html(slow.document)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_header_injection_and_html_in_names(merge: MergeTemplate) -> None:
    raw = merge.message("Eva\r\nBcc: x@evil.example\n<script>", "eva@example.org")
    msg = BytesParser(policy=default).parsebytes(raw)
    assert msg["Bcc"] is None
    assert "\n" not in msg["To"] and "\r" not in msg["To"]
    html = msg.get_body(("html",))
    assert html is not None
    assert "<script>" not in html.get_content()
    assert "&lt;script&gt;" in html.get_content()


def test_clean_name() -> None:
    assert clean_name(" Ann\x00e\u2028 Marie\t") == "Ann e Marie"
