"""The fast merge must give what the slow, obvious way gives."""

from __future__ import annotations

import base64
from email.parser import BytesParser
from email.policy import SMTP, default

import pytest

from mkbcopy.compose.channels import load_channel
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.rendering import Draft, Footer, render_draft
from mkbcopy.contacts.mailmerge import NAME_MARKER, MergeTemplate, clean_name
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_text


@pytest.fixture(scope="module")
def merge(research: Research, example_brief: Brief) -> MergeTemplate:
    persona = research.persona("nieuwsgierige-student")
    deck = load_copydeck(research)
    channel = load_channel("email")

    def draft(name: str | None):  # type: ignore[no-untyped-def]
        return render_draft(
            example_brief,
            persona,
            channel,
            deck[persona.id],
            first_name=name,
            footer=_footer(example_brief),
        )

    return MergeTemplate.build(
        draft(NAME_MARKER),
        draft(None),
        sender_name=example_brief.contact.name,
        sender_email=example_brief.contact.email,
        colour=None,
        unsubscribe=example_brief.contact.unsubscribe,
    )


def _footer(brief: Brief) -> Footer:
    assert brief.contact.unsubscribe and brief.contact.address
    return Footer(brief.contact.unsubscribe, brief.contact.address)


def _slow(research: Research, brief: Brief, name: str) -> Draft:
    """The draft rendered for this one name, the slow way."""
    persona = research.persona("nieuwsgierige-student")
    return render_draft(
        brief,
        persona,
        load_channel("email"),
        load_copydeck(research)[persona.id],
        first_name=name or None,
        footer=_footer(brief),
    )


@pytest.mark.parametrize("name", ["Sanne", "Ömer", "Zoë", "d'Hondt", "José María", "李雷", ""])
def test_decoded_message_equals_the_slow_render(
    merge: MergeTemplate, research: Research, example_brief: Brief, name: str
) -> None:
    slow = _slow(research, example_brief, name)
    raw = merge.message(name, "someone@example.org")
    msg = BytesParser(policy=default).parsebytes(raw)
    assert msg.defects == []
    assert msg["X-Unsent"] == "1"
    assert msg["List-Unsubscribe"].strip() == f"<{example_brief.contact.unsubscribe}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
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


@pytest.mark.parametrize(
    "name", ["Sanne", "Zoë", "李雷", "d'Hondt & <Co>", "", *("x" * n for n in range(1, 61))]
)
def test_message_is_byte_for_byte_what_the_standard_library_writes(
    merge: MergeTemplate, research: Research, example_brief: Brief, name: str
) -> None:
    """Filling in a pre-encoded message gives exactly the bytes of encoding it whole."""
    slow = _slow(research, example_brief, name)
    crlf, lf_pieces = merge.pieces(name, "someone@example.org", to_name=f"{name} Jansen")
    raw, lf = b"".join(crlf), b"".join(lf_pieces)
    assert lf == raw.replace(b"\r\n", b"\n")
    msg = BytesParser(policy=SMTP).parsebytes(raw)
    assert msg.as_bytes(policy=SMTP) == raw  # the standard library writes it back unchanged
    bodies = [render_text(slow.document), render_html(slow.document)]
    for part, body in zip(msg.iter_parts(), bodies, strict=True):
        whole = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
        assert part.get_payload().encode("ascii") + b"\r\n" == whole


@pytest.mark.parametrize("size", [20, 53, 60, 75])
def test_list_unsubscribe_is_written_as_the_standard_library_writes_it(
    research: Research, example_brief: Brief, size: int
) -> None:
    """Up to the brief's limit the header folds without RFC 2047 words and reads back."""
    url = "https://example.org/" + "a" * (size - len("https://example.org/"))
    persona = research.persona("nieuwsgierige-student")
    draft = render_draft(
        example_brief, persona, load_channel("email"), load_copydeck(research)[persona.id]
    )
    merge = MergeTemplate.build(
        draft, draft, sender_name="A", sender_email="a@example.org", colour=None, unsubscribe=url
    )
    raw = merge.message("Sanne", "sanne@example.org")
    assert b"=?" not in raw.split(b"\r\n\r\n")[0]
    assert BytesParser(policy=SMTP).parsebytes(raw).as_bytes(policy=SMTP) == raw
    msg = BytesParser(policy=default).parsebytes(raw)
    assert msg["List-Unsubscribe"].strip() == f"<{url}>"
