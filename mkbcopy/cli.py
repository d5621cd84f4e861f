"""The command line: parse, call the library, report. The only module that imports typer."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from mkbcopy import __version__
from mkbcopy.errors import MkbcopyError, Problems, UsageError, one_line, os_error
from mkbcopy.i18n import LANGUAGES, N_, _, ngettext, set_language

if TYPE_CHECKING:
    from mkbcopy.checks.lint import LintReport, Severity
    from mkbcopy.compose.campaign import Plan
    from mkbcopy.compose.rendering import Draft
    from mkbcopy.research.brief import Brief


def _interrupted_text() -> str:
    return _("mkbcopy: interrupted; no file was left half-written; run the command again")


class _Group(TyperGroup):
    """Turns MkbcopyError into one line on stderr, for the console script and CliRunner alike."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (MkbcopyError, OSError) as exc:
            if isinstance(exc, BrokenPipeError):
                raise  # stdout was closed: main() exits quietly
            root = ctx.find_root()
            debug = bool(root.params.get("debug")) or bool(os.environ.get("MKBCOPY_DEBUG"))
            if debug:
                traceback.print_exception(exc)
            error = os_error(exc) if isinstance(exc, OSError) else exc
            for line in str(error).split("\n"):  # one line per problem (errors.Problems)
                print(_("mkbcopy: error: %(error)s") % {"error": line}, file=sys.stderr)
            if isinstance(error, Problems):
                print(
                    _(
                        "mkbcopy: %(count)s problems in %(path)s; fix them all, "
                        "then run the command again"
                    )
                    % {"count": len(error.problems), "path": error.path},
                    file=sys.stderr,
                )
            raise typer.Exit(2 if isinstance(exc, UsageError) else 1) from None
        except KeyboardInterrupt:
            # Typer would exit 130 without a word; say what state the files are in.
            _interrupted()
            raise typer.Exit(130) from None


_reported: list[bool] = []


def _interrupted() -> None:
    """Say "interrupted" once, whichever layer caught the Ctrl-C."""
    if not _reported:
        _reported.append(True)
        print(_interrupted_text(), file=sys.stderr)


app = typer.Typer(
    name="mkbcopy",
    cls=_Group,
    pretty_exceptions_enable=False,
    help=(
        "Draft campaign copy for the Mkb-route in het hbo, grounded in the persona research.\n\n"
        "Example: mkbcopy generate campaign.yaml --out drafts"
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
personas_app = typer.Typer(
    cls=_Group,
    help="Show, check and start a copy deck for a persona study.\n\n"
    "Example: mkbcopy personas list --personas mijn-studie.yaml",
    no_args_is_help=True,
)
app.add_typer(personas_app, name="personas")

# Wide enough for the summary table when output is piped or captured.
out_console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_OUT = Path("mkbcopy-output")

JsonOpt = Annotated[
    bool,
    typer.Option("--json", help="Print the result as JSON, and nothing else, on stdout."),
]


def _print_json(data: object) -> None:
    """The --json output; its shape per command is documented in README (JSON output)."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _version(value: bool) -> None:
    if value:
        print(f"mkbcopy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback on errors.")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="Language of messages: en or nl. Default: MKBCOPY_LANG, else your locale "
            "(Dutch when LANG or LC_ALL starts with nl).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draft campaign copy for the Mkb-route in het hbo."""
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(
            _("'%(lang)s' is not a language mkbcopy speaks (use en or nl)") % {"lang": lang},
            param_hint="--lang",
        )
    set_language(lang)


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

    columns: list[Any] = [SpinnerColumn(), TextColumn(what)]
    if total or sized:
        columns += [
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            TextColumn("left"),
        ]
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


ForceOpt = Annotated[
    bool, typer.Option("--force", help="Write into a folder that holds other files.")
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Fail, writing nothing, if the brief lacks a fact.")
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="ENC",
        help="Encoding of a CSV file, e.g. cp1252. Default: UTF-8, else Windows-1252.",
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="COLUMN=FIELD",
        help="Read COLUMN as FIELD (email, first_name, last_name, age, birth_year, "
        "birth_date, education, status, persona; or ignore). Repeat for more.",
    ),
]
PersonasOpt = Annotated[
    Path | None,
    typer.Option(
        "--personas",
        metavar="FILE",
        help="The persona study (YAML). Default: the brief's personas:, else the bundled "
        "Mkb-route study.",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help="The sheet to read when CONTACTS is an Excel workbook. Default: the first.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print only the summary; details and notes are left out."),
]
BriefArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="BRIEF",
        help="The campaign brief (YAML). Default: the bundled example brief.",
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


@app.command()
def generate(
    brief: BriefArg = None,
    persona: Annotated[
        list[str] | None,
        typer.Option(
            "--persona",
            "-p",
            metavar="ID",
            help="Persona id; repeat for more. Default: all.",
            autocompletion=_complete_personas,
        ),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            "-c",
            metavar="NAME",
            help="Channel (flyer, email, linkedin, ...). Default: all.",
            autocompletion=_complete_channels,
        ),
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FMT",
            help="docx, txt, md, html, eml or pdf (print channels, needs LibreOffice); "
            "repeat for more. Default: per channel.",
        ),
    ] = None,
    subgroup: Annotated[
        str | None,
        typer.Option("--subgroup", "-s", metavar="ID", help="Subgroup id, e.g. 35+ or hbo."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")
    ] = DEFAULT_OUT,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", "-t", metavar="DIR", help="Folder with your own templates."),
    ] = None,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    variants: Annotated[
        int,
        typer.Option(
            "--variants",
            metavar="N",
            help="Write N A/B variants (2-5) per persona and channel, each leading with "
            "another motivator or drempel.",
        ),
    ] = 0,
    no_lint: Annotated[
        bool, typer.Option("--no-lint", help="Skip the lint summary after writing.")
    ] = False,
    preview: Annotated[
        bool,
        typer.Option("--preview", help="Also write OUT/index.html to review drafts in a browser."),
    ] = False,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="SIZE",
            help="a4 or a5: page size of one-page flyers (Word, PDF). Default: per template.",
        ),
    ] = None,
    personas_file: PersonasOpt = None,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also list every draft, and every finding per draft."),
    ] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help="Exit 1 (after writing) when lint finds this or worse: error or warning.",
        ),
    ] = None,
) -> None:
    """Write drafts for every persona x channel into OUT.

    Prints a summary (what was written, the lint counts per draft), then what needs
    attention grouped by cause: each fact the brief lacks with the drafts it affects,
    each finding once with the drafts it turns up in and where its sentence comes from.

    Exit codes: 0 drafts written (findings are listed, not failed on, unless
    --fail-on); 1 nothing written (an error, or --strict and the brief lacks a fact),
    or --fail-on and lint found that level; 2 wrong usage; 130 interrupted.

    Example: mkbcopy generate campaign.yaml -p doelgerichte-doorstromer -c email -s 35+
    """
    if quiet and verbose:
        raise UsageError("give --quiet or --verbose, not both")
    if fail_on is not None and fail_on not in ("warning", "error"):
        raise UsageError(f"unknown --fail-on '{fail_on}' (use warning or error)")
    if fail_on is not None and no_lint:
        raise UsageError("--fail-on needs lint; leave out --no-lint")
    level = 0 if quiet else 2 if verbose else 1
    from mkbcopy.checks.spelling import SpellChecker

    with ExitStack() as stack:
        # Started first, hunspell loads its Dutch dictionary while the drafts render.
        checker = None if no_lint else stack.enter_context(SpellChecker())
        from mkbcopy.compose.campaign import lint_terms, plan_campaign, write_campaign
        from mkbcopy.compose.channels import FORMATS, PAPER_SIZES
        from mkbcopy.research.brief import load_brief
        from mkbcopy.research.study import load_personas, study_path

        for value in fmt or []:
            if value not in FORMATS:
                raise UsageError(
                    _("unknown format '%(value)s' (use %(choices)s)")
                    % {"value": value, "choices": ", ".join(FORMATS)}
                )
        if paper is not None and paper not in PAPER_SIZES:
            raise UsageError(
                _("unknown paper size '%(value)s' (use %(choices)s)")
                % {"value": paper, "choices": ", ".join(PAPER_SIZES)}
            )
        loaded = load_brief(brief)
        study = study_path(personas_file, loaded.personas)
        research = load_personas(study)
        plan = plan_campaign(
            loaded,
            research,
            personas=persona or (),
            channels=channel or (),
            formats=fmt or (),
            subgroup=subgroup,
            templates=templates,
            variants=variants,
            paper=paper,
        )
        with _progress("writing drafts", len(plan.files), unit="files") as step:
            manifest = write_campaign(
                plan,
                loaded,
                out,
                force=force,
                strict=strict,
                brief_path=brief,
                personas_path=study,
                progress=step,
            )
        reports: list[LintReport] = []
        if not no_lint:
            from mkbcopy.checks.findings import draft_documents
            from mkbcopy.checks.lint import BriefTerms, lint_documents

            terms = BriefTerms.from_dict(lint_terms(loaded))
            reports = lint_documents(
                ((doc, d.channel, path, terms) for d, doc, path in draft_documents(plan, out)),
                checker,
            )
        _report_generate(
            plan,
            loaded,
            out,
            brief,
            reports,
            len(manifest["files"]),
            level=level,
            linted=not no_lint,
        )
        if preview:
            from mkbcopy.review.gallery import summary_line, write_preview

            with _progress("checking drafts", None, unit="files", sized=True) as step:
                written = write_preview(out, research, loaded, templates, progress=step)
            print(summary_line(*written))
        if fail_on is not None and any(r.fails(cast("Severity", fail_on)) for r in reports):
            raise typer.Exit(1)


