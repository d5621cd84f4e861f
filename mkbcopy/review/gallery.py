"""One offline HTML page that shows every draft in OUT the way its reader will see it.

Marketers review copy in a browser, not in eleven files. The page is a single
file with inline CSS and a few lines of inline JS, so it opens from a USB stick
or an email attachment and never reaches the network: a Content-Security-Policy
forbids every request, and images (the flyer's PDF page) are data: URIs.
The page is Jinja2 templates with autoescape (mkbcopy/review/templates/), since
drafts hold brief text and hand edits; this module only computes what they show.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from mkbcopy.checks.coverage import Coverage, compute_coverage, load_manifest
from mkbcopy.checks.drafts import draft_entries
from mkbcopy.checks.findings import Counts, first_format_per_draft
from mkbcopy.checks.lint import LintReport
from mkbcopy.compose.channels import ChannelMeta, load_channel
from mkbcopy.errors import MkbcopyError
from mkbcopy.i18n import _, ngettext
from mkbcopy.research.brief import Brief, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.review.cards import (
    Card,
    CardView,
    Context,
    card_view,
    check_all,
    group,
    lead_titles,
    slug,
)
from mkbcopy.review.views import Stats
from mkbcopy.writers.folder import write_extra
from mkbcopy.writers.html import DEFAULT_COLOUR

INDEX = "index.html"
_PERSONA_COLOURS = ("#2E6F8E", "#7A4E9C", "#B0561E", "#2F7D4F", "#9C3D54")


@dataclass(frozen=True)
class Preview:
    """The page and what went into it, for the CLI's one-line summary."""

    html: str
    cards: int
    files: int
    errors: int
    warnings: int
    pdf_pages: int  # flyer PDFs shown as an image


@dataclass(frozen=True)
class Top:
    campaign: str
    brief: str
    cards: int
    variants: int
    errors: int
    warnings: int
    files: int
    incomplete: bool
    missing: list[tuple[str, str]]  # fact key, the personas that need it


@dataclass(frozen=True)
class Filters:
    """Checkboxes that only do something with JS, so the form stays hidden without it."""

    personas: list[tuple[str, str]]  # value, label
    channels: list[tuple[str, str]]
    total: int


@dataclass(frozen=True)
class Section:
    id: str
    persona: str
    colour: str
    name: str
    share: int | None
    subgroup: str | None
    cards: list[CardView]


@dataclass(frozen=True)
class CoverageRow:
    title: str
    id: str
    hits: list[bool]
    addressed: bool
    waiting: bool = False  # its facts are all placeholders: the brief's gap


@dataclass(frozen=True)
class CoverageTable:
    persona: str
    slug: str
    name: str
    labels: list[str]
    groups: list[tuple[str, list[CoverageRow]]]


def write_preview(
    out: Path,
    research: Research,
    brief: Brief | None = None,
    templates: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, Preview, float]:
    """Build OUT/index.html and record it in the manifest as ours; returns path, page, seconds.

    `progress(done, total)` hears of every file as it is read; one hunspell then checks all.
    """
    start = time.perf_counter()
    preview = build_preview(out, research, brief, templates, progress)
    write_extra(out, INDEX, preview.html.encode("utf-8"))
    return out / INDEX, preview, time.perf_counter() - start


