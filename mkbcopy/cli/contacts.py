"""mkbcopy segment and batch: contact lists placed in segments, a draft per segment.

The commands are registered on the app in `mkbcopy/cli/__init__.py`, in --help order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mkbcopy.cli.common import (
    EncodingOpt,
    ForceOpt,
    JsonOpt,
    MapOpt,
    PersonasOpt,
    QuietOpt,
    SheetOpt,
    StrictOpt,
    _complete_platforms,
    _level,
    _listed,
    _plural,
    _print_json,
    _progress,
    _warn,
    out_console,
)
from mkbcopy.cli.generate import MSG_MISSING_HEAD, MSG_MISSING_LINE
from mkbcopy.errors import UsageError
from mkbcopy.i18n import N_, _, ngettext

SEGMENT_HELP = N_(
    "Place each contact in a research persona and subgroup, and count them.\n\n"
    "Example: mkbcopy segment contacten.csv --out contacten-persona.csv\n\n"
    "Excel: mkbcopy segment leden.xlsx --sheet Leden --out leden-persona.csv"
)


def segment(
    contacts: Annotated[
        Path,
        typer.Argument(
            metavar="CONTACTS",
            help=N_(
                "Contact list: an Excel workbook (.xlsx) or a CSV file from Excel, Google "
                "Sheets, Mailchimp or Brevo."
            ),
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help=N_(
                "Write the list with persona and subgroup columns, and FILE-rejected.csv "
                "beside it. Default: only count."
            ),
        ),
    ] = None,
    encoding: EncodingOpt = None,
    mapping: MapOpt = None,
    sheet: SheetOpt = None,
    force: Annotated[
        bool,
        typer.Option("--force", help=N_("Overwrite FILE and FILE-rejected.csv if they exist.")),
    ] = False,
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=N_("Also say how the list was read: encoding and delimiter.")
        ),
    ] = False,
) -> None:
    from mkbcopy.contacts.reading import parse_mapping
    from mkbcopy.contacts.rowcount import estimate_rows
    from mkbcopy.contacts.segments import segment_contacts
    from mkbcopy.research.study import load_personas

    level = _level(quiet, verbose)
    research = load_personas(personas_file)
    rows = estimate_rows(contacts)  # a workbook's total comes once it is open
    with _progress(_("segmenting"), rows, unit=_("contacts"), sized=True) as step:
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
        ngettext(
            "Read %(read)s row: %(placed)s placed, %(rejected)s rejected, "
            "%(duplicates)s. Shares are of the placed contacts.",
            "Read %(read)s rows: %(placed)s placed, %(rejected)s rejected, "
            "%(duplicates)s. Shares are of the placed contacts.",
            summary.rows_read,
        )
        % {
            "read": summary.rows_read,
            "placed": summary.placed,
            "rejected": summary.rejected,
            "duplicates": ngettext(
                "%(count)s duplicate email", "%(count)s duplicate emails", summary.duplicates
            )
            % {"count": summary.duplicates},
        }
    )
    if summary.out is not None:
        print(
            _("Wrote %(out)s and %(rejects)s.")
            % {"out": summary.out, "rejects": summary.rejects_path}
        )
    else:
        print(_("Nothing written; add --out FILE to write the list with persona columns."))
    if level == 0:
        return
    if level == 2 and summary.encoding:
        print(
            _("Read as %(encoding)s text, columns separated by '%(delimiter)s'.")
            % {"encoding": summary.encoding, "delimiter": summary.delimiter}
        )
    for reason, count in summary.reasons.most_common():
        print(f"  {count:>6}  {_(reason)}")
    for notice in summary.notices:
        _warn(notice)
    table = Table(
        title=ngettext(
            "%(placed)s of %(read)s contact placed",
            "%(placed)s of %(read)s contacts placed",
            summary.rows_read,
        )
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


BATCH_HELP = N_(
    "Write an email draft per segment (and per contact) from a contact list.\n\n"
    "Example: mkbcopy batch contacten.csv campaign.yaml --out mailing --merge-tags "
    "brevo"
)


def batch(
    contacts: Annotated[
        Path, typer.Argument(metavar="CONTACTS", help=N_("Contact list (.xlsx or CSV)."))
    ],
    brief: Annotated[
        Path | None,
        typer.Argument(
            metavar="BRIEF",
            help=N_("The campaign brief (YAML); required, or --example."),
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help=N_("Output folder."))
    ] = Path("mkbcopy-batch"),
    merge_tags: Annotated[
        str,
        typer.Option(
            "--merge-tags",
            metavar="PLATFORM",
            help=N_(
                "Mail platform the segment folders are for (merge tags, contacts.csv "
                "columns): mailchimp, brevo, listmonk or plain."
            ),
            autocompletion=_complete_platforms,
        ),
    ] = "mailchimp",
    per_recipient: Annotated[
        bool,
        typer.Option(
            "--per-recipient", help=N_("Also write a personal .eml per contact and drafts.mbox.")
        ),
    ] = False,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", "-t", metavar="DIR", help=N_("Folder with your own templates.")
        ),
    ] = None,
    variants: Annotated[
        int,
        typer.Option(
            "--variants",
            metavar="N",
            help=N_("Split each segment evenly and at random over N A/B variants (2-5)."),
        ),
    ] = 0,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help=N_("Seed for the variant split."))
    ] = 0,
    encoding: EncodingOpt = None,
    mapping: MapOpt = None,
    sheet: SheetOpt = None,
    force: ForceOpt = False,
    strict: StrictOpt = False,
    example: Annotated[
        bool,
        typer.Option(
            "--example", help=N_("Try it out with the bundled example brief (a fictional route).")
        ),
    ] = False,
    personas_file: PersonasOpt = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help=N_("Print report.json's counts, and nothing else, on stdout.")),
    ] = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Also list the contacts per variant, and every line greeted without a name."),
        ),
    ] = False,
) -> None:
    from mkbcopy.contacts.batch import MERGE_TAGS, run_batch
    from mkbcopy.contacts.reading import parse_mapping
    from mkbcopy.research.brief import check_mail_fields, example_brief_path, load_brief
    from mkbcopy.research.study import load_personas, study_path

    level = _level(quiet, verbose)
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

    rows = estimate_rows(contacts)  # a workbook's total comes once it is open
    with _progress(_("writing drafts"), rows, unit=_("contacts"), sized=True) as step:
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
        duplicates=ngettext("%(count)s duplicate", "%(count)s duplicates", report.duplicates)
        % {"count": report.duplicates},
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
    if level == 0:
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
        title=ngettext(
            "%(read)s row read into %(out)s/", "%(read)s rows read into %(out)s/", report.rows_read
        )
        % {"read": report.rows_read, "out": out}
    )
    table.add_column("segment")
    if level == 2 and report.variants:
        table.add_column("variant")
    table.add_column(_("contacts"), justify="right")
    for segment_id, count in sorted(report.segments.items()):
        if level == 2 and report.variants:
            table.add_row(segment_id, "", str(count))
            for variant, n in sorted(report.variants.get(segment_id, {}).items()):
                table.add_row("", variant, str(n))
        else:
            table.add_row(segment_id, str(count))
    blank = [""] if level == 2 and report.variants else []
    table.add_row(_("rejected (rejects.csv)"), *blank, str(report.rejected))
    table.add_row(_("duplicates (rejects.csv)"), *blank, str(report.duplicates))
    out_console.print(table)
    for notice in report.notices:
        _warn(notice)

    if report.suspicious_names:
        shown = report.suspicious_names if level == 2 else report.suspicious_names[:5]
        lines = ", ".join(str(s["line"]) for s in shown)
        more = ", ..." if len(report.suspicious_names) > len(shown) else ""
        _warn(
            ngettext(
                "%(count)s contact has a first name that looks like a formula, markup or a "
                'mail header (line %(lines)s): they are greeted "Hoi," without it; report.json '
                "lists it under suspicious_names",
                "%(count)s contacts have a first name that looks like a formula, markup or a "
                'mail header (lines %(lines)s): they are greeted "Hoi," without it; report.json '
                "lists them under suspicious_names",
                len(report.suspicious_names),
            )
            % {"count": len(report.suspicious_names), "lines": lines + more}
        )


MSG_BATCH_WROTE = N_(
    "Wrote {drafts} to {out}/ from {rows}: {placed} placed, {rejected} rejected, "
    "{duplicates} (rejects.csv lists them)."
)
MSG_BATCH_GAPS = N_("{drafts} say [AANVULLEN: ...] where the brief lacks a fact.")
MSG_BATCH_STRICT = N_("; report.json lists them per segment, --strict refuses")
