"""Rendering: brief + persona + channel -> a Draft, with no I/O."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from mkbcopy.brief import FACT_QUESTIONS, Brief
from mkbcopy.channels import ChannelMeta, template_dirs
from mkbcopy.copydeck import PersonaCopy
from mkbcopy.document import Document, escape_md, parse_document
from mkbcopy.errors import TemplateError, UsageError
from mkbcopy.links import slugify, tag_url
from mkbcopy.measure import length_problems
from mkbcopy.personas import Persona, Subgroup
from mkbcopy.sandbox import KEPT_GLOBALS, TemplateSandbox, Undefined, render_limits, template_loader
from mkbcopy.text import BAD_CHARS

PLACEHOLDER = "[AANVULLEN: {question}]"


def placeholder(key: str) -> str:
    return PLACEHOLDER.format(question=FACT_QUESTIONS[key])


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


def plan_variants(persona: Persona, subgroup: Subgroup | None, count: int) -> list[Variant]:
    """Variant i leads with the i-th item in emphasis order: motivators, then drempels.

    Deterministic, so the same brief and options always give the same variants.
    """
    if not 2 <= count <= len(VARIANT_LABELS):
        raise UsageError(f"--variants takes 2 to {len(VARIANT_LABELS)}, not {count}")
    stress = subgroup.stress if subgroup else []
    items: list[tuple[str, str]] = [
        ("motivator", m.id) for m in _ordered(list(persona.motivators), stress)
    ] + [("drempel", d.id) for d in _ordered(list(persona.drempels), stress)]
    return [
        Variant(VARIANT_LABELS[i], item_id, kind) for i, (kind, item_id) in enumerate(items[:count])
    ]


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
    """Notes which blocks and facts a render really used, for manifest and warnings."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.motivators: list[str] = []
        self.drempels: list[str] = []
        self.missing: list[str] = []

    def track(self, item: dict[str, Any]) -> str:
        seen = self.motivators if item["kind"] == "motivator" else self.drempels
        if item["id"] not in seen:
            seen.append(item["id"])
        return ""

    def fact(self, key: str) -> str:
        if key not in FACT_QUESTIONS:
            close = difflib.get_close_matches(key, FACT_QUESTIONS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise TemplateError(f"unknown fact '{key}'{hint}")
        value = getattr(self.brief.facts, key)
        if value is None:
            if key not in self.missing:
                self.missing.append(key)
            return escape_md(placeholder(key))
        return escape_md(value)


def _ordered(items: list[Any], stress: list[str]) -> list[Any]:
    first = [i for s in stress for i in items if i.id == s]
    return first + [i for i in items if i not in first]


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
)


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
) -> dict[str, Any]:
    """Everything a template can use; docs/templates.md lists each name."""
    stress = subgroup.stress if subgroup else []
    motivators = [
        {
            "kind": "motivator",
            "id": m.id,
            "title": m.title,
            "guidance": m.guidance,
            "needs": list(m.needs),
            **copy.motivators[m.id].model_dump(),
        }
        for m in _ordered(list(persona.motivators), stress)
    ]
    drempels = [
        {
            "kind": "drempel",
            "id": d.id,
            "description": d.description,
            "needs": list(d.needs),
            "vraag": copy.drempels[d.id].vraag,
        }
        for d in _ordered(list(persona.drempels), stress)
    ]
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

    sub_copy = copy.subgroups.get(subgroup.id) if subgroup else None
    headline = sub_copy.kop if sub_copy and sub_copy.kop else copy.kop
    subject, preheader = copy.onderwerp, copy.preheader
    lead = motivators[0]
    if variant is not None:
        # The variant's lead item goes first and gives subject, preheader and headline.
        pool = motivators if variant.kind == "motivator" else drempels
        lead = next(item for item in pool if item["id"] == variant.leads_with)
        pool.remove(lead)
        pool.insert(0, lead)
        if variant.kind == "drempel":
            lead = {**lead, "kop": lead["vraag"], "kort": lead["vraag"], "tekst": ""}
            headline = subject = lead["vraag"]
            preheader = f"Het antwoord op je vraag: {lead['vraag']}"
        else:
            # The section below repeats lead["kop"], so the headline takes the short line.
            subject, headline = lead["kop"], lead["kort"]
            # Inboxes show 40 to 100 characters of preview text.
            preheader = next(
                (p for p in (lead["tekst"], lead["kort"]) if 40 <= len(p) <= 100),
                f"{lead['kort']} Lees hoe het werkt.",
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
            "kop": headline,
            "intro": copy.intro,
            "subgroup_intro": sub_copy.intro if sub_copy else None,
            "subgroup_needs": list(subgroup.needs) if subgroup else [],
            "onderwerp": subject,
            "preheader": preheader,
        },
        "motivators": motivators,
        "drempels": drempels,
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
    }


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
) -> Draft:
    """Render one persona x channel; pure apart from reading templates."""
    env = make_environment(user_dir)
    recorder = Recorder(brief)
    context = build_context(
        brief, persona, subgroup, channel, copy, recorder, first_name=first_name, variant=variant
    )
    text = render_template(env, channel.template, context)
    _check_characters(text, channel)
    document = parse_document(text)
    draft = Draft(
        persona=persona.id,
        subgroup=subgroup.id if subgroup else None,
        channel=channel,
        document=document,
        motivators=recorder.motivators,
        drempels=recorder.drempels,
        missing_facts=recorder.missing,
        variant=variant,
    )
    draft.warnings = [
        f"missing fact '{key}': {FACT_QUESTIONS[key]}" for key in recorder.missing
    ] + length_problems(document, channel)
    return draft


