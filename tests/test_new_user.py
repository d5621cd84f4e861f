"""The new-user journey: default brief, init paths, brief traps, exit codes, Dutch."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.i18n import _
from mkbcopy.research.brief import example_brief_path


def test_generate_without_brief_reads_campaign_yaml_here(
    runner: CliRunner,
    write_brief: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_brief(organisation="Hogeschool Zuidkust")  # tmp_path/campaign.yaml
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "-c", "linkedin", "-o", "out", "--no-lint"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "warning: no BRIEF given; using campaign.yaml in this folder"
    )
    posts = (tmp_path / "out").rglob("linkedin.txt")
    drafts = "".join(p.read_text(encoding="utf-8") for p in posts)
    assert "Zuidkust" in drafts and "Rivierland" not in drafts
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "campaign.yaml" in json.dumps(manifest)


def test_generate_without_any_brief_says_it_uses_the_example(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "-c", "x", "-o", "out", "--no-lint"])
    assert result.exit_code == 0, result.output
    note = [line for line in result.stderr.splitlines() if "example brief" in line]
    assert len(note) == 1 and "Rivierland" in note[0] and "mkbcopy init" in note[0]
    dutch = runner.invoke(app, ["--lang", "nl", "generate", "-c", "x", "-o", "nl", "--no-lint"])
    assert "voorbeeldbrief" in dutch.stderr and "mkbcopy init" in dutch.stderr


@pytest.mark.parametrize("name", ["campaign.yaml", "sub/mijn.yml", "Brief.YAML"])
def test_init_with_a_yaml_path_writes_that_file(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    target = tmp_path / name
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and str(target) in result.stdout
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["campaign"]
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_init_with_a_folder_writes_campaign_yaml_in_it(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "mijn-campagne")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mijn-campagne" / "campaign.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-p", "onbekend"], "unknown persona 'onbekend' (known: "),
        (["-c", "tiktok"], "unknown channel 'tiktok' (known: flyer, "),
        (["-p", "nieuwsgierige-student", "-s", "35"], "has no subgroup '35' (known: "),
        (["-s", "onbekend"], "no persona has subgroup 'onbekend'"),
    ],
)
def test_unknown_names_are_wrong_usage(
    runner: CliRunner, tmp_path: Path, args: list[str], needle: str
) -> None:
    brief = str(example_brief_path())
    result = runner.invoke(app, ["generate", brief, *args, "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["batch"],
        ["segment"],
        ["lint"],
        ["coverage"],
        ["preview"],
        ["personas", "list"],
        ["personas", "show"],
        ["personas", "check"],
        ["brief", "check"],
        ["templates", "check"],
    ],
    ids=" ".join,
)
def test_every_reporting_command_explains_its_exit_codes(
    runner: CliRunner, command: list[str]
) -> None:
    english = runner.invoke(app, [*command, "--help"])
    assert english.exit_code == 0
    text = " ".join(english.stdout.split())
    assert "Exit codes: 0 " in text and "2 wrong usage; 130 interrupted." in text
    dutch = runner.invoke(app, ["--lang", "nl", *command, "--help"])
    assert "Exitcodes: 0 " in " ".join(dutch.stdout.split())


EXAMPLE = example_brief_path().read_text(encoding="utf-8")


def _brief_check(runner: CliRunner, tmp_path: Path, text: str, *args: str) -> list[str]:
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["brief", "check", str(path), *args])
    assert result.exit_code == 1, result.output
    return result.stderr.replace(str(path), "B").splitlines()


def test_an_over_indented_line_gets_the_indentation_hint(runner: CliRunner, tmp_path: Path) -> None:
    text = EXAMPLE.replace("\n  duration:", "\n   duration:", 1)
    lines = _brief_check(runner, tmp_path, text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("   duration:"))
    assert lines == [
        f"mkbcopy: error: B:{line}: invalid YAML: this line is not indented like the lines "
        "above it; check its spaces"
    ]


def test_every_yaml_trap_in_the_file_is_named(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        "campaign: Zorg 2027\n"
        "organisation: Hogeschool Zuidkust\n"
        "programme: Bachelor Verpleegkunde\n"
        "facts:\n"
        "  weekly_schedule: Rooster: drie dagen werken.\n"
        "  duration:Vier jaar.\n"
        '  costs: "Het collegegeld is 1.300 euro.\n'
        "  diploma: Je haalt een hbo-diploma.\n"
        "\tsalary: 2400 euro\n"
        "call_to_action:\n"
        "  url: https://www.zuidkust.example/duaal\n"
    )
    lines = _brief_check(runner, tmp_path, text)
    assert [line.split(": ")[2].split(":")[1] for line in lines[:-1]] == ["5", "6", "7", "9"]
    assert "put the text in quotes" in lines[0]
    assert "write 'duration: Vier jaar.'" in lines[1]
    assert "a quote is opened but never closed" in lines[2]
    assert "a tab is used for indentation" in lines[3]
    assert lines[-1].startswith("mkbcopy: 4 problems in B;")


def test_a_valid_example_has_no_false_traps() -> None:
    from mkbcopy.research.yamlhints import traps

    assert traps(EXAMPLE.splitlines()) == []


def _brand_brief(tmp_path: Path) -> str:
    dotx = tmp_path / "huisstijl.dotx"
    with zipfile.ZipFile(dotx, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.template.main+xml"/></Types>',
        )
    text = EXAMPLE.replace(
        "\nbrand:\n", "\nbrand:\n  logo: weg.png\n  reference_docx: huisstijl.dotx\n"
    )
    assert "weg.png" in text
    return text


def test_brief_check_names_missing_brand_files(runner: CliRunner, tmp_path: Path) -> None:
    lines = _brief_check(runner, tmp_path, _brand_brief(tmp_path))
    assert lines[0].startswith("mkbcopy: error: B: brand.logo: ") and "logo not found" in lines[0]
    assert lines[1].startswith("mkbcopy: error: B: brand.reference_docx: ")
    assert "is a Word template (.dotx)" in lines[1] and "save it as a Word document" in lines[1]
    dutch = runner.invoke(app, ["--lang", "nl", "brief", "check", str(tmp_path / "campaign.yaml")])
    assert "logo niet gevonden" in dutch.stderr and "Word-sjabloon" in dutch.stderr


def test_brief_check_json_on_an_invalid_brief(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text("campaign: x\norganisation:Hogeschool\nfacts:\n  duration:Vier\n")
    result = runner.invoke(app, ["brief", "check", "--json", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["brief"] == str(path) and data["valid"] is False
    assert [(e["line"], e["path"]) for e in data["errors"]] == [(2, str(path)), (4, str(path))]
    assert set(data["errors"][0]) == {"path", "line", "key", "message"}
    assert "no space after the colon" in data["errors"][0]["message"]
    assert "mkbcopy: error:" in result.stderr


def test_no_raise_carries_a_literal_english_message() -> None:
    """Every message a user can read goes through the catalogue: no raise X("text")."""
    import ast

    package = Path(__file__).parent.parent / "mkbcopy"
    bare = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                if isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                ):
                    bare.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not bare, f"wrap these in _(): {bare}"


def test_refusals_from_contacts_and_brand_files_are_dutch(
    runner: CliRunner, tmp_path: Path
) -> None:
    contacts = tmp_path / "leden.csv"
    contacts.write_text(
        "Voornaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\n"
        "Sanne;sanne@example.nl;19;havo;scholier\n",
        encoding="utf-8",
    )
    out = tmp_path / "seg1.csv"
    out.write_text("al hier\n", encoding="utf-8")
    result = runner.invoke(app, ["--lang", "nl", "segment", str(contacts), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"mkbcopy: fout: {out}: bestaat al; gebruik --force om het te overschrijven, "
        "of kies een andere --out\n"
    )
    own = tmp_path / "mine" / "email"
    own.mkdir(parents=True)
    bundled = Path(__file__).parent.parent / "campaign_templates" / "email" / "template.md.j2"
    text = bundled.read_text(encoding="utf-8")
    (own / "template.md.j2").write_text(text.split("{% if unsubscribe %}")[0], encoding="utf-8")
    args = ["batch", str(contacts), "--example", "-t", str(own.parent), "-o", str(tmp_path / "b")]
    batch = runner.invoke(app, ["--lang", "nl", *args])
    assert batch.exit_code == 1, batch.output
    assert "de e-mailtemplate schrijft geen afmeldlink: voeg [Meld je af]" in batch.stderr


def test_generate_names_how_many_template_errors_follow(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "mijn-templates"
    assert runner.invoke(app, ["templates", "init", str(folder)]).exit_code == 0
    for channel in ("x", "linkedin", "facebook"):
        path = folder / channel / "template.md.j2"
        path.write_text(path.read_text(encoding="utf-8") + "{{ opening | upperr }}\n")
    brief = str(example_brief_path())
    result = runner.invoke(app, ["generate", brief, "-t", str(folder), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "unknown filter 'upperr'" in lines[0]
    assert lines[0].endswith(f" (and 2 more; run mkbcopy templates check {folder})")


def _complete(words: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What Tab offers after `words` (bash), through Typer's own completion."""
    import subprocess
    import sys

    env = {
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        "_MKBCOPY_COMPLETE": "complete_bash",
    }
    import os

    done = subprocess.run(
        [sys.executable, "-c", "from mkbcopy.cli import main; main()"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.split()


def test_shell_completion_of_option_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from openpyxl import Workbook

    assert _complete("mkbcopy generate -s ", monkeypatch) == ["16-34", "35+", "havo-vwo-mbo", "hbo"]
    assert _complete("mkbcopy generate -p nieuwsgierige-student -s h", monkeypatch) == [
        "havo-vwo-mbo",
        "hbo",
    ]
    assert _complete("mkbcopy batch c.csv b.yaml --merge-tags ", monkeypatch) == [
        "mailchimp",
        "brevo",
        "listmonk",
        "plain",
    ]
    assert _complete("mkbcopy --lang ", monkeypatch) == ["en", "nl"]
    assert _complete("mkbcopy lint --fail-on w", monkeypatch) == ["warning"]
    book = Workbook()
    assert book.active is not None
    book.active.title = "Uitleg"
    book.create_sheet("Leden")
    book.save(tmp_path / "leden.xlsx")
    assert _complete(f"mkbcopy segment {tmp_path / 'leden.xlsx'} --sheet ", monkeypatch) == [
        "Uitleg",
        "Leden",
    ]


def test_dutch_tables_line_up_and_count_right(runner: CliRunner, tmp_path: Path) -> None:
    draft = tmp_path / "x.txt"
    draft.write_text(
        "Meld je NU aan. Meld je NU aan. Het is GRATIS en [AANVULLEN: wat kost het?]\n",
        encoding="utf-8",
    )
    lint = runner.invoke(app, ["--lang", "nl", "lint", str(draft)])
    rows = [line for line in lint.stdout.splitlines() if line.startswith("  ") and "> " not in line]
    severities = {row.split()[0] for row in rows}
    assert {"fout", "waarschuwing"} <= severities, lint.stdout
    assert len({row.index(row.split()[1]) for row in rows}) == 1, lint.stdout  # one rule column
    listed = runner.invoke(app, ["--lang", "nl", "templates", "list"])
    assert "Flyer (één pagina, Word" in listed.stdout and "(one page" not in listed.stdout
    assert "1 hashtag" in listed.stdout and "1 hashtags" not in listed.stdout
    assert "(gewogen zoals X" in listed.stdout and "X-weighted" not in listed.stdout
    over = _("%(folder)s (over the built-ins)", "nl") % {"folder": "mijn"}
    assert over == "mijn (aangevuld met de ingebouwde templates)"


def test_init_writes_dutch_comments_in_dutch_and_the_same_brief(
    runner: CliRunner, tmp_path: Path
) -> None:
    from mkbcopy.research.brief import commented_example_path

    english = commented_example_path("en").read_text(encoding="utf-8")
    dutch = commented_example_path("nl").read_text(encoding="utf-8")
    assert yaml.safe_load(dutch) == yaml.safe_load(english)

    def data_lines(text: str) -> list[str]:  # commented-out keys too: they are examples
        return [
            line
            for line in text.splitlines()
            if not line.lstrip().startswith("#") or ": " in line.lstrip("# ")[:20]
        ]

    assert [line for line in data_lines(dutch) if not line.lstrip().startswith("#")] == [
        line for line in data_lines(english) if not line.lstrip().startswith("#")
    ]
    comments = [line for line in english.splitlines() if line.lstrip().startswith("# ")]
    translated = [line for line in dutch.splitlines() if line.lstrip().startswith("# ")]
    assert len(comments) == len(translated)
    assert len(set(comments) & set(translated)) <= 4  # the commented-out example keys
    result = runner.invoke(app, ["--lang", "nl", "init", str(tmp_path / "mijn.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mijn.yaml").read_text(encoding="utf-8") == dutch
    assert "mkbcopy verzint nooit een feit" in dutch
