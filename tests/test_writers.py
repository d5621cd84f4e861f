"""Each writer on one synthetic document, checked by reading the real file back."""

from __future__ import annotations

import io
import re
from email import message_from_bytes
from email.parser import BytesParser
from email.policy import default
from html.parser import HTMLParser

import docx
from docx.shared import RGBColor

from mkbcopy.document import escape_md, parse_document
from mkbcopy.writers.docx import render_docx
from mkbcopy.writers.eml import build_message
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_markdown, render_text

SOURCE = (
    "---\nsubject: Werk en leer \\& verdien\npreheader: Lees hoe het werkt\n---\n"
    "# Werk en leer\n\nJe leert **op school** en je werkt. "
    + escape_md("Kosten: <1.000 euro> & \"gratis\" 'boeken'")
    + "\n\n## Jouw vragen\n\n- **Wie betaalt?** Je werkgever.\n- Reis je ver? Nee.\n\n"
    "[Meld je aan](https://example.org/aanmelden?a=1&utm_source=email)\n"
)
DOC = parse_document(SOURCE)


def test_text_is_plain() -> None:
    text = render_text(DOC)
    assert "**" not in text and "\\" not in text
    assert "- Wie betaalt? Je werkgever." in text
    assert "Meld je aan (https://example.org/aanmelden?a=1&utm_source=email)" in text
    assert "Kosten: <1.000 euro> & \"gratis\" 'boeken'" in text


def test_markdown_keeps_header() -> None:
    md = render_markdown(DOC)
    assert md.startswith("---\nsubject: Werk en leer & verdien\n")
    assert "# Werk en leer" in md


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.styles += any(k == "style" for k, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_escaped_and_inline_styled() -> None:
    html = render_html(DOC, colour="#0B5FA5")
    parser = _Collect()
    parser.feed(html)
    text = "".join(parser.text)
    assert "Kosten: <1.000 euro> & \"gratis\" 'boeken'" in text
    # Layout is inline; the one <style> block only recolours for dark mode.
    assert html.count("<style") == 1
    style = html.split("<style>")[1].split("</style>")[0]
    declarations = re.findall(r"([a-z-]+)\s*:\s*[^;{}]+;", style)
    assert set(declarations) <= {
        "color",
        "background-color",
        "color-scheme",
        "supported-color-schemes",
    }
    assert {"h1", "h2", "ul", "li", "a", "strong"} <= set(parser.tags)
    assert "color:#0B5FA5" in html
    assert "Lees hoe het werkt" in text  # hidden preheader


def test_eml_parses_as_draft_with_both_parts() -> None:
    raw = bytes(
        build_message(
            subject=DOC.meta["subject"],
            preheader=DOC.meta["preheader"],
            text=render_text(DOC),
            html=render_html(DOC),
            sender_name="Zoë d'Hondt",
            sender_email="zoe@example.org",
        )
    )
    msg = BytesParser(policy=default).parsebytes(raw)
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == "Werk en leer & verdien"
    assert msg["From"].addresses[0].display_name == "Zoë d'Hondt"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    assert "Je werkgever." in plain.get_content()
    assert "&lt;1.000 euro&gt;" in html.get_content()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert message_from_bytes(raw).defects == []


def test_eml_header_injection_is_flattened() -> None:
    msg = build_message(
        subject="Hoi\r\nBcc: evil@example.org",
        text="x",
        html="<p>x</p>",
        sender_name="A\nB",
        sender_email="a@example.org",
    )
    parsed = BytesParser(policy=default).parsebytes(bytes(msg))
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Hoi Bcc: evil@example.org"


def test_docx_has_headings_bullets_bold_links_a4() -> None:
    data = render_docx(DOC, title="Test", colour="#0B5FA5")
    document = docx.Document(io.BytesIO(data))
    paras = document.paragraphs
    headings = [(p.style.name, p.text) for p in paras if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Werk en leer"), ("Heading 2", "Jouw vragen")]
    assert paras[0].runs[0].font.color.rgb == RGBColor(0x0B, 0x5F, 0xA5)
    bullets = [p.text for p in paras if p.style.name == "List Bullet"]
    assert bullets == ["Wie betaalt? Je werkgever.", "Reis je ver? Nee."]
    assert any(r.bold and r.text == "op school" for p in paras for r in p.runs)
    links = [h for p in paras for h in p.hyperlinks]
    assert links[0].address == "https://example.org/aanmelden?a=1&utm_source=email"
    assert links[0].text == "Meld je aan"
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert "Kosten: <1.000 euro> & \"gratis\" 'boeken'" in "\n".join(p.text for p in paras)