# What generate prints; one place, so the message catalogue can wrap them.
# Layout only (no words to translate): MSG_LINT, MSG_MISSING_LINE, MSG_FINDING, MSG_QUOTE.
MSG_WROTE = N_("Wrote {drafts} to {out}/ ({files}).")
MSG_LACKS = N_("The brief lacks {facts}: the drafts say [AANVULLEN: ...] there.")
MSG_LINT = "lint: {drafts}, {errors}, {warnings}, {hints}"
MSG_ALL_CLEAR = N_("Nothing needs attention.")
MSG_MISSING_HEAD = N_("Missing facts: add them under facts: in {brief}")
MSG_MISSING_LINE = "  {key:<{width}}  {question}  ({count}: {drafts})"
MSG_FINDINGS_HEAD = N_("{count} to look at, grouped by cause:")
MSG_FINDING = "  {severity} {rule}: {message}  ({count}: {drafts})"
MSG_QUOTE = "      > {excerpt}"
MSG_ORIGIN = N_("      from {origin}")
MSG_MORE = N_("--verbose lists every draft and finding; mkbcopy lint {out} checks them again.")


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
}


def _plural(count: int, word: str) -> str:
    """`count` of `word` ("1 draft", "2 drafts"), in the user's language."""
    return _COUNTED[word](count) % {"count": count}


def _label(draft: Draft) -> str:
    """A draft as the summary names it, as its files are named: persona[--sub]/channel[--A]."""
    variant = f"--{draft.variant.label}" if draft.variant is not None else ""
    return f"{draft.slug}/{draft.channel.name}{variant}"


def _showing(plan: Plan, reports: list[LintReport], key: str, question: str) -> list[str]:
    """The drafts whose text says [AANVULLEN: question] (a flyer may have dropped it)."""
    if not reports:
        return [_label(d) for d in plan.drafts if key in d.missing_facts]
    return [
        _label(d)
        for d, r in zip(plan.drafts, reports, strict=True)
        if any(f.rule == "placeholder" and question in (f.excerpt or "") for f in r.findings)
    ]


def _listed(labels: list[str], limit: int = 4) -> str:
    shown = ", ".join(labels[:limit])
    if len(labels) <= limit:
        return shown
    return _("%(shown)s and %(more)s more") % {"shown": shown, "more": len(labels) - limit}


