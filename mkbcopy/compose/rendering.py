"""Rendering: brief + persona + channel -> a Draft, with no I/O."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from mkbcopy.compose.channels import ChannelMeta, template_dirs
from mkbcopy.compose.copydeck import PersonaCopy
from mkbcopy.compose.measure import body_text, channel_length, length_problems, word_count
from mkbcopy.compose.plan import Composition, Fact, Item, Point, compose, emphasis_order
from mkbcopy.compose.sandbox import (
    KEPT_GLOBALS,
    TemplateSandbox,
    Undefined,
    render_limits,
    template_loader,
)
from mkbcopy.compose.templatewords import syntax_problem
from mkbcopy.document import Document, escape_md, parse_document, plain_inline
from mkbcopy.errors import TemplateError, UsageError
from mkbcopy.i18n import N_, _
from mkbcopy.links import slugify, tag_url
from mkbcopy.research.brief import FACT_LABELS, FACT_QUESTIONS, Brief
from mkbcopy.research.personas import Persona, Subgroup
from mkbcopy.research.text import BAD_CHARS
from mkbcopy.writers.text import render_text


@cache
def make_environment(user_dir: Path | None = None) -> TemplateSandbox:
    """The one Jinja2 environment: sandboxed, strict, user folder before built-ins."""
    env = TemplateSandbox(
        loader=template_loader(template_dirs(user_dir)),
        undefined=Undefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_md
    return env


@dataclass(frozen=True)
class Variant:
    """One A/B variant: the research item it leads with is its hypothesis."""

    label: str
    leads_with: str
    kind: str  # "motivator" or "drempel"


VARIANT_LABELS = "ABCDE"


def plan_variants(
    persona: Persona, subgroup: Subgroup | None, count: int, copy: PersonaCopy
) -> list[Variant]:
    """Variant i leads with the i-th item in emphasis order (stress, the deck's volgorde, research).

    Deterministic, so the same brief and options always give the same variants.
    """
    if not 2 <= count <= len(VARIANT_LABELS):
        raise UsageError(
            _("--variants takes 2 to %(most)s, not %(count)s")
            % {"most": len(VARIANT_LABELS), "count": count}
        )
    items = emphasis_order(persona, copy, subgroup)
    return [Variant(VARIANT_LABELS[i], item.id, item.kind) for i, item in enumerate(items[:count])]


@dataclass
class Draft:
    """One rendered piece of copy, with what it addressed and what it lacks."""

    persona: str
    subgroup: str | None
    channel: ChannelMeta
    document: Document
    motivators: list[str] = field(default_factory=list)
    drempels: list[str] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    variant: Variant | None = None

    @property
    def slug(self) -> str:
        return f"{self.persona}--{self.subgroup}" if self.subgroup else self.persona


class Recorder:
    """Notes which items a template tracked and checks the facts it asks for by name."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.tracked: list[str] = []

    def track(self, item: dict[str, Any]) -> str:
        if item["id"] not in self.tracked:
            self.tracked.append(item["id"])
        return ""

    def fact(self, key: str) -> str:
        if key not in FACT_QUESTIONS:
            close = difflib.get_close_matches(key, FACT_QUESTIONS, n=1)
            hint = _("; did you mean '%(key)s'?") % {"key": close[0]} if close else ""
            raise TemplateError(_("unknown fact '%(key)s'") % {"key": key} + hint)
        return Fact(key, getattr(self.brief.facts, key)).text()


def _escaped(value: Any, key: str = "") -> Any:
    """Brief text is data, not markup: escape it for Markdown, keep links as they are."""
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, str) and not key.endswith(("url", "email", "colour")):
        return escape_md(value)
    return value


# Every name build_context gives a template; docs/templates.md describes each.
CONTEXT_NAMES = (
    *("persona", "subgroup", "channel", "copy", "motivators", "drempels", "lead", "variant"),
    *("hashtags", "brief", "event", "contact", "cta", "first_name", "fact", "track", "link"),
    *("hook", "offer", "opening", "points", "unsubscribe", "address"),
)


@dataclass(frozen=True)
class Footer:
    """An email's opt-out link and postal address: the brief's own, or a platform's tags."""

    unsubscribe: str
    address: str


