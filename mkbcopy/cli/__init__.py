"""The command line: parse, call the library, report. The only package that imports typer.

The app, its root options and error handling live here; each command group has its
own module (generate, personas, review, contacts, brief, templates), sharing common.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from typing import Annotated, Any

import typer

from mkbcopy import __version__
from mkbcopy.cli import brief, contacts, generate, personas, review, templates
from mkbcopy.cli.common import _complete_languages
from mkbcopy.cli.help import EXIT_BATCH, EXIT_DONE, EXIT_LINT, Command, Group, usage_error
from mkbcopy.errors import MkbcopyError, Problems, UsageError, one_line, os_error
from mkbcopy.i18n import LANGUAGES, N_, _, set_language


def _interrupted_text() -> str:
    return _("mkbcopy: interrupted; no file was left half-written; run the command again")


# Click's usage error (a wrong option, a missing argument): typer.BadParameter's base.
_ClickUsageError: type[Exception] = typer.BadParameter.__mro__[1]


class _Group(Group):
    """Turns MkbcopyError into one line on stderr, for the console script and CliRunner alike.

    Click's usage errors are said in the user's language too: in a command, and before
    the command name (`mkbcopy --bogus`), where --lang is not read yet, so MKBCOPY_LANG
    or the locale decides.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return list(super().parse_args(ctx, args))
        except _ClickUsageError as exc:
            print(usage_error(exc), file=sys.stderr)
            raise typer.Exit(2) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _ClickUsageError as exc:
            print(usage_error(exc), file=sys.stderr)
            raise typer.Exit(2) from None
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
    help=N_(
        "Draft campaign copy for the Mkb-route in het hbo, grounded in the persona "
        "research.\n\nExample: mkbcopy generate campaign.yaml --out drafts"
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _language(value: str | None) -> str | None:
    """Eager, so that `--lang nl --help` is Dutch too; None goes back to the environment."""
    if value is not None and value not in LANGUAGES:
        raise typer.BadParameter(
            _("'%(lang)s' is not a language mkbcopy speaks (use en or nl)") % {"lang": value},
            param_hint="'--lang'",
        )
    set_language(value)
    return value


def _version(value: bool) -> None:
    if value:
        print(f"mkbcopy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=N_("Show the version.")),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help=N_("Show the full traceback on errors."))
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            callback=_language,
            autocompletion=_complete_languages,
            is_eager=True,
            help=N_(
                "Language of messages: en or nl. Default: MKBCOPY_LANG, else your locale "
                "(Dutch when LANG or LC_ALL starts with nl)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draft campaign copy for the Mkb-route in het hbo (the options act in callbacks)."""


# The commands, in the order --help lists them; each group's own commands are
# registered where they are defined. A group gets _Group here, so that its
# errors too are one line on stderr.
app.command(cls=Command, help=generate.GENERATE_HELP)(generate.generate)
app.command(cls=Command, help=generate.INIT_HELP)(generate.init)
app.add_typer(personas.personas_app, name="personas", cls=_Group)
app.command(cls=Command, help=review.LINT_HELP, epilog=EXIT_LINT)(review.lint)
app.command(cls=Command, help=contacts.SEGMENT_HELP, epilog=EXIT_DONE)(contacts.segment)
app.command(cls=Command, help=contacts.BATCH_HELP, epilog=EXIT_BATCH)(contacts.batch)
app.add_typer(brief.brief_app, name="brief", cls=_Group)
app.command(cls=Command, help=review.COVERAGE_HELP, epilog=EXIT_DONE)(review.coverage)
app.command(cls=Command, help=review.PREVIEW_HELP, epilog=EXIT_DONE)(review.preview)
app.add_typer(templates.templates_app, name="templates", cls=_Group)


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