def _report_generate(
    plan: Plan,
    brief: Brief,
    out: Path,
    brief_path: Path | None,
    reports: list[LintReport],
    files: int,
    *,
    level: int,
    linted: bool,
) -> None:
    """Summary first, then findings grouped by cause; --verbose adds every draft and file.

    level: 0 quiet (the summary line only), 1 normal, 2 verbose.
    """
    from mkbcopy.checks.findings import Counts, group_findings
    from mkbcopy.checks.lint import SEVERITY_LABELS
    from mkbcopy.research.brief import FACT_QUESTIONS

    counts = Counts.of(reports)
    missing = plan.missing_facts()
    wrote = _(MSG_WROTE).format(
        drafts=_plural(len(plan.drafts), "draft"), out=out, files=_plural(files, "file")
    )
    if missing:
        wrote += " " + _(MSG_LACKS).format(facts=_plural(len(missing), "fact"))
    print(wrote)
    if linted:
        print(
            MSG_LINT.format(
                drafts=_plural(counts.drafts, "draft"),
                errors=_plural(counts.errors, "error"),
                warnings=_plural(counts.warnings, "warning"),
                hints=_plural(counts.hints, "hint"),
            )
        )
    if level == 0:
        return
    if level == 2:
        _print_table(plan, out, files)
        _print_lint(reports, summary=False)
    for note in plan.notes:
        _warn(note)
    for draft in plan.drafts:
        for warning in draft.warnings:
            if not warning.startswith("missing fact"):
                _warn(f"{draft.slug}/{draft.channel.name}: {warning}")
    if missing:
        print()
        where = brief_path or _("your brief (mkbcopy init writes one)")
        print(_(MSG_MISSING_HEAD).format(brief=where))
        width = max(len(key) for key in missing)
        for key in missing:
            labels = _showing(plan, reports, key, FACT_QUESTIONS[key])
            print(
                MSG_MISSING_LINE.format(
                    key=key,
                    width=width,
                    question=FACT_QUESTIONS[key],
                    count=_plural(len(labels), "draft"),
                    drafts=_listed(labels),
                )
            )
    labels = [_label(d) for d in plan.drafts]
    groups = group_findings(zip(labels, reports, strict=False), brief=brief, skip_placeholders=True)
    if groups:
        print()
        print(_(MSG_FINDINGS_HEAD).format(count=_plural(len(groups), "finding")))
        for group in groups:
            f = group.finding
            print(
                MSG_FINDING.format(
                    severity=_(SEVERITY_LABELS.get(f.severity, f.severity)),
                    rule=f.rule,
                    message=f.text(),
                    count=_plural(len(group.drafts), "draft"),
                    drafts=_listed(group.drafts),
                )
            )
            if f.excerpt:
                print(MSG_QUOTE.format(excerpt=f.excerpt))
            if group.origin:
                print(_(MSG_ORIGIN).format(origin=group.origin))
    if not missing and not groups:
        print(_(MSG_ALL_CLEAR))
    elif level == 1:
        print()
        print(_(MSG_MORE).format(out=out))
    if linted and not all(r.spelling_checked for r in reports):
        from mkbcopy.checks.spelling import unavailable_reason

        _warn(_("spelling not checked: %(reason)s") % {"reason": unavailable_reason()})


def _print_table(plan: Plan, out: Path, files: int) -> None:
    """Every draft with its formats and what it addresses (generate --verbose)."""
    variants = any(d.variant is not None for d in plan.drafts)
    table = Table(title=f"{files} files in {out}/")
    columns = ["draft", "channel", "formats", "motivators", "drempels", "warnings"]
    if variants:
        columns[2:2] = ["variant", "leads with"]
    for column in columns:
        table.add_column(column)
    for draft in sorted(plan.drafts, key=lambda d: d.slug):
        formats = [fmt for d, fmt, _ in plan.files if d is draft]
        cells = [
            draft.slug,
            draft.channel.name,
            ", ".join(formats),
            str(len(draft.motivators)),
            str(len(draft.drempels)),
            str(len(draft.warnings)) if draft.warnings else "",
        ]
        if draft.variant is not None:
            cells[2:2] = [draft.variant.label, draft.variant.leads_with]
        table.add_row(*cells)
    out_console.print(table)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to create the brief in.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing brief.")] = False,
) -> None:
    """Write a commented example brief (campaign.yaml) to edit.

    Example: mkbcopy init mijn-campagne
    """
    from mkbcopy.errors import OutputError
    from mkbcopy.research.brief import example_brief_path
    from mkbcopy.writers.folder import atomic_write

    target = folder / "campaign.yaml"
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputError(_("already exists; use --force to overwrite it"), path=target)
    if target.is_dir():
        raise OutputError(_("is a folder"), path=target)
    # atomic_write replaces a symbolic link, never the file it points to.
    atomic_write(target, example_brief_path().read_bytes())
    print(
        _("Wrote %(file)s. Edit the facts, then run: mkbcopy generate %(file)s") % {"file": target}
    )


@personas_app.command("list")
def personas_list(personas_file: PersonasOpt = None, as_json: JsonOpt = False) -> None:
    """List the personas with their share of the target group.

    Example: mkbcopy personas list --personas mijn-studie.yaml --json
    """
    from mkbcopy.research.study import load_personas

    if as_json:
        _print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "share": p.share,
                    "motivators": [m.id for m in p.motivators],
                    "drempels": [d.id for d in p.drempels],
                    "subgroups": [s.id for s in p.subgroups],
                }
                for p in load_personas(personas_file).personas
            ]
        )
        return
    table = Table()
    for column in ("id", _("name"), _("share"), "motivators", "drempels", _("subgroups")):
        table.add_column(column)
    for p in load_personas(personas_file).personas:
        table.add_row(
            p.id,
            p.name,
            f"{p.share}%",
            str(len(p.motivators)),
            str(len(p.drempels)),
            ", ".join(s.id for s in p.subgroups),
        )
    out_console.print(table)