@dataclass(frozen=True)
class Fit:
    """How much of a composition a draft shows: the first `points`, facts in full or short."""

    points: int
    short: bool = False  # each point: its first fact's first sentence
    hook: bool = True  # the opening asks its question before the lead fact


def _item_dict(item: Item, facts: list[Fact]) -> dict[str, Any]:
    present = [f for f in facts if not f.missing] or facts
    return {
        "kind": item.kind,
        "id": item.id,
        "kop": item.kop,
        "vraag": item.vraag,
        "needs": list(item.needs),
        **item.research,
        "facts": [{"key": f.key, "text": f.text()} for f in facts],
        "text": " ".join(f.text() for f in facts),
        "kort": present[0].text(short=True) if present else "",
    }


def _point_dict(point: Point, *, short: bool) -> dict[str, Any]:
    first = point.facts[0]
    return {
        **_item_dict(point.item, point.facts),
        "key": first.key,
        "kop": FACT_LABELS[first.key],
        "text": first.text(short=True) if short else " ".join(f.text() for f in point.facts),
        "kort": first.text(short=True),
        "missing": point.missing,
    }


def _shown_points(comp: Composition, channel: ChannelMeta) -> list[Point]:
    """The points a channel can show: without placeholders, a short channel skips gaps."""
    if channel.placeholders:
        return comp.points
    shown = [Point(p.item, [f for f in p.facts if not f.missing]) for p in comp.points]
    return [p for p in shown if p.facts]


def build_context(
    brief: Brief,
    persona: Persona,
    subgroup: Subgroup | None,
    channel: ChannelMeta,
    copy: PersonaCopy,
    recorder: Recorder,
    *,
    first_name: str | None = None,
    variant: Variant | None = None,
    fit: Fit | None = None,
    footer: Footer | None = None,
) -> dict[str, Any]:
    """Everything a template can use; docs/templates.md lists each name."""
    comp = compose(
        brief,
        persona,
        copy,
        subgroup=subgroup,
        lead_id=variant.leads_with if variant else None,
        subject_limit=channel.subject_limit,
    )
    shown = _shown_points(comp, channel)
    fit = fit or Fit(len(shown))
    points = [_point_dict(p, short=fit.short) for p in shown[: fit.points]]
    lead = _item_dict(comp.lead, [comp.facts[k] for k in comp.lead.needs])
    hook = comp.lead.vraag
    opening = hook
    if points:
        opening = _opening(hook, points[0], channel) if fit.hook else str(points[0]["text"])
    items = [_item_dict(i, [comp.facts[k] for k in i.needs]) for i in comp.items]
    content = f"{persona.id}--{subgroup.id}" if subgroup else persona.id
    if variant is not None:
        content += f"--{variant.label}"

    def link(url: str) -> str:
        if not brief.utm:
            return url
        return tag_url(
            url,
            source=channel.name,
            medium=channel.medium,
            campaign=slugify(brief.campaign),
            content=content,
        )

    hashtags = list(copy.hashtags)
    if channel.hashtags is not None:
        hashtags = hashtags[: channel.hashtags]
    event = brief.event.model_dump() if brief.event else None
    if event and event.get("url"):
        event["url"] = link(event["url"])
    return {
        "persona": persona,
        "subgroup": subgroup,
        "channel": channel,
        "copy": {
            "kop": hook,
            "intro": f"{hook} {comp.offer}",
            "onderwerp": comp.subject,
            "preheader": comp.preheader,
        },
        "motivators": [i for i in items if i["kind"] == "motivator"],
        "drempels": [i for i in items if i["kind"] == "drempel"],
        "lead": lead,
        "variant": None
        if variant is None
        else {"label": variant.label, "leads_with": variant.leads_with, "kind": variant.kind},
        "hashtags": hashtags,
        "brief": _escaped(brief.model_dump(exclude={"facts", "templates", "utm"})),
        "event": _escaped(event),
        "contact": _escaped(brief.contact.model_dump()),
        "cta": {
            "text": escape_md(brief.call_to_action.text),
            "url": link(brief.call_to_action.url),
        },
        "first_name": escape_md(first_name) if first_name else None,
        "fact": recorder.fact,
        "track": recorder.track,
        "link": link,
        "hook": hook,
        "offer": comp.offer,
        "opening": opening,
        "points": points,
        "unsubscribe": footer.unsubscribe if footer else None,
        "address": escape_md(footer.address) if footer else None,
    }


