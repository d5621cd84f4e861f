"""Channels: one template folder each, described by a small metadata header.

A new channel is a new folder with `template.md.j2` whose first lines are

    {#- mkbcopy
    formats: [txt]
    medium: social
    limit: 1000
    -#}

so marketers add channels without touching Python.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Literal

import pydantic
import yaml
from pydantic import Field

from mkbcopy.bundle import bundled_path
from mkbcopy.errors import InputError, TemplateError, UsageError
from mkbcopy.i18n import _
from mkbcopy.research.text import Slug, Strict
from mkbcopy.research.yamlfile import BoundedLoader, error_message

TEMPLATE_FILE = "template.md.j2"
FORMATS = ("docx", "txt", "md", "html", "eml", "pdf")
PAPER_SIZES = ("a4", "a5")
_HEADER = re.compile(r"\A\{#-?\s*mkbcopy[ \t]*\n(.*?)-?#\}", re.DOTALL)


class ChannelMeta(Strict):
    """What a channel's header says about it."""

    name: Slug
    label: str = ""
    formats: list[Literal["docx", "txt", "md", "html", "eml", "pdf"]] = Field(min_length=1)
    # utm_medium of the links; "email" also makes the eml format available.
    medium: Slug = "social"
    limit: int | None = Field(default=None, gt=0)
    counting: Literal["chars", "x"] = "chars"
    hashtags: int | None = Field(default=None, ge=0)
    subject_limit: int | None = Field(default=None, gt=0)
    # Budgets: at most this many words in the body; a brief fact within the first
    # `fold` characters (where a feed cuts the post off behind "...meer").
    words: int | None = Field(default=None, gt=0)
    fold: int | None = Field(default=None, gt=0)
    # False: a short channel leaves out what the brief lacks instead of a placeholder.
    placeholders: bool = True
    # Word and PDF: `flyer` lays the draft out on exactly one page of `paper`.
    layout: Literal["document", "flyer"] = "document"
    paper: Literal["a4", "a5"] = "a4"
    path: str = ""

    @property
    def template(self) -> str:
        return f"{self.name}/{TEMPLATE_FILE}"


def builtin_templates_dir() -> Path:
    return bundled_path("campaign_templates")


def template_dirs(user_dir: Path | None) -> list[Path]:
    """The search path: the user's folder first, then the built-ins."""
    if user_dir is None:
        return [builtin_templates_dir()]
    if not user_dir.is_dir():  # else a typo would silently mean "built-ins only"
        raise InputError(_("templates folder not found"), path=user_dir)
    refuse_links(user_dir)
    return [user_dir, builtin_templates_dir()]


def refuse_links(folder: Path) -> None:
    """Template folders get shared: a symbolic link in one could make a run read (and
    `templates check` print) a file from anywhere, so every file must be in the folder."""
    for root, dirs, files in os.walk(folder):  # never descends into a linked folder
        dirs[:] = [d for d in dirs if not d.startswith(".") or Path(root, d).is_symlink()]
        for name in sorted([*dirs, *files]):
            path = Path(root, name)
            if path.is_symlink() and not name.startswith("."):
                raise TemplateError(
                    _(
                        "is a symbolic link; a templates folder may hold only real files and "
                        "folders: copy the file in instead"
                    ),
                    path=path,
                )


def parse_header(source: str, path: Path) -> dict[str, object]:
    match = _HEADER.match(source)
    if not match:
        raise TemplateError(
            _("has no metadata header; start the file with '{#- mkbcopy' ... '-#}'"),
            path=path,
            line=1,
        )
    try:
        data = yaml.load(match.group(1), Loader=BoundedLoader) or {}  # safe, and bounded
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None)
        message = _("metadata header is not valid YAML")
        if problem:
            message += f": {problem}"
        raise TemplateError(message, path=path, line=line) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise TemplateError(
            _("metadata header: %(problem)s") % {"problem": exc}, path=path, line=1
        ) from None
    if not isinstance(data, dict):
        raise TemplateError(_("metadata header must be 'key: value' lines"), path=path, line=1)
    return data


