"""mkbcopy templates: list, show, init and check.

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
    _level,
    _plural,
    _print_json,
    out_console,
)
from mkbcopy.cli.help import EXIT_CHECK, Command
from mkbcopy.i18n import N_, _, ngettext

templates_app = typer.Typer(
    help=(
        N_(
            "See, copy and check the templates; your own folder overrides the built-ins file by "
            "file.\n\nExample: mkbcopy templates check mijn-templates"
        )
    ),
    no_args_is_help=True,
)


# The built-in channels' labels (their metadata headers) that are not Dutch already,
# so that `templates list` shows them in the user's language.
BUILTIN_LABELS = (N_("Flyer (one page, Word and PDF)"),)

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        "-t",
        metavar="DIR",
        help=N_("Folder with your own templates (over built-ins)."),
    ),
]


@templates_app.command(
    "list",
    cls=Command,
    help=N_(
        "List every channel: label, formats, limits, persona blocks it uses, and where "
        "it is from.\n\n"
        "Example: mkbcopy templates list --templates mijn-templates"
    ),
)
def templates_list(templates: TemplatesOpt = None, as_json: JsonOpt = False) -> None:
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
            weighted = _(" (X-weighted)") if meta.counting == "x" else ""
            limits.append(f"{meta.limit}{weighted}")
        if meta and meta.hashtags is not None:
            limits.append(
                ngettext("%(count)s hashtag", "%(count)s hashtags", meta.hashtags)
                % {"count": meta.hashtags}
            )
        if meta and meta.subject_limit:
            limits.append(_("subject %(limit)s") % {"limit": meta.subject_limit})
        problem = _("error: %(problem)s") % {"problem": info.problem}
        shown = _(meta.label) if meta and info.builtin else meta.label if meta else ""
        label = Text(shown) if meta else Text(problem, style="red")
        table.add_row(
            info.name,
            label,
            ", ".join(meta.formats) if meta else "",
            ", ".join(limits) or "-",
            ", ".join(info.blocks) or "-",
            _("built-in") if info.builtin else _("your folder"),
        )
    out_console.print(table)


@templates_app.command(
    "show",
    cls=Command,
    help=N_(
        "Print the template a run would use, and say whether it is yours or built-in.\n\n"
        "The source goes to stdout, where it comes from to stderr, so you can redirect "
        "it. Example: mkbcopy templates show email --templates mijn-templates"
    ),
)
def templates_show(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help=N_("A channel (email) or a file (_shared/macros.j2).")),
    ],
    templates: TemplatesOpt = None,
) -> None:
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
    sys.stdout.write(read_text(found.path, what=N_("template")))


@templates_app.command(
    "init",
    cls=Command,
    help=N_(
        "Copy the built-in templates, with a README on editing them, into DIR.\n\n"
        "Example: mkbcopy templates init mijn-templates"
    ),
)
def templates_init(
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help=N_("Folder to copy the templates to."))
    ],
    force: Annotated[
        bool, typer.Option("--force", help=N_("Overwrite files already there."))
    ] = False,
) -> None:
    from mkbcopy.compose.templatecheck import init_templates

    written = init_templates(folder, force=force)
    print(
        _("Wrote %(count)s files to %(folder)s/. Read %(readme)s, then run:")
        % {"count": len(written), "folder": folder, "readme": folder / "README.md"}
    )
    print(f"  mkbcopy templates check {folder}")


@templates_app.command(
    "check",
    cls=Command,
    epilog=EXIT_CHECK,
    help=N_(
        "Render every template for every persona and subgroup; report every problem, "
        "exit 1 if any.\n\n"
        "Finds syntax errors, unknown names, copy over a channel's limits, bad metadata"
        " headers and gaps in copy.yaml. Example: mkbcopy templates check "
        "mijn-templates"
    ),
)
def templates_check(
    folder: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help=N_("Your templates folder. Default: the brief's templates:, else the built-ins."),
            show_default=False,
        ),
    ] = None,
    brief: Annotated[
        Path | None,
        typer.Option("--brief", "-b", metavar="BRIEF", help=N_("Render with this brief's facts.")),
    ] = None,
    personas_file: PersonasOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=N_("Also list every file checked, and where it comes from.")
        ),
    ] = False,
) -> None:
    import time

    from mkbcopy.compose.channels import template_files
    from mkbcopy.compose.templatecheck import check_templates, renders_per_check
    from mkbcopy.research.brief import load_brief
    from mkbcopy.research.study import load_personas, study_path

    level = _level(quiet, verbose)
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
        if level > 0 or problem.severity == "error":  # --quiet: errors only
            print(problem)
    files = template_files(user_dir)
    for rel, path in files.items() if level > 1 else []:
        print(_("checked %(file)s (%(path)s)") % {"file": rel, "path": path})
    if user_dir:
        where = _("%(folder)s (over the built-ins)") % {"folder": user_dir}
    else:
        where = _("the built-in templates")
    if errors:
        print(
            _("%(errors)s and %(warnings)s in %(where)s.")
            % {
                "errors": _plural(errors, "error"),
                "warnings": _plural(warnings, "warning"),
                "where": where,
            },
            file=sys.stderr,
        )
        raise typer.Exit(1)
    print(
        _("OK: %(where)s: %(files)s checked, %(renders)s in %(seconds).2f s, %(warnings)s.")
        % {
            "where": where,
            "files": _plural(len(files), "file"),
            "renders": _plural(renders_per_check(user_dir, research), "render"),
            "seconds": seconds,
            "warnings": _plural(warnings, "warning"),
        }
    )
