"""Dutch on request: one gettext catalogue, complete, compiled, and chosen by locale or flag."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from openpyxl import Workbook
from typer.testing import CliRunner

from mkbcopy.checks.lint import lint_document
from mkbcopy.cli import app
from mkbcopy.document import parse_document
from mkbcopy.i18n import Text, _, language_from_env, set_language

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "mkbcopy"
PO = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "mkbcopy.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdf]|\{[\w.]+\}")

Msgid = str | tuple[str, ...]


def _catalogue() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="nl")


def _extracted() -> set[Msgid]:
    """Every message the code marks, as Babel's `pybabel extract` finds it."""
    found: set[Msgid] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords=DEFAULT_KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_in_the_code_has_natural_dutch() -> None:
    catalogue = _catalogue()
    extracted = _extracted()
    assert len(extracted) > 100
    in_po: dict[Msgid, object] = {
        (m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalogue if m.id
    }
    missing = sorted(str(m) for m in extracted - in_po.keys())
    assert not missing, f"run `make messages` and translate: {missing}"
    for message in catalogue:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else message.string
        assert all(s.strip() for s in strings), f"no Dutch for {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        ids = [message.id] if isinstance(message.id, str) else message.id
        for string in strings:
            # The same named fields: a Dutch message says what the English one does.
            assert sorted(FIELD.findall(string)) == sorted(FIELD.findall(ids[-1])), message.id
            if len(string) > 20:  # labels such as 'variant' may read the same
                assert string != ids[0], f"not translated: {message.id!r}"


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalogue():
        if not message.id:
            continue
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, "run `make messages`"
        else:
            for n, string in ((1, message.string[0]), (2, message.string[1])):
                assert compiled.ngettext(message.id[0], message.id[1], n) == string


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "en"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_GB.UTF-8"}, "nl"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANGUAGE": "nl:en", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LANGUAGE": "", "LANG": "nl_NL"}, "nl"),
        ({"MKBCOPY_LANG": "en", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"MKBCOPY_LANG": "nl", "LANG": "C"}, "nl"),
    ],
)
def test_language_from_the_environment(env: dict[str, str], lang: str) -> None:
    assert language_from_env(env) == lang