@personas_app.command("show")
def personas_show(
    persona_id: Annotated[
        str, typer.Argument(metavar="ID", help="Persona id.", autocompletion=_complete_personas)
    ],
    as_json: JsonOpt = False,
    personas_file: PersonasOpt = None,
) -> None:
    """Show everything the research says about one persona.

    Example: mkbcopy personas show onafhankelijke-zij-instromer
    """
    from mkbcopy.research.study import load_personas

    p = load_personas(personas_file).persona(persona_id)
    if as_json:
        _print_json(p.model_dump(mode="json"))
        return
    bar = p.profile_bar
    labels = {
        "employment": _("Employment:"),
        "age": _("Age:"),
        "education": _("Education:"),
        "sectors": _("Sectors:"),
        "profile": _("Profile:"),
        "learning": _("Learning style:"),
        "life": _("Life phase:"),
    }
    width = max(len(label) for label in labels.values()) + 1
    label = {key: text.ljust(width) for key, text in labels.items()}
    needs = _("needs")
    lines = [
        _("%(name)s (%(id)s), %(share)s%% of the target group")
        % {"name": p.name, "id": p.id, "share": p.share},
        "",
        f"{label['employment']}{(bar and bar.employment) or '-'}",
        f"{label['age']}{(bar and bar.age) or '-'}",
        f"{label['education']}{(bar and bar.education) or '-'}",
        f"{label['sectors']}{(bar and bar.sectors) or '-'}",
        "",
        f"{label['profile']}{p.profile or '-'}",
        f"{label['learning']}{p.learning_style or '-'}",
        f"{label['life']}{p.life_phase or '-'}",
        "",
        "Motivators (Hoe motiveer je mij?):",
    ]
    for m in p.motivators:
        lines.append(f"  {m.id}: {m.title}: {m.guidance}  [{needs}: {', '.join(m.needs)}]")
    lines += ["", "Drempels:"]
    for d in p.drempels:
        lines.append(f"  {d.id}: {d.description}  [{needs}: {', '.join(d.needs)}]")
    lines += ["", _("Subgroups:")]
    for s in p.subgroups:
        lines.append(f"  {s.id} ({s.name}): {_('stress')} {', '.join(s.stress) or '-'}")
        lines += [f"    - {n}" for n in s.nuances]
    print("\n".join(lines))


@personas_app.command("check")
def personas_check(
    study: Annotated[Path, typer.Argument(metavar="FILE", help="A persona study (YAML).")],
) -> None:
    """Validate a persona study; list every problem with file, line and key, exit 1 if any.

    Example: mkbcopy personas check mijn-studie.yaml
    """
    from mkbcopy.research.study import describe_study
    from mkbcopy.research.studycheck import check_study

    problems = check_study(study)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {study}.", file=sys.stderr)
        raise typer.Exit(1)
    print(f"OK: {study}: {describe_study(study)}")


@personas_app.command("init-deck")
def personas_init_deck(
    study: Annotated[Path, typer.Argument(metavar="FILE", help="A persona study (YAML).")],
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Templates folder to write _shared/copy.yaml in.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing deck.")] = False,
) -> None:
    """Write a copy deck skeleton for a study: every line to fill in, the research beside it.

    Example: mkbcopy personas init-deck mijn-studie.yaml mijn-templates
    """
    from mkbcopy.compose.deckinit import write_deck_skeleton
    from mkbcopy.research.study import load_personas

    target = write_deck_skeleton(load_personas(study), study, folder, force=force)
    print(f"Wrote {target}. Fill in every empty line, then run:")
    print(f"  mkbcopy templates check {folder} --personas {study}")


@app.command()
def lint(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Draft files, or folders such as an output folder."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help="Exit 1 on a finding at this level or worse: warning or error.",
        ),
    ] = "error",
) -> None:
    """Check drafts: B1 readability, spelling, channel limits, placeholders and spam words.

    Example: mkbcopy lint mkbcopy-output --fail-on warning
    """
    from mkbcopy.checks.lint import lint_paths

    if fail_on not in ("warning", "error"):
        raise UsageError(
            _("unknown --fail-on '%(value)s' (use warning or error)") % {"value": fail_on}
        )
    reports = lint_paths(paths)
    if as_json:
        _print_json([r.to_dict() for r in reports])
    else:
        _print_lint(reports)
        _print_per_draft(paths, reports)
    if any(r.fails(cast("Severity", fail_on)) for r in reports):
        raise typer.Exit(1)


def _print_per_draft(paths: list[Path], reports: list[LintReport]) -> None:
    """For an output folder, the counts per draft too: what generate and the preview show."""
    from mkbcopy.checks.findings import Counts, first_format_per_draft
    from mkbcopy.writers.folder import read_manifest

    by_path = {r.path: r for r in reports if r.path is not None}
    for folder in paths:
        manifest = read_manifest(folder) if folder.is_dir() else None
        if manifest is None:
            continue
        entries = [e for e in manifest.get("files", []) if isinstance(e, dict)]
        lintable = {
            str(e["path"])
            for e in entries
            if isinstance(e.get("path"), str) and folder / e["path"] in by_path
        }
        counts = Counts.of([by_path[folder / p] for p in first_format_per_draft(entries, lintable)])
        print(
            _(MSG_PER_DRAFT).format(
                out=folder,
                drafts=_plural(counts.drafts, "draft"),
                errors=_plural(counts.errors, "error"),
                warnings=_plural(counts.warnings, "warning"),
                hints=_plural(counts.hints, "hint"),
            )
        )


MSG_PER_DRAFT = N_(
    "per draft in {out}/ (as generate and the preview count): {drafts}, {errors}, {warnings}, "
    "{hints}"
)


