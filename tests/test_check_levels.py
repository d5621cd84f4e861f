"""--quiet and --verbose on the check commands: less or more said, the same counts and exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app

REPO = Path(__file__).resolve().parent.parent


def _levels(runner: CliRunner, args: list[str]) -> dict[str, tuple[int, str, str]]:
    said = {}
    for level in ("-q", "", "-v"):
        result = runner.invoke(app, [*args, level] if level else args)
        said[level] = (result.exit_code, result.stdout, result.stderr)
    both = runner.invoke(app, [*args, "--quiet", "--verbose"])
    assert both.exit_code == 2 and "--verbose" in both.stderr and not both.stdout
    return said


def _last_line(said: tuple[int, str, str]) -> str:
    return (said[1] + said[2]).strip().splitlines()[-1]


def test_brief_check(runner: CliRunner, write_brief: Callable[..., Path]) -> None:
    said = _levels(runner, ["brief", "check", str(write_brief(drop=("salary", "costs")))])
    assert {code for code, _out, _err in said.values()} == {1}
    assert len({_last_line(s) for s in said.values()}) == 1  # the same summary
    quiet, normal, verbose = said["-q"], said[""], said["-v"]
    assert quiet[1] == "" and quiet[2].startswith("2 facts missing")
    assert "  - salary: " in normal[1] and "Facts in the brief" not in normal[1]
    assert normal[1] in verbose[1] or set(normal[1].splitlines()) <= set(verbose[1].splitlines())
    assert "Facts in the brief: " in verbose[1] and ": complete" in verbose[1]
    assert "salary" not in verbose[1].splitlines()[0]


def test_templates_check(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "mijn-templates"
    assert runner.invoke(app, ["templates", "init", str(folder)]).exit_code == 0
    (folder / "kop").mkdir()
    (folder / "kop" / "template.md.j2").write_text("{{ opening }}\n")  # no header: an error
    (folder / "notities").mkdir()  # a folder without a template: a warning
    said = _levels(runner, ["templates", "check", str(folder)])
    assert {code for code, _out, _err in said.values()} == {1}
    assert len({_last_line(s) for s in said.values()}) == 1
    quiet, normal, verbose = said["-q"], said[""], said["-v"]
    assert ": warning: " in normal[1] and ": error: " in normal[1]
    assert ": warning: " not in quiet[1] and ": error: " in quiet[1]
    assert "checked kop/template.md.j2 (" in verbose[1] and "checked " not in normal[1]

    ok = _levels(runner, ["templates", "check"])
    assert {code for code, _out, _err in ok.values()} == {0}
    assert ok["-q"][1].startswith("OK: the built-in templates: 8 files checked")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_personas_check(runner: CliRunner, tmp_path: Path, lang: str) -> None:
    args = ["--lang", lang, "personas", "check"]
    said = _levels(runner, [*args, str(REPO / "personas.yaml")])
    assert {code for code, _out, _err in said.values()} == {0}
    assert said["-q"][1] == said[""][1] and said["-v"][1].endswith(said[""][1])
    share = "of the target group" if lang == "en" else "van de doelgroep"
    assert said["-v"][1].count(share) == 3 and share not in said[""][1]

    broken = tmp_path / "studie.yaml"
    broken.write_text("personas: []\nsegmentation: {}\n", encoding="utf-8")
    said = _levels(runner, [*args, str(broken)])
    assert {code for code, _out, _err in said.values()} == {1}
    assert said["-q"] == said[""] == said["-v"]  # every problem is an error: always shown
