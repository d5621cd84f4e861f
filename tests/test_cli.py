"""The command line: help, errors as one line, and the generate/init/personas commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from mkbcopy.cli import app

from .conftest import REPO


def _commands(group: typer.Typer = app, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    command = typer.main.get_command(group)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        path = (*prefix, name)
        if hasattr(sub, "commands"):
            for child in sub.commands:
                yield (*path, child)
        else:
            yield path


ALL_COMMANDS = sorted(_commands())


def test_there_are_commands() -> None:
    assert ("generate",) in ALL_COMMANDS and ("personas", "list") in ALL_COMMANDS


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example_and_is_documented(
    runner: CliRunner, command: tuple[str, ...]
) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: mkbcopy " in result.output
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"mkbcopy {' '.join(command)}" in readme, f"README does not mention {command}"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("mkbcopy ")


def test_generate_without_arguments_writes_the_example(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "mkbcopy-output" / "manifest.json").read_text())
    assert len(manifest["files"]) == 24
    assert result.stdout.startswith("Wrote 18 drafts to mkbcopy-output/ (24 files).")


def test_generate_selects_and_names_subgroup_folders(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["generate", "-p", "doelgerichte-doorstromer", "-c", "email", "-f", "md", "-s", "35+"]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["doelgerichte-doorstromer--35+/email.md", "manifest.json"]


def test_missing_fact_warns_once_naming_personas(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("travel",))
    result = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if "travel" in line]
    assert len(lines) == 1 and "hoe ver moet je reizen?" in lines[0], result.stdout
    assert "doelgerichte-doorstromer/" in lines[0] and "nieuwsgierige" not in lines[0]
    assert "travel" not in result.stderr
    strict = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "s"), "--strict"])
    assert strict.exit_code == 1
    assert not (tmp_path / "s").exists()
    assert strict.stderr.count("\n") == 1 and "travel" in strict.stderr


def test_broken_brief_is_one_line_naming_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    brief = tmp_path / "campaign.yaml"
    brief.write_text("campaign: x\norganisation: y\n  programme: z\n", encoding="utf-8")
    result = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"mkbcopy: error: {brief}:3")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "generate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "brief not found" in result.stderr


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["generate", "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["generate", "-f", "odt"]).exit_code == 2


def test_init_writes_a_commented_brief_and_refuses_to_overwrite(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "c")])
    assert result.exit_code == 0
    text = (tmp_path / "c" / "campaign.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "facts:" in text
    again = runner.invoke(app, ["init", str(tmp_path / "c")])
    assert again.exit_code == 1 and "--force" in again.stderr
    generated = runner.invoke(
        app, ["generate", str(tmp_path / "c" / "campaign.yaml"), "-o", str(tmp_path / "o")]
    )
    assert generated.exit_code == 0


def test_personas_list_and_show(runner: CliRunner) -> None:
    listed = runner.invoke(app, ["personas", "list"])
    assert listed.exit_code == 0
    for needle in ("nieuwsgierige-student", "49%", "36%", "15%"):
        assert needle in listed.stdout
    shown = runner.invoke(app, ["personas", "show", "onafhankelijke-zij-instromer"])
    assert shown.exit_code == 0
    assert "Omscholen" in shown.stdout and "35+" in shown.stdout
    unknown = runner.invoke(app, ["personas", "show", "nobody"])
    assert unknown.exit_code == 2 and "unknown persona 'nobody'" in unknown.stderr


def test_python_dash_m_and_lazy_docx_import(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mkbcopy", "--version"], capture_output=True, text=True, check=True
    )
    assert run.stdout.startswith("mkbcopy ")
    probe = "import sys, mkbcopy.cli, mkbcopy.compose.campaign; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_shell_completion_offers_commands_and_persona_ids() -> None:
    """The real program, as bash's completion script calls it."""
    env = {**os.environ, "_MKBCOPY_COMPLETE": "complete_bash"}

    def complete(words: str) -> list[str]:
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1))
        proc = subprocess.run(
            [sys.executable, "-m", "mkbcopy"], env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
        return proc.stdout.split()

    assert complete("mkbcopy per") == ["personas"]
    assert complete("mkbcopy personas show onaf") == ["onafhankelijke-zij-instromer"]
    assert complete("mkbcopy generate --channel ema") == ["email"]
    script = subprocess.run(
        [sys.executable, "-m", "mkbcopy", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        # Typer's own switch: take the shell from the argument, not from the process tree
        # (which, under a test runner, need not hold a shell at all).
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert script.returncode == 0 and "_MKBCOPY_COMPLETE" in script.stdout, script.stderr
