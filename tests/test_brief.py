from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mkbcopy.errors import InputError, ValidationError
from mkbcopy.research.brief import FACT_KEYS, load_brief, mail_gaps


def test_example_brief_is_complete(example_brief) -> None:  # type: ignore[no-untyped-def]
    assert example_brief.facts.missing() == []
    assert example_brief.call_to_action.url.startswith("https://")
    assert len(FACT_KEYS) == 15


def test_unknown_key_names_file_key_and_line(write_brief: Callable[..., Path]) -> None:
    path = write_brief(colour="blue")
    with pytest.raises(ValidationError) as err:
        load_brief(path)
    message = str(err.value)
    assert str(path) in message
    assert "colour" in message and "unknown key" in message
    assert err.value.line is not None


def test_unknown_fact_key(write_brief: Callable[..., Path], example_data: dict) -> None:  # type: ignore[type-arg]
    facts = dict(example_data["facts"], kosten="gratis")
    path = write_brief(facts=facts)
    with pytest.raises(ValidationError, match=r"facts\.kosten: unknown key"):
        load_brief(path)


def test_wrong_type_is_reported(write_brief: Callable[..., Path]) -> None:
    path = write_brief(call_to_action="Meld je aan")
    with pytest.raises(ValidationError, match="call_to_action"):
        load_brief(path)


def test_bad_url_and_colour(write_brief: Callable[..., Path], example_data: dict) -> None:  # type: ignore[type-arg]
    path = write_brief(call_to_action={"text": "Kom", "url": "www.example.nl"})
    with pytest.raises(ValidationError, match="https://"):
        load_brief(path)
    path = write_brief(brand={"colour": "blauw"})
    with pytest.raises(ValidationError, match="#RRGGBB"):
        load_brief(path)


def test_control_character_is_refused_with_field(write_brief: Callable[..., Path]) -> None:
    path = write_brief(campaign="Werk\x00en leer")
    with pytest.raises(ValidationError, match="campaign: contains the control character U\\+0000"):
        load_brief(path)


def test_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_brief(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaign: [unclosed\norganisation: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid YAML") as err:
        load_brief(bad)
    assert err.value.line is not None


def test_missing_facts_are_listed(write_brief: Callable[..., Path]) -> None:
    brief = load_brief(write_brief(drop=("paid_by", "travel")))
    assert brief.facts.missing() == ["paid_by", "travel"]


def test_relative_paths_resolve_against_the_brief(write_brief: Callable[..., Path]) -> None:
    path = write_brief(templates="mijn-templates", brand={"logo": "logo.png"})
    brief = load_brief(path)
    assert brief.templates == str(path.parent / "mijn-templates")
    assert brief.brand is not None and brief.brand.logo == str(path.parent / "logo.png")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://example.nl/af", "https:// or mailto:"),
        ("www.example.nl/af", "https:// or mailto:"),
        ("mailto:afmelden", "not an email address"),
        ("https://example.nl/" + "a" * 60, "at most 75"),
        ("https://example.nl/<af>", "< or >"),
    ],
)
def test_opt_out_must_be_https_or_mailto(
    write_brief: Callable[..., Path],
    example_data: dict,  # type: ignore[type-arg]
    value: str,
    message: str,
) -> None:
    path = write_brief(contact=dict(example_data["contact"], unsubscribe=value))
    with pytest.raises(ValidationError, match=message) as err:
        load_brief(path)
    assert "contact.unsubscribe" in str(err.value) and err.value.line is not None


def test_opt_out_and_address_are_optional_for_copy(
    write_brief: Callable[..., Path],
    example_data: dict,  # type: ignore[type-arg]
) -> None:
    contact = {k: v for k, v in example_data["contact"].items() if k != "address"}
    brief = load_brief(write_brief(contact=contact))
    assert mail_gaps(brief) == ["address"]
    mailto = "mailto:afmelden@example.nl?subject=afmelden"
    contact["unsubscribe"] = mailto
    assert load_brief(write_brief(contact=contact)).contact.unsubscribe == mailto