def _print_lint(reports: list[LintReport], *, summary: bool = True) -> None:
    """Every finding per file (lint, generate --verbose), then the totals unless `summary` off."""
    from mkbcopy.checks.lint import SEVERITY_LABELS
    from mkbcopy.checks.spelling import unavailable_reason

    for report in reports:
        stats = report.readability
        about = [report.channel or _("no channel")]
        if stats is not None and stats.word_count:
            about.append(
                _("Flesch-Douma %(score).0f, %(words).1f words/sentence")
                % {"score": stats.score, "words": stats.average_words}
            )
        out_console.print(f"{report.path} ({'; '.join(about)})", markup=False)
        for f in report.findings:
            severity = _(SEVERITY_LABELS[f.severity])
            out_console.print(f"  {severity:<7} {f.rule:<22} {f.text()}", markup=False)
            if f.excerpt:
                out_console.print(f"  {'':<30} > {f.excerpt}", markup=False)
    if not summary:
        return
    totals = {s: sum(r.count(s) for r in reports) for s in ("error", "warning", "info")}
    out_console.print(
        _("lint: %(files)s files, %(error)s errors, %(warning)s warnings, %(info)s hints")
        % {"files": len(reports), **totals},
        markup=False,
    )
    if not all(r.spelling_checked for r in reports):
        _warn(_("spelling not checked: %(reason)s") % {"reason": unavailable_reason()})


@app.command()
def segment(
    contacts: Annotated[
        Path,
        typer.Argument(
            metavar="CONTACTS",
            help="Contact list: an Excel workbook (.xlsx) or a CSV file from Excel, Google "
            "Sheets, Mailchimp or Brevo.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write the list with persona and subgroup columns, and FILE-rejected.csv "
            "beside it. Default: only count.",
        ),
    ] = None,
    encoding: EncodingOpt = None,
    mapping: MapOpt = None,
    sheet: SheetOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite FILE and FILE-rejected.csv if they exist.")
    ] = False,
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Place each contact in a research persona and subgroup, and count them.

    Example: mkbcopy segment contacten.csv --out contacten-persona.csv

    Excel: mkbcopy segment leden.xlsx --sheet Leden --out leden-persona.csv
    """
    from mkbcopy.contacts.reading import parse_mapping
    from mkbcopy.contacts.rowcount import estimate_rows
    from mkbcopy.contacts.segments import segment_contacts
    from mkbcopy.research.study import load_personas

    research = load_personas(personas_file)
    with _progress("segmenting", estimate_rows(contacts), unit="contacts") as step:
        summary = segment_contacts(
            contacts,
            research,
            out,
            encoding=encoding,
            mapping=parse_mapping(mapping or []),
            sheet=sheet,
            force=force,
            progress=step,
        )
    if as_json:
        _print_json(
            {
                "contacts": str(contacts),
                "out": str(summary.out) if summary.out else None,
                "rejects": str(summary.rejects_path) if summary.out else None,
                "rows_read": summary.rows_read,
                "placed": summary.placed,
                "rejected": summary.rejected,
                "duplicates": summary.duplicates,
                "personas": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "contacts": summary.by_persona[p.id],
                        "share": round(summary.share(p.id), 4),
                        "report_share": p.share,
                        "subgroups": [
                            {
                                "id": sub,
                                "contacts": summary.by_subgroup[(p.id, sub)],
                                "share": round(summary.subgroup_share(p.id, sub), 4),
                            }
                            for sub in [*(s.id for s in p.subgroups), None]
                        ],
                    }
                    for p in research.personas
                ],
                "reasons": dict(summary.reasons.most_common()),
                "notices": summary.notices,
            }
        )
        return
    print(
        _(
            "Read %(read)s rows: %(placed)s placed, %(rejected)s rejected, "
            "%(duplicates)s duplicate emails. Shares are of the placed contacts."
        )
        % {
            "read": summary.rows_read,
            "placed": summary.placed,
            "rejected": summary.rejected,
            "duplicates": summary.duplicates,
        }
    )
    if summary.out is not None:
        print(
            _("Wrote %(out)s and %(rejects)s.")
            % {"out": summary.out, "rejects": summary.rejects_path}
        )
    else:
        print(_("Nothing written; add --out FILE to write the list with persona columns."))
    if quiet:
        return
    for reason, count in summary.reasons.most_common():
        print(f"  {count:>6}  {_(reason)}")
    for notice in summary.notices:
        _warn(notice)
    table = Table(
        title=_("%(placed)s of %(read)s contacts placed")
        % {"placed": summary.placed, "read": summary.rows_read}
    )
    table.add_column("persona")
    table.add_column(_("subgroup"))
    for column in (_("contacts"), _("share"), _("report")):
        table.add_column(column, justify="right")
    for persona in research.personas:
        pid = persona.id
        table.add_row(
            persona.name,
            _("all"),
            str(summary.by_persona[pid]),
            f"{summary.share(pid):.0%}",
            f"{persona.share}%",
        )
        for sub in [*(s.id for s in persona.subgroups), None]:
            count = summary.by_subgroup[(pid, sub)]
            if sub is None and not count:
                continue
            share = f"{summary.subgroup_share(pid, sub):.0%}"
            table.add_row("", sub or _("unknown (general draft)"), str(count), share, "")
    out_console.print(table)


@app.command()
def batch(
    contacts: Annotated[
        Path, typer.Argument(metavar="CONTACTS", help="Contact list (.xlsx or CSV).")
    ],
    brief: Annotated[
        Path | None,
        typer.Argument(
            metavar="BRIEF",
            help="The campaign brief (YAML); required, or --example.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")] = Path(
        "mkbcopy-batch"
    ),
    merge_tags: Annotated[
        str,
        typer.Option(
            "--merge-tags",
            metavar="PLATFORM",
            help="Mail platform the segment folders are for (merge tags, contacts.csv "
            "columns): mailchimp, brevo, listmonk or plain.",
        ),
    ] = "mailchimp",
    per_recipient: Annotated[
        bool,
        typer.Option(
            "--per-recipient", help="Also write a personal .eml per contact and drafts.mbox."
        ),
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", "-t", metavar="DIR", help="Folder with your own templates."),
    ] = None,
    variants: Annotated[
        int,
        typer.Option(
            "--variants",
            metavar="N",
            help="Split each segment evenly and at random over N A/B variants (2-5).",
        ),
    ] = 0,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Seed for the variant split.")
    ] = 0,
    encoding: EncodingOpt = None,
    mapping: MapOpt = None,
    sheet: SheetOpt = None,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    example: Annotated[
        bool,
        typer.Option(
            "--example", help="Try it out with the bundled example brief (a fictional route)."
        ),
    ] = False,
    personas_file: PersonasOpt = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print report.json's counts, and nothing else, on stdout."),
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write an email draft per segment (and per contact) from a contact list.

    Example: mkbcopy batch contacten.csv campaign.yaml --out mailing --merge-tags brevo
    """
    from mkbcopy.contacts.batch import MERGE_TAGS, run_batch
    from mkbcopy.contacts.reading import parse_mapping
    from mkbcopy.research.brief import check_mail_fields, example_brief_path, load_brief
    from mkbcopy.research.study import load_personas, study_path

    if merge_tags not in MERGE_TAGS:
        raise UsageError(
            _("unknown --merge-tags '%(value)s' (use %(choices)s)")
            % {"value": merge_tags, "choices": ", ".join(MERGE_TAGS)}
        )
    if brief is None and not example:
        raise UsageError(
            _(
                "batch writes to real contacts: give your BRIEF "
                "(mkbcopy batch CONTACTS campaign.yaml; mkbcopy init writes one to fill in), "
                "or --example to try the bundled example brief"
            )
        )
    if brief is not None and example:
        raise UsageError(_("give a BRIEF or --example, not both"))
    kwargs: dict[str, Any] = {
        "strict": strict,
        "brief_path": brief or example_brief_path(),
        "example": example,
        "encoding": encoding,
        "mapping": parse_mapping(mapping or []),
        "sheet": sheet,
        "merge_tags": merge_tags,
        "per_recipient": per_recipient,
        "templates": templates,
        "force": force,
        "variants": variants,
        "seed": seed,
    }
    loaded = load_brief(brief)
    research = load_personas(study_path(personas_file, loaded.personas))
    check_mail_fields(loaded, brief or example_brief_path())
    from mkbcopy.contacts.rowcount import estimate_rows

    with _progress("batch", estimate_rows(contacts), unit="contacts") as step:
        report = run_batch(contacts, loaded, research, out, progress=step, **kwargs)
    if as_json:
        _print_json({"out": str(out)} | report.as_json() | {"notices": report.notices})
        return
    wrote = _(MSG_BATCH_WROTE).format(
        drafts=_plural(len(report.segments), "segment draft"),
        out=out,
        rows=_plural(report.rows_read, "row"),
        placed=sum(report.segments.values()),
        rejected=report.rejected,
        duplicates=report.duplicates,
    )
    if report.placeholders:
        wrote += " " + _(MSG_BATCH_GAPS).format(drafts=_plural(len(report.placeholders), "draft"))
    print(wrote)
    if per_recipient:
        print(
            _("%(count)s personal drafts in %(folder)s and %(mbox)s")
            % {
                "count": report.recipients,
                "folder": out / "recipients",
                "mbox": out / "drafts.mbox",
            }
        )
    if example:
        _warn(
            _(
                "--example: the drafts come from the bundled example brief of a fictional "
                "route (Hogeschool Rivierland); do not send them"
            )
        )
    if quiet:
        return
    if report.placeholders:
        from mkbcopy.research.brief import FACT_QUESTIONS

        print()
        where = brief or _("the brief")
        print(_(MSG_MISSING_HEAD).format(brief=where) + _(MSG_BATCH_STRICT))
        facts = sorted({f for missing in report.placeholders.values() for f in missing})
        width = max(len(fact) for fact in facts)
        for fact in facts:
            segments = sorted(k for k, missing in report.placeholders.items() if fact in missing)
            print(
                MSG_MISSING_LINE.format(
                    key=fact,
                    width=width,
                    question=FACT_QUESTIONS.get(fact, ""),
                    count=_plural(len(segments), "segment"),
                    drafts=_listed(segments),
                )
            )
        print()
    table = Table(
        title=_("%(read)s rows read into %(out)s/") % {"read": report.rows_read, "out": out}
    )
    table.add_column("segment")
    table.add_column(_("contacts"), justify="right")
    for segment_id, count in sorted(report.segments.items()):
        table.add_row(segment_id, str(count))
    table.add_row(_("rejected (rejects.csv)"), str(report.rejected))
    table.add_row(_("duplicates (rejects.csv)"), str(report.duplicates))
    out_console.print(table)
    for notice in report.notices:
        _warn(notice)

    if report.suspicious_names:
        lines = ", ".join(str(s["line"]) for s in report.suspicious_names[:5])
        more = ", ..." if len(report.suspicious_names) > 5 else ""
        _warn(
            _(
                "%(count)s contact(s) have a first name that looks like a formula, markup or a "
                'mail header (line %(lines)s): they are greeted "Hoi," without it; report.json '
                "lists them under suspicious_names"
            )
            % {"count": len(report.suspicious_names), "lines": lines + more}
        )