def load_channel(name: str, user_dir: Path | None = None) -> ChannelMeta:
    for folder in template_dirs(user_dir):
        path = folder / name / TEMPLATE_FILE
        if path.is_file():
            meta, problems = read_channel(path)
            if problems:
                raise problems[0]
            assert meta is not None
            return meta
    raise UsageError(  # a name the user typed (-c): wrong usage, exit 2
        _("unknown channel '%(name)s' (known: %(known)s)")
        % {"name": name, "known": ", ".join(channel_names(user_dir))}
    )


def read_channel(path: Path) -> tuple[ChannelMeta | None, list[TemplateError]]:
    """A channel's metadata, or every problem its header has (for `templates check`)."""
    name = path.parent.name
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = _("cannot read the template: %(reason)s") % {"reason": exc}
        return None, [TemplateError(message, path=path)]
    try:
        data = parse_header(source, path)
    except TemplateError as exc:
        return None, [exc]
    if data.setdefault("name", name) != name:
        line = _header_line(source, "name")
        problem = _("metadata header: name: '%(value)s' must be the folder name '%(name)s'") % {
            "value": data["name"],
            "name": name,
        }
        return None, [TemplateError(problem, path=path, line=line)]
    data["path"] = str(path)
    try:
        return ChannelMeta.model_validate(data), []
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            line = _header_line(source, str(err["loc"][0])) if err["loc"] else 1
            message = error_message(err)
            if err["type"] == "extra_forbidden":
                close = difflib.get_close_matches(str(err["loc"][-1]), _HEADER_KEYS, n=1)
                known = {"keys": ", ".join(_HEADER_KEYS)}
                message = (
                    _("unknown key; did you mean '%(close)s'? (known: %(keys)s)")
                    % {**known, "close": close[0]}
                    if close
                    else _("unknown key (known: %(keys)s)") % known
                )
            problems.append(
                TemplateError(
                    _("metadata header: %(problem)s") % {"problem": f"{key}: {message}"},
                    path=path,
                    line=line,
                )
            )
        return None, problems


_HEADER_KEYS = [k for k in ChannelMeta.model_fields if k != "path"]


def _header_line(source: str, key: str) -> int:
    """Line of `key:` in the header, so a bad value is reported where it stands."""
    match = _HEADER.match(source)
    if match:
        for number, line in enumerate(source[: match.end()].splitlines(), start=1):
            if re.match(rf"\s*{re.escape(key)}\s*:", line):
                return number
    return 1


def channel_names(user_dir: Path | None = None) -> list[str]:
    """Every channel folder, built-in order first, then user-added ones by name."""
    order = ["flyer", "email", "linkedin", "instagram", "facebook", "x"]
    found: set[str] = set()
    for folder in template_dirs(user_dir):
        if folder.is_dir():
            found.update(
                p.parent.name
                for p in folder.glob(f"*/{TEMPLATE_FILE}")
                if not p.parent.name.startswith("_")
            )
    return [n for n in order if n in found] + sorted(found - set(order))


def load_channels(user_dir: Path | None = None) -> list[ChannelMeta]:
    return [load_channel(name, user_dir) for name in channel_names(user_dir)]


def template_files(user_dir: Path | None = None) -> dict[str, Path]:
    """Every file the templates are made of, user folder first: relative name -> path."""
    found: dict[str, Path] = {}
    for folder in template_dirs(user_dir):
        if not folder.is_dir():
            continue
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            hidden = any(part.startswith(".") or part == "__pycache__" for part in rel.split("/"))
            inside = path.resolve().is_relative_to(root)  # as the loader: no symlinks out
            if path.is_file() and inside and not hidden and rel != "README.md":
                found.setdefault(rel, path)
    return found


def is_builtin(path: Path) -> bool:
    return path.resolve().is_relative_to(builtin_templates_dir().resolve())
