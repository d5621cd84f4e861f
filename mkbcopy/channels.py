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

import re
from pathlib import Path
from typing import Literal

import pydantic
import yaml
from pydantic import Field

from mkbcopy.bundle import bundled_path
from mkbcopy.errors import TemplateError
from mkbcopy.text import Slug, Strict

TEMPLATE_FILE = "template.md.j2"
FORMATS = ("docx", "txt", "md", "html", "eml")
_HEADER = re.compile(r"\A\{#-?\s*mkbcopy[ \t]*\n(.*?)-?#\}", re.DOTALL)


class ChannelMeta(Strict):
    """What a channel's header says about it."""

    name: Slug
    label: str = ""
    formats: list[Literal["docx", "txt", "md", "html", "eml"]] = Field(min_length=1)
    medium: Literal["email", "social", "print"] = "social"
    limit: int | None = Field(default=None, gt=0)
    counting: Literal["chars", "x"] = "chars"
    hashtags: int | None = Field(default=None, ge=0)
    subject_limit: int | None = Field(default=None, gt=0)
    path: str = ""

    @property
    def template(self) -> str:
        return f"{self.name}/{TEMPLATE_FILE}"


def builtin_templates_dir() -> Path:
    return bundled_path("campaign_templates")


def template_dirs(user_dir: Path | None) -> list[Path]:
    """The search path: the user's folder first, then the built-ins."""
    return [user_dir, builtin_templates_dir()] if user_dir else [builtin_templates_dir()]


def parse_header(source: str, path: Path) -> dict[str, object]:
    match = _HEADER.match(source)
    if not match:
        raise TemplateError(
            "has no metadata header; start the file with '{#- mkbcopy' ... '-#}'", path=path, line=1
        )
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise TemplateError("metadata header is not valid YAML", path=path, line=line) from None
    if not isinstance(data, dict):
        raise TemplateError("metadata header must be 'key: value' lines", path=path, line=1)
    return data


def load_channel(name: str, user_dir: Path | None = None) -> ChannelMeta:
    for folder in template_dirs(user_dir):
        path = folder / name / TEMPLATE_FILE
        if path.is_file():
            data = parse_header(path.read_text(encoding="utf-8"), path)
            data.setdefault("name", name)
            data["path"] = str(path)
            try:
                return ChannelMeta.model_validate(data)
            except pydantic.ValidationError as exc:
                err = exc.errors()[0]
                key = ".".join(str(p) for p in err["loc"])
                raise TemplateError(
                    f"metadata header: {key}: {err['msg']}", path=path, line=1
                ) from None
    raise TemplateError(f"unknown channel '{name}' (known: {', '.join(channel_names(user_dir))})")


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