def _check_characters(text: str, channel: ChannelMeta) -> None:
    """Word cannot hold control characters; say which template wrote one."""
    bad = BAD_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise TemplateError(
            f"writes the control character U+{ord(bad.group()):04X} "
            f"(output line {line}); remove it from the template",
            path=channel.path or channel.template,
        )


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render with every Jinja2 failure turned into one line naming file and line."""
    try:
        with render_limits():
            return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"syntax error: {exc.message}", path=exc.filename or exc.name, line=exc.lineno
        ) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _template_frame(exc)
        raise TemplateError(f"template not found: {exc.name}", path=path, line=line) from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            _undefined_message(str(exc.message), context), path=path, line=line
        ) from None
    except SecurityError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(f"not allowed in a template: {exc}", path=path, line=line) from None
    except TemplateError as exc:
        path, line = _template_frame(exc)
        exc.path, exc.line = exc.path or path, exc.line or line
        raise
    except OverflowError as exc:  # range() over the sandbox's limit, a float too large
        path, line = _template_frame(exc)
        detail = str(exc) if "MAX_RANGE" in str(exc) else "a number is too large"
        raise TemplateError(f"not allowed in a template: {detail}", path=path, line=line) from None
    except RecursionError as exc:
        path, line = _template_frame(exc)
        raise TemplateError(
            "the template includes, imports or calls itself without end",
            path=path or name,
            line=line,
        ) from None
    except MemoryError as exc:
        path, line = _template_frame(exc)
        raise TemplateError("the template needs too much memory", path=path, line=line) from None
    except (
        *(TypeError, ValueError, AttributeError, KeyError, IndexError),
        ArithmeticError,  # {{ 1 // 0 }}
        AssertionError,  # {{ 'x' | truncate(-5) }}: Jinja2 checks some arguments with assert
        jinja2.TemplateError,  # runtime errors such as a bad filter argument
    ) as exc:
        path, line = _template_frame(exc)
        raise TemplateError(f"template failed: {exc}", path=path, line=line) from None


def _undefined_message(message: str, context: dict[str, Any]) -> str:
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return unknown_name_message(match.group(1), context)
    return f"unknown attribute: {message}"


def unknown_name_message(name: str, known: Iterable[str]) -> str:
    """`unknown variable 'x'`, with the closest existing name as a hint."""
    close = difflib.get_close_matches(name, [*known, *KEPT_GLOBALS], n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown variable '{name}'{hint}"


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
