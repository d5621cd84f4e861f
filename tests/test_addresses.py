"""Email addresses as the mail platforms check them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkbcopy.contacts.addresses import PLAIN_EMAIL, _email_problem, validate_email


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("piet@example.nl", None),
        ("p.de.vries+nieuwsbrief@sub.example.co.uk", None),
        ("zoë@voorbeeld.nl", "outside a-z"),  # most mail servers refuse it
        ("", "empty"),
        ("piet.example.nl", "no @"),
        ("piet@@example.nl", "more than one @"),
        ("piet@example", "no dot"),
        ("piet@example..nl", "empty part"),
        ("piet@example.nl.", "empty part"),
        ("@example.nl", "nothing before"),
        ("piet @example.nl", "space"),
        ("Piet <piet@example.nl>", "space"),
        ("piet@example.nl;anna@example.nl", "';'"),
        ("piet\x07@example.nl", "control"),
        ("p" * 250 + "@example.nl", "254"),
        (".piet@example.nl", "dot"),
        ("piet@-example.nl", "'-'"),
        ("piet@10.0.0.1", "number"),
    ],
)
def test_validate_email(text: str, problem: str | None) -> None:
    result = validate_email(text)
    if problem is None:
        assert result is None
    else:
        assert result is not None and problem in result


def _special(text: str) -> bool:
    from mkbcopy.contacts.addresses import SPECIAL_USE

    return text.rpartition(".")[2].lower() in SPECIAL_USE


@pytest.mark.slow
@settings(max_examples=2000)
@given(
    st.text(alphabet="aZ09.-_+@'\"() é\t", max_size=30) | st.from_regex(PLAIN_EMAIL, fullmatch=True)
)
def test_the_fast_email_check_only_passes_what_the_full_check_passes(text: str) -> None:
    if len(text) <= 254 and PLAIN_EMAIL.fullmatch(text) and not _special(text):
        assert _email_problem(text) is None
    assert validate_email(text) == _email_problem(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sanne@example.test", "reserved for tests or local networks"),
        ("sanne@printer.local", "reserved for tests or local networks"),
        ("sanne@example.c0m1", "real top-level domain"),
        ("sanne@" + "a" * 64 + ".nl", "cannot exist"),
    ],
)
def test_addresses_the_platforms_refuse_are_rejected_with_the_reason(
    text: str, reason: str
) -> None:
    problem = validate_email(text)
    assert problem is not None and reason in problem


def test_an_internationalised_domain_is_kept_and_normalised() -> None:
    from mkbcopy.contacts.addresses import normalise_email

    assert validate_email("jan@bäcker.nl") is None
    assert normalise_email("jan@Bäcker.NL") == "jan@xn--bcker-gra.nl"
    assert normalise_email("Jan@Example.NL") == "Jan@example.nl"


@pytest.mark.parametrize("address", ["=cmd@example.org", "+31@example.org", "-info@example.org"])
def test_an_address_a_spreadsheet_would_run_as_a_formula_is_refused(address: str) -> None:
    """A platform's import file could only keep it by changing it; the row says why instead."""
    assert "formula" in (validate_email(address) or "")
    assert validate_email(address.replace(address[0], "a", 1)) is None
