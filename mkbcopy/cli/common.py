"""What the commands share: consoles, options, warnings, progress, JSON and counting."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from mkbcopy.i18n import N_, _, ngettext

# Wide enough for the summary table when output is piped or captured.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


JsonOpt = Annotated[
    bool,
    typer.Option("--json", help=N_("Print the result as JSON, and nothing else, on stdout.")),
]


def _print_json(data: object) -> None:
    """The --json output; its shape per command is documented in README (JSON output)."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _warn(message: str) -> None:
    err_console.print("[yellow]" + _("warning:") + "[/yellow] ", end="", markup=True)
    err_console.print(message, markup=False)


@contextmanager
def _progress(
    what: str, total: int | None, *, unit: str, sized: bool | None = None
) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr, only when stderr is a terminal; stdout keeps the results.

    With a known total (or `sized`: the library tells it) it shows count, percentage and
    time left; without, a spinner and a count. The callable takes a count done so far
    (int) and optionally the total, or advances by one.
    """
    if not sys.stderr.isatty():
        yield lambda *_: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    class TimeLeft(TimeRemainingColumn):
        """'0:00:02 left', 'nog 0:00:02': where the word goes depends on the language."""

        def render(self, task: Any) -> Any:
            shown = super().render(task)
            shown.plain = _("%(time)s left") % {"time": shown.plain}
            return shown

    columns: list[Any] = [SpinnerColumn(), TextColumn(what)]
    if total or sized:
        # Everything but the bar, at its widest ("100000/100000", "100%", "0:00:00 left"):
        # the bar gets what is left of the line, so a narrow terminal never cuts the total.
        digits = max(6, len(str(total or 0)))
        left = _("%(time)s left") % {"time": "0:00:00"}
        others = len(what) + 2 * digits + len(unit) + len(left) + 12  # spinner, spaces, "100%"
        room = min(40, err_console.width - others - 1)
        columns += [BarColumn(bar_width=room)] if room >= 8 else []
        if err_console.width > others:
            columns += [MofNCompleteColumn(), TextColumn(unit)]
        columns += [TaskProgressColumn(), TimeLeft()]  # still one line at 40 columns
    else:
        columns += [TextColumn(f"{{task.completed}} {unit}"), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(what, total=total or None)

        def step(done: object = None, of: int | None = None) -> None:
            if of is not None:
                bar.update(task, total=of)
            if isinstance(done, int):
                if total and done > total:  # the estimate was low: never show over 100 %
                    bar.update(task, total=done)
                bar.update(task, completed=done)
            else:
                bar.advance(task)

        yield step


def _complete_subgroups(ctx: typer.Context, incomplete: str) -> list[str]:
    """Subgroup ids of the chosen personas (all when none), from --personas or the bundled study."""
    from mkbcopy.research.study import load_personas

    study = ctx.params.get("personas_file")
    chosen = ctx.params.get("persona") or ()
    try:
        research = load_personas(study)
    except Exception:  # a Tab must never print a traceback
        return []
    ids = {s.id for p in research.personas if not chosen or p.id in chosen for s in p.subgroups}
    return sorted(i for i in ids if i.startswith(incomplete))


def _complete_platforms(incomplete: str) -> list[str]:
    """Mail platforms --merge-tags knows."""
    from mkbcopy.contacts.platforms import PLATFORMS

    return [name for name in PLATFORMS if name.startswith(incomplete)]


def _complete_languages(incomplete: str) -> list[str]:
    from mkbcopy.i18n import LANGUAGES

    return [lang for lang in LANGUAGES if lang.startswith(incomplete)]


def _complete_levels(incomplete: str) -> list[str]:
    """--fail-on levels."""
    return [level for level in ("warning", "error") if level.startswith(incomplete)]


def _complete_sheets(incomplete: str) -> list[str]:
    """The sheets of the workbook given as CONTACTS, read without loading its rows.

    From the words typed, as the shell script hands them over (bash: COMP_WORDS; zsh,
    fish, PowerShell: _TYPER_COMPLETE_ARGS): Click leaves CONTACTS unset while --sheet
    lacks its value, and Typer passes no words to the function.
    """
    import os
    import shlex

    typed = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    try:
        words = shlex.split(typed)
    except ValueError:  # a quote still open while typing
        words = typed.split()
    contacts = next((w for w in words if w.lower().endswith((".xlsx", ".xlsm"))), None)
    if contacts is None:
        return []
    try:
        from openpyxl import load_workbook

        with Path(contacts).open("rb") as handle:
            book = load_workbook(handle, read_only=True, keep_links=False)
            names = list(book.sheetnames)
            book.close()
    except Exception:  # a damaged or missing file: nothing to offer
        return []
    return [name for name in names if name.lower().startswith(incomplete.lower())]


ForceOpt = Annotated[
    bool, typer.Option("--force", help=N_("Write into a folder that holds other files."))
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help=N_("Fail, writing nothing, if the brief lacks a fact."))
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="ENC",
        help=N_("Encoding of a CSV file, e.g. cp1252. Default: UTF-8, else Windows-1252."),
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="COLUMN=FIELD",
        help=N_(
            "Read COLUMN as FIELD (email, first_name, last_name, age, birth_year, "
            "birth_date, education, status, persona; or ignore). Repeat for more."
        ),
    ),
]
PersonasOpt = Annotated[
    Path | None,
    typer.Option(
        "--personas",
        metavar="FILE",
        help=N_(
            "The persona study (YAML). Default: the brief's personas:, else the bundled "
            "Mkb-route study."
        ),
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help=N_("The sheet to read when CONTACTS is an Excel workbook. Default: the first."),
        autocompletion=_complete_sheets,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help=N_("Print only the summary; details and notes are left out.")
    ),
]


def _level(quiet: bool, verbose: bool) -> int:
    """How much a command prints: 0 the summary (--quiet), 1 as usual, 2 everything (--verbose)."""
    if quiet and verbose:
        from mkbcopy.errors import UsageError

        raise UsageError(_("give --quiet or --verbose, not both"))
    return 0 if quiet else 2 if verbose else 1


BriefArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="BRIEF",
        help=N_("The campaign brief (YAML). Default: ./campaign.yaml, else the bundled example."),
        show_default=False,
    ),
]


def _complete_personas(incomplete: str) -> list[str]:
    """Persona ids for the shell's Tab; imported only when completing."""
    from mkbcopy.research.study import load_personas

    return [p.id for p in load_personas().personas if p.id.startswith(incomplete)]


