"""generate's output reads top-down: summary, then findings by cause, one set of counts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from mkbcopy.cli import app

LINT_LINE = re.compile(r"^lint: (\d+) drafts?, (\d+) errors?, (\d+) warnings?, (\d+) hints?$", re.M)


def _counts(stdout: str) -> tuple[int, int, int]:
    match = LINT_LINE.search(stdout)
    assert match, stdout
    drafts, errors, warnings, _ = map(int, match.groups())
    return drafts, errors, warnings


def test_terminal_preview_and_lint_agree_on_the_counts(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("salary", "on_quit"))
    out = tmp_path / "o"
    result = runner.invoke(app, ["generate", str(brief), "-o", str(out), "--preview"])
    assert result.exit_code == 0, result.output
    drafts, errors, warnings = _counts(result.stdout)
    assert errors > 0  # the placeholders
    page_line = next(line for line in result.stdout.splitlines() if "index.html" in line)
    assert f"{drafts} drafts, {errors} lint error" in page_line, page_line
    assert re.search(rf"\b{warnings} warnings?\)", page_line), page_line
    html = (out / "index.html").read_text(encoding="utf-8")
    assert f"controle: {errors} fout" in html
    folder = runner.invoke(app, ["lint", str(out)])
    assert "index.html" not in folder.stdout  # the preview page is not a draft
    per_draft = f"per draft in {out}/ (as generate and the preview count): {drafts} drafts, "
    assert per_draft + f"{errors} error" in folder.stdout, folder.stdout
    # lint on the first format of each draft counts the same
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    first: dict[tuple[Any, ...], str] = {}
    for entry in manifest["files"]:
        if entry["path"].endswith((".txt", ".md", ".html", ".eml", ".docx")):
            key = (entry["persona"], entry["subgroup"], entry["channel"], entry.get("variant"))
            first.setdefault(key, entry["path"])
    lint = runner.invoke(app, ["lint", "--json", *(str(out / p) for p in first.values())])
    reports = json.loads(lint.stdout)
    found = [f["severity"] for r in reports for f in r["findings"]]
    assert (len(reports), found.count("error"), found.count("warning")) == (
        drafts,
        errors,
        warnings,
    )


def test_summary_first_then_one_line_per_missing_fact(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("salary", "on_quit"))
    result = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Wrote 18 drafts to {tmp_path / 'o'}/")
    assert "The brief lacks 2 facts" in lines[0]
    assert LINT_LINE.match(lines[1])
    assert len(lines) < 20, result.stdout
    assert not any(line.lstrip().startswith("error") for line in lines)  # no per-file lines
    for key, question in (("salary", "welk salaris"), ("on_quit", "wat gebeurt er")):
        mine = [line for line in lines if line.lstrip().startswith(f"{key} ")]
        assert len(mine) == 1 and question in mine[0], result.stdout
        assert re.search(r"\(\d+ drafts?: [a-z-]+/(email|flyer)", mine[0]), mine[0]
    assert str(brief) in result.stdout  # where to add them


def test_a_sentence_built_from_the_event_says_so(
    runner: CliRunner,
    write_brief: Callable[..., Path],
    example_data: dict[str, Any],
    tmp_path: Path,
) -> None:
    long_name = "Grote open informatieavond over de nieuwe route voor werkende volwassenen"
    brief = write_brief(event={**example_data["event"], "name": long_name})
    result = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "sentence.too-long" in line)
    assert re.search(r"\(\d+ drafts?: ", lines[at])
    assert long_name in lines[at + 1]
    assert "event.name" in lines[at + 2] and "builds" in lines[at + 2]
    assert sum("sentence.too-long" in line for line in lines) == 1  # one line per sentence


def test_quiet_verbose_and_the_exit_code(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    brief = write_brief(drop=("travel",))
    quiet = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "q"), "-q"])
    assert quiet.exit_code == 0 and len(quiet.stdout.splitlines()) == 2, quiet.stdout
    assert quiet.stderr == ""
    verbose = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "v"), "-v"])
    assert verbose.exit_code == 0
    assert "motivators" in verbose.stdout and "placeholder" in verbose.stdout  # table, details
    assert _counts(verbose.stdout) == _counts(quiet.stdout)
    failing = runner.invoke(
        app, ["generate", str(brief), "-o", str(tmp_path / "f"), "-q", "--fail-on", "error"]
    )
    assert failing.exit_code == 1 and (tmp_path / "f" / "manifest.json").is_file()
    both = runner.invoke(app, ["generate", str(brief), "-o", str(tmp_path / "b"), "-q", "-v"])
    assert both.exit_code == 2
    help_text = runner.invoke(app, ["generate", "--help"]).stdout
    assert "Exit codes: 0" in help_text and "--fail-on" in help_text


def test_no_progress_or_decoration_on_stdout_when_piped(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "mkbcopy", "generate", "-o", str(tmp_path / "o"), "-c", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout and "\x1b[" not in result.stderr
    assert result.stdout.splitlines()[0] == f"Wrote 3 drafts to {tmp_path / 'o'}/ (3 files)."


CONTACTS = (
    "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\n"
    "Sanne;Jansen;sanne@example.nl;19;havo;scholier\n"
    "Ömer;Yılmaz;omer@example.nl;41;MBO-niveau 3;werkend\n"
    "Piet;Bakker;piet@example;40;mbo;werkend\n"
)


def test_batch_and_segment_put_the_summary_first(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    brief = write_brief(drop=("salary",))
    full = runner.invoke(app, ["batch", str(contacts), str(brief), "-o", str(tmp_path / "b")])
    assert full.exit_code == 0, full.output
    first = full.stdout.splitlines()[0]
    assert first.startswith(f"Wrote 2 segment drafts to {tmp_path / 'b'}/ from 3 rows: 2 placed")
    assert "1 rejected" in first and "[AANVULLEN: ...]" in first
    quiet = runner.invoke(
        app, ["batch", str(contacts), str(brief), "-o", str(tmp_path / "q"), "-q"]
    )
    assert quiet.stdout.splitlines() == [first.replace(f"{tmp_path / 'b'}/", f"{tmp_path / 'q'}/")]
    seg = runner.invoke(app, ["segment", str(contacts), "-q"])
    assert seg.exit_code == 0 and seg.stdout.startswith("Read 3 rows: 2 placed, 1 rejected")
    assert len(seg.stdout.splitlines()) == 2


def test_lint_coverage_and_preview_take_quiet_and_verbose(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "o"
    brief = write_brief(drop=("salary",))
    args = ["generate", str(brief), "-o", str(out), "-c", "email", "-c", "x", "-q"]
    assert runner.invoke(app, args).exit_code == 0
    per_file = re.compile(r"^\S+\.(txt|html|eml) \(", re.M)

    quiet = runner.invoke(app, ["lint", str(out), "-q"])
    usual = runner.invoke(app, ["lint", str(out)])
    verbose = runner.invoke(app, ["lint", str(out), "-v"])
    assert not per_file.search(quiet.stdout) and quiet.stdout.startswith("lint: ")
    assert per_file.search(usual.stdout) and " sentences, " not in usual.stdout
    readability = re.compile(r"^  \d+ sentences, \d+ words; longest sentence: \d+ words$", re.M)
    assert readability.search(verbose.stdout)
    # The counts are the same however much is printed; so is the exit code.
    last = [r.stdout.splitlines()[-1] for r in (quiet, usual, verbose)]
    assert last[0] == last[1] == last[2] and last[0].startswith("per draft in ")
    assert quiet.exit_code == usual.exit_code == verbose.exit_code == 1  # the placeholder

    quiet = runner.invoke(app, ["coverage", str(out), "--quiet"])
    usual = runner.invoke(app, ["coverage", str(out)])
    verbose = runner.invoke(app, ["coverage", str(out), "--verbose"])
    assert quiet.stdout.startswith("Wrote ") and len(quiet.stdout.splitlines()) == 1
    assert quiet.stderr == ""  # the unaddressed items are details
    assert "Coverage of" in usual.stdout and "title" not in usual.stdout
    assert "title" in verbose.stdout and "Werkervaring" in verbose.stdout
    assert usual.stdout.splitlines()[-1] == quiet.stdout.strip()

    quiet = runner.invoke(app, ["preview", str(out), "-q"])
    verbose = runner.invoke(app, ["--lang", "nl", "preview", str(out), "-v"])
    assert quiet.exit_code == verbose.exit_code == 0
    assert len(quiet.stdout.splitlines()) == 1 and quiet.stdout.startswith("Wrote ")
    assert verbose.stdout.startswith(f"{out / 'index.html'} geschreven (")
    assert re.search(r"^De pagina toont \d+ concepten uit \d+ bestanden: ", verbose.stdout, re.M)

    for command in (["lint"], ["coverage"], ["preview"]):
        both = runner.invoke(app, [*command, str(out), "-q", "-v"])
        assert both.exit_code == 2 and "give --quiet or --verbose, not both" in both.stderr


def test_batch_and_segment_verbose_add_the_details(
    runner: CliRunner, write_brief: Callable[..., Path], tmp_path: Path
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    brief = write_brief()
    args = ["batch", str(contacts), str(brief), "--variants", "2"]
    usual = runner.invoke(app, [*args, "-o", str(tmp_path / "u")])
    verbose = runner.invoke(app, [*args, "-o", str(tmp_path / "v"), "-v"])
    assert usual.exit_code == verbose.exit_code == 0, verbose.output
    assert "variant" not in usual.stdout and re.search(r"│\s+│ A\s+│\s+\d+ │", verbose.stdout)
    assert usual.stdout.splitlines()[0].replace("/u/", "/v/") == verbose.stdout.splitlines()[0]
    seg = runner.invoke(app, ["segment", str(contacts), "-v"])
    assert "Read as utf-8 text, columns separated by " in seg.stdout
    both = runner.invoke(app, ["segment", str(contacts), "-q", "-v"])
    assert both.exit_code == 2
