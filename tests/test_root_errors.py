"""Mistakes before the command name, and usage lines, in the user's language.

--lang is not read yet when `mkbcopy --bogus` fails, so MKBCOPY_LANG or the locale decides.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app

CLEAN = {"MKBCOPY_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


@pytest.mark.parametrize(
    "env", [{"MKBCOPY_LANG": "nl"}, {"LANG": "nl_NL.UTF-8"}, {"LC_ALL": "nl_BE.UTF-8"}]
)
def test_a_wrong_root_option_is_dutch_under_a_dutch_setting(
    runner: CliRunner, env: dict[str, str]
) -> None:
    result = runner.invoke(app, ["--bogus"], env={**CLEAN, "LANG": "C.UTF-8", **env})
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Gebruik: mkbcopy [OPTIES] OPDRACHT [ARGUMENTEN]...",
        "Typ 'mkbcopy -h' voor hulp.",
        "",
        "Fout: Onbekende optie: --bogus",
    ]
    language = runner.invoke(app, ["--lang", "fr"], env={**CLEAN, "LANG": "C.UTF-8", **env})
    assert language.exit_code == 2
    assert language.stderr.endswith(
        "Fout: Ongeldige waarde voor '--lang': 'fr' is geen taal die mkbcopy spreekt "
        "(kies en of nl)\n"
    )


def test_english_stays_the_default_before_the_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--bogus"], env={**CLEAN, "LANG": "C.UTF-8"})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Usage: mkbcopy [OPTIONS] COMMAND [ARGS]...",
        "Try 'mkbcopy -h' for help.",
        "",
        "Error: No such option: --bogus",
    ]
    language = runner.invoke(app, ["--lang", "fr", "lint"], env={**CLEAN, "LANG": "C.UTF-8"})
    assert language.stderr.endswith(
        "Error: Invalid value for '--lang': 'fr' is not a language mkbcopy speaks (use en or nl)\n"
    )


def test_a_group_without_a_command_shows_its_help(runner: CliRunner) -> None:
    """Not "Error: Usage: ...": the help, once, as Click shows it for the app itself."""
    for lang, usage in (("en", "Usage: mkbcopy personas [OPTIONS] COMMAND"), ("nl", "Gebruik: ")):
        result = runner.invoke(app, ["--lang", lang, "personas"])
        assert result.stderr.startswith(usage), result.stderr
        assert "Error" not in result.stderr and "Fout" not in result.stderr
        assert result.stderr.count(usage) == 1


def test_usage_lines_in_dutch_help(runner: CliRunner) -> None:
    root = runner.invoke(app, ["--lang", "nl", "--help"])
    assert root.stdout.startswith("Gebruik: mkbcopy [OPTIES] OPDRACHT [ARGUMENTEN]...\n")
    group = runner.invoke(app, ["--lang", "nl", "templates", "--help"])
    assert group.stdout.startswith("Gebruik: mkbcopy templates [OPTIES] OPDRACHT [ARGUMENTEN]...")
    check = runner.invoke(app, ["--lang", "nl", "brief", "check", "--help"])
    assert check.stdout.startswith("Gebruik: mkbcopy brief check [OPTIES] {BRIEF}\n")
