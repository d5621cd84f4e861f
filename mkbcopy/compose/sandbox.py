"""The template sandbox: what a marketer's template may do, and nothing more.

Template folders get shared and copied, so a template is untrusted input.
Jinja2's ImmutableSandboxedEnvironment already blocks `_private` attributes and
Python internals; this closes what it leaves open: pydantic's file-reading
class methods (`persona.parse_file(...)`), symlinks out of the template folder,
and values, loops or output so large that they hang the run.
"""

from __future__ import annotations

import hashlib
import os
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import pydantic
from jinja2 import filters as jf
from jinja2 import nodes
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from jinja2.visitor import NodeTransformer

from mkbcopy.compose.templatewords import field_message, macro_message
from mkbcopy.i18n import N_, _
from mkbcopy.usercache import private_folder

MAX_STEPS = 250_000  # loop iterations plus calls, per render
# Wall-clock time per render: steps alone let a loop whose every step is slow (growing a
# list, sorting, wrapping) run for minutes. Checked at every step and output.
MAX_SECONDS = 3.0
TOO_LONG = N_("the template takes too long")
MAX_OUTPUT = 5_000_000  # characters written per render; macro output counts too
MAX_VALUE = 1_000_000  # characters or items in one computed value
MAX_WIDTH = 1_000  # a padding, indent, batch or format width
MAX_INT_BITS = 10_000  # about 3,000 digits

KEPT_GLOBALS = ("range", "dict", "namespace")
# HTML filters make no sense in the Markdown templates write; random breaks repeatable drafts.
REMOVED_FILTERS = ("e", "escape", "forceescape", "safe", "urlize", "xmlattr", "random")
# str methods a template may call; the rest pad to any width or have a checked filter.
STR_METHODS = frozenset(
    {
        *("capitalize", "casefold", "count", "endswith", "find", "format", "index"),
        *("isalnum", "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace"),
        *("istitle", "isupper", "lower", "lstrip", "partition", "removeprefix"),
        *("removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split"),
        *("splitlines", "startswith", "strip", "swapcase", "title", "upper"),
    }
)
_MODEL_ATTRS = frozenset(dir(pydantic.BaseModel))  # parse_file, model_*, copy, json, ...
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_STEPS, _OUTPUT, _VALUE = "_mkbcopy_step", "_mkbcopy_output", "_mkbcopy_value"


class _Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.output = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise SecurityError(
                _(
                    "%(problem)s (over %(seconds)s s for one draft); "
                    "a loop or filter does too much work"
                )
                % {"problem": _(TOO_LONG), "seconds": f"{MAX_SECONDS:g}"}
            )


_T = TypeVar("_T")
_BUDGET: ContextVar[_Budget | None] = ContextVar("mkbcopy_template_budget", default=None)


@contextmanager
def render_limits() -> Iterator[None]:
    """A fresh step and output budget for one render."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _tick() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.steps += 1
        if budget.steps > MAX_STEPS:
            raise SecurityError(
                _("the template does too much work (over %(limit)s steps)") % {"limit": MAX_STEPS}
            )
        budget.check_time()


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _tick()
        yield item


def _charge_output(value: Any) -> Any:
    budget = _BUDGET.get()
    if budget is not None:
        budget.output += len(value) if isinstance(value, str) else len(str(value))
        if budget.output > MAX_OUTPUT:
            raise SecurityError(
                _("the template writes too much (over %(limit)s characters)")
                % {"limit": MAX_OUTPUT}
            )
        budget.check_time()
    return value


def _check_size(value: _T) -> _T:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_VALUE:
        raise SecurityError(
            _("a value of %(size)s characters or items is too large") % {"size": len(value)}
        )
    return value


def _check_width(value: int, what: str) -> None:
    if value > MAX_WIDTH:
        raise SecurityError(
            _("%(what)s %(value)s is too large (at most %(limit)s)")
            % {"what": _(what), "value": value, "limit": MAX_WIDTH}
        )


def _check_printf(text: str) -> None:
    for match in _PRINTF.finditer(text):
        for width in match.groups():
            if width == "*":
                raise SecurityError(_("'*' widths in a format string are not allowed"))
            if width:
                _check_width(int(width), N_("format width"))


def _check_format(text: str) -> None:
    for _text, _field, spec, _conversion in string.Formatter().parse(text):
        if spec and "{" in spec:
            raise SecurityError(_("nested fields in a format string are not allowed"))
        for width in re.findall(r"\d+", spec or ""):
            _check_width(int(width), N_("format width"))


class _Guard(NodeTransformer):
    """Counts every loop iteration and output, and sizes every `~` join, at run time."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _filter(node.iter, _STEPS)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_filter(child, _OUTPUT) for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _filter(node, _VALUE)


