"""Template folders: check one before a campaign depends on it, describe it, start one.

`check_templates` reports every problem it can find, not only the first: each
template is parsed on its own, names are checked without rendering, and then
every channel is rendered for every persona and subgroup, once with the example
brief and once with a brief that lacks every optional part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2
import pydantic
from jinja2 import meta, nodes

from mkbcopy.compose.channels import (
    TEMPLATE_FILE,
    ChannelMeta,
    builtin_templates_dir,
    channel_names,
    is_builtin,
    read_channel,
    template_dirs,
    template_files,
)
from mkbcopy.compose.context import CONTEXT_NAMES, Recorder, build_context
from mkbcopy.compose.copydeck import PersonaCopy, check_copydeck
from mkbcopy.compose.optout import MARKERS, require_footer
from mkbcopy.compose.rendering import render_draft
from mkbcopy.compose.sandbox import KEPT_GLOBALS, TOO_LONG, names_of
from mkbcopy.compose.templatewords import MSG_FIELDS, syntax_problem
from mkbcopy.compose.templating import make_environment, unknown_name_message
from mkbcopy.errors import MkbcopyError, OutputError, TemplateError, UsageError
from mkbcopy.i18n import N_, _, ngettext
from mkbcopy.research.brief import Brief, Facts, load_brief
from mkbcopy.research.personas import Persona, Research, Subgroup
from mkbcopy.writers.folder import atomic_write

# The macros in _shared/macros.j2 that put persona research into the copy.
# The copy a template draws on: composed names first, then the shared macros.
COPY_BLOCKS = ("hook", "opening", "offer", "points", "lead", "motivators", "drempels")
BLOCK_MACROS = ("fact_bullets", "intro", "motivator", "motivator_line", "drempel", "facts")
README = "templates-readme.md"
_BARE = N_("with a brief that has no event, phone, brand or facts")


# The channel batch writes each segment's email with.
BATCH_CHANNEL = "email"
MSG_BATCH_REFUSES = N_("batch will refuse this template: %(problem)s")

_SEVERITY = {"error": N_("error"), "warning": N_("warning")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template folder, printable as one line."""

    path: str
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"
    source: str | None = None  # the offending line, when there is one

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {_(_SEVERITY[self.severity])}: {' '.join(self.message.split())}"
        source = " ".join((self.source or "").split())
        return f"{text} | {source}" if source else text


@dataclass
class ChannelInfo:
    """A channel as `templates list` shows it."""

    name: str
    path: Path
    builtin: bool
    meta: ChannelMeta | None
    blocks: list[str] = field(default_factory=list)
    problem: str | None = None


def check_templates(
    user_dir: Path | None = None,
    *,
    research: Research,
    brief: Brief | None = None,
) -> list[Problem]:
    """Every problem in the effective templates (user folder over built-ins)."""
    brief = brief or load_brief()
    found = _Found()
    files = template_files(user_dir)
    env = make_environment(user_dir)
    trees = _parse_all(env, files, found)
    metas = _check_headers(user_dir, files, found)
    deck = _check_copy(research, user_dir, found)
    sample = _sample_context(brief, research, deck)
    for rel, tree in trees.items():
        _check_names(tree, files[rel], sample, found)
    parsed_channels = [m for m in metas if m.template in trees]
    stopped: set[str] = set()  # out of time once: the same budget would stop every render
    for label, data in ((None, brief), (_(_BARE), _bare(brief))):
        for channel in parsed_channels:
            for persona, subgroup in _targets(research, deck):
                if channel.name in stopped:
                    break
                before = len(found.problems)
                _render(data, persona, subgroup, channel, deck[persona.id], user_dir, label, found)
                if any(_(TOO_LONG) in p.message for p in found.problems[before:]):
                    stopped.add(channel.name)
    targets = _targets(research, deck)
    for channel in parsed_channels:
        if channel.name == BATCH_CHANNEL and targets:
            _check_opt_out(brief, *targets[0], channel, deck, user_dir, found)
    return sorted(found.problems, key=lambda p: (p.path, p.line or 0))