MSG_BATCH_WROTE = N_(
    "Wrote {drafts} to {out}/ from {rows}: {placed} placed, {rejected} rejected, "
    "{duplicates} duplicates (rejects.csv lists them)."
)
MSG_BATCH_GAPS = N_("{drafts} say [AANVULLEN: ...] where the brief lacks a fact.")
MSG_BATCH_STRICT = N_("; report.json lists them per segment, --strict refuses")


brief_app = typer.Typer(
    cls=_Group,
    help="Check a campaign brief.\n\nExample: mkbcopy brief check campaign.yaml",
    no_args_is_help=True,
)
app.add_typer(brief_app, name="brief")


@brief_app.command("check")
def brief_check(
    brief: Annotated[Path, typer.Argument(metavar="BRIEF", help="The campaign brief (YAML).")],
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the facts each persona's copy needs and the brief lacks; exit 1 if any.

    Example: mkbcopy brief check campaign.yaml
    """
    from mkbcopy.research.brief import FACT_QUESTIONS, MAIL_FIELDS, load_brief, mail_gaps
    from mkbcopy.research.gaps import brief_gaps
    from mkbcopy.research.study import load_personas, study_path

    loaded = load_brief(brief)
    research = load_personas(study_path(personas_file, loaded.personas))
    gaps = brief_gaps(loaded, research)
    mail_missing = mail_gaps(loaded)
    if as_json:
        missing = [
            {
                "persona": g.persona,
                "fact": g.fact,
                "question": FACT_QUESTIONS[g.fact],
                "needed_by": g.needed_by,
            }
            for g in gaps
        ]
        _print_json(
            {
                "brief": str(brief),
                "complete": not gaps,
                "missing": missing,
                "batch_missing": [
                    {"key": f"contact.{key}", "why": MAIL_FIELDS[key]} for key in mail_missing
                ],
            }
        )
        raise typer.Exit(1 if gaps else 0)
    for key in mail_missing:
        _warn(
            _("%(brief)s: contact: %(key)s is missing (%(about)s); batch needs it")
            % {"brief": brief, "key": key, "about": MAIL_FIELDS[key]}
        )
    if not gaps:
        print(
            _("%(brief)s: complete; every fact the research asks for is there.") % {"brief": brief}
        )
        return
    for persona in research.personas:
        mine = [g for g in gaps if g.persona == persona.id]
        if not mine:
            continue
        print(f"{persona.name} ({persona.id}):")
        for gap in mine:
            print(f"  - {gap.fact}: {FACT_QUESTIONS[gap.fact]}")
            print("      " + _("needed by %(drafts)s") % {"drafts": ", ".join(gap.needed_by)})
    facts = len({g.fact for g in gaps})
    print(
        ngettext(
            "%(count)s fact missing. Add it under facts: in %(brief)s.",
            "%(count)s facts missing. Add them under facts: in %(brief)s.",
            facts,
        )
        % {"count": facts, "brief": brief},
        file=sys.stderr,
    )
    raise typer.Exit(1)


@app.command()
def coverage(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="A folder written by generate.")],
    personas_file: Annotated[
        Path | None,
        typer.Option(
            "--personas",
            metavar="FILE",
            help="The persona study (YAML). Default: the one generate used.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show which motivators and drempels each persona's drafts address, per channel.

    Writes OUT/coverage.csv too. Example: mkbcopy coverage mkbcopy-output
    """
    from mkbcopy.checks.coverage import compute_coverage, load_manifest, render_coverage_csv
    from mkbcopy.research.study import load_personas, study_path
    from mkbcopy.writers.folder import write_extra

    manifest = load_manifest(out)
    named = manifest.get("personas")
    study = study_path(personas_file, named if isinstance(named, str) else None)
    result = compute_coverage(manifest, load_personas(study))
    write_extra(out, "coverage.csv", render_coverage_csv(result).encode("utf-8"))
    if as_json:
        items = [
            {
                "persona": row.persona,
                "kind": row.kind,
                "id": row.id,
                "title": row.title,
                "addressed": row.addressed,
                "channels": row.channels,
            }
            for row in result.rows
        ]
        _print_json(
            {
                "out": str(out),
                "csv": str(out / "coverage.csv"),
                "channels": result.channels,
                "items": items,
                "unaddressed": len(result.gaps()),
            }
        )
        return
    table = Table(title=_("Coverage of %(out)s/") % {"out": out})
    for column in ("persona", _("item"), *result.channels):
        table.add_column(column)
    for row in result.rows:
        marks = ["x" if row.channels[c] else "" for c in result.channels]
        label = f"{row.kind[0].upper()} {row.id}"
        if not row.addressed:
            label = "[red]" + _("%(item)s (unaddressed)") % {"item": label} + "[/red]"
        table.add_row(row.persona, label, *marks)
    out_console.print(table)
    gaps = result.gaps()
    for row in gaps:
        _warn(
            _("%(persona)s: %(kind)s '%(id)s' is not addressed by any draft")
            % {"persona": row.persona, "kind": row.kind, "id": row.id}
        )
    print(
        _("Wrote %(file)s; %(count)s unaddressed item(s).")
        % {"file": out / "coverage.csv", "count": len(gaps)}
    )


@app.command()
def preview(
    out: Annotated[Path, typer.Argument(metavar="OUT", help="A folder written by generate.")],
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", "-t", metavar="DIR", help="Your templates, for your channels' limits."
        ),
    ] = None,
    personas_file: Annotated[
        Path | None,
        typer.Option(
            "--personas",
            metavar="FILE",
            help="The persona study (YAML). Default: the one generate used.",
        ),
    ] = None,
) -> None:
    """Write OUT/index.html: every draft as its reader sees it, lint results and coverage.

    One file that works offline; open it in any browser.

    Example: mkbcopy preview mkbcopy-output
    """
    from mkbcopy.checks.coverage import load_manifest
    from mkbcopy.research.study import load_personas, study_path
    from mkbcopy.review.gallery import summary_line, write_preview

    named = load_manifest(out).get("personas")
    research = load_personas(study_path(personas_file, named if isinstance(named, str) else None))
    with _progress("checking drafts", None, unit="files", sized=True) as step:
        written = write_preview(out, research, templates=templates, progress=step)
    print(summary_line(*written))


