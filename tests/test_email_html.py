"""The HTML email: a button for the call to action, the logo, and colours that read
in light and dark mode (WCAG contrast computed from the HTML itself)."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from mkbcopy.contacts.batch import run_batch
from mkbcopy.document import parse_document
from mkbcopy.research.brief import Brand, Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.writers.colours import MIN_CONTRAST, contrast
from mkbcopy.writers.html import DARK, LIGHT, render_html

SOURCE = (
    "---\nsubject: Werk en leer\npreheader: Lees hoe\n---\nHoi,\n\n# Werk en leer\n\n"
    "Je leert en je werkt, zie [de site](https://example.org/site).\n\n"
    "**[Meld je aan](https://example.org/aanmelden?a=1&b=2)**\n\n- een\n- twee\n"
)
LOGO = "https://www.example.org/logo.png"


def _light_colours(html: str, cls: str, prop: str = "color") -> set[str]:
    found = re.findall(rf'class="{cls}"[^>]*?style="[^"]*?(?<![-a-z]){prop}:(#[0-9A-F]{{6}})', html)
    return set(found)


def _dark_colour(html: str, selector: str, prop: str = "color") -> str:
    block = html.split("@media (prefers-color-scheme: dark)")[1].split("\n}")[0]
    match = re.search(rf"{re.escape(selector)}[^{{]*\{{ {prop}: (#[0-9A-F]{{6}})", block)
    assert match, selector
    return match.group(1)


@pytest.mark.parametrize(
    "colour", ["#1F3A5F", "#0B5FA5", "#FFD700", "#000000", "#FFFFFF", "#E30613"]
)
def test_headings_links_and_button_keep_contrast_in_both_schemes(colour: str) -> None:
    html = render_html(parse_document(SOURCE), colour=colour)
    assert '<meta name="color-scheme" content="light dark">' in html
    assert '<meta name="supported-color-schemes" content="light dark">' in html
    for cls in ("mk-heading", "mk-link"):
        (light,) = _light_colours(html, cls)
        assert contrast(light, LIGHT["card"]) >= MIN_CONTRAST
        dark = _dark_colour(html, f".{cls}" if cls == "mk-link" else ".mk-heading")
        assert contrast(dark, DARK["card"]) >= MIN_CONTRAST
    (button,) = _light_colours(html, "mk-button", "background-color")
    (label,) = _light_colours(html, "mk-button-link")
    assert contrast(button, label) >= MIN_CONTRAST
    dark_button = _dark_colour(html, ".mk-button", "background-color")
    assert contrast(dark_button, _dark_colour(html, ".mk-button-link")) >= MIN_CONTRAST
    assert contrast(DARK["text"], DARK["card"]) >= MIN_CONTRAST
    assert contrast(LIGHT["text"], LIGHT["card"]) >= MIN_CONTRAST


def test_the_call_to_action_is_a_bulletproof_button() -> None:
    html = render_html(parse_document(SOURCE))
    cell = re.search(r'<td class="mk-button"[^>]*bgcolor="#[0-9A-F]{6}"[^>]*>(.*?)</td>', html)
    assert cell, "a table cell with a background colour, which Outlook draws"
    assert 'href="https://example.org/aanmelden?a=1&amp;b=2"' in cell.group(1)
    assert ">Meld je aan</a>" in cell.group(1)
    assert html.index("mk-button") < html.index("<ul")  # where the template asks, not last
    assert 'href="https://example.org/site"' in html  # a link inside text stays a link


def test_the_button_follows_the_opening_in_batch_drafts(
    tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text("email,first_name,age,education,status\na@example.nl,An,19,havo,scholier\n")
    out = tmp_path / "out"
    run_batch(contacts, example_brief, research, out, merge_tags="mailchimp")
    html = next(out.glob("segments/*/email.html")).read_text(encoding="utf-8")
    paragraphs_before = html[: html.index('class="mk-button"')].count("<p ")
    assert paragraphs_before <= 3  # greeting, opening, offer


def test_a_hosted_logo_heads_segment_and_personal_drafts(
    tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    brief = example_brief.model_copy(update={"brand": Brand(colour="#0B5FA5", logo=LOGO)})
    contacts = tmp_path / "c.csv"
    contacts.write_text("email,first_name,age,education,status\na@example.nl,An,19,havo,scholier\n")
    out = tmp_path / "out"
    run_batch(contacts, brief, research, out, merge_tags="brevo", per_recipient=True)
    assert f'<img src="{LOGO}"' in next(out.glob("segments/*/email.html")).read_text()
    msg = BytesParser(policy=default).parsebytes(next((out / "recipients").iterdir()).read_bytes())
    body = msg.get_body(("html",))
    assert body is not None and f'<img src="{LOGO}"' in body.get_content()


def test_a_logo_file_is_for_the_flyer_not_the_email() -> None:
    brand = Brand(logo="/tmp/logo.png")
    assert brand.logo_file() == "/tmp/logo.png" and brand.logo_url() is None
    assert Brand(logo=LOGO).logo_url() == LOGO and Brand(logo=LOGO).logo_file() is None
    html = render_html(parse_document(SOURCE), logo=None)
    assert "<img" not in html


def test_markup_in_text_is_escaped_by_the_template() -> None:
    doc = parse_document('Hoi,\n\n\\<script\\>alert(1)\\</script\\> & "x"\n')
    html = render_html(doc, title="<b>t</b>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_logo_url_in_the_brief_is_kept_as_a_url(write_brief: Callable[..., Path]) -> None:
    brief = load_brief(write_brief(brand={"logo": LOGO}))
    assert brief.brand is not None and brief.brand.logo_url() == LOGO
    local = load_brief(write_brief(brand={"logo": "logo.png"}))
    assert local.brand is not None and local.brand.logo_file() == str(
        write_brief().parent / "logo.png"
    )
