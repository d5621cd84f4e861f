"""mkbcopy lint, coverage and preview: checking and reviewing written drafts.

The commands are registered on the app in `mkbcopy/cli/__init__.py`, in --help order.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.table import Table

from mkbcopy.cli.common import (
    JsonOpt,
    QuietOpt,
    _complete_levels,
    _level,
    _plural,
    _print_json,
    _progress,
    _warn,
    out_console,
)
from mkbcopy.errors import UsageError
from mkbcopy.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from mkbcopy.checks.coverage import Coverage
    from mkbcopy.checks.lint import LintReport, Severity
    from mkbcopy.checks.readability import Readability

UsedStudyOpt = Annotated[
    Path | None,
    typer.Option(
        "--personas",
        metavar="FILE",
        help=N_("The persona study (YAML). Default: the one generate used."),
    ),
]


LINT_HELP = N_(
    "Check drafts: B1 readability, spelling, channel limits, placeholders and spam "
    "words.\n\n"
    "Example: mkbcopy lint mkbcopy-output --fail-on warning"
)


def lint(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...", help=N_("Draft files, or folders such as an output folder.")
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print the reports as JSON."))] = False,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help=N_("Exit 1 on a finding at this level or worse: warning or error."),
            autocompletion=_complete_levels,
        ),
    ] = "error",
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Also show each file's readability: sentences, words, the longest sentence."),
        ),
    ] = False,
) -> None:
    from mkbcopy.checks.lint import lint_paths

    level = _level(quiet, verbose)

    if fail_on not in ("warning", "error"):
        raise UsageError(
            _("unknown --fail-on '%(value)s' (use warning or error)") % {"value": fail_on}
        )
    reports = lint_paths(paths)
    if as_json:
        _print_json([r.to_dict() for r in reports])
    else:
        _print_lint(reports, files=level > 0, readability=level > 1)
        _print_per_draft(paths, reports)
    if any(r.fails(cast("Severity", fail_on)) for r in reports):
        raise typer.Exit(1)


def _print_per_draft(paths: list[Path], reports: list[LintReport]) -> None:
    """For an output folder, the counts per draft too: what generate and the preview show."""
    from mkbcopy.checks.drafts import draft_entries
    from mkbcopy.checks.findings import Counts, first_format_per_draft
    from mkbcopy.writers.folder import read_manifest

    by_path = {r.path: r for r in reports if r.path is not None}
    for folder in paths:
        manifest = read_manifest(folder) if folder.is_dir() else None
        if manifest is None:
            continue
        entries = draft_entries(manifest)
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


def _print_lint(
    reports: list[LintReport],
    *,
    summary: bool = True,
    files: bool = True,
    readability: bool = False,
) -> None:
    """Every finding per file (lint, generate --verbose), then the totals unless `summary` off.

    `files` off (lint --quiet) prints the totals only; `readability` (lint --verbose) adds
    each file's numbers behind its score.
    """
    from mkbcopy.checks.lint import SEVERITY_LABELS
    from mkbcopy.checks.spelling import unavailable_reason

    # The rule column lines up in every language ("fout", "waarschuwing").
    width = max(len(_(label)) for label in SEVERITY_LABELS.values())
    for report in reports if files else []:
        stats = report.readability
        about = [report.channel or _("no channel")]
        if stats is not None and stats.word_count:
            about.append(
                _("Flesch-Douma %(score).0f, %(words).1f words/sentence")
                % {"score": stats.score, "words": stats.average_words}
            )
        out_console.print(f"{report.path} ({'; '.join(about)})", markup=False)
        if readability and stats is not None and stats.word_count:
            _print_readability(stats)
        for f in report.findings:
            severity = _(SEVERITY_LABELS[f.severity])
            out_console.print(f"  {severity:<{width}} {f.rule:<22} {f.text()}", markup=False)
            if f.excerpt:
                out_console.print(f"  {'':<{width + 23}} > {f.excerpt}", markup=False)
    if not summary:
        return
    totals = {s: sum(r.count(s) for r in reports) for s in ("error", "warning", "info")}
    counted = [
        _plural(len(reports), "file"),
        _plural(totals["error"], "error"),
        _plural(totals["warning"], "warning"),
        _plural(totals["info"], "hint"),
    ]
    out_console.print("lint: " + ", ".join(counted), markup=False)
    if not all(r.spelling_checked for r in reports):
        _warn(_("spelling not checked: %(reason)s") % {"reason": unavailable_reason()})


COVERAGE_HELP = N_(
    "Show which motivators and drempels each persona's drafts address, per channel.\n\n"
    "Writes OUT/coverage.csv too. Example: mkbcopy coverage mkbcopy-output"
)


def _print_readability(stats: Readability) -> None:
    """The numbers behind a file's score (lint --verbose)."""
    line = _plural(stats.sentence_count, "sentence") + ", " + _plural(stats.word_count, "word")
    if stats.longest is not None:
        line += "; " + _("longest sentence: %(words)s") % {
            "words": _plural(stats.longest.words, "word")
        }
    out_console.print(f"  {line}", markup=False)
    if stats.long_words:
        out_console.print(
            "  " + _("long words: %(words)s") % {"words": ", ".join(stats.long_words)},
            markup=False,
        )


