"""Composing a draft: which research items lead, and which brief facts say what, once.

The research says what a persona needs to hear; the brief says the facts; the
copy deck only frames them. This module decides, with no I/O and no Jinja2:

- the emphasis order: the variant's lead, the subgroup's stress, the deck's
  `volgorde`, then the research order (motivators before drempels);
- the points: each item with the facts no earlier item stated, so a fact is
  said once however many items need it;
- the lead, its opening question, the email subject and preheader, all built
  from the lead item and its facts, never from fixed promises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from mkbcopy.compose.copydeck import PersonaCopy
from mkbcopy.document import escape_md
from mkbcopy.research.brief import FACT_LABELS, FACT_QUESTIONS, Brief
from mkbcopy.research.personas import Persona, Subgroup
from mkbcopy.research.qualifiers import safe_short, sentences

PLACEHOLDER = "[AANVULLEN: {question}]"
PREHEADER_RANGE = (40, 100)
# A short fact keeps whole sentences up to about a B1 bullet's length.
SHORT_WORDS = 25
DEFAULT_SUBJECT_LIMIT = 60


def placeholder(key: str) -> str:
    return PLACEHOLDER.format(question=FACT_QUESTIONS[key])


@dataclass(frozen=True)
class Fact:
    key: str
    value: str | None  # the brief's text; None when the brief lacks it

    @property
    def missing(self) -> bool:
        return self.value is None

    def text(self, *, short: bool = False) -> str:
        """Markdown-safe text; `short` drops only trailing sentences that qualify nothing."""
        return _fact_text(self.key, self.value, short)

    def opening(self) -> str:
        """Markdown-safe first sentence (a question with its answer), or the placeholder."""
        return _fact_text(self.key, self.value, False, opening=True)


@lru_cache(maxsize=4096)
def _fact_text(key: str, value: str | None, short: bool, *, opening: bool = False) -> str:
    """Remembered: fitting a draft asks for the same facts' text dozens of times.

    A short form never drops a condition, exception, cost or pay-back (see qualifiers).
    """
    if value is None:
        return escape_md(placeholder(key))
    value = answered(key, value)
    if opening:
        return escape_md(sentences(value)[0])
    return escape_md(" ".join(safe_short(sentences(value), SHORT_WORDS)) if short else value)


_BARE_ANSWER = re.compile(r"(?:ja|nee)[.!]?", re.IGNORECASE)


def answered(key: str, value: str) -> str:
    """A bare "Nee." says nothing on its own: it gets the question it answers."""
    if _BARE_ANSWER.fullmatch(value.strip()):
        question = FACT_QUESTIONS[key]
        return f"{question[0].upper()}{question[1:]} {value.strip().rstrip('.!').capitalize()}."
    return value


@dataclass
class Item:
    """A motivator, drempel or subgroup: framing from the deck, facts from the brief."""

    kind: str  # "motivator", "drempel" or "subgroup"
    id: str
    kop: str
    vraag: str
    needs: list[str]
    research: dict[str, Any] = field(default_factory=dict)


@dataclass
class Point:
    """A bullet: a brief fact for the first item that needs it, with the facts that belong to it.

    Each fact is in one point only, so a draft says it once.
    """

    item: Item
    facts: list[Fact]

    @property
    def missing(self) -> bool:
        return all(f.missing for f in self.facts)

    @property
    def bare_answer(self) -> bool:
        """Only a yes or no: said where there is room (email, flyer), last; never in a post."""
        return all(not _opens(f.value) for f in self.facts) and not self.missing


# Facts a reader takes together, in the order they read best: the pay before the contract
# it rests on, the price before who pays it.
FACT_GROUPS = (
    ("salary", "job_security"),
    ("costs", "paid_by"),  # the price, then who pays it: never one without the other
    ("employer_match", "travel"),
    ("programme_content", "duration"),
)
_GROUP_OF = {key: group for group in FACT_GROUPS for key in group}
# Facts a short form never parts: who pays without the price reads as "all paid".
INSEPARABLE = frozenset({"paid_by", "costs"})
# A point that says two facts is labelled for both ("Salaris: ... contract ..." misleads).
GROUP_LABELS = {
    ("salary", "job_security"): "Salaris en zekerheid",
    ("costs", "paid_by"): "Kosten en wie betaalt",
    ("employer_match", "travel"): "Werkgever en reistijd",
    ("programme_content", "duration"): "Wat je leert en hoe lang",
}


def point_label(keys: list[str]) -> str:
    """The flyer's label for a point: its group's, or its one fact's."""
    return GROUP_LABELS.get((keys[0], keys[-1]), FACT_LABELS[keys[0]]) if keys else ""


