"""Safe YAML reading that remembers where every value stood.

PyYAML's safe_load forgets line numbers, keeps the last of two duplicate keys
silently and expands alias bombs; users edit these files by hand, so we build
the Python values from the node tree ourselves and keep a line per key path.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pydantic
import yaml

from mkbcopy.errors import InputError, MkbcopyError, ValidationError, problems
from mkbcopy.i18n import N_, _, ngettext
from mkbcopy.research.yamlhints import explain, traps
from mkbcopy.suggest import did_you_mean

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 20_000  # personas.yaml has 839
MAX_DEPTH = 50
MAX_NUMBER = 100  # characters in a number

Key = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


@dataclass
class YamlDoc:
    """Parsed data plus the line (1-based) of every key path in it."""

    path: Path
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    # Plain values cut short by a `#` that YAML read as a comment (`colour: #0B5FA5`).
    cut_by_hash: list[Key] = field(default_factory=list)
    text: str = ""

    def line_of(self, key: Sequence[str | int]) -> int | None:
        """Line of `key`, or of its nearest parent that exists."""
        parts = tuple(key)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), None)


def format_key(key: Sequence[str | int]) -> str:
    """`('personas', 1, 'title')` -> `personas[1].title`."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_text(path: Path, *, what: str, max_bytes: int = MAX_BYTES) -> str:
    """Read a user's text file as UTF-8 (BOM allowed) with one-line errors.

    `what` names the file ('brief'): an N_() text, said in the user's language.
    """
    what = _(what)
    try:
        with path.open("rb") as handle:  # a pipe or device has no size: read limit + 1
            raw = handle.read(max_bytes + 1)
        if len(raw) > max_bytes:
            size = path.stat().st_size
            shown = f"{size / 1_048_576:.1f} MB" if size > max_bytes else _("more")
            raise InputError(
                _("%(what)s is %(size)s; the limit is %(limit).0f MB")
                % {"what": what, "size": shown, "limit": max_bytes / 1_048_576},
                path=path,
            )
    except FileNotFoundError:
        raise InputError(_("%(what)s not found") % {"what": what}, path=path) from None
    except IsADirectoryError:
        raise InputError(
            _("%(what)s is a folder, not a file") % {"what": what}, path=path
        ) from None
    except OSError as exc:
        raise InputError(
            _("cannot read %(what)s: %(reason)s") % {"what": what, "reason": exc.strerror},
            path=path,
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            _("is not UTF-8 text; save it as UTF-8 and try again"), path=path, line=line
        ) from None