def _complete_channels(incomplete: str) -> list[str]:
    """Built-in channel names for the shell's Tab."""
    from mkbcopy.compose.channels import channel_names

    return [name for name in channel_names() if name.startswith(incomplete)]


# What the summaries count, in the user's language ("1 draft", "3 concepten").
_COUNTED: dict[str, Callable[[int], str]] = {
    "draft": lambda n: ngettext("%(count)s draft", "%(count)s drafts", n),
    "file": lambda n: ngettext("%(count)s file", "%(count)s files", n),
    "fact": lambda n: ngettext("%(count)s fact", "%(count)s facts", n),
    "error": lambda n: ngettext("%(count)s error", "%(count)s errors", n),
    "warning": lambda n: ngettext("%(count)s warning", "%(count)s warnings", n),
    "hint": lambda n: ngettext("%(count)s hint", "%(count)s hints", n),
    "finding": lambda n: ngettext("%(count)s finding", "%(count)s findings", n),
    "segment draft": lambda n: ngettext("%(count)s segment draft", "%(count)s segment drafts", n),
    "row": lambda n: ngettext("%(count)s row", "%(count)s rows", n),
    "segment": lambda n: ngettext("%(count)s segment", "%(count)s segments", n),
    "sentence": lambda n: ngettext("%(count)s sentence", "%(count)s sentences", n),
    "word": lambda n: ngettext("%(count)s word", "%(count)s words", n),
    "render": lambda n: ngettext("%(count)s render", "%(count)s renders", n),
    "PDF page": lambda n: ngettext("%(count)s PDF page", "%(count)s PDF pages", n),
}


def _plural(count: int, word: str) -> str:
    """`count` of `word` ("1 draft", "2 drafts"), in the user's language."""
    return _COUNTED[word](count) % {"count": count}


def _listed(labels: list[str], limit: int = 4) -> str:
    shown = ", ".join(labels[:limit])
    if len(labels) <= limit:
        return shown
    return _("%(shown)s and %(more)s more") % {"shown": shown, "more": len(labels) - limit}
