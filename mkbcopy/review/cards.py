"""One card per draft: its view, its lint badges and findings, its files, its A/B variants."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mkbcopy.checks.lint import (
    B1_SCORE,
    DRAFT_SUFFIXES,
    SCORED_MEDIA,
    BriefTerms,
    LintReport,
    infer_channel,
    lint_documents,
    read_draft,
)
from mkbcopy.compose.channels import ChannelMeta
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.document import Document
from mkbcopy.errors import MkbcopyError
from mkbcopy.i18n import Text
from mkbcopy.research.personas import Research
from mkbcopy.review.views import (
    Problem,
    Stats,
    View,
    email_view,
    flyer_view,
    inside,
    pdf_page,
    post_view,
)

# What each kind of card shows first when a draft was written in several formats.
_PREFERRED = {
    "email": ("eml", "html", "md", "txt"),
    "flyer": ("docx", "md", "html", "txt"),
    "post": ("txt", "md", "html", "eml", "docx"),
}
_SEVERITY_WORDS = {"error": "fout", "warning": "waarschuwing", "info": "tip"}

# (persona, motivator or drempel id) -> (kind, title): what an A/B variant leads with
Leads = dict[tuple[str, str], tuple[str, str]]


@dataclass
class Card:
    """One draft: a persona (and subgroup) on one channel, in every format written."""

    persona: str
    subgroup: str | None
    channel: str
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What every card needs from the page around it."""

    out: Path
    stats: Stats
    organisation: str
    reports: dict[str, LintReport | str]
    leads: Leads = field(default_factory=dict)


@dataclass(frozen=True)
class Badges:
    errors: int
    warnings: int
    score: str | None = None  # Flesch-Douma, where there are words to score
    tone: str = "plain"
    note: str = ""


@dataclass(frozen=True)
class FindingView:
    severity: str
    word: str
    message: str
    excerpt: str


@dataclass(frozen=True)
class Findings:
    items: list[FindingView]
    summary: str
    open: bool  # open where something needs fixing, so a marketer sees what without a click


@dataclass(frozen=True)
class FileItem:
    rel: str
    href: str
    name: str
    note: str = ""
    tone: str = ""


@dataclass(frozen=True)
class After:
    """Below a draft: the generator's warnings, the lint findings, and its files."""

    warnings: list[str]
    findings: Findings | None
    files: list[FileItem]


@dataclass(frozen=True)
class Pane:
    """One A/B variant, headed by the hypothesis it tests."""

    id: str
    variant: str
    lead: str | None
    title: str
    what: str
    badges: Badges | None
    view: View
    after: After


@dataclass(frozen=True)
class CardView:
    kind: str
    id: str
    persona: str
    channel: str
    label: str
    badges: Badges | None = None
    view: View | None = None
    after: After | None = None
    panes: list[Pane] = field(default_factory=list)
    variant_count: int = 0


def group(entries: Iterable[dict[str, Any]]) -> list[Card]:
    cards: dict[tuple[str, str | None, str], Card] = {}
    for entry in entries:
        persona, channel = str(entry.get("persona")), str(entry.get("channel"))
        sub = entry.get("subgroup")
        subgroup = str(sub) if sub else None
        key = (persona, subgroup, channel)
        cards.setdefault(key, Card(persona, subgroup, channel)).entries.append(entry)
    return list(cards.values())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _kind(card: Card, meta: ChannelMeta | None) -> str:
    """Email, flyer or post: by the channel's medium, by its files where the channel is unknown."""
    if meta is not None:
        return {"email": "email", "print": "flyer"}.get(meta.medium, "post")
    formats = {str(e.get("format")) for e in card.entries}
    if "eml" in formats:
        return "email"
    return "flyer" if formats & {"docx", "pdf"} else "post"


def _read(out: Path, rel: str) -> tuple[Path, Document] | str | None:
    """One file read for lint: its path and draft, why it cannot be read, or None (a PDF)."""
    path = inside(out, rel)
    if path is None:
        return "staat buiten de uitvoermap"
    if not path.is_file():
        return "ontbreekt"
    if path.suffix.lower() not in DRAFT_SUFFIXES:
        return None
    try:
        return path, read_draft(path)
    except MkbcopyError as exc:
        return exc.message