def coverage(
    out: Annotated[Path, typer.Argument(metavar="OUT", help=N_("A folder written by generate."))],
    personas_file: UsedStudyOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help=N_("Also show each motivator's and drempel's title.")),
    ] = False,
) -> None:
    from mkbcopy.checks.coverage import compute_coverage, load_manifest, render_coverage_csv
    from mkbcopy.research.study import load_personas, study_path
    from mkbcopy.writers.folder import write_extra

    level = _level(quiet, verbose)
    manifest = load_manifest(out)
    study = study_path(personas_file, manifest.get("personas"))
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
                "waiting_for_brief": row.waiting,
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
                "waiting_for_brief": len(result.waiting()),
            }
        )
        return
    gaps = result.gaps()
    if level > 0:
        _print_coverage(out, result, titles=level > 1)
    for row in gaps if level > 0 else []:
        message = (
            N_("%(persona)s: %(kind)s '%(id)s' waits for the brief: its facts are placeholders")
            if row.waiting
            else N_("%(persona)s: %(kind)s '%(id)s' is not addressed by any draft")
        )
        _warn(_(message) % {"persona": row.persona, "kind": row.kind, "id": row.id})
    counts = {"file": out / "coverage.csv", "count": len(gaps), "waiting": len(result.waiting())}
    if result.waiting():
        print(
            ngettext(
                "Wrote %(file)s; %(count)s item unaddressed, %(waiting)s of them waiting for "
                "the brief's facts.",
                "Wrote %(file)s; %(count)s items unaddressed, %(waiting)s of them waiting for "
                "the brief's facts.",
                len(gaps),
            )
            % counts
        )
        return
    print(
        ngettext(
            "Wrote %(file)s; %(count)s item unaddressed.",
            "Wrote %(file)s; %(count)s items unaddressed.",
            len(gaps),
        )
        % counts
    )


PREVIEW_HELP = N_(
    "Write OUT/index.html: every draft as its reader sees it, lint results and "
    "coverage.\n\n"
    "One file that works offline; open it in any browser.\n\n"
    "Example: mkbcopy preview mkbcopy-output"
)


def _print_coverage(out: Path, result: Coverage, *, titles: bool) -> None:
    """The coverage table; `titles` (--verbose) adds each item's title."""
    table = Table(title=_("Coverage of %(out)s/") % {"out": out})
    for column in ("persona", _("item"), *([_("title")] if titles else []), *result.channels):
        table.add_column(column)
    for row in result.rows:
        marks = ["x" if row.channels[c] else "" for c in result.channels]
        label = f"{row.kind[0].upper()} {row.id}"
        if row.waiting:
            waits = _("%(item)s (waiting for the brief)") % {"item": label}
            label = f"[yellow]{waits}[/yellow]"
        elif not row.addressed:
            label = "[red]" + _("%(item)s (unaddressed)") % {"item": label} + "[/red]"
        table.add_row(row.persona, label, *([row.title] if titles else []), *marks)
    out_console.print(table)


def preview(
    out: Annotated[Path, typer.Argument(metavar="OUT", help=N_("A folder written by generate."))],
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            "-t",
            metavar="DIR",
            help=N_("Your templates, for your channels' limits."),
        ),
    ] = None,
    personas_file: UsedStudyOpt = None,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Also show what the page counted: drafts, files checked, lint findings."),
        ),
    ] = False,
) -> None:
    from mkbcopy.checks.coverage import load_manifest
    from mkbcopy.checks.spelling import unavailable_reason
    from mkbcopy.research.study import load_personas, study_path
    from mkbcopy.review.gallery import summary_line, write_preview

    level = _level(quiet, verbose)
    research = load_personas(study_path(personas_file, load_manifest(out).get("personas")))
    with _progress(_("checking drafts"), None, unit=_("files"), sized=True) as step:
        written = write_preview(out, research, templates=templates, progress=step)
    print(summary_line(*written))
    page = written[1]
    if level > 1:
        print(
            _(MSG_PREVIEW_COUNTED).format(
                drafts=_plural(page.cards, "draft"),
                files=_plural(page.files, "file"),
                errors=_plural(page.errors, "error"),
                warnings=_plural(page.warnings, "warning"),
                pages=_plural(page.pdf_pages, "PDF page"),
            )
        )
    reason = unavailable_reason()
    if level > 0 and reason is not None:
        _warn(_("spelling not checked: %(reason)s") % {"reason": reason})


MSG_PREVIEW_COUNTED = N_(
    "The page shows {drafts} from {files}: {errors} and {warnings}, counted per draft as "
    "generate and lint count them; {pages} shown as an image."
)