def _filter(node: nodes.Node, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose message suggests the name that was probably meant."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        message: str = super()._undefined_message
        obj = self._undefined_obj
        if self._undefined_hint is None and obj is not missing:
            name = self._undefined_name
            known = names_of(obj)
            if isinstance(name, str) and name in known:  # |attr on a dict; .name works there
                return f"unknown field '{name}'; write .{name} instead of |attr('{name}')"
            if isinstance(obj, TemplateModule) and isinstance(name, str):  # m.cta_linkk()
                macros = [k for k in vars(obj) if not k.startswith("_")]
                return macro_message(name, str(obj.__name__), macros)
            message = field_message(name, known)
        return message


def names_of(obj: Any) -> list[str]:
    """The names a template can look up on `obj`, for did-you-mean hints."""
    if isinstance(obj, dict):
        return [str(k) for k in obj]
    if isinstance(obj, pydantic.BaseModel):
        return [n for n in dir(obj) if not n.startswith("_") and n not in _MODEL_ATTRS]
    return []


def _center(value: Any, width: int = 80) -> str:
    _check_width(width, "width")
    return jf.do_center(value, width)


def _indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _check_width(len(width) if isinstance(width, str) else width, "indent")
    return jf.do_indent(s, width, first, blank)


def _batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    _check_width(linecount, "batch size")
    return jf.do_batch(value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    _check_width(slices, "number of slices")
    return jf.sync_do_slice(value, slices, fill_with)


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_printf(str(value))
    return jf.do_format(value, *args, **kwargs)


@jinja2.pass_eval_context
def _replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old_s, new_s = str(s), str(old), str(new)
    _check_growth(len(text) + (text.count(old_s) if old_s else len(text) + 1) * len(new_s))
    return jf.do_replace(eval_ctx, s, old, new, count)


@jinja2.pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = list(value)
    _check_growth(sum(len(str(x)) + len(str(d)) for x in items))
    return _check_size(jf.sync_do_join(eval_ctx, items, d, attribute))


@jinja2.pass_environment
def _wordwrap(
    environment: Any,
    s: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    _check_width(len(wrapstring or ""), "wrapstring length")
    return jf.do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)


# Built-in filters that can grow a value without limit, replaced by checked versions.
GUARDED_FILTERS: dict[str, Callable[..., Any]] = {
    "batch": _batch,
    "center": _center,
    "format": _format,
    "indent": _indent,
    "join": _join,
    "replace": _replace,
    "slice": _slice,
    "wordwrap": _wordwrap,
}


def _check_growth(size: int) -> None:
    if size > MAX_VALUE:
        raise SecurityError(
            _("a value of %(size)s characters or items is too large") % {"size": size}
        )


@cache
def compiled_templates(options: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling takes longer than rendering.

    Kept in the user's cache folder, in a subfolder named after this sandbox's own
    source, Jinja2's version and the compile options, so a changed sandbox never
    runs code compiled by an older one; Jinja2 recompiles a template whose source
    changed. None (compile every run) when no private folder can be had, or with
    MKBCOPY_NO_TEMPLATE_CACHE set.
    """
    if os.environ.get("MKBCOPY_NO_TEMPLATE_CACHE"):
        return None
    key = hashlib.sha256(Path(__file__).read_bytes())
    key.update(f"{jinja2.__version__}|{options}".encode())
    # Code loaded from here runs unchecked: only a folder that no one else can write.
    folder = private_folder(f"templates-{key.hexdigest()[:20]}")
    return None if folder is None else jinja2.FileSystemBytecodeCache(str(folder))


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, tightened for templates from a shared folder."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.globals):
            if name not in KEPT_GLOBALS:
                del self.globals[name]  # lipsum, cycler, joiner: not needed for copy
        for name in REMOVED_FILTERS:
            del self.filters[name]
        self.filters.update(GUARDED_FILTERS)
        self.filters[_STEPS] = _counted
        self.filters[_OUTPUT] = _charge_output
        self.filters[_VALUE] = _check_size
        if self.bytecode_cache is None:
            self.bytecode_cache = compiled_templates(self._compile_options())

    def _compile_options(self) -> str:
        """Everything that shapes the code a template compiles to, besides its source."""
        names = (
            *("block_start_string", "block_end_string", "variable_start_string"),
            *("variable_end_string", "comment_start_string", "comment_end_string"),
            *("line_statement_prefix", "line_comment_prefix", "trim_blocks"),
            *("lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized"),
        )
        options = [repr(getattr(self, name)) for name in names]
        return "|".join([*options, repr(self.autoescape), *sorted(self.extensions)])

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded = _Guard().visit(tree)
        assert isinstance(guarded, nodes.Template)
        return guarded

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()  # "'cycler' is undefined", not "unsafe"
        if not super().is_safe_attribute(obj, attr, value) or isinstance(obj, type):
            return False
        if isinstance(obj, pydantic.BaseModel):
            return attr not in _MODEL_ATTRS
        if isinstance(obj, str):
            return attr in STR_METHODS
        return True

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, pydantic.BaseModel) and attribute in _MODEL_ATTRS:
            return self.unsafe_undefined(obj, attribute)  # without touching it: some warn
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, pydantic.BaseModel) and str(argument) in _MODEL_ATTRS:
            return self.unsafe_undefined(obj, str(argument))
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%" and isinstance(left, str):
            _check_printf(left)
        elif operator == "+" and all(isinstance(x, str | list | tuple) for x in (left, right)):
            _check_growth(len(left) + len(right))
        return super().call_binop(context, operator, left, right)


def _check_repeat(left: Any, right: Any) -> None:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            weight = sum(len(str(x)) for x in seq) if not isinstance(seq, str) else len(seq)
            _check_growth(max(weight, len(seq)) * times)
            return
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and _bits(left) + _bits(right) > MAX_INT_BITS
    ):
        raise SecurityError(_("a number in the template is too large"))


def _check_power(base: Any, exponent: Any) -> None:
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and _bits(base) * exponent > MAX_INT_BITS
    ):
        raise SecurityError(_("a number in the template is too large"))


def _bits(number: int) -> int:
    return number.bit_length()


class FolderLoader(jinja2.FileSystemLoader):
    """FileSystemLoader that also refuses symlinks leading out of the folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), encoding="utf-8")
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if os.path.commonpath([real, self.root]) != self.root:
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


def template_loader(folders: list[Path]) -> jinja2.BaseLoader:
    """The user's folder first, then the built-ins: file by file."""
    return jinja2.ChoiceLoader([FolderLoader(folder) for folder in folders])
