"""What a template sees: the context built from brief, persona, channel and copy deck."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.compose.copydeck import PersonaCopy
from mkbcopy.compose.plan import (
    INSEPARABLE,
    Composition,
    Fact,
    Item,
    Point,
    compose,
    point_label,
    preheader,
)
from mkbcopy.document import escape_md, plain_inline
from mkbcopy.errors import TemplateError
from mkbcopy.i18n import _
from mkbcopy.links import slugify, tag_url
from mkbcopy.research.brief import FACT_QUESTIONS, Brief
from mkbcopy.research.personas import Persona, Subgroup


@dataclass(frozen=True)
class Variant:
    """One A/B variant: the research item it leads with is its hypothesis."""

    label: str
    leads_with: str
    kind: str  # "motivator" or "drempel"


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


def _names_event(cta: str, event: str) -> bool:
    """The call to action is the event ("Meld je aan voor een meeloopdag", event
    "Meeloopdag Bouwkunde"): it shares a word of five letters or more, so "Of kom ..." would
    invite twice."""
    words = {w for w in re.findall(r"\w+", event.lower()) if len(w) >= 5}
    return bool(words & set(re.findall(r"\w+", cta.lower())))


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
    short: bool = False  # each fact: its sentences up to the last that qualifies it
    hook: bool = True  # the opening asks its question before the lead fact
    first: int = 0  # the point that leads: the next strongest when the lead cannot fit whole


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
    """A bullet; short, its first fact with the conditions it has, and a partner only where
    leaving it out would say less than the truth (who pays, without the price)."""
    first = point.facts[0]
    kept = [first, *(f for f in point.facts[1:] if {first.key, f.key} <= INSEPARABLE)]
    kort = " ".join(f.text(short=True) for f in kept)
    said = kept if short else point.facts
    return {
        **_item_dict(point.item, point.facts),
        "key": first.key,
        "kop": point_label([f.key for f in said]),
        "text": kort if short else " ".join(f.text() for f in point.facts),
        "kort": kort,
        "missing": point.missing,
    }


def _shown_points(comp: Composition, channel: ChannelMeta) -> list[Point]:
    """The points a channel can show: without placeholders, a short channel skips gaps."""
    if channel.placeholders:
        return comp.points
    shown = [Point(p.item, [f for f in p.facts if not f.missing]) for p in comp.points]
    return [p for p in shown if p.facts and not p.bare_answer]


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
    shared = _shared_context(brief, persona, subgroup, channel, copy, variant)
    return _fill(shared, channel, recorder, fit=fit, first_name=first_name, footer=footer)


@dataclass(frozen=True)
class _Shared:
    """What every fit of one draft has in common: made once, not once per try.

    Templates run in an immutable sandbox, so one try cannot change it for the next.
    """

    comp: Composition
    shown: list[Point]
    values: dict[str, Any]


def _shared_context(
    brief: Brief,
    persona: Persona,
    subgroup: Subgroup | None,
    channel: ChannelMeta,
    copy: PersonaCopy,
    variant: Variant | None,
) -> _Shared:
    comp = compose(
        brief,
        persona,
        copy,
        subgroup=subgroup,
        lead_id=variant.leads_with if variant else None,
        subject_limit=channel.subject_limit,
    )
    lead = _item_dict(comp.lead, [comp.facts[k] for k in comp.lead.needs])
    hook = comp.lead.vraag
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
    if event:
        event["is_cta"] = _names_event(brief.call_to_action.text, event["name"])
    values = {
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
        "link": link,
        "hook": hook,
        "offer": comp.offer,
    }
    return _Shared(comp, _shown_points(comp, channel), values)


def _fill(
    shared: _Shared,
    channel: ChannelMeta,
    recorder: Recorder,
    *,
    fit: Fit | None,
    first_name: str | None,
    footer: Footer | None,
) -> dict[str, Any]:
    """The shared context with one try's points and opening, reader and footer."""
    fit = fit or Fit(len(shared.shown))
    shown = shared.shown[fit.first : fit.first + fit.points]
    points = [_point_dict(p, short=fit.short) for p in shown]
    hook = shared.comp.lead.vraag
    opening = hook
    if points:
        opening = _opening(hook, points[0], channel) if fit.hook else str(points[0]["text"])
    comp = shared.comp
    copy = shared.values["copy"]
    if len(shown) < len(shared.shown):  # the preview line may only say what the body says
        copy = {**copy, "preheader": preheader(shown, comp.lead.vraag, answers=comp.variant_lead)}
    context = {
        **shared.values,
        "copy": copy,
        "first_name": escape_md(first_name) if first_name else None,
        "fact": recorder.fact,
        "track": recorder.track,
        "opening": opening,
        "points": points,
        "unsubscribe": footer.unsubscribe if footer else None,
        "address": escape_md(footer.address) if footer else None,
    }
    return {name: context[name] for name in CONTEXT_NAMES}  # in the order the docs list them


def _opening(hook: str, point: dict[str, Any], channel: ChannelMeta) -> str:
    """The lead question and its answer; the fact alone if the question pushes it past the fold."""
    first_sentence = plain_inline(point["kort"])
    if channel.fold is not None and len(hook) + 1 + len(first_sentence) > channel.fold:
        return str(point["text"])
    return f"{hook} {point['text']}"
