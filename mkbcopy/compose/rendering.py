"""Rendering: brief + persona + channel -> a Draft, with no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.compose.context import (
    Fit,
    Footer,
    Recorder,
    Variant,
    _fill,
    _shared_context,
    _shown_points,
)
from mkbcopy.compose.copydeck import PersonaCopy
from mkbcopy.compose.measure import body_text, channel_length, length_problems, word_count
from mkbcopy.compose.plan import Fact, compose, emphasis_order
from mkbcopy.compose.templating import make_environment, render_template
from mkbcopy.document import Document, parse_document, plain_inline
from mkbcopy.errors import TemplateError, UsageError
from mkbcopy.i18n import N_, Text, _
from mkbcopy.research.brief import FACT_QUESTIONS, Brief
from mkbcopy.research.personas import Persona, Subgroup
from mkbcopy.research.text import BAD_CHARS
from mkbcopy.writers.text import render_text

# Re-exported: contacts/ imports Footer and Variant from here.
__all__ = ["Draft", "Footer", "Variant", "plan_variants", "render_draft"]

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
    # Facts the persona needs and the brief gives that a full-information channel (email,
    # flyer) had no room for: the marketer may shorten them in the brief.
    left_out: list[str] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)
    variant: Variant | None = None
    # A flyer's page as written to its Word file (what fit on it), once it is written.
    page: Document | None = None

    @property
    def slug(self) -> str:
        return f"{self.persona}--{self.subgroup}" if self.subgroup else self.persona


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
    shared = _shared_context(brief, persona, subgroup, channel, copy, variant)

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
        context = _fill(shared, channel, recorder, fit=fit, first_name=name, footer=footer)
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
        if (i.id in recorder.tracked or (i.needs and set(i.needs) <= said))
        # A placeholder is not the fact: an item whose facts all wait for the brief is open.
        and not (i.needs and all(comp_facts[key].missing for key in i.needs))
    ]
    missing = [key for key in FACT_QUESTIONS if key in said and comp_facts[key].missing]
    needed = persona.needs(subgroup) if channel.placeholders else []
    left_out = [k for k in FACT_QUESTIONS if k in needed and k not in said]
    left_out = [k for k in left_out if not comp_facts[k].missing]
    draft = Draft(
        persona=persona.id,
        subgroup=subgroup.id if subgroup else None,
        channel=channel,
        document=document,
        motivators=[i.id for i in covered if i.kind == "motivator"],
        drempels=[i.id for i in covered if i.kind == "drempel"],
        missing_facts=missing,
        left_out=left_out,
        variant=variant,
    )
    draft.warnings = (
        [Text(MISSING_FACT, {"key": key, "question": FACT_QUESTIONS[key]}) for key in missing]
        + [
            Text(
                N_("fact '%(key)s' is said %(count)s times; say it once"),
                {"key": key, "count": count},
            )
            for key, count in stated.items()
            if not comp_facts[key].missing and count > sharing[_probe(comp_facts[key])]
        ]
        + length_problems(document, channel)
    )
    return draft


MISSING_FACT = N_("missing fact '%(key)s': %(question)s")


def _probe(fact: Fact) -> str:
    """The text that shows a fact was said: its first sentence, or its placeholder."""
    return _plain_words(fact.opening())


@lru_cache(maxsize=4096)
def _plain_words(markdown: str) -> str:
    """Remembered: every draft of a campaign probes the same facts."""
    return " ".join(plain_inline(markdown).split())


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
    # The strongest point leads; only one that cannot fit even alone, short and without the
    # question (no short form may drop a condition), gives way to the next strongest.
    for first in range(max(total, 1)):
        best = _richest(fits, total, first)
        if best is not None:
            return best
        bare = Fit(1, True, hook=False, first=first)
        # A word budget (the flyer) is the layout's to keep.
        if channel.limit is None or fits(bare):
            return bare
    return Fit(0, True)


def _richest(fits: Callable[[Fit], bool], total: int, first: int) -> Fit | None:
    """The most points from `first` on that fit: full facts, or short ones if that adds points."""
    best: Fit | None = None
    for short in (False, True):
        if fits(Fit(1, short, first=first)):
            low, high = 1, max(total - first, 1)  # fits(low) holds; find the largest that does
            while low < high:
                middle = (low + high + 1) // 2
                if fits(Fit(middle, short, first=first)):
                    low = middle
                else:
                    high = middle - 1
            # Shortened facts win only where they let more facts in.
            if best is None or low > best.points:
                best = Fit(low, short, first=first)
    return best


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