@dataclass
class Composition:
    """What a draft says, in order, before any template lays it out."""

    lead: Item
    points: list[Point]  # the lead's facts first
    items: list[Item]  # every motivator and drempel, in emphasis order
    offer: str
    subject: str
    preheader: str  # for the whole composition; a fit that drops points makes its own
    variant_lead: bool  # an A/B variant: the preview line answers the subject's question
    facts: dict[str, Fact]


def emphasis_order(
    persona: Persona, copy: PersonaCopy, subgroup: Subgroup | None, lead_id: str | None = None
) -> list[Item]:
    """Every motivator and drempel, strongest first; the lead (if given) before all."""
    items = [
        Item(
            "motivator",
            m.id,
            copy.motivators[m.id].kop or m.title,
            copy.motivators[m.id].vraag,
            list(m.needs),
            {"title": m.title, "guidance": m.guidance},
        )
        for m in persona.motivators
    ] + [
        Item(
            "drempel",
            d.id,
            copy.drempels[d.id].kop or copy.drempels[d.id].vraag,
            copy.drempels[d.id].vraag,
            list(d.needs),
            {"description": d.description},
        )
        for d in persona.drempels
    ]
    first = [
        *([lead_id] if lead_id else []),
        *(subgroup.stress if subgroup else []),
        *copy.volgorde,
    ]
    rank = {item_id: i for i, item_id in reversed(list(enumerate(first)))}
    return sorted(items, key=lambda item: rank.get(item.id, len(first)))


def _default_lead(
    persona: Persona, copy: PersonaCopy, subgroup: Subgroup | None, brief: Brief
) -> str | None:
    """The persona's strongest item with a brief fact; a subgroup leads with what sets it apart."""
    general = emphasis_order(persona, copy, None)
    usable = [
        i
        for i in general
        if i.kind == "motivator"
        and copy.motivators[i.id].opent
        and any(_opens(getattr(brief.facts, k)) for k in i.needs)
    ] or general
    if subgroup is None:
        return usable[0].id
    stressed = [s for s in subgroup.stress if s != usable[0].id]
    if stressed:
        return stressed[0]
    return None if subgroup.needs else usable[0].id


def _opens(value: str | None) -> bool:
    """A fact a draft may open with: there, and not a bare yes or no."""
    return bool(value) and not _BARE_ANSWER.fullmatch((value or "").strip())