templates_app = typer.Typer(
    cls=_Group,
    help=(
        "See, copy and check the templates; your own folder overrides the built-ins file by "
        "file.\n\nExample: mkbcopy templates check mijn-templates"
    ),
    no_args_is_help=True,
)
app.add_typer(templates_app, name="templates")

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates", "-t", metavar="DIR", help="Folder with your own templates (over built-ins)."
    ),
]


@templates_app.command("list")
def templates_list(templates: TemplatesOpt = None, as_json: JsonOpt = False) -> None:
    """List every channel: label, formats, limits, persona blocks it uses, and where it is from.

    Example: mkbcopy templates list --templates mijn-templates
    """
    from rich.text import Text

    from mkbcopy.compose.templatecheck import describe_channels

    if as_json:
        _print_json(
            [
                {
                    "channel": info.name,
                    "label": info.meta.label if info.meta else None,
                    "formats": list(info.meta.formats) if info.meta else [],
                    "limit": info.meta.limit if info.meta else None,
                    "counting": info.meta.counting if info.meta else None,
                    "hashtags": info.meta.hashtags if info.meta else None,
                    "subject_limit": info.meta.subject_limit if info.meta else None,
                    "blocks": info.blocks,
                    "builtin": info.builtin,
                    "path": str(info.path),
                    "problem": info.problem,
                }
                for info in describe_channels(templates)
            ]
        )
        return
    table = Table()
    for column in (
        _("channel"),
        _("label"),
        _("formats"),
        _("limit"),
        _("persona blocks"),
        _("from"),
    ):
        table.add_column(column)
    for info in describe_channels(templates):
        meta = info.meta
        limits = []
        if meta and meta.limit:
            limits.append(f"{meta.limit}{' (X-weighted)' if meta.counting == 'x' else ''}")
        if meta and meta.hashtags is not None:
            limits.append(_("%(count)s hashtags") % {"count": meta.hashtags})
        if meta and meta.subject_limit:
            limits.append(_("subject %(limit)s") % {"limit": meta.subject_limit})
        problem = _("error: %(problem)s") % {"problem": info.problem}
        label = Text(meta.label) if meta else Text(problem, style="red")
        table.add_row(
            info.name,
            label,
            ", ".join(meta.formats) if meta else "",
            ", ".join(limits) or "-",
            ", ".join(info.blocks) or "-",
            _("built-in") if info.builtin else _("your folder"),
        )
    out_console.print(table)