def load_yaml(path: Path, *, what: str = N_("YAML file"), text: str | None = None) -> YamlDoc:
    """Parse `path` (or `text`, reported as `path`) into a YamlDoc."""
    if text is None:
        text = read_text(path, what=what)
    try:
        node = _compose(text)
    except _TooBig as exc:
        raise InputError(exc.message, path=path, line=exc.line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML cannot hold
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else 0
        raise InputError(
            _("contains the control character U+%(code)s, which YAML cannot hold; remove it")
            % {"code": f"{char:04X}"},
            path=path,
            line=line,
        ) from None
    except RecursionError:  # the limits above should make this unreachable
        raise InputError(_too_deep(), path=path) from None
    except yaml.MarkedYAMLError as exc:
        lines = text.splitlines()
        where, problem = explain(exc, lines)
        found = {where: problem}  # PyYAML stops at the first; the other traps too, by line
        for at, hint in traps(lines):
            found.setdefault(at, hint)
        raise problems(
            [
                InputError(_("invalid YAML: %(problem)s") % {"problem": hint}, path=path, line=at)
                for at, hint in sorted(found.items(), key=lambda item: item[0] or 0)
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            _("invalid YAML: %(problem)s") % {"problem": " ".join(str(exc).split())}, path=path
        ) from None
    doc = YamlDoc(path=path, data=None, text=text)
    if node is None:
        return doc
    counter = [0]
    doc.data = _build(node, (), doc, counter)
    return doc


class _TooBig(yaml.MarkedYAMLError):
    """Over a limit; a MarkedYAMLError, so that callers of BoundedLoader get its line."""

    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.message = message
        self.line = mark.line + 1


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that stops at MAX_NODES values or MAX_DEPTH levels while composing.

    PyYAML composes every node before we see one: a 5 MB brief of `[1,1,1,...]`
    took 40 seconds and 1.6 GB, and deep nesting overflowed the stack.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        self._depth += 1
        try:
            if self._nodes > MAX_NODES or self._depth > MAX_DEPTH:
                event: Any = self.peek_event()  # type: ignore[no-untyped-call]
                message = _too_many() if self._nodes > MAX_NODES else _too_deep()
                raise _TooBig(message, event.start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag in (_INT, _FLOAT)
            and len(node.value) > MAX_NUMBER  # int('9' * 10**6) and 1:0:0:... would hang
        ):
            message = _("a number of %(count)s characters is too long; put text in quotes") % {
                "count": len(node.value)
            }
            raise _TooBig(message, node.start_mark)
        return node


def _compose(text: str) -> yaml.Node | None:
    loader = BoundedLoader(text)  # checks the characters first
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _too_many() -> str:
    return _("has more than %(limit)s values (alias expansion?); refusing to read it") % {
        "limit": MAX_NODES
    }


def _too_deep() -> str:
    return _("values are nested too deeply (more than %(limit)s levels)") % {"limit": MAX_DEPTH}


def _build(node: yaml.Node, key: Key, doc: YamlDoc, counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise InputError(_too_many(), path=doc.path)
    line = node.start_mark.line + 1
    doc.lines.setdefault(key, line)
    if len(key) > MAX_DEPTH:
        raise InputError(_too_deep(), path=doc.path, line=line)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _bad_tag(node, key, doc)
        result: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                raise InputError(
                    _("merge keys (<<) are not supported"),
                    path=doc.path,
                    line=knode.start_mark.line + 1,
                )
            if not isinstance(knode, yaml.ScalarNode):
                raise ValidationError(
                    _("a key must be plain text"),
                    path=doc.path,
                    line=knode.start_mark.line + 1,
                    key=format_key(key) or None,
                )
            name = _scalar(knode, key, doc)
            name = str(name) if not isinstance(name, str) else name
            if name in result:
                raise ValidationError(
                    _("duplicate key '%(key)s' (first at line %(line)s)")
                    % {"key": name, "line": doc.lines[(*key, name)]},
                    path=doc.path,
                    line=knode.start_mark.line + 1,
                    key=format_key(key) or None,
                )
            doc.lines[(*key, name)] = knode.start_mark.line + 1
            result[name] = _build(vnode, (*key, name), doc, counter)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _bad_tag(node, key, doc)
        return [_build(item, (*key, i), doc, counter) for i, item in enumerate(node.value)]
    return _scalar(node, key, doc)


_HASH_VALUE = re.compile(r"[ \t]+#[^\s#]")  # `#0B5FA5`, `#1`: a value; `# note`: a comment


def _scalar(node: yaml.Node, key: Key, doc: YamlDoc) -> Any:
    if node.tag not in _SCALAR_TAGS:
        raise _bad_tag(node, key, doc)
    # Matched in place: slicing the rest of the line per value was quadratic on one long line.
    if (
        isinstance(node, yaml.ScalarNode)
        and node.style is None
        and _HASH_VALUE.match(doc.text, node.end_mark.index)
    ):
        doc.cut_by_hash.append(key)
    if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        # Dates stay text: the brief shows them as the user wrote them.
        return str(node.value)
    return _CONSTRUCTOR.construct_object(node, deep=True)  # BoundedLoader checked its size


def _bad_tag(node: yaml.Node, key: Key, doc: YamlDoc) -> InputError:
    return InputError(
        _("the tag %(tag)s is not allowed; write plain values") % {"tag": node.tag},
        path=doc.path,
        line=node.start_mark.line + 1,
        key=format_key(key) or None,
    )


M = TypeVar("M", bound=pydantic.BaseModel)


def validate(doc: YamlDoc, model: type[M]) -> M:
    """Validate `doc` as `model`; report every problem at once, each with line and key."""
    found: list[MkbcopyError] = [
        ValidationError(
            _("a # starts a comment, so the text from it was left out; put the text in quotes"),
            path=doc.path,
            line=doc.line_of(key),
            key=format_key(key) or None,
        )
        for key in doc.cut_by_hash
    ]
    try:
        result = model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        found += _each(doc, exc, model)
        found.sort(key=lambda e: e.line or 0)
    if found:
        raise problems(found)
    return result


def _each(
    doc: YamlDoc, exc: pydantic.ValidationError, model: type[pydantic.BaseModel] | None
) -> list[MkbcopyError]:
    found: list[MkbcopyError] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        message = _message(err)
        if err["type"] == "extra_forbidden" and model is not None and loc:
            allowed = _keys_at(model, loc[:-1])
            guess = did_you_mean(str(loc[-1]), allowed)
            if guess:
                message += _("; did you mean '%(key)s'?") % {"key": guess}
            elif allowed:
                message += _(" (allowed here: %(keys)s)") % {"keys": ", ".join(allowed)}
        found.append(
            ValidationError(
                message, path=doc.path, line=doc.line_of(loc), key=format_key(loc) or None
            )
        )
    return found


def _keys_at(model: type[pydantic.BaseModel], loc: Key) -> list[str]:
    """The keys `model` allows at `loc`, following nested models and lists."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            current = next((typing.get_args(t)[0] for t in _options(current) if _is_list(t)), None)
            continue
        inner = _model_in(current)
        if inner is None or part not in inner.model_fields:
            return []
        current = inner.model_fields[part].annotation
    inner = _model_in(current)
    return list(inner.model_fields) if inner is not None else []


def _options(annotation: Any) -> list[Any]:
    """`Facts | None` -> [Facts, None]; Annotated[...] unwrapped."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _options(arg)]
    if origin is typing.Annotated:
        return _options(typing.get_args(annotation)[0])
    return [annotation]


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list and bool(typing.get_args(annotation))


def _model_in(annotation: Any) -> type[pydantic.BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, pydantic.BaseModel):
            return option
    return None


# What pydantic expected and what it got, in words a marketer uses (N_: said later).
_EXPECTED = {
    "string_type": N_("must be text, not %(got)s"),
    "int_type": N_("must be a whole number, not %(got)s"),
    "float_type": N_("must be a number, not %(got)s"),
    "bool_type": N_("must be true or false, not %(got)s"),
    "list_type": N_("must be a list, not %(got)s"),
    "dict_type": N_("must be a mapping of keys, not %(got)s"),
    "model_type": N_("must be a mapping of keys, not %(got)s"),
}
_NAMES = {
    "str": N_("text"),
    "int": N_("a number"),
    "float": N_("a number"),
    "bool": N_("true/false"),
    "list": N_("a list"),
    "dict": N_("a mapping"),
    "NoneType": N_("empty"),
}


def error_message(err: Any) -> str:
    """One pydantic error as a short phrase, for callers that report every error."""
    return _message(err)


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return _("unknown key")
    if kind == "missing":
        return _("is required but missing")
    expected = _EXPECTED.get(kind)
    if expected:
        got = type(err.get("input")).__name__
        hint = _(" (put it in quotes)") if kind == "string_type" and got in ("int", "float") else ""
        return _(expected) % {"got": _(_NAMES[got]) if got in _NAMES else got} + hint
    if kind == "too_short":
        limit = (err.get("ctx") or {}).get("min_length", 0)
        return ngettext(
            "needs at least %(limit)s item", "needs at least %(limit)s items", limit
        ) % {"limit": limit}
    if kind == "too_long":
        limit = (err.get("ctx") or {}).get("max_length", 0)
        return ngettext(
            "may hold at most %(limit)s item", "may hold at most %(limit)s items", limit
        ) % {"limit": limit}
    bound = _BOUNDS.get(kind)
    if bound is not None:
        message, field = bound
        return _(message) % {"limit": (err.get("ctx") or {}).get(field, "?")}
    if kind == "literal_error":
        expected = str((err.get("ctx") or {}).get("expected", "?"))  # "'a', 'b' or 'c'"
        return _("must be one of %(choices)s") % {"choices": expected.replace(" or ", ", ")}
    # A validator's own message (Value error, ...) is said in the user's language already;
    # pydantic's other words stay English.
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


# Limits a model sets (Field(ge=...), min_length) and the ctx key pydantic names them by.
_BOUNDS = {
    "greater_than": (N_("must be more than %(limit)s"), "gt"),
    "greater_than_equal": (N_("must be at least %(limit)s"), "ge"),
    "less_than": (N_("must be less than %(limit)s"), "lt"),
    "less_than_equal": (N_("must be at most %(limit)s"), "le"),
}