def check_all(
    out: Path,
    paths: list[str],
    stats: Stats,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LintReport | str]:
    """Lint every file, and render every PDF's first page, at once.

    One hunspell checks the words of every file (starting it costs more than the
    check); pdftoppm runs per PDF on worker threads meanwhile. `progress` hears of
    each file as it is read.
    """
    pdfs = [
        pdf
        for rel in paths
        if rel.lower().endswith((".pdf", ".docx"))
        and (pdf := inside(out, rel[: rel.rfind(".")] + ".pdf")) is not None
        and pdf.is_file()
    ]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        images = pool.map(pdf_page, dict.fromkeys(pdfs))
        read: dict[str, tuple[Path, Document] | str | None] = {}
        for done, rel in enumerate(paths, 1):
            read[rel] = _read(out, rel)
            if progress is not None:
                progress(done, len(paths))
        drafts = {rel: found for rel, found in read.items() if isinstance(found, tuple)}
        try:
            linted: list[LintReport | str] = list(
                lint_documents(
                    (doc, infer_channel(path), path, BriefTerms()) for path, doc in drafts.values()
                )
            )
        except MkbcopyError as exc:  # hunspell failed: every file says why
            linted = [exc.message] * len(drafts)
        stats.images.update(zip(dict.fromkeys(pdfs), images, strict=True))
    reports_of = dict(zip(drafts, linted, strict=True))
    reports: dict[str, LintReport | str] = {}
    for rel, found in read.items():
        result = reports_of[rel] if isinstance(found, tuple) else found
        if result is None:
            continue
        reports[rel] = result
        if isinstance(result, LintReport):
            stats.files += 1
    return reports


def lead_titles(research: Research, user_dir: Path | None) -> Leads:
    """(persona, id) -> (kind, title) for every motivator and drempel.

    A drempel shows as the copy deck's question, which is how its variant opens; the
    research's description is a long quote. Without a readable deck that quote serves.
    """
    try:
        deck = load_copydeck(research, user_dir)
    except MkbcopyError:
        deck = {}
    titles: Leads = {}
    for persona in research.personas:
        copy = deck.get(persona.id)
        for motivator in persona.motivators:
            titles[(persona.id, motivator.id)] = ("motivator", motivator.title)
        for drempel in persona.drempels:
            asked = copy.drempels.get(drempel.id) if copy else None
            titles[(persona.id, drempel.id)] = (
                "drempel",
                asked.vraag if asked else drempel.description,
            )
    return titles


def card_view(ctx: Context, card: Card, meta: ChannelMeta | None) -> CardView:
    kind = _kind(card, meta)
    label = meta.label if meta is not None and meta.label else card.channel
    scored = meta is None or meta.medium in SCORED_MEDIA
    card_id = f"k-{slug(card.persona)}-{slug(card.subgroup or 'alle')}-{slug(card.channel)}"
    base = CardView(kind, card_id, card.persona, card.channel, label)
    groups = _by_variant(card.entries)
    if list(groups) != [None]:
        panes = [
            _pane(ctx, card, meta, kind, label, card_id, variant, entries, scored)
            for variant, entries in groups.items()
        ]
        count = sum(1 for key in groups if key is not None)
        return replace(base, panes=panes, variant_count=count)
    view, report, by_format = _draft_view(ctx, card.entries, kind, meta, label)
    after = _after(ctx, card.entries, report, by_format)
    return replace(base, badges=_badges(report, scored=scored), view=view, after=after)


def _pane(
    ctx: Context,
    card: Card,
    meta: ChannelMeta | None,
    kind: str,
    label: str,
    card_id: str,
    variant: str | None,
    entries: list[dict[str, Any]],
    scored: bool,
) -> Pane:
    view, report, by_format = _draft_view(ctx, entries, kind, meta, label, compact=True)
    lead: str | None = None
    title = ""
    if variant is None:
        what = "eerdere run zonder --variants"
    else:
        lead = str(next((e["leads_with"] for e in entries if e.get("leads_with")), ""))
        kind_of, title = ctx.leads.get((card.persona, lead), ("", lead or "?"))
        what = f"{kind_of} · {lead}" if kind_of else lead
    return Pane(
        id=f"{card_id}-v-{slug(variant or 'geen')}",
        variant=variant or "",
        lead=lead,
        title=title,
        what=what,
        badges=_badges(report, scored=scored),
        view=view,
        after=_after(ctx, entries, report, by_format),
    )