@templates_app.command("show")
def templates_show(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="A channel (email) or a file (_shared/macros.j2)."),
    ],
    templates: TemplatesOpt = None,
) -> None:
    """Print the template a run would use, and say whether it is yours or built-in.

    The source goes to stdout, where it comes from to stderr, so you can redirect it.
    Example: mkbcopy templates show email --templates mijn-templates
    """
    from mkbcopy.compose.templatecheck import find_template
    from mkbcopy.research.yamlfile import read_text

    found = find_template(name, templates)
    if found.builtin:
        origin = _("built-in")
    elif found.overrides_builtin:
        origin = _("your folder, overriding the built-in")
    else:
        origin = _("your folder")
    print(f"# {found.name}: {origin} ({found.path})", file=sys.stderr)
    sys.stdout.write(read_text(found.path, what="template"))


@templates_app.command("init")
def templates_init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to copy the templates to.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files already there.")] = False,
) -> None:
    """Copy the built-in templates, with a README on editing them, into DIR.

    Example: mkbcopy templates init mijn-templates
    """
    from mkbcopy.compose.templatecheck import init_templates

    written = init_templates(folder, force=force)
    print(
        _("Wrote %(count)s files to %(folder)s/. Read %(readme)s, then run:")
        % {"count": len(written), "folder": folder, "readme": folder / "README.md"}
    )
    print(f"  mkbcopy templates check {folder}")


@templates_app.command("check")
def templates_check(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help="Your templates folder. Default: the brief's templates:, else the built-ins.",
            show_default=False,
        ),
    ] = None,
    brief: Annotated[
        Path | None,
        typer.Option("--brief", "-b", metavar="BRIEF", help="Render with this brief's facts."),
    ] = None,
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Render every template for every persona and subgroup; report every problem, exit 1 if any.

    Finds syntax errors, unknown names, copy over a channel's limits, bad metadata
    headers and gaps in copy.yaml. Example: mkbcopy templates check mijn-templates
    """
    import time

    from mkbcopy.compose.channels import template_files
    from mkbcopy.compose.templatecheck import check_templates, renders_per_check
    from mkbcopy.research.brief import load_brief
    from mkbcopy.research.study import load_personas, study_path

    loaded = load_brief(brief)
    user_dir = folder or (Path(loaded.templates) if loaded.templates else None)
    research = load_personas(study_path(personas_file, loaded.personas))
    start = time.perf_counter()
    problems = check_templates(user_dir, research=research, brief=loaded)
    seconds = time.perf_counter() - start
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        _print_json(
            {
                "templates": str(user_dir) if user_dir else None,
                "ok": not errors,
                "errors": errors,
                "warnings": warnings,
                "problems": [
                    {
                        "path": p.path,
                        "line": p.line,
                        "severity": p.severity,
                        "message": p.message,
                        "source": p.source,
                    }
                    for p in problems
                ],
            }
        )
        raise typer.Exit(1 if errors else 0)
    for problem in problems:
        print(problem)
    if user_dir:
        where = _("%(folder)s (over the built-ins)") % {"folder": user_dir}
    else:
        where = _("the built-in templates")
    if errors:
        print(
            _("%(errors)s error(s), %(warnings)s warning(s) in %(where)s.")
            % {"errors": errors, "warnings": warnings, "where": where},
            file=sys.stderr,
        )
        raise typer.Exit(1)
    print(
        _(
            "OK: %(where)s: %(files)s files, %(renders)s renders in %(seconds).2f s, "
            "%(warnings)s warning(s)."
        )
        % {
            "where": where,
            "files": len(template_files(user_dir)),
            "renders": renders_per_check(user_dir, research),
            "seconds": seconds,
            "warnings": warnings,
        }
    )


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # `kill` cleans up as Ctrl-C does: temporary files go


def main() -> None:
    """Console entry point; an unexpected error is one line too, unless --debug."""
    try:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, _terminated)
        app(prog_name="mkbcopy")
    except KeyboardInterrupt:  # before a command runs, e.g. while importing
        _interrupted()
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # Typer's own exit on a Ctrl-C while parsing: silent
            _interrupted()
        raise
    except BrokenPipeError:  # e.g. `mkbcopy personas list | head -1`: the reader had enough
        _quiet_stdout()
        sys.exit(141)  # as if killed by SIGPIPE, the shell's convention
    except Exception as exc:
        if "--debug" in sys.argv[1:] or os.environ.get("MKBCOPY_DEBUG"):
            raise
        print(
            one_line(
                _("mkbcopy: internal error: %(kind)s: %(error)s (run with --debug for details)")
                % {"kind": type(exc).__name__, "error": exc}
            ),
            file=sys.stderr,
        )
        sys.exit(1)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
