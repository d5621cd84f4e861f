"""Brief mistakes through the real CLI: every problem at once, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.research.brief import example_brief_path

EXAMPLE = example_brief_path().read_text(encoding="utf-8")


def _check(tmp_path: Path, text: str) -> list[str]:
    """Run `brief check` on `text`; exit 1, no traceback; return the stderr lines."""
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", "check", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and result.stdout == ""
    return result.stderr.splitlines()


def _line(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_every_problem_on_its_own_line_with_did_you_mean(tmp_path: Path) -> None:
    text = (
        EXAMPLE.replace("  salary:", "  salaris:")
        .replace("\ncontact:", "\ncontactpersoon:")
        .replace("  costs:", "  kosten:")
        .replace("\norganisation:", "\norganisatie:")
        .replace("\nprogramme:", "\nopleiding:")
    )
    lines = _check(tmp_path, text)
    path = tmp_path / "campaign.yaml"
    for key, guess in [
        ("facts.salaris", "salary"),
        ("facts.kosten", "costs"),
        ("contactpersoon", "contact"),
        ("organisatie", "organisation"),
        ("opleiding", "programme"),
    ]:
        line = _line(text, f"  {key.split('.')[-1]}:" if "." in key else f"{key}:")
        wanted = f"mkbcopy: error: {path}:{line}: {key}: unknown key; did you mean '{guess}'?"
        assert wanted in lines, (wanted, lines)
    assert any("contact: is required but missing" in line for line in lines)
    assert not any("more problem" in line for line in lines)
    assert lines[-1] == (f"mkbcopy: 8 problems in {path}; fix them all, then run the command again")


def test_one_problem_stays_one_line(tmp_path: Path) -> None:
    lines = _check(tmp_path, EXAMPLE + "kleur: '#0B5FA5'\n")
    assert len(lines) == 1
    assert lines[0].endswith("kleur: unknown key (allowed here: " + _top_keys() + ")")


def _top_keys() -> str:
    from mkbcopy.research.brief import Brief

    return ", ".join(Brief.model_fields)


YAML_TRAPS = {
    "colon in a value": (
        "organisation: Hogeschool: Rivierland",
        "organisation:",
        'put the text in quotes: organisation: "Hogeschool: Rivierland"',
    ),
    "no space after the colon": (
        "organisation:Rivierland",
        "organisation:",
        "write 'organisation: Rivierland'",
    ),
    "value on the next line": (
        "organisation:\nHogeschool Rivierland",
        "Hogeschool Rivierland",
        "the value of 'organisation' is on the next line",
    ),
    "tab after the colon": ("organisation:\tRivierland", "organisation:", "use a space"),
    "hash in a value": (
        "organisation: Hogeschool #1 van Gelderland",
        "organisation:",
        "organisation: a # starts a comment",
    ),
    "a quote never closed": (
        'organisation: "Hogeschool Rivierland',
        "organisation:",
        "a quote is opened but never closed",
    ),
    "a line indented too little": (
        "organisation:\n  naam: Hogeschool Rivierland\n stad: Arnhem",
        " stad: Arnhem",
        "not indented like the lines above it",
    ),
    "an at sign first": ("organisation: @Rivierland", "organisation:", "put the text in quotes"),
    "an unclosed list": (
        "organisation: [Hogeschool Rivierland\nprogramme: x",
        "programme: x",
        "a [ list is never closed with ]",
    ),
}


@pytest.mark.parametrize("trap", YAML_TRAPS, ids=str)
def test_yaml_traps_get_a_hint(trap: str, tmp_path: Path) -> None:
    replacement, start, needle = YAML_TRAPS[trap]
    text = EXAMPLE.replace("organisation: Hogeschool Rivierland", replacement)
    lines = _check(tmp_path, text)
    assert len(lines) == 1, lines
    assert f"campaign.yaml:{_line(text, start)}: " in lines[0], lines
    assert needle in lines[0], lines


def test_a_comment_after_a_value_is_still_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    text = EXAMPLE.replace("organisation: Hogeschool Rivierland", "organisation: HR # check")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", "check", str(path)])
    assert result.exit_code == 0, result.output