def compose(
    brief: Brief,
    persona: Persona,
    copy: PersonaCopy,
    *,
    subgroup: Subgroup | None = None,
    lead_id: str | None = None,
    subject_limit: int | None = None,
) -> Composition:
    """Order the research items and give each fact to the first item that needs it."""
    facts = {key: Fact(key, getattr(brief.facts, key)) for key in FACT_QUESTIONS}
    variant_lead = lead_id is not None
    if lead_id is None:
        lead_id = _default_lead(persona, copy, subgroup, brief)
    items = emphasis_order(persona, copy, subgroup, lead_id)
    sub_copy = copy.subgroups.get(subgroup.id) if subgroup else None
    ordered = list(items)
    if lead_id is None and subgroup is not None:
        # No stressed item sets this subgroup apart: the facts its nuances ask for lead.
        vraag = (sub_copy.vraag if sub_copy else None) or items[0].vraag
        ordered.insert(0, Item("subgroup", subgroup.id, subgroup.name, vraag, list(subgroup.needs)))
    elif (
        sub_copy and sub_copy.vraag and not variant_lead and subgroup and lead_id in subgroup.stress
    ):
        ordered[0] = _with_question(ordered[0], sub_copy.vraag)
    elif subgroup is None and not variant_lead and copy.vraag:
        ordered[0] = _with_question(ordered[0], copy.vraag)
    wanted = [(item, key) for item in ordered for key in item.needs]
    if subgroup is not None:
        # The lead answers with what the subgroup asks for first; what no item needs follows it.
        lead_keys = sorted(ordered[0].needs, key=lambda k: k not in subgroup.needs)
        extra = Item("subgroup", subgroup.id, subgroup.name, "", list(subgroup.needs))
        rest = wanted[len(ordered[0].needs) :]
        wanted = [(ordered[0], k) for k in lead_keys] + [(extra, k) for k in subgroup.needs] + rest
    needed = {key for _, key in wanted}
    points: list[Point] = []
    said: set[str] = set()
    texts: set[str] = set()  # a brief that gives two facts the same words says them once
    for item, key in wanted:
        if key in said:
            continue
        # A partner joins only where the research asks for it too.
        group = [k for k in _GROUP_OF.get(key, (key,)) if k not in said and k in needed]
        said.update(group)
        group = [k for k in group if facts[k].value is None or facts[k].value not in texts]
        texts.update(facts[k].value or "" for k in group)
        # A partner the brief lacks gets its own point, with the gaps, not in this line.
        gaps = [k for k in group if facts[k].missing] if len(group) > 1 else []
        if len(gaps) == len(group):
            gaps = gaps[1:]
        group = [k for k in group if k not in gaps]
        parts = [group, *([g] for g in gaps)]
        points += [Point(item, [facts[k] for k in part]) for part in parts if part]
    # What the brief says reads first; a bare "Nee." after it (never sold as a plus), then
    # its gaps, visible.
    said_points = [p for p in points if not p.missing]
    points = (
        [p for p in said_points if not p.bare_answer]
        + [p for p in said_points if p.bare_answer]
        + [p for p in points if p.missing]
    )
    lead = ordered[0]
    lead_facts = points[0].facts if points else []
    limit = subject_limit or DEFAULT_SUBJECT_LIMIT
    if variant_lead and len(lead.vraag) <= limit:
        # An A/B test asks which question pulls: the subject asks it, the preheader answers.
        subject = lead.vraag
    else:
        subject = _subject(lead_facts, [lead.vraag, copy.onderwerp], limit)
    return Composition(
        lead=lead,
        points=points,
        items=items,
        offer=_offer(copy.aanbod, brief, lead_facts),
        subject=subject,
        preheader=preheader(points, lead.vraag, answers=variant_lead),
        variant_lead=variant_lead,
        facts=facts,
    )


def _with_question(item: Item, vraag: str) -> Item:
    return Item(item.kind, item.id, item.kop, vraag, item.needs, item.research)


def _offer(line: str, brief: Brief, opening: list[Fact]) -> str:
    """The deck's offer line; a sentence naming the programme goes where the opening
    fact names it already ("Je haalt het hbo-diploma Bachelor Logistiek.")."""
    if any(brief.programme.lower() in (f.value or "").lower() for f in opening):
        line = " ".join(s for s in sentences(line) if "{programme}" not in s)
    values = {
        "organisation": escape_md(brief.organisation),
        "programme": escape_md(brief.programme),
    }
    return re.sub(r"\{(organisation|programme)\}", lambda m: values[m.group(1)], line)


def _standalone(fact: Fact) -> str | None:
    """The fact's first sentence where it may stand alone: it drops no condition of the fact
    (its next sentences qualify nothing) and reads as a sentence, not a fragment ("Nee.").
    """
    if not fact.value:
        return None
    parts = sentences(fact.value)
    first = parts[0]
    if len(safe_short(parts)) > 1 or not first.endswith((".", "!", "?")):
        return None
    return first if len(first.split()) >= 4 else None


def _subject(lead_facts: list[Fact], framing: list[str], limit: int) -> str:
    """The lead's first fact sentence if it fits the subject line, else the deck's question.

    Only the lead's first fact: every fit opens with it, while a short fit drops its partners,
    and a subject may only say what the body says.
    """
    for fact in lead_facts[:1]:
        sentence = _standalone(fact)
        if sentence and len(sentence.rstrip(".")) <= limit:
            return escape_md(sentence.rstrip("."))
    return next((line for line in framing if len(line) <= limit), framing[-1])


def preheader(points: list[Point], question: str, *, answers: bool = False) -> str:
    """40 to 100 characters for the inbox's preview line, of facts the body shows.

    Not the lead: the subject is its question or its fact, and the body opens with both; the
    preview line shows what comes next. An A/B variant's preview line `answers` its question.
    """
    low, high = PREHEADER_RANGE
    text = ""
    for fact in (f for point in points[0 if answers else 1 :] for f in point.facts):
        sentence = _standalone(fact)
        if not sentence:
            continue
        if len(f"{text} {sentence}".strip()) <= high:
            text = f"{text} {sentence}".strip()
        if len(text) >= low:
            return escape_md(text)
    if len(f"{question} {text}".strip()) <= high:
        return escape_md(f"{question} {text}".strip())
    return escape_md(question)
