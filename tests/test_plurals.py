"""Counts read as a person writes them: "1 file", "2 files"; never "file(s)" or "bestand(en)"."""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po
from typer.testing import CliRunner

from mkbcopy.cli import app

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "mkbcopy" / "locale" / "nl" / "LC_MESSAGES" / "mkbcopy.po"
# Click's own wording; its Dutch does not count.
CLICK = "Got unexpected extra argument(s) (%(args)s)"
ENGLISH_HEDGE = re.compile(r"[a-z]\(s\)")
DUTCH_HEDGE = re.compile(r"[a-z]\((?:en|s)\)|\w/\w+en\b")


def test_no_message_hedges_its_plural() -> None:
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="nl")
    hedged = []
    for message in catalogue:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.id != CLICK:
            hedged += [i for i in ids if ENGLISH_HEDGE.search(i)]
        hedged += [s for s in strings if DUTCH_HEDGE.search(s)]
    assert not hedged, "use ngettext: " + "\n".join(hedged)


def test_no_english_message_outside_the_catalogue_hedges_either() -> None:
    """Messages that stay English (rejects.csv reasons, data) count properly too."""
    for path in (REPO / "mkbcopy").rglob("*.py"):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if token.type == tokenize.STRING and CLICK not in token.string:
                    assert not ENGLISH_HEDGE.search(token.string), f"{path}:{token.start[0]}"


def test_one_and_many_in_both_languages(runner: CliRunner, tmp_path: Path) -> None:
    checked = runner.invoke(app, ["personas", "check", str(REPO / "personas.yaml")])
    assert checked.exit_code == 0, checked.output
    assert re.search(r"\d+ segmentation rules?; shares", checked.stdout), checked.stdout
    assert "personas, " in checked.stdout and "rule(s)" not in checked.stdout
    dutch = runner.invoke(app, ["--lang", "nl", "personas", "check", str(REPO / "personas.yaml")])
    assert "persona's, " in dutch.stdout and "(s)" not in dutch.stdout

    templates = runner.invoke(app, ["templates", "check"])
    assert templates.exit_code == 0, templates.output
    assert re.search(r"files checked, \d+ renders in [\d.]+ s, \d+ warnings?\.$", templates.stdout)
    dutch = runner.invoke(app, ["--lang", "nl", "templates", "check"])
    assert re.search(r"bestanden gecontroleerd, \d+ keer gerenderd", dutch.stdout), dutch.stdout

    extra = runner.invoke(app, ["--lang", "nl", "personas", "show", "a", "b"])
    assert extra.exit_code == 2 and "Fout: Dit hoort hier niet: b" in extra.stderr


def test_strict_batch_names_its_missing_facts_in_dutch(
    runner: CliRunner, tmp_path: Path, write_brief: Callable[..., Path]
) -> None:
    contacts = tmp_path / "leden.csv"
    contacts.write_text("email,voornaam,leeftijd\nanna@example.nl,Anna,19\n", encoding="utf-8")
    one = write_brief("een.yaml", drop=("salary",))
    args = ["batch", str(contacts), str(one), "--strict", "--out", str(tmp_path / "o")]
    english = runner.invoke(app, args)
    assert english.exit_code == 1
    assert "lacks 1 fact the " in english.stderr and "e.g." not in english.stderr
    dutch = runner.invoke(app, ["--lang", "nl", *args])
    assert "de brief mist 1 feit dat de e-mail voor " in dutch.stderr, dutch.stderr
    two = write_brief("twee.yaml", drop=("salary", "costs"))
    dutch = runner.invoke(app, ["--lang", "nl", *args[:2], str(two), *args[3:]])
    assert re.search(
        r"de brief mist 2 feiten die de e-mail voor \S+ nodig heeft, zoals", dutch.stderr
    )