def renders_per_check(user_dir: Path | None, research: Research) -> int:
    """How many drafts `check_templates` renders, for its summary line."""
    targets = sum(1 + len(p.subgroups) for p in research.personas)
    return 2 * targets * len(channel_names(user_dir))


def describe_channels(user_dir: Path | None = None) -> list[ChannelInfo]:
    """Each channel with its metadata, where it comes from and the persona blocks it uses."""
    env = make_environment(user_dir)
    infos: list[ChannelInfo] = []
    for name in channel_names(user_dir):
        path = next(
            d / name / TEMPLATE_FILE
            for d in template_dirs(user_dir)
            if (d / name / TEMPLATE_FILE).is_file()
        )
        channel, problems = read_channel(path)
        info = ChannelInfo(name=name, path=path, builtin=is_builtin(path), meta=channel)
        if problems:
            info.problem = problems[0].message
        try:
            info.blocks = blocks_used(env, f"{name}/{TEMPLATE_FILE}")
        except jinja2.TemplateSyntaxError as exc:
            line, message = _syntax(env, exc, path)
            info.problem = info.problem or _("syntax error on line %(line)s: %(problem)s") % {
                "line": line,
                "problem": message,
            }
        except (jinja2.TemplateError, OSError, UnicodeDecodeError) as exc:
            info.problem = info.problem or _("cannot read: %(reason)s") % {"reason": exc}
        infos.append(info)
    return infos


def blocks_used(env: jinja2.Environment, name: str) -> list[str]:
    """The composed copy and the persona-block macros a template uses, in a fixed order."""
    source, _, _ = env.loader.get_source(env, name) if env.loader else ("", None, None)
    tree = env.parse(source)
    used = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    for call in tree.find_all(nodes.Call):
        callee = call.node
        if isinstance(callee, nodes.Getattr):
            used.add(callee.attr)
        elif isinstance(callee, nodes.Name):
            used.add(callee.name)
    return [b for b in (*COPY_BLOCKS, *BLOCK_MACROS) if b in used]


@dataclass(frozen=True)
class TemplateSource:
    """Which file a template name resolves to, and whether the user's folder supplies it."""

    name: str  # relative, e.g. "email/template.md.j2"
    path: Path
    builtin: bool
    overrides_builtin: bool


def find_template(name: str, user_dir: Path | None = None) -> TemplateSource:
    """A channel name (`email`) or a file (`_shared/macros.j2`) as the run would use it."""
    files = template_files(user_dir)
    rel = name if name in files else f"{name.strip('/')}/{TEMPLATE_FILE}"
    if rel not in files:
        known = [*channel_names(user_dir), *(f for f in files if f.startswith("_"))]
        raise UsageError(
            _("no template '%(name)s' (known: %(known)s)")
            % {"name": name, "known": ", ".join(known)}
        )
    path = files[rel]
    builtin = is_builtin(path)
    overrides = not builtin and (builtin_templates_dir() / rel).is_file()
    return TemplateSource(rel, path, builtin, overrides)


