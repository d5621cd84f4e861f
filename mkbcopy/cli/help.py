"""--help in the user's language: help texts are English msgids, translated when shown.

Typer builds every command, with its help, when the app is imported: before --lang
or MKBCOPY_LANG is read. So help texts are only marked (N_) where they are declared
and looked up in the catalogue when --help is formatted. Click's and Typer's own
words (Usage, Options, default) come from the same catalogue: Click asks gettext's
global domain for them, which mkbcopy leaves alone.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

from mkbcopy.i18n import N_, _

# Help texts that Click and Typer declare; marked here so the catalogue has them.
FRAMEWORK_HELP = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
_EXTRAS = re.compile(r"\[(default: |required)")
# Click's words in a usage line; an argument's own metavar (BRIEF, FILE) stays as declared.
_USAGE_PIECES = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))


def translated(text: str | None) -> str:
    """A declared help text in the user's language ('' for none)."""
    return _(text) if text else ""


def short_help(text: str, limit: int) -> str:
    """The first sentence of `text`, or its start cut at a word with '...' (as Click does)."""
    words = text.split("\n\n", 1)[0].split()
    shown: list[str] = []
    for word in words:
        if len(" ".join([*shown, word])) > limit:
            while shown and len(" ".join(shown)) + 3 > limit:
                shown.pop()
            return " ".join(shown) + "..."
        shown.append(word)
        if word.endswith("."):
            break
    return " ".join(shown)


def _record(param: Any, ctx: Any) -> tuple[str, str] | None:
    """A parameter's help line: its own text translated, Click's [default: ...] too."""
    record: tuple[str, str] | None = param.get_help_record(ctx)
    if record is None:
        return None
    name, text = record
    own = param.help or ""
    if own and text.startswith(own):
        text = _(own) + text[len(own) :]
    extras = {"default: ": _("default: "), "required": _("required")}
    return name, _EXTRAS.sub(lambda m: "[" + extras[m.group(1)], text)


class _Translated:
    """What a command prints for --help, in the user's language."""

    help: str | None

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        pieces = [_(p) if p in _USAGE_PIECES else p for p in pieces]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = translated(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        text = translated(getattr(self, "epilog", None))
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(translated(self.help), limit)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = _record(param, ctx)
            if record is not None and param.param_type_name in sections:
                sections[param.param_type_name].append(record)
        for kind, heading in (("argument", _("Arguments")), ("option", _("Options"))):
            if sections[kind]:
                with formatter.section(heading):
                    formatter.write_dl(sections[kind])
        if isinstance(self, TyperGroup):
            commands = [
                (name, command)
                for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden
            ]
            if commands:
                limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
                with formatter.section(_("Commands")):
                    formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in commands])


class Command(_Translated, TyperCommand):
    """A command whose --help speaks the user's language."""


class Group(_Translated, TyperGroup):
    """A command group whose --help, and its list of commands, speak the user's language."""


# What the exit codes mean, shown below a command's options (epilog=); one text per meaning.
EXIT_DONE = N_(
    "Exit codes: 0 done; 1 an error (nothing half-written); 2 wrong usage; 130 interrupted."
)
EXIT_CHECK = N_(
    "Exit codes: 0 no problems found; 1 problems found (listed above), or an error; "
    "2 wrong usage; 130 interrupted."
)
EXIT_LINT = N_(
    "Exit codes: 0 no finding at the --fail-on level (default: error); 1 findings at "
    "that level, or an error; 2 wrong usage; 130 interrupted."
)
EXIT_BATCH = N_(
    "Exit codes: 0 drafts written; 1 nothing written (an error, or --strict and a draft "
    "would say [AANVULLEN: ...]); 2 wrong usage; 130 interrupted."
)


# Click's and Typer's usage errors, by their English wording; the msgids say the same.
_USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (
        r"No such option: (?P<option>\S+) \(Possible options: (?P<options>.*)\)$",
        N_("No such option: %(option)s (Possible options: %(options)s)"),
    ),
    (
        r"No such option: (?P<option>\S+) Did you mean (?P<options>.*)\?$",
        N_("No such option: %(option)s Did you mean %(options)s?"),
    ),
    (r"No such option: (?P<option>\S+)$", N_("No such option: %(option)s")),
    (
        r"No such command '(?P<name>.*)'\. Did you mean (?P<names>.*)\?$",
        N_("No such command '%(name)s'. Did you mean %(names)s?"),
    ),
    (r"No such command '(?P<name>.*)'\.$", N_("No such command '%(name)s'.")),
    (r"Missing argument '(?P<name>.*)'\.$", N_("Missing argument '%(name)s'.")),
    (r"Missing option '(?P<name>.*)'\.$", N_("Missing option '%(name)s'.")),
    (
        r"Option '(?P<name>.*)' requires an argument\.$",
        N_("Option '%(name)s' requires an argument."),
    ),
    (
        r"Got unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)$",
        N_("Got unexpected extra argument(s) (%(args)s)"),
    ),
    (
        r"Invalid value for (?P<name>'[^']*'): Input should be a valid integer.*$",
        N_("Invalid value for %(name)s: give a whole number"),
    ),
    (
        r"Invalid value for (?P<name>'[^']*'): (?P<problem>.*)$",
        N_("Invalid value for %(name)s: %(problem)s"),
    ),
)


def usage_error(exc: Any) -> str:
    """A usage error as Click shows it (usage, a hint, the error), in the user's language.

    A group given no command (`mkbcopy personas`) shows its help, as Click does.
    """
    if type(exc).__name__ == "NoArgsIsHelpError":
        return str(exc.ctx.get_help())
    message = str(exc.format_message())
    for pattern, msgid in _USAGE_ERRORS:
        if found := re.match(pattern, message):
            message = _(msgid) % found.groupdict()
            break
    ctx = exc.ctx
    if ctx is None:
        return _("Error: %(message)s") % {"message": message}
    hint = ""
    if ctx.command.get_help_option(ctx) is not None:
        hint = _("Try '%(command)s %(option)s' for help.") % {
            "command": ctx.command_path,
            "option": ctx.help_option_names[0],
        }
        hint += "\n"
    return f"{ctx.get_usage()}\n{hint}\n" + _("Error: %(message)s") % {"message": message}
