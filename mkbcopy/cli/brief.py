"""mkbcopy brief check.

The group is added to the app, with its error handling, in `mkbcopy/cli/__init__.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mkbcopy.cli.common import (
    JsonOpt,
    PersonasOpt,
    QuietOpt,
    _level,
    _print_json,
    _warn,
)
from mkbcopy.cli.help import EXIT_CHECK, Command
from mkbcopy.errors import MkbcopyError, Problems, problems
from mkbcopy.i18n import N_, _, ngettext

brief_app = typer.Typer(
    help=N_("Check a campaign brief.\n\nExample: mkbcopy brief check campaign.yaml"),
    no_args_is_help=True,
)


@brief_app.command(
    "check",
    cls=Command,
    epilog=EXIT_CHECK,
    help=N_(
        "List the facts each persona's copy needs and the brief lacks; exit 1 if any. "
        "Warn about facts that will read badly in copy (notes, abbreviations).\n\n"
        "Example: mkbcopy brief check campaign.yaml"
    ),
)
def brief_check(
    brief: Annotated[Path, typer.Argument(metavar="BRIEF", help=N_("The campaign brief (YAML)."))],
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Also list the facts the brief has, and every persona, complete or not."),
        ),
    ] = False,
) -> None:
    from mkbcopy.checks.facttext import check_fact_texts, warning_line
    from mkbcopy.research.brief import (
        FACT_KEYS,
        FACT_QUESTIONS,
        MAIL_FIELDS,
        load_brief,
        mail_gaps,
    )
    from mkbcopy.research.gaps import brief_gaps
    from mkbcopy.research.study import load_personas, study_path
    from mkbcopy.writers.brandfiles import brand_file_problems

    level = _level(quiet, verbose)
    try:
        loaded = load_brief(brief)
        found = brand_file_problems(loaded, brief)
        if found:
            raise problems(found)
    except MkbcopyError as exc:
        if as_json:
            _print_json(invalid_json(brief, exc))
        raise
    research = load_personas(study_path(personas_file, loaded.personas))
    gaps = brief_gaps(loaded, research)
    mail_missing = mail_gaps(loaded)
    wording = check_fact_texts(loaded, brief)
    if as_json:
        missing = [
            {
                "persona": g.persona,
                "fact": g.fact,
                "question": FACT_QUESTIONS[g.fact],
                "needed_by": [str(n) for n in g.needed_by],
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
                "fact_warnings": [w.to_dict() for w in wording.warnings],
                "spelling_checked": wording.spelling_checked,
            }
        )
        raise typer.Exit(1 if gaps else 0)
    for key in mail_missing if level > 0 else []:
        _warn(
            _("%(brief)s: contact: %(key)s is missing (%(about)s); batch needs it")
            % {"brief": brief, "key": key, "about": _(MAIL_FIELDS[key])}
        )
    for warning in wording.warnings if level > 0 else []:
        _warn(warning_line(warning, brief))
    if level > 1:
        absent = set(loaded.facts.missing())
        there = [key for key in FACT_KEYS if key not in absent]
        print(_("Facts in the brief: %(facts)s") % {"facts": ", ".join(there) or "-"})
    if not gaps:
        print(
            _("%(brief)s: complete; every fact the research asks for is there.") % {"brief": brief}
        )
        return
    for persona in research.personas if level > 0 else []:
        mine = [g for g in gaps if g.persona == persona.id]
        if not mine:
            if level > 1:
                print(_("%(persona)s: complete") % {"persona": f"{persona.name} ({persona.id})"})
            continue
        print(f"{persona.name} ({persona.id}):")
        for gap in mine:
            print(f"  - {gap.fact}: {FACT_QUESTIONS[gap.fact]}")
            needed_by = ", ".join(n.render() for n in gap.needed_by)
            print("      " + _("needed by %(drafts)s") % {"drafts": needed_by})
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


def invalid_json(brief: Path, error: MkbcopyError) -> dict[str, object]:
    """brief check --json on a brief that cannot be read: every problem (README, JSON output)."""
    found = error.problems if isinstance(error, Problems) else [error]
    return {
        "brief": str(brief),
        "valid": False,
        "errors": [
            {
                "path": str(e.path) if e.path is not None else None,
                "line": e.line,
                "key": e.key,
                "message": e.message,
            }
            for e in found
        ],
    }