def init_templates(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy the built-in templates and a how-to README into `folder`; never clobber silently."""
    targets = {folder / rel: source for rel, source in template_files(None).items()}
    targets[folder / "README.md"] = Path(str(resources.files("mkbcopy") / "data" / README))
    root = folder.resolve()
    for target in targets:  # a sub-folder that is a symbolic link out of DIR
        if not target.parent.resolve().is_relative_to(root):
            rel = target.relative_to(folder)
            raise OutputError(
                _("'%(file)s' would be written outside the folder") % {"file": rel}, path=folder
            )
    existing = [t for t in targets if t.exists() or t.is_symlink()]
    if existing and not force:
        names = ", ".join(str(t.relative_to(folder)) for t in existing[:3])
        more = _(" and %(count)s more") % {"count": len(existing) - 3} if len(existing) > 3 else ""
        raise OutputError(
            ngettext(
                "%(count)s file exists already (%(names)s); use --force to overwrite",
                "%(count)s files exist already (%(names)s); use --force to overwrite",
                len(existing),
            )
            % {"count": len(existing), "names": names + more},
            path=folder,
        )
    for target, source in targets.items():
        atomic_write(target, source.read_bytes())
    return sorted(targets)


class _Found:
    """Problems in the order found, each reported once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._seen: set[tuple[str, int | None, str]] = set()

    def add(
        self,
        path: Path | str | None,
        line: int | None,
        message: str,
        severity: Literal["error", "warning"] = "error",
    ) -> None:
        shown = str(path) if path else _("(templates)")
        # one finding per mistake: renders for other personas list other fields
        fields = _(MSG_FIELDS).split("{names}")[0]
        key = (shown, line, message.removesuffix(f" ({_(_BARE)})").split(fields)[0])
        if key in self._seen:
            return
        self._seen.add(key)
        self.problems.append(Problem(shown, line, message, severity, _source_line(path, line)))

    def error(self, exc: MkbcopyError, severity: Literal["error", "warning"] = "error") -> None:
        message = f"{exc.key}: {exc.message}" if exc.key else exc.message
        self.add(exc.path, exc.line, message, severity)


def _source_line(path: Path | str | None, line: int | None) -> str | None:
    if not path or not line:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[line - 1] if 0 < line <= len(lines) else None


def _parse_all(
    env: jinja2.Environment, files: dict[str, Path], found: _Found
) -> dict[str, nodes.Template]:
    trees: dict[str, nodes.Template] = {}
    for rel, path in files.items():
        if not rel.endswith(".j2"):
            continue
        try:
            source = path.read_text(encoding="utf-8")
            trees[rel] = env.parse(source, rel, str(path))
            env.compile(trees[rel], rel, str(path))  # unknown filters and tests show here
        except jinja2.TemplateSyntaxError as exc:
            trees.pop(rel, None)
            line, message = _syntax(env, exc, path)
            found.add(path, line, _("syntax error: %(problem)s") % {"problem": message})
        except (OSError, UnicodeDecodeError) as exc:
            found.add(path, None, _("cannot read the template: %(reason)s") % {"reason": exc})
    return trees


def _syntax(
    env: jinja2.Environment, exc: jinja2.TemplateSyntaxError, path: Path
) -> tuple[int | None, str]:
    """The line a syntax error is really on, and the mistake in plain words."""
    try:
        source = exc.source or path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        source = None
    return syntax_problem(
        str(exc.message), exc.lineno, source, filters=env.filters, tests=env.tests
    )


def _check_headers(
    user_dir: Path | None, files: dict[str, Path], found: _Found
) -> list[ChannelMeta]:
    metas: list[ChannelMeta] = []
    for name in channel_names(user_dir):
        channel, problems = read_channel(files[f"{name}/{TEMPLATE_FILE}"])
        for problem in problems:
            found.error(problem)
        if channel is not None:
            metas.append(channel)
    if user_dir is not None and user_dir.is_dir():
        for folder in sorted(user_dir.iterdir()):
            channel_like = folder.is_dir() and not folder.name.startswith(("_", "."))
            if channel_like and not (folder / TEMPLATE_FILE).is_file():
                message = _("has no %(file)s, so it is not a channel") % {"file": TEMPLATE_FILE}
                found.add(folder, None, message, "warning")
    return metas


def _check_copy(research: Research, user_dir: Path | None, found: _Found) -> dict[str, PersonaCopy]:
    try:
        deck, errors, unknown = check_copydeck(research, user_dir)
    except MkbcopyError as exc:
        found.error(exc)
        return {}
    for error in errors:
        found.error(error)
    for warning in unknown:
        found.error(warning, "warning")
    return deck


def _complete(persona: Persona, deck: dict[str, PersonaCopy]) -> bool:
    entry = deck.get(persona.id)
    return (
        entry is not None
        and all(m.id in entry.motivators for m in persona.motivators)
        and all(d.id in entry.drempels for d in persona.drempels)
    )


def _targets(
    research: Research, deck: dict[str, PersonaCopy]
) -> list[tuple[Persona, Subgroup | None]]:
    return [
        (persona, subgroup)
        for persona in research.personas
        if _complete(persona, deck)
        for subgroup in (None, *persona.subgroups)
    ]


def _sample_context(
    brief: Brief, research: Research, deck: dict[str, PersonaCopy]
) -> dict[str, Any]:
    """Real values for each context name, to check attribute names against."""
    targets = _targets(research, deck)
    if not targets:  # the user's deck is broken (and reported): names come from the built-in one
        deck = check_copydeck(research, None)[0]
        targets = _targets(research, deck)
    with_subgroup = [(p, s) for p, s in targets if s is not None] or targets
    if not with_subgroup:
        return {}
    persona, subgroup = with_subgroup[0]
    channel = ChannelMeta(name="sample", formats=["txt"])
    context = build_context(
        brief, persona, subgroup, channel, deck[persona.id], Recorder(brief), first_name="Sam"
    )
    return context


def _check_names(tree: nodes.Template, path: Path, sample: dict[str, Any], found: _Found) -> None:
    """Unknown variables and attributes, all of them, without rendering."""
    known = {*CONTEXT_NAMES, *KEPT_GLOBALS}
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | {
        m.name for m in tree.find_all(nodes.Macro)
    }
    undeclared = meta.find_undeclared_variables(tree)
    for name in sorted(undeclared - known, key=lambda n: _first_line(tree, n)):
        found.add(path, _first_line(tree, name), unknown_name_message(name, CONTEXT_NAMES))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        base = node.node
        attr = node.attr if isinstance(node, nodes.Getattr) else _const_key(node)
        if not isinstance(base, nodes.Name) or attr is None or base.name in assigned:
            continue
        value = sample.get(base.name)
        if value is None or base.name not in undeclared:
            continue
        if attr in names_of(value) or (not isinstance(value, dict) and hasattr(value, attr)):
            continue
        if isinstance(value, dict) and hasattr(dict, attr):
            continue
        if not isinstance(value, dict | pydantic.BaseModel):
            continue
        found.add(path, node.lineno, _attribute_message(value, attr))


def _const_key(node: nodes.Getitem) -> str | None:
    arg = node.arg
    return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None


def _attribute_message(value: Any, attr: str) -> str:
    """The same words the sandbox's Undefined uses, so both findings merge into one."""
    undefined = make_environment(None).undefined(obj=value, name=attr)
    return str(undefined._undefined_message)


def _first_line(tree: nodes.Template, name: str) -> int:
    lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines, default=1)