def _opening(hook: str, point: dict[str, Any], channel: ChannelMeta) -> str:
    """The lead question and its answer; the fact alone if the question pushes it past the fold."""
    first_sentence = plain_inline(point["kort"])
    if channel.fold is not None and len(hook) + 1 + len(first_sentence) > channel.fold:
        return str(point["text"])
    return f"{hook} {point['text']}"


def render_draft(
    brief: Brief,
    persona: Persona,
    channel: ChannelMeta,
    copy: PersonaCopy,
    *,
    subgroup: Subgroup | None = None,
    user_dir: Path | None = None,
    first_name: str | None = None,
    variant: Variant | None = None,
    footer: Footer | None = None,
) -> Draft:
    """Render one persona x channel within its budgets; pure apart from reading templates."""
    env = make_environment(user_dir)

    # The fit's last try is often the final draft itself: render each combination once.
    tried: dict[tuple[Fit | None, str | None, Footer | None], tuple[Recorder, Document]] = {}

    def attempt(
        fit: Fit | None, name: str | None = None, footer: Footer | None = None
    ) -> tuple[Recorder, Document]:
        key = (fit, name, footer)
        if key not in tried:
            text, recorder = _attempt(fit, name, footer)
            _check_characters(text, channel)
            tried[key] = recorder, parse_document(text)
        return tried[key]

    def _attempt(fit: Fit | None, name: str | None, footer: Footer | None) -> tuple[str, Recorder]:
        recorder = Recorder(brief)
        context = build_context(
            brief,
            persona,
            subgroup,
            channel,
            copy,
            recorder,
            first_name=name,
            variant=variant,
            fit=fit,
            footer=footer,
        )
        return render_template(env, channel.template, context), recorder

    fit = None
    lead_id = variant.leads_with if variant else None
    if channel.words or channel.limit:
        comp = compose(brief, persona, copy, subgroup=subgroup, lead_id=lead_id)
        fit = _fit(channel, len(_shown_points(comp, channel)), attempt)
    # The footer is fine print outside the copy's word budget: the fit does not count it.
    recorder, document = attempt(fit, first_name, footer)
    comp_facts = {key: Fact(key, getattr(brief.facts, key)) for key in FACT_QUESTIONS}
    plain = " ".join(body_text(document).split())
    stated = {key: plain.count(_probe(f)) for key, f in comp_facts.items()}
    # Facts that open with the same sentence each show it once.
    sharing = Counter(_probe(f) for f in comp_facts.values() if not f.missing)
    said = {key for key, count in stated.items() if count}
    covered = [
        i
        for i in emphasis_order(persona, copy, subgroup, lead_id)
        if i.id in recorder.tracked or (i.needs and set(i.needs) <= said)
    ]
    missing = [key for key in FACT_QUESTIONS if key in said and comp_facts[key].missing]
    draft = Draft(
        persona=persona.id,
        subgroup=subgroup.id if subgroup else None,
        channel=channel,
        document=document,
        motivators=[i.id for i in covered if i.kind == "motivator"],
        drempels=[i.id for i in covered if i.kind == "drempel"],
        missing_facts=missing,
        variant=variant,
    )
    draft.warnings = (
        [_(MISSING_FACT) % {"key": key, "question": FACT_QUESTIONS[key]} for key in missing]
        + [
            _("fact '%(key)s' is said %(count)s times; say it once") % {"key": key, "count": count}
            for key, count in stated.items()
            if not comp_facts[key].missing and count > sharing[_probe(comp_facts[key])]
        ]
        + length_problems(document, channel)
    )
    return draft


MISSING_FACT = N_("missing fact '%(key)s': %(question)s")


def _probe(fact: Fact) -> str:
    """The text that shows a fact was said: its first sentence, or its placeholder."""
    return " ".join(plain_inline(fact.text(short=True)).split())


