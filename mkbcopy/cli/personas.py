"""mkbcopy personas: list, show, check and init-deck.

The group is added to the app, with its error handling, in `mkbcopy/cli/__init__.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mkbcopy.cli.common import (
    JsonOpt,
    PersonasOpt,
    QuietOpt,
    _complete_personas,
    _level,
    _print_json,
    out_console,
)
from mkbcopy.cli.help import EXIT_CHECK, EXIT_DONE, Command
from mkbcopy.i18n import N_, _, ngettext

personas_app = typer.Typer(
    help=N_(
        "Show, check and start a copy deck for a persona study.\n\n"
        "Example: mkbcopy personas list --personas mijn-studie.yaml"
    ),
    no_args_is_help=True,
)


@personas_app.command(
    "list",
    cls=Command,
    epilog=EXIT_DONE,
    help=N_(
        "List the personas with their share of the target group.\n\n"
        "Example: mkbcopy personas list --personas mijn-studie.yaml --json"
    ),
)
def personas_list(personas_file: PersonasOpt = None, as_json: JsonOpt = False) -> None:
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


@personas_app.command(
    "show",
    cls=Command,
    epilog=EXIT_DONE,
    help=N_(
        "Show everything the research says about one persona.\n\n"
        "Example: mkbcopy personas show onafhankelijke-zij-instromer"
    ),
)
def personas_show(
    persona_id: Annotated[
        str, typer.Argument(metavar="ID", help=N_("Persona id."), autocompletion=_complete_personas)
    ],
    as_json: JsonOpt = False,
    personas_file: PersonasOpt = None,
) -> None:
    from mkbcopy.errors import UsageError, ValidationError
    from mkbcopy.research.study import load_personas

    research = load_personas(personas_file)
    try:
        p = research.persona(persona_id)
    except ValidationError as exc:  # an id the user typed: wrong usage, exit 2
        raise UsageError(exc.message) from None
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


@personas_app.command(
    "check",
    cls=Command,
    epilog=EXIT_CHECK,
    help=N_(
        "Validate a persona study; list every problem with file, line and key, exit 1 "
        "if any.\n\n"
        "Example: mkbcopy personas check mijn-studie.yaml"
    ),
)
def personas_check(
    study: Annotated[Path, typer.Argument(metavar="FILE", help=N_("A persona study (YAML)."))],
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help=N_("Also list every persona: share, motivators, drempels and subgroups."),
        ),
    ] = False,
) -> None:
    from mkbcopy.research.study import describe_study, load_personas
    from mkbcopy.research.studycheck import check_study

    level = _level(quiet, verbose)  # every problem is an error: shown at every level
    problems = check_study(study)
    for problem in problems:
        print(problem)
    if problems:
        print(
            ngettext(
                "%(count)s problem in %(path)s.", "%(count)s problems in %(path)s.", len(problems)
            )
            % {"count": len(problems), "path": study},
            file=sys.stderr,
        )
        raise typer.Exit(1)
    for p in load_personas(study).personas if level > 1 else []:
        print(
            _("%(name)s (%(id)s): %(share)s%% of the target group, %(items)s, %(subgroups)s")
            % {
                "name": p.name,
                "id": p.id,
                "share": p.share,
                "items": ngettext(
                    "%(count)s motivator or drempel",
                    "%(count)s motivators and drempels",
                    len(p.motivators) + len(p.drempels),
                )
                % {"count": len(p.motivators) + len(p.drempels)},
                "subgroups": ngettext("%(count)s subgroup", "%(count)s subgroups", len(p.subgroups))
                % {"count": len(p.subgroups)},
            }
        )
    print(_("OK: %(path)s: %(summary)s") % {"path": study, "summary": describe_study(study)})


@personas_app.command(
    "init-deck",
    cls=Command,
    help=N_(
        "Write a copy deck skeleton for a study: every line to fill in, the research "
        "beside it.\n\n"
        "Example: mkbcopy personas init-deck mijn-studie.yaml mijn-templates"
    ),
)
def personas_init_deck(
    study: Annotated[Path, typer.Argument(metavar="FILE", help=N_("A persona study (YAML)."))],
    folder: Annotated[
        Path,
        typer.Argument(metavar="DIR", help=N_("Templates folder to write _shared/copy.yaml in.")),
    ],
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite an existing deck."))] = False,
) -> None:
    from mkbcopy.compose.deckinit import write_deck_skeleton
    from mkbcopy.research.study import load_personas

    target = write_deck_skeleton(load_personas(study), study, folder, force=force)
    print(_("Wrote %(file)s. Fill in every empty line, then run:") % {"file": target})
    print(f"  mkbcopy templates check {folder} --personas {study}")