def _check_opt_out(
    brief: Brief,
    persona: Persona,
    subgroup: Subgroup | None,
    channel: ChannelMeta,
    deck: dict[str, PersonaCopy],
    user_dir: Path | None,
    found: _Found,
) -> None:
    """The email template batch uses: warn now if batch would refuse it for its opt-out."""
    try:
        draft = render_draft(
            brief,
            persona,
            channel,
            deck[persona.id],
            subgroup=subgroup,
            user_dir=user_dir,
            footer=MARKERS,
        )
    except MkbcopyError:
        return  # the render's own problem is reported with the renders above
    try:
        require_footer(draft)
    except TemplateError as exc:
        found.add(channel.path, None, _(MSG_BATCH_REFUSES) % {"problem": exc.message}, "warning")


def _bare(brief: Brief) -> Brief:
    """The example brief without every optional part: what a template must survive."""
    return brief.model_copy(
        update={
            "facts": Facts(),
            "event": None,
            "brand": None,
            "contact": brief.contact.model_copy(update={"phone": None}),
        }
    )


def _render(
    brief: Brief,
    persona: Persona,
    subgroup: Subgroup | None,
    channel: ChannelMeta,
    copy: PersonaCopy,
    user_dir: Path | None,
    label: str | None,
    found: _Found,
) -> None:
    try:
        draft = render_draft(brief, persona, channel, copy, subgroup=subgroup, user_dir=user_dir)
    except MkbcopyError as exc:
        message = f"{exc.message} ({label})" if label else exc.message
        found.add(exc.path or channel.path, exc.line, message)
        return
    if label is None:  # limits are measured on the example brief, with every fact
        for warning in draft.warnings:
            found.add(channel.path, None, f"{draft.slug}: {warning.render()}")