def _fit(
    channel: ChannelMeta, total: int, attempt: Callable[[Fit], tuple[Recorder, Document]]
) -> Fit:
    """The richest fit within the channel's budgets: fewer points first, then shorter facts.

    Decided without the reader's name, so every recipient of a segment gets the same copy.
    """

    def fits(fit: Fit) -> bool:
        document = attempt(fit)[1]
        if channel.words is not None and word_count(document) > channel.words:
            return False
        if channel.limit is not None:
            return channel_length(render_text(document), channel) <= channel.limit
        return True

    if fits(Fit(total)):  # most drafts fit whole: one render decides
        return Fit(total)
    best: Fit | None = None
    for short in (False, True):
        if fits(Fit(1, short)):
            low, high = 1, max(total, 1)  # fits(low) holds; find the largest that does
            while low < high:
                middle = (low + high + 1) // 2
                if fits(Fit(middle, short)):
                    low = middle
                else:
                    high = middle - 1
            # Shortened facts win only where they let more facts in.
            if best is None or low > best.points:
                best = Fit(low, short)
    if best is not None:
        return best
    return Fit(1, True, hook=False)


def _check_characters(text: str, channel: ChannelMeta) -> None:
    """Word cannot hold control characters; say which template wrote one."""
    bad = BAD_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise TemplateError(
            _(
                "writes the control character U+%(code)s (output line %(line)s); "
                "remove it from the template"
            )
            % {"code": f"{ord(bad.group()):04X}", "line": line},
            path=channel.path or channel.template,
        )


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render with every Jinja2 failure turned into one line naming file and line."""
    try:
        with render_limits():
            return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        line, message = syntax_problem(
            str(exc.message),
            exc.lineno,
            exc.source or _read(exc.filename),
            filters=env.filters,
            tests=env.tests,
        )
        raise TemplateError(
            _("syntax error: %(problem)s") % {"problem": message},
            path=exc.filename or exc.name,
            line=line,
        ) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("template not found: %(name)s") % {"name": exc.name}, path=path, line=line
        ) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _undefined_message(str(exc.message), context), path=path, line=line
        ) from None
    except SecurityError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("not allowed in a template: %(what)s") % {"what": exc}, path=path, line=line
        ) from None
    except TemplateError as exc:
        path, line = _template_frame(exc)
        exc.path, exc.line = exc.path or path, exc.line or line
        raise
    except OverflowError as exc:  # range() over the sandbox's limit, a float too large
        path, line = _template_frame(exc)
        detail = str(exc) if "MAX_RANGE" in str(exc) else _("a number is too large")
        raise TemplateError(
            _("not allowed in a template: %(what)s") % {"what": detail}, path=path, line=line
        ) from None
    except RecursionError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("the template includes, imports or calls itself without end"),
            path=path or name,
            line=line,
        ) from None
    except MemoryError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(_("the template needs too much memory"), path=path, line=line) from None
    except (
        *(TypeError, ValueError, AttributeError, KeyError, IndexError),
        ArithmeticError,  # {{ 1 // 0 }}
        AssertionError,  # {{ 'x' | truncate(-5) }}: Jinja2 checks some arguments with assert
        jinja2.TemplateError,  # runtime errors such as a bad filter argument
    ) as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _("template failed: %(reason)s") % {"reason": exc}, path=path, line=line
        ) from None


def _undefined_message(message: str, context: dict[str, Any]) -> str:
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return unknown_name_message(match.group(1), context)
    if message.startswith(_("unknown field")):  # field_message said it already
        return message
    return _("unknown field: %(problem)s") % {"problem": message}


def _read(path: str | None) -> str | None:
    """A template's source, to find the line a syntax error really is on."""
    try:
        return Path(path).read_text(encoding="utf-8") if path else None
    except (OSError, UnicodeDecodeError):
        return None


def unknown_name_message(name: str, known: Iterable[str]) -> str:
    """`unknown variable 'x'`, with the closest existing name as a hint."""
    close = difflib.get_close_matches(name, [*known, *KEPT_GLOBALS], n=1)
    hint = _("; did you mean '%(key)s'?") % {"key": close[0]} if close else ""
    return _("unknown variable '%(name)s'") % {"name": name} + hint


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a traceback Jinja2 rewrote."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".jinja", ".html", ".md", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