def build_preview(
    out: Path,
    research: Research,
    brief: Brief | None = None,
    templates: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Preview:
    """The whole page as a string; reads OUT, runs pdftoppm where there is a PDF.

    `brief` gives posts the organisation's name and the page its brand colour; without
    it the brief named in the manifest is read if it is still there. `templates` (else
    the brief's) gives the labels and limits of the user's own channels.
    """
    manifest = load_manifest(out)
    brief = brief or _manifest_brief(manifest)
    organisation = brief.organisation if brief else str(manifest.get("campaign") or "")
    accent = _accent(brief.brand.colour if brief and brief.brand else None)
    entries = draft_entries(manifest)
    cards = group(entries)
    coverage = compute_coverage(manifest, research)
    channels = coverage.channels
    user_dir = templates or (Path(brief.templates) if brief and brief.templates else None)
    metas = {name: _meta(name, user_dir) for name in channels}
    persona_order = [p.id for p in research.personas]
    stats = Stats()
    reports = check_all(out, [str(e["path"]) for e in entries], stats, progress)
    counted = [
        r
        for path in first_format_per_draft(entries, set(reports))
        if isinstance(r := reports[path], LintReport)
    ]
    counts = Counts.of(counted)
    stats.errors, stats.warnings = counts.errors, counts.warnings
    has_variants = any(e.get("variant") for e in entries)
    leads = lead_titles(research, user_dir) if has_variants else {}
    ctx = Context(out, stats, organisation, reports, leads)

    rows: dict[tuple[str, str | None], list[Card]] = {}
    for card in cards:
        rows.setdefault((card.persona, card.subgroup), []).append(card)

    def row_key(key: tuple[str, str | None]) -> tuple[int, str, str]:
        persona, sub = key
        rank = persona_order.index(persona) if persona in persona_order else len(persona_order)
        return (rank, persona, sub or "")

    sections: list[Section] = []
    for index, key in enumerate(sorted(rows, key=row_key)):
        row_cards = sorted(
            rows[key],
            key=lambda c: channels.index(c.channel) if c.channel in channels else len(channels),
        )
        views = [card_view(ctx, card, metas.get(card.channel)) for card in row_cards]
        sections.append(_section(key, index, views, research, persona_order))

    script = _asset("preview.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'; frame-src 'self'; base-uri 'none'; form-action 'none'"
    )
    page = (
        _environment()
        .get_template("index.html.j2")
        .render(
            title=f"Concepten: {manifest.get('campaign') or out.name}",
            csp=csp,
            accent=accent,
            # Our own files, inlined as they are: the page must not reach the network.
            css=Markup(_asset("preview.css")),
            script=Markup(script),
            top=_top(manifest, out, len(cards), stats, _variant_count(cards)),
            filters=_filters(rows, channels, metas, research),
            sections=sections,
            coverage=_coverage(coverage, research, metas),
        )
    )
    return Preview(
        html=page,
        cards=len(cards),
        files=len(entries),
        errors=stats.errors,
        warnings=stats.warnings,
        pdf_pages=stats.pdf_pages,
    )


@cache
def _environment() -> Environment:
    folder = Path(str(resources.files("mkbcopy") / "review" / "templates"))
    return Environment(loader=FileSystemLoader(folder), autoescape=True, undefined=StrictUndefined)


@cache
def _asset(name: str) -> str:
    return (resources.files("mkbcopy") / "review" / "templates" / name).read_text("utf-8")


def _manifest_brief(manifest: dict[str, Any]) -> Brief | None:
    """The brief the drafts came from, if it can still be read; the page works without."""
    name = manifest.get("brief")
    try:
        if name == "(bundled example)":
            return load_brief()
        if isinstance(name, str) and Path(name).is_file():
            return load_brief(Path(name))
    except MkbcopyError:
        pass
    return None


def _accent(colour: str | None) -> str:
    """The brand colour, unless white text on it would be hard to read (WCAG 4.5:1)."""
    if not colour or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        return DEFAULT_COLOUR

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return colour if 1.05 / (luminance + 0.05) >= 4.5 else DEFAULT_COLOUR


def _meta(name: str, user_dir: Path | None) -> ChannelMeta | None:
    """A channel's label and limits; None for a channel whose templates are not at hand."""
    for folder in (user_dir, None) if user_dir else (None,):
        try:
            return load_channel(name, folder)
        except MkbcopyError:
            continue
    return None


# --- the page around the cards ----------------------------------------------------------


def _persona_name(persona_id: str, research: Research) -> tuple[str, int | None]:
    for persona in research.personas:
        if persona.id == persona_id:
            return persona.name, persona.share
    return persona_id, None


def _subgroup_name(persona_id: str, subgroup: str, research: Research) -> str:
    for persona in research.personas:
        if persona.id == persona_id:
            for sub in persona.subgroups:
                if sub.id == subgroup:
                    return f"{sub.name} ({sub.id})"
    return subgroup


def _section(
    key: tuple[str, str | None],
    index: int,
    cards: list[CardView],
    research: Research,
    persona_order: list[str],
) -> Section:
    persona, subgroup = key
    name, share = _persona_name(persona, research)
    rank = persona_order.index(persona) if persona in persona_order else index
    return Section(
        id=f"p-{slug(persona)}-{slug(subgroup or 'alle')}",
        persona=persona,
        colour=_PERSONA_COLOURS[rank % len(_PERSONA_COLOURS)],
        name=name[:1].upper() + name[1:],
        share=share or None,
        subgroup=_subgroup_name(persona, subgroup, research) if subgroup else None,
        cards=cards,
    )


def _variant_count(cards: list[Card]) -> int:
    """A/B variants on the page, counted once however many formats each was written in."""
    return sum(len({str(e["variant"]) for e in c.entries if e.get("variant")}) for c in cards)


def _top(manifest: dict[str, Any], out: Path, cards: int, stats: Stats, variants: int) -> Top:
    missing = manifest.get("missing_facts") or {}
    facts = [
        (str(key), ", ".join(map(str, who)))
        for key, who in (missing.items() if isinstance(missing, dict) else ())
        if isinstance(who, list)
    ]
    brief = str(manifest.get("brief") or "")
    return Top(
        campaign=str(manifest.get("campaign") or out.name),
        brief="de voorbeeldbrief" if brief == "(bundled example)" else brief,
        cards=cards,
        variants=variants,
        errors=stats.errors,
        warnings=stats.warnings,
        files=stats.files,
        incomplete=manifest.get("complete") is False,
        missing=facts,
    )


def _label(name: str, metas: dict[str, ChannelMeta | None]) -> str:
    meta = metas.get(name)
    return meta.label if meta is not None and meta.label else name


def _filters(
    rows: dict[tuple[str, str | None], list[Card]],
    channels: list[str],
    metas: dict[str, ChannelMeta | None],
    research: Research,
) -> Filters:
    personas = list(dict.fromkeys(p for p, _ in rows))
    order = [p.id for p in research.personas]
    personas.sort(key=lambda p: order.index(p) if p in order else len(order))
    return Filters(
        personas=[(p, _persona_name(p, research)[0]) for p in personas],
        channels=[(c, _label(c, metas)) for c in channels],
        total=sum(len(c) for c in rows.values()),
    )


def _coverage(
    coverage: Coverage, research: Research, metas: dict[str, ChannelMeta | None]
) -> list[CoverageTable]:
    """Per persona: which motivators and drempels each channel's copy addresses."""
    labels = [_label(c, metas) for c in coverage.channels]
    tables: list[CoverageTable] = []
    for persona in research.personas:
        rows = [r for r in coverage.rows if r.persona == persona.id]
        groups: list[tuple[str, list[CoverageRow]]] = []
        for kind, title in (("motivator", "Motivatoren"), ("drempel", "Drempels")):
            mine = [
                CoverageRow(
                    r.title,
                    r.id,
                    [r.channels[c] for c in coverage.channels],
                    r.addressed,
                    r.waiting,
                )
                for r in rows
                if r.kind == kind
            ]
            if mine:
                groups.append((title, mine))
        if rows:
            name = persona.name[:1].upper() + persona.name[1:]
            tables.append(CoverageTable(persona.id, slug(persona.id), name, labels, groups))
    return tables


def summary_line(path: Path, preview: Preview, seconds: float) -> str:
    """What the CLI prints after writing the page."""
    size = len(preview.html.encode("utf-8"))
    drafts = ngettext("%(count)s draft", "%(count)s drafts", preview.cards)
    errors = ngettext("%(count)s lint error", "%(count)s lint errors", preview.errors)
    warnings = ngettext("%(count)s warning", "%(count)s warnings", preview.warnings)
    return _(
        "Wrote %(path)s (%(size).0f kB, %(drafts)s, %(errors)s, %(warnings)s) in "
        "%(seconds).1f s; open it in a browser: %(uri)s"
    ) % {
        "path": path,
        "size": size / 1024,
        "drafts": drafts % {"count": preview.cards},
        "errors": errors % {"count": preview.errors},
        "warnings": warnings % {"count": preview.warnings},
        "seconds": seconds,
        "uri": path.resolve().as_uri(),
    }