def test_set_language_overrides_and_resets(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _("does not exist") == "does not exist"
    set_language("nl")
    assert _("does not exist") == "bestaat niet"
    set_language(None)
    monkeypatch.setenv("MKBCOPY_LANG", "nl")
    assert _("does not exist") == "bestaat niet"


def _contacts(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Leden"
    sheet.append(["E-mailadres", "Voornaam", "Leeftijd", "Werksituatie"])
    sheet.append(["anna@example.nl", "Anna", 19])
    book.create_sheet("Archief")
    book.save(path)
    return path


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("MKBCOPY_LANG", "LANGUAGE")}
    clean.pop("LC_ALL", None)
    clean.pop("LC_MESSAGES", None)
    return subprocess.run(
        [sys.executable, "-m", "mkbcopy", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_real_command_speaks_dutch_under_a_dutch_locale(tmp_path: Path) -> None:
    _contacts(tmp_path / "leden.xlsx")
    dutch = _run(["segment", "leden.xlsx"], {"LANG": "nl_NL.UTF-8"}, tmp_path)
    assert dutch.returncode == 0, dutch.stderr
    assert "1 rij gelezen:" in dutch.stdout and "Niets geschreven" in dutch.stdout
    assert "niet in te delen" in dutch.stdout  # the reason, counted per category
    assert "let op: leden.xlsx: blad 'Leden' gelezen" in dutch.stderr
    missing = _run(["segment", "weg.csv"], {"LANG": "nl_NL.UTF-8"}, tmp_path)
    assert missing.stderr == "mkbcopy: fout: weg.csv: bestaat niet\n"

    english = _run(["segment", "leden.xlsx"], {"LANG": "C.UTF-8"}, tmp_path)
    assert "Read 1 row:" in english.stdout and "rijen" not in english.stdout
    forced = _run(["--lang", "en", "segment", "weg.csv"], {"LANG": "nl_NL.UTF-8"}, tmp_path)
    assert forced.stderr == "mkbcopy: error: weg.csv: does not exist\n"


def test_lang_flag_and_setting(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "weg.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    flagged = runner.invoke(app, ["--lang", "nl", "segment", str(path)])
    assert flagged.exit_code == 1
    assert "is een oude Excel-werkmap (.xls)" in flagged.stderr
    plain = runner.invoke(app, ["segment", str(path)])
    assert "is an old Excel workbook (.xls)" in plain.stderr
    unknown = runner.invoke(app, ["--lang", "fr", "segment", str(path)])
    assert unknown.exit_code == 2 and "en or nl" in unknown.stderr


LONG = (
    "# Kop\n\n"
    "Deze zin is met opzet veel te lang geschreven zodat de controle op de lengte van zinnen "
    "hem zeker zal vinden en een melding geeft over het aantal woorden erin.\n"
)


def test_lint_findings_are_english_in_json_and_dutch_on_request(
    runner: CliRunner, tmp_path: Path
) -> None:
    report = lint_document(parse_document(LONG), None)
    finding = next(f for f in report.findings if f.rule == "sentence.too-long")
    assert finding.message.startswith("sentence of ") and finding.text() == finding.message
    assert finding.text("nl").startswith("zin van ") and "maak er twee zinnen van" in finding.text(
        "nl"
    )
    assert str(Text("sentence said twice; say it once")) == "sentence said twice; say it once"

    draft = tmp_path / "draft.md"
    draft.write_text(LONG, encoding="utf-8")
    dutch = runner.invoke(app, ["--lang", "nl", "lint", str(draft)])
    assert "zin van " in dutch.stdout and "waarschuwing" in dutch.stdout
    assert "lint: 1 bestand, " in dutch.stdout
    as_json = runner.invoke(app, ["--lang", "nl", "lint", "--json", str(draft)])
    assert '"message": "sentence of ' in as_json.stdout  # --json stays English: a stable shape


def test_generate_prints_its_summary_in_dutch(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("salary",))
    result = runner.invoke(app, ["--lang", "nl", "generate", str(brief), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"18 concepten geschreven in {tmp_path / 'o'}/"), lines[0]
    assert "De brief mist 1 feit" in lines[0]
    assert re.match(
        r"lint: 18 concepten, \d+ fout(en)?, \d+ waarschuwing(en)?, \d+ tips?$", lines[1]
    )
    assert "Ontbrekende feiten: zet ze onder facts:" in result.stdout
    assert not re.search(r"\b(drafts?|Wrote|errors?|warnings?|hints?|Missing)\b", result.stdout)


def _helped(command: Any) -> Iterator[tuple[str, str]]:
    """Every help text a user can read with --help: (where, text), the whole tree."""
    ctx = typer.Context(command)
    yield command.name or "mkbcopy", command.help or ""
    for param in command.get_params(ctx):
        yield f"{command.name} {param.name}", getattr(param, "help", None) or ""
    for sub in getattr(command, "commands", {}).values():
        yield from _helped(sub)


def test_every_help_text_has_dutch() -> None:
    helped = [(where, text) for where, text in _helped(typer.main.get_command(app)) if text]
    assert len(helped) > 60
    english = [where for where, text in helped if _(text, "nl") == text]
    assert not english, f"help without Dutch (mark it N_ and run `make messages`): {english}"


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--lang", "nl", "generate", "--help"], {}),
        (["generate", "--help"], {"MKBCOPY_LANG": "nl"}),
        (["generate", "--help"], {"LANG": "nl_NL.UTF-8"}),
    ],
)
def test_help_is_dutch_on_request(args: list[str], env: dict[str, str], tmp_path: Path) -> None:
    dutch = _run(args, {"LANG": "C.UTF-8", **env}, tmp_path)
    assert dutch.returncode == 0, dutch.stderr
    assert dutch.stdout.startswith("Gebruik: mkbcopy generate")
    assert "Schrijf concepten voor elke persona" in dutch.stdout
    assert "Voorbeeld: mkbcopy generate" in dutch.stdout
    assert "Opties:" in dutch.stdout and "[standaard: mkbcopy-output]" in dutch.stdout
    assert "Toon deze hulp en stop." in dutch.stdout
    assert not re.search(r"\b(Usage|Options|Write|Default|Example|default)\b", dutch.stdout)


def test_root_and_group_help_are_dutch_and_english_stays_the_default(runner: CliRunner) -> None:
    root = runner.invoke(app, ["--lang", "nl", "--help"])
    assert root.exit_code == 0 and "Opdrachten:" in root.stdout
    assert "generate   Schrijf concepten voor elke persona en elk kanaal in OUT." in root.stdout
    group = runner.invoke(app, ["--lang", "nl", "personas", "--help"])
    assert "Toon de persona's met hun aandeel in de doelgroep." in group.stdout
    english = runner.invoke(app, ["generate", "--help"])
    assert english.stdout.startswith("Usage: mkbcopy generate")
    assert "[default: mkbcopy-output]" in english.stdout and "Schrijf" not in english.stdout


# Words an English message has and a Dutch one does not: one left in Dutch output means a
# message escaped the catalogue. (Key names, fact keys and quoted input are not in it.)
ENGLISH = re.compile(
    r"\b(the|not|must|unknown|missing|required|invalid|error|warning|did you mean|quotes?|"
    r"value|key|line|found|cannot|allowed|expected|should|file|folder|and|with|has|use|"
    r"write|put|Input|Field|problems?|template failed|syntax|or|drafts?|characters|allows)\b"
)
HEADER = "{#- mkbcopy\nlabel: Sms\nformats: [txt]\nmedium: social\n%s-#}\n"
BROKEN_TEMPLATES = {
    "sms": HEADER % "limit: 50\n" + "{{ opening }} {{ m.intro() }}\n",  # m: never imported
    "kaart": HEADER % "limit: 0\ncounting: y\nkleur: rood\n" + "{{ opening }}\n",
    "brief": HEADER % "" + "{% if persona %}\n{{ opening }}\n",  # if never closed
    "post": HEADER % "" + "{{ opening | hoofdletters }}\n{{ cta.tekst }}\n",
    "kop": "{{ opening }}\n",  # no metadata header
}
BROKEN_BRIEFS = {
    "keys.yaml": "facts:\n  salaris: 2400 euro\ncontactpersoon: Sanne\nutm: ja\n",
    "colon.yaml": "campaign: Open dag: kom langs\n",
    "tab.yaml": "campaign: x\nfacts:\n\tcosts: niets\n",
    "space.yaml": "campaign: x\norganisation:Hogeschool\n",
    "next.yaml": "campaign: x\nfacts:\n  costs:\nniets\n",
    "hash.yaml": "campaign: x\nbrand:\n  colour: #0B5FA5\n",
    "aanhaling.yaml": 'campaign: "Open dag\norganisation: y\n',
    "indent.yaml": "facts:\n  costs: niets\n - gratis\n",
    "values.yaml": (
        "campaign: x\norganisation: y\nprogramme: z\n"
        "call_to_action: {text: Meld je aan, url: www.example.nl}\n"
        "contact: {name: Sanne, email: sanne-at-example.nl, unsubscribe: afmelden}\n"
        "brand: {colour: blauw}\n"
    ),
}


def _dutch_stderr(runner: CliRunner, args: list[str], tmp_path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--lang", "nl", *args])
    return result.exit_code, result.stderr.replace(str(tmp_path), "")


def test_no_message_escapes_the_catalogue(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    said: list[str] = []
    for name, text in BROKEN_BRIEFS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        code, stderr = _dutch_stderr(runner, ["brief", "check", str(tmp_path / name)], tmp_path)
        assert code == 1 and "mkbcopy: fout: " in stderr, (name, stderr)
        said.append(stderr)
    assert "bedoel je 'salary'?" in said[0] and "bedoel je 'contact'?" in said[0]
    assert "zet de tekst tussen aanhalingstekens" in said[1]

    folder = tmp_path / "mijn-templates"
    assert runner.invoke(app, ["templates", "init", str(folder)]).exit_code == 0
    for name, text in BROKEN_TEMPLATES.items():
        (folder / name).mkdir(exist_ok=True)
        (folder / name / "template.md.j2").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--lang", "nl", "templates", "check", str(folder)])
    assert result.exit_code == 1
    said.append((result.stdout + result.stderr).replace(str(tmp_path), ""))
    for name in BROKEN_TEMPLATES:
        args = ["generate", "-t", str(folder), "-c", name, "-o", str(tmp_path / name)]
        code, stderr = _dutch_stderr(runner, args, tmp_path)
        assert code == 1, (name, stderr)
        said.append(stderr)

    (folder / "tweet").mkdir()
    (folder / "tweet" / "template.md.j2").write_text(HEADER % "limit: 20\n" + "{{ opening }}\n")
    args = ["generate", "-t", str(folder), "-c", "tweet", "-o", str(tmp_path / "tweet")]
    result = runner.invoke(app, ["--lang", "nl", *args])
    assert result.exit_code == 0 and "tekens; tweet staat er 20 toe" in result.stderr, result.stderr
    said.append((result.stdout + result.stderr).replace(str(tmp_path), ""))

    contacts = tmp_path / "leden.csv"
    contacts.write_text(
        "e-mail;voornaam;leeftijd;werksituatie\ngeen-adres;Anna;19\n=x@y.nl;B;200\n"
    )
    for args in (
        ["segment", str(contacts), "--map", "leeftijd=jaren"],
        ["segment", str(tmp_path / "weg.csv")],
        ["batch", str(contacts), str(write_brief()), "-o", str(tmp_path / "batch")],
        ["generate", str(write_brief(drop=("salary",))), "-c", "x", "-o", str(tmp_path / "x")],
    ):
        result = runner.invoke(app, ["--lang", "nl", *args])
        said.append((result.stdout + result.stderr).replace(str(tmp_path), ""))

    leaks = [(m.group(), text) for text in said for m in [ENGLISH.search(text)] if m]
    assert not leaks, "\n".join(f"{word!r} in {text}" for word, text in leaks)


def test_usage_errors_are_dutch_on_request(runner: CliRunner) -> None:
    dutch = runner.invoke(app, ["--lang", "nl", "generate", "--xyzzy"])
    assert dutch.exit_code == 2
    assert dutch.stderr.splitlines() == [
        "Gebruik: mkbcopy generate [OPTIES] [BRIEF]",
        "Typ 'mkbcopy generate -h' voor hulp.",
        "",
        "Fout: Onbekende optie: --xyzzy",
    ]
    missing = runner.invoke(app, ["--lang", "nl", "personas", "show"])
    assert missing.exit_code == 2 and "Fout: Argument 'ID' ontbreekt." in missing.stderr
    typo = runner.invoke(app, ["--lang", "nl", "generat"])
    assert "Fout: Onbekende opdracht 'generat'. Bedoel je 'generate'?" in typo.stderr
    english = runner.invoke(app, ["generate", "--variants", "twee"])
    assert english.exit_code == 2
    assert english.stderr.endswith("Error: Invalid value for '--variants': give a whole number\n")