def _draft_view(
    ctx: Context,
    entries: list[dict[str, Any]],
    kind: str,
    meta: ChannelMeta | None,
    label: str,
    *,
    compact: bool = False,
) -> tuple[View, LintReport | None, dict[str, str]]:
    """One draft as its reader sees it, from the format that shows it best."""
    by_format = {str(e.get("format")): str(e["path"]) for e in entries}
    primary = next((by_format[f] for f in _PREFERRED[kind] if f in by_format), None)
    view: View = Problem("Geen leesbaar conceptbestand.")
    primary_report = ctx.reports.get(primary) if primary else None
    if primary is not None and isinstance(primary_report, str):
        view = Problem(f"{primary}: {primary_report}")
    elif primary is not None:
        path = ctx.out / primary
        try:
            if kind == "email":
                view = email_view(path, compact=compact)
            elif kind == "flyer":
                view = flyer_view(ctx.out, path, by_format.get("pdf"), ctx.stats, compact=compact)
            else:
                view = post_view(path, meta, label, ctx.organisation)
        except MkbcopyError as exc:
            view = Problem(f"{primary}: {exc.message}")
    elif "pdf" in by_format:  # only a PDF was written (generate -f pdf)
        view = flyer_view(ctx.out, None, by_format["pdf"], ctx.stats, compact=compact)
    head_report = primary_report if isinstance(primary_report, LintReport) else None
    return view, head_report, by_format


def _by_variant(entries: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Entries per A/B variant label, in label order; None holds files written without one.

    An earlier run without --variants may have left email.eml beside email--A.eml; it
    stays on the page as a pane of its own rather than vanish.
    """
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for entry in entries:
        label = entry.get("variant")
        groups.setdefault(str(label) if label else None, []).append(entry)
    return {key: groups[key] for key in sorted(groups, key=lambda k: (k is not None, k or ""))}


def _badges(report: LintReport | None, *, scored: bool) -> Badges | None:
    if report is None:
        return None
    badges = Badges(report.count("error"), report.count("warning"))
    stats = report.readability
    if stats is None or not stats.word_count:
        return badges
    if scored:
        tone = "ok" if stats.score >= B1_SCORE else "warn"
        note = f"B1-doel: {B1_SCORE:.0f} of hoger"
    else:
        tone, note = "plain", "korte post: score is alleen een indicatie"
    return Badges(badges.errors, badges.warnings, f"{stats.score:.0f}", tone, note)


def _warning(entry: Any) -> str:
    """A manifest's draft warning in Dutch; an older manifest kept it as text."""
    if isinstance(entry, dict) and isinstance(entry.get("msgid"), str):
        return Text(entry["msgid"], entry.get("params") or {}).render("nl")
    return str(entry)


def _after(
    ctx: Context,
    entries: list[dict[str, Any]],
    report: LintReport | None,
    by_format: dict[str, str],
) -> After:
    warnings = list(
        dict.fromkeys(_warning(w) for e in entries for w in e.get("warnings") or [] if w)
    )
    findings = _findings(report) if report is not None and report.findings else None
    return After(warnings, findings, _files(by_format, ctx.reports))


def _findings(report: LintReport) -> Findings:
    shown = [f for f in report.findings if f.severity != "info"]
    hints = len(report.findings) - len(shown)
    items = [
        FindingView(f.severity, _SEVERITY_WORDS[f.severity], f.text("nl"), f.excerpt or "")
        for f in report.findings
    ]
    summary = n(len(shown), "opmerking", "opmerkingen") + (
        f" en {n(hints, 'tip', 'tips')}" if hints else ""
    )
    return Findings(items, summary, open=bool(shown))


def _files(by_format: dict[str, str], reports: dict[str, LintReport | str]) -> list[FileItem]:
    items: list[FileItem] = []
    for rel in by_format.values():
        report = reports.get(rel)
        note = tone = ""
        if isinstance(report, str):
            note, tone = report, "bad"
        elif report is not None and (report.count("error") or report.count("warning")):
            counts = []
            if report.count("error"):
                counts.append(n(report.count("error"), "fout", "fouten"))
            if report.count("warning"):
                counts.append(n(report.count("warning"), "waarschuwing", "waarschuwingen"))
            note, tone = ", ".join(counts), "bad" if report.count("error") else "warn"
        items.append(FileItem(rel, quote(rel), rel.rsplit("/", 1)[-1], note, tone))
    return items
