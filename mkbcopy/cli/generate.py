"""mkbcopy generate and init, and the summary generate prints after writing.

The commands are registered on the app in `mkbcopy/cli/__init__.py`, in --help order.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.table import Table

from mkbcopy.cli.common import (
    BriefArg,
    ForceOpt,
    JsonOpt,
    PersonasOpt,
    QuietOpt,
    StrictOpt,
    _complete_channels,
    _complete_levels,
    _complete_personas,
    _complete_subgroups,
    _level,
    _listed,
    _plural,
    _print_json,
    _progress,
    _warn,
    out_console,
)
from mkbcopy.cli.review import _print_lint
from mkbcopy.errors import MkbcopyError, Problems, TemplateError, UsageError, ValidationError
from mkbcopy.i18n import N_, _

if TYPE_CHECKING:
    from mkbcopy.checks.lint import LintReport, Severity
    from mkbcopy.compose.campaign import Plan
    from mkbcopy.compose.rendering import Draft
    from mkbcopy.research.brief import Brief
    from mkbcopy.research.personas import Research


DEFAULT_OUT = Path("mkbcopy-output")


GENERATE_HELP = N_(
    "Write drafts for every persona x channel into OUT.\n\n"
    "Prints a summary (what was written, the lint counts per draft), then what "
    "needs attention grouped by cause: each fact the brief lacks with the drafts it"
    " affects, each finding once with the drafts it turns up in and where its "
    "sentence comes from.\n\n"
    "Exit codes: 0 drafts written (findings are listed, not failed on, unless "
    "--fail-on); 1 nothing written (an error, or --strict and the brief lacks a "
    "fact), or --fail-on and lint found that level; 2 wrong usage; 130 interrupted.\n\n"
    "Example: mkbcopy generate campaign.yaml -p doelgerichte-doorstromer -c email "
    "-s 35+"
)


def generate(
    brief: BriefArg = None,
    persona: Annotated[
        list[str] | None,
        typer.Option(
            "--persona",
            "-p",
            metavar="ID",
            help=N_("Persona id; repeat for more. Default: all."),
            autocompletion=_complete_personas,
        ),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            "-c",
            metavar="NAME",
            help=N_("Channel (flyer, email, linkedin, ...). Default: all."),
            autocompletion=_complete_channels,
        ),
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FMT",
            help=N_(
                "docx, txt, md, html, eml or pdf (print channels, needs LibreOffice); "
                "repeat for more. Default: per channel."
            ),
        ),
    ] = None,
    subgroup: Annotated[
        str | None,
        typer.Option(
            "--subgroup",
            "-s",
            metavar="ID",
            help=N_("Subgroup id, e.g. 35+ or hbo."),
            autocompletion=_complete_subgroups,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help=N_("Output folder."))
    ] = DEFAULT_OUT,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", "-t", metavar="DIR", help=N_("Folder with your own templates.")
        ),
    ] = None,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    variants: Annotated[
        int,
        typer.Option(
            "--variants",
            metavar="N",
            help=N_(
                "Write N A/B variants (2-5) per persona and channel, each leading with "
                "another motivator or drempel."
            ),
        ),
    ] = 0,
    no_lint: Annotated[
        bool, typer.Option("--no-lint", help=N_("Skip the lint summary after writing."))
    ] = False,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview", help=N_("Also write OUT/index.html to review drafts in a browser.")
        ),
    ] = False,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            metavar="SIZE",
            help=N_("a4 or a5: page size of one-page flyers (Word, PDF). Default: per template."),
        ),
    ] = None,
    personas_file: PersonasOpt = None,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=N_("Also list every draft, and every finding per draft.")
        ),
    ] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help=N_("Exit 1 (after writing) when lint finds this or worse: error or warning."),
            autocompletion=_complete_levels,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    level = _level(quiet, verbose)
    if fail_on is not None and fail_on not in ("warning", "error"):
        raise UsageError(
            _("unknown --fail-on '%(value)s' (use warning or error)") % {"value": fail_on}
        )
    if fail_on is not None and no_lint:
        raise UsageError(_("--fail-on needs lint; leave out --no-lint"))
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
        brief, note = _default_brief(brief)
        loaded = load_brief(brief)
        study = study_path(personas_file, loaded.personas)
        research = load_personas(study)
        try:
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
        except (TemplateError, ValidationError) as exc:
            user_dir = templates or (Path(loaded.templates) if loaded.templates else None)
            if user_dir is not None:
                _count_the_rest(exc, user_dir, research, loaded)
            raise
        with _progress(_("writing drafts"), len(plan.files), unit=_("files")) as step:
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
        if note is not None:
            _warn(note)
        reports: list[LintReport] = []
        if not no_lint:
            from mkbcopy.checks.findings import draft_documents
            from mkbcopy.checks.lint import BriefTerms, lint_documents

            terms = BriefTerms.from_dict(lint_terms(loaded))
            reports = lint_documents(
                ((doc, d.channel, path, terms) for d, doc, path in draft_documents(plan, out)),
                checker,
            )
        if not as_json:
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
        page: Path | None = None
        if preview:
            from mkbcopy.review.gallery import summary_line, write_preview

            with _progress(_("checking drafts"), None, unit=_("files"), sized=True) as step:
                written = write_preview(out, research, loaded, templates, progress=step)
            page = written[0]
            if not as_json:
                print(summary_line(*written))
        if as_json:
            _print_json(
                generate_json(plan, loaded, out, manifest, reports, linted=not no_lint, page=page)
            )
        if fail_on is not None and any(r.fails(cast("Severity", fail_on)) for r in reports):
            raise typer.Exit(1)


def _count_the_rest(error: MkbcopyError, user_dir: Path, research: Research, brief: Brief) -> None:
    """Generate stops at the first template problem; say how many more and where to see them."""
    from mkbcopy.compose.templatecheck import check_templates

    if isinstance(error, Problems):
        return  # already every problem, one line each
    try:
        found = check_templates(user_dir, research=research, brief=brief)
    except MkbcopyError:
        return
    more = sum(p.severity == "error" for p in found) - 1
    if more > 0:
        error.message += _(" (and %(count)s more; run mkbcopy templates check %(path)s)") % {
            "count": more,
            "path": user_dir,
        }


# The brief `mkbcopy init .` writes, which generate reads when no BRIEF is given.
LOCAL_BRIEF = Path("campaign.yaml")


def _default_brief(brief: Path | None) -> tuple[Path | None, str | None]:
    """No BRIEF: ./campaign.yaml if there, else the bundled example; and the line saying which.

    The line goes to stderr once the drafts are written (a failed run has its error to say).
    """
    if brief is not None:
        return brief, None
    if LOCAL_BRIEF.is_file():
        return LOCAL_BRIEF, _("no BRIEF given; using %(brief)s in this folder") % {
            "brief": LOCAL_BRIEF
        }
    return None, _(
        "no BRIEF given and no campaign.yaml here; using the bundled example brief of "
        "a fictional route (Hogeschool Rivierland); start your own with: mkbcopy init ."
    )


# What generate prints; one place, so the message catalogue can wrap them.
# Layout only (no words to translate): MSG_LINT, MSG_MISSING_LINE, MSG_FINDING, MSG_QUOTE.
MSG_WROTE = N_("Wrote {drafts} to {out}/ ({files}).")
MSG_LACKS = N_("The brief lacks {facts}: the drafts say [AANVULLEN: ...] there.")
MSG_LINT = "lint: {drafts}, {errors}, {warnings}, {hints}"
MSG_ALL_CLEAR = N_("Nothing needs attention.")
MSG_MISSING_HEAD = N_("Missing facts: add them under facts: in {brief}")
MSG_MISSING_LINE = "  {key:<{width}}  {question}  ({count}: {drafts})"
MSG_ROOM_HEAD = N_("No room for these facts; shorten them in {brief} to fit them in:")
MSG_ROOM_LINE = "  {key:<{width}}  ({count}: {drafts})"
MSG_FINDINGS_HEAD = N_("{count} to look at, grouped by cause:")
MSG_FINDING = "  {severity} {rule}: {message}  ({count}: {drafts})"
MSG_QUOTE = "      > {excerpt}"
MSG_ORIGIN = N_("      from {origin}")
MSG_MORE = N_("--verbose lists every draft and finding; mkbcopy lint {out} checks them again.")


def generate_json(
    plan: Plan,
    brief: Brief,
    out: Path,
    manifest: dict[str, Any],
    reports: list[LintReport],
    *,
    linted: bool,
    page: Path | None,
) -> dict[str, object]:
    """generate --json: what the summary says, in a stable shape (README, JSON output).

    Messages are English whatever the language, as in lint --json; the counts are the
    summary's: per draft, as the preview counts.
    """
    from mkbcopy.checks.findings import Counts, group_findings
    from mkbcopy.research.brief import FACT_QUESTIONS

    missing = plan.missing_facts()
    labels = [_label(d) for d in plan.drafts]
    groups = group_findings(
        zip(labels, reports, strict=False), brief=brief, skip_placeholders=True, lang="en"
    )
    return {
        "out": str(out),
        "drafts": len(plan.drafts),
        "files": [str(e["path"]) for e in manifest["files"]],
        "missing_facts": [
            {
                "key": key,
                "question": FACT_QUESTIONS[key],
                "drafts": _showing(plan, reports, key, FACT_QUESTIONS[key]),
            }
            for key in missing
        ],
        "left_out": [
            {"key": key, "drafts": [_label(d) for d in drafts]}
            for key, drafts in plan.left_out().items()
        ],
        "lint": Counts.of(reports).to_dict() if linted else None,
        "spelling_checked": all(r.spelling_checked for r in reports) if linted else None,
        "findings": [
            {
                "rule": g.finding.rule,
                "severity": g.finding.severity,
                "message": g.finding.message,
                "excerpt": g.finding.excerpt,
                "origin": g.origin,
                "drafts": g.drafts,
            }
            for g in groups
        ],
        "notes": list(plan.notes),
        "warnings": [
            {"draft": label, "message": warning}
            for label, draft in zip(labels, plan.drafts, strict=True)
            for warning in _draft_warnings(draft)
        ],
        "preview": str(page) if page is not None else None,
    }


def _draft_warnings(draft: Draft) -> list[str]:
    """A draft's own warnings; its missing facts are listed once per fact, not per draft."""
    from mkbcopy.compose.rendering import MISSING_FACT

    return [w.render() for w in draft.warnings if w.msgid != MISSING_FACT]


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
        for warning in _draft_warnings(draft):
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
    left_out = plan.left_out()
    if left_out:
        print()
        print(_(MSG_ROOM_HEAD).format(brief=brief_path or _("your brief")))
        width = max(len(key) for key in left_out)
        for key, drafts in left_out.items():
            labels = [_label(d) for d in drafts]
            print(
                MSG_ROOM_LINE.format(
                    key=key,
                    width=width,
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
    if not missing and not groups and not left_out:
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
    table = Table(
        title=_("%(files)s written in %(out)s/") % {"files": _plural(files, "file"), "out": out}
    )
    columns = [_("draft"), _("channel"), _("formats"), "motivators", "drempels", _("warnings")]
    if variants:
        columns[2:2] = ["variant", _("leads with")]
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


INIT_HELP = N_(
    "Write a commented example brief to edit: DIR/campaign.yaml, or the file itself "
    "when the path ends in .yaml or .yml (its folder is made if needed).\n\n"
    "Example: mkbcopy init mijn-campagne"
)


def init(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help=N_(
                "Folder to create campaign.yaml in, or the brief file itself "
                "(a name ending in .yaml or .yml)."
            ),
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help=N_("Overwrite an existing brief."))
    ] = False,
) -> None:
    from mkbcopy.errors import OutputError
    from mkbcopy.i18n import language
    from mkbcopy.research.brief import commented_example_path
    from mkbcopy.writers.folder import atomic_write

    is_file = folder.suffix.lower() in (".yaml", ".yml") and not folder.is_dir()
    target = folder if is_file else folder / "campaign.yaml"
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputError(_("already exists; use --force to overwrite it"), path=target)
    if target.is_dir():
        raise OutputError(_("is a folder"), path=target)
    # atomic_write replaces a symbolic link, never the file it points to.
    atomic_write(target, commented_example_path(language()).read_bytes())
    print(
        _("Wrote %(file)s. Edit the facts, then run: mkbcopy generate %(file)s") % {"file": target}
    )
