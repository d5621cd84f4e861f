"""`mkbcopy templates ...` and `generate --templates` through the real command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.compose.channels import builtin_templates_dir

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "user_templates"
HEADER = "{#- mkbcopy\nformats: [txt]\n-#}\n"


def test_list_shows_builtins_and_a_users_channels(runner: CliRunner) -> None:
    result = runner.invoke(app, ["templates", "list"])
    assert result.exit_code == 0, result.output
    for name in ("flyer", "email", "linkedin", "instagram", "facebook", "x"):
        assert name in result.stdout
    assert "280 (X-weighted)" in result.stdout and "subject 60" in result.stdout
    assert "fact_bullets" in result.stdout and "your folder" not in result.stdout

    result = runner.invoke(app, ["templates", "list", "--templates", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("│ ")}
    assert "your folder" in rows["whatsapp"] and "700" in rows["whatsapp"]
    assert "your folder" in rows["linkedin"] and "built-in" in rows["email"]


def test_show_prints_the_effective_source_and_its_origin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["templates", "show", "linkedin", "-t", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    mine = (FIXTURE / "linkedin" / "template.md.j2").read_text(encoding="utf-8")
    assert result.stdout == mine
    assert "your folder, overriding the built-in" in result.stderr

    result = runner.invoke(app, ["templates", "show", "_shared/macros.j2", "-t", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    builtin = builtin_templates_dir() / "_shared" / "macros.j2"
    assert result.stdout == builtin.read_text(encoding="utf-8")
    assert "built-in" in result.stderr

    result = runner.invoke(app, ["templates", "show", "tiktok"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no template 'tiktok' (known: flyer" in result.stderr


def test_init_writes_a_folder_that_checks_clean_and_refuses_to_overwrite(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "mijn-templates"
    result = runner.invoke(app, ["templates", "init", str(folder)])
    assert result.exit_code == 0, result.output
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "templates check" in readme and "{#- mkbcopy" in readme
    assert (folder / "flyer" / "template.md.j2").is_file()

    result = runner.invoke(app, ["templates", "init", str(folder)])
    assert result.exit_code == 1
    assert "exist already" in result.stderr and "--force" in result.stderr

    result = runner.invoke(app, ["templates", "init", str(folder), "--force"])
    assert result.exit_code == 0, result.output

    result = runner.invoke(app, ["templates", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: ")


def test_check_builtins_and_fixture_are_ok(runner: CliRunner) -> None:
    result = runner.invoke(app, ["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "OK: the built-in templates: 8 files checked, 108 renders" in result.stdout
    result = runner.invoke(app, ["templates", "check", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "126 renders" in result.stdout


def test_check_reports_a_syntax_error_and_an_unknown_variable_in_two_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "flyer").mkdir()
    (tmp_path / "flyer" / "template.md.j2").write_text(
        HEADER.replace("txt", "docx") + "# {{ copy.kop }\n", encoding="utf-8"
    )
    (tmp_path / "sms").mkdir()
    (tmp_path / "sms" / "template.md.j2").write_text(
        HEADER + "{{ lead.kort }}\n{{ ctaa.url }}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["templates", "check", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"{tmp_path}/flyer/template.md.j2:4: error: syntax error: a single '}}': close "
        "{{ ... }} with two braces | # {{ copy.kop }",
        f"{tmp_path}/sms/template.md.j2:5: error: unknown variable 'ctaa'; did you mean 'cta'? "
        "| {{ ctaa.url }}",
    ]
    assert result.stderr == f"2 errors and 0 warnings in {tmp_path} (over the built-ins).\n"


def test_check_uses_the_briefs_templates_folder(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    shutil.copytree(FIXTURE, tmp_path / "mijn-templates")
    path = tmp_path / "mijn-templates" / "whatsapp" / "template.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("limit: 700", "limit: 70"), "utf-8")
    brief = write_brief(templates="mijn-templates")
    result = runner.invoke(app, ["templates", "check", "--brief", str(brief)])
    assert result.exit_code == 1
    over = [line for line in result.stdout.splitlines() if "whatsapp allows 70" in line]
    assert len(over) == 9  # three personas, six subgroups


def test_generate_with_templates_writes_the_new_channel_and_warns_on_length(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(FIXTURE, folder)
    path = folder / "whatsapp" / "template.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("limit: 700", "limit: 100"), "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", "--templates", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    whatsapp = [e for e in manifest["files"] if e["channel"] == "whatsapp"]
    assert len(whatsapp) == 3 and all(e["warnings"] for e in whatsapp)
    assert (out / "nieuwsgierige-student" / "whatsapp.txt").is_file()
    assert "whatsapp allows 100" in result.stderr


def test_a_missing_templates_folder_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "-t", str(tmp_path / "weg"), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"mkbcopy: error: {tmp_path / 'weg'}: templates folder not found\n"


def test_a_sandbox_escape_in_generate_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "t" / "x").mkdir(parents=True)
    (tmp_path / "t" / "x" / "template.md.j2").write_text(
        HEADER + "{{ cycler.__init__.__globals__.os }}{{ ''.__class__.__mro__ }}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["generate", "-t", str(tmp_path / "t"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"mkbcopy: error: {tmp_path}/t/x/template.md.j2:4: ")
    assert not (tmp_path / "o").exists()
