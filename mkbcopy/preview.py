"""One offline HTML page that shows every draft in OUT the way its reader will see it.

Marketers review copy in a browser, not in eleven files. The page is a single
file with inline CSS and a few lines of inline JS, so it opens from a USB stick
or an email attachment and never reaches the network: a Content-Security-Policy
forbids every request, and images (the flyer's PDF page) are data: URIs.
Every piece of draft text is escaped, since drafts hold brief text and hand edits.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mkbcopy.brief import Brief, load_brief
from mkbcopy.channels import ChannelMeta, load_channel
from mkbcopy.copydeck import load_copydeck
from mkbcopy.coverage import Coverage, compute_coverage, load_manifest
from mkbcopy.document import Block, Document, Inline, plain_blocks
from mkbcopy.errors import MkbcopyError
from mkbcopy.findings import Counts, first_format_per_draft
from mkbcopy.lint import B1_SCORE, DRAFT_SUFFIXES, SCORED_MEDIA, LintReport, lint_path, read_draft
from mkbcopy.measure import HASHTAG, URL, channel_length
from mkbcopy.output import write_extra
from mkbcopy.personas import Research
from mkbcopy.readability import PLACEHOLDER
from mkbcopy.writers.html import DEFAULT_COLOUR
from mkbcopy.writers.text import render_text

INDEX = "index.html"
PDFTOPPM_TIMEOUT = 30.0
# What each kind of card shows first when a draft was written in several formats.
_PREFERRED = {
    "email": ("eml", "html", "md", "txt"),
    "flyer": ("docx", "md", "html", "txt"),
    "post": ("txt", "md", "html", "eml", "docx"),
}
_PERSONA_COLOURS = ("#2E6F8E", "#7A4E9C", "#B0561E", "#2F7D4F", "#9C3D54")
_PLATFORM_COLOURS = {
    "linkedin": "#0A66C2",
    "instagram": "#C13584",
    "facebook": "#1877F2",
    "x": "#111111",
}


@dataclass
class Card:
    """One draft: a persona (and subgroup) on one channel, in every format written."""

    persona: str
    subgroup: str | None
    channel: str
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """The page and what went into it, for the CLI's one-line summary."""

    html: str
    cards: int
    files: int
    errors: int
    warnings: int
    pdf_pages: int  # flyer PDFs shown as an image


@dataclass
class _Stats:
    errors: int = 0
    warnings: int = 0
    files: int = 0
    pdf_pages: int = 0
    # PDF path -> (page 1 as base64 PNG, page count), rendered beside the linting
    images: dict[Path, tuple[str | None, int | None]] = field(default_factory=dict)


def write_preview(
    out: Path,
    research: Research,
    brief: Brief | None = None,
    templates: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, Preview, float]:
    """Build OUT/index.html and record it in the manifest as ours; returns path, page, seconds.

    `progress(done, total)` hears of every file checked: linting takes most of the time.
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
    entries = [
        e for e in manifest["files"] if isinstance(e, dict) and isinstance(e.get("path"), str)
    ]
    cards = _group(entries)
    coverage = compute_coverage(manifest, research)
    channels = coverage.channels
    user_dir = templates or (Path(brief.templates) if brief and brief.templates else None)
    metas = {name: _meta(name, user_dir) for name in channels}
    persona_order = [p.id for p in research.personas]
    stats = _Stats()
    reports = _check_all(out, [str(e["path"]) for e in entries], stats, progress)
    counted = [
        r
        for path in first_format_per_draft(entries, set(reports))
        if isinstance(r := reports[path], LintReport)
    ]
    counts = Counts.of(counted)
    stats.errors, stats.warnings = counts.errors, counts.warnings
    has_variants = any(e.get("variant") for e in entries)
    leads = _lead_titles(research, user_dir) if has_variants else {}
    ctx = _Context(out, stats, organisation, reports, leads)

    rows: dict[tuple[str, str | None], list[Card]] = {}
    for card in cards:
        rows.setdefault((card.persona, card.subgroup), []).append(card)

    def row_key(key: tuple[str, str | None]) -> tuple[int, str, str]:
        persona, sub = key
        rank = persona_order.index(persona) if persona in persona_order else len(persona_order)
        return (rank, persona, sub or "")

    sections: list[str] = []
    for index, key in enumerate(sorted(rows, key=row_key)):
        row_cards = sorted(
            rows[key],
            key=lambda c: channels.index(c.channel) if c.channel in channels else len(channels),
        )
        rendered = [_card(ctx, card, metas.get(card.channel)) for card in row_cards]
        sections.append(_section(key, index, rendered, research, persona_order))

    body = "\n".join(
        [
            _top(manifest, out, len(cards), stats, _variant_count(cards)),
            _filters(rows, channels, metas, research),
            '<main id="inhoud">',
            *sections,
            _coverage(coverage, research, metas),
            "</main>",
            _footer(),
        ]
    )
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode()
    csp = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'; frame-src 'self'; base-uri 'none'; form-action 'none'"
    )
    title = f"Concepten: {manifest.get('campaign') or out.name}"
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">\n'
        '<meta name="generator" content="mkbcopy">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>:root{{--accent:{accent}}}{_CSS}</style>\n"
        "</head>\n"
        f"<body>\n{body}\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
    return Preview(
        html=page,
        cards=len(cards),
        files=len(entries),
        errors=stats.errors,
        warnings=stats.warnings,
        pdf_pages=stats.pdf_pages,
    )


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


def _group(entries: Iterable[dict[str, Any]]) -> list[Card]:
    cards: dict[tuple[str, str | None, str], Card] = {}
    for entry in entries:
        persona, channel = str(entry.get("persona")), str(entry.get("channel"))
        sub = entry.get("subgroup")
        subgroup = str(sub) if sub else None
        key = (persona, subgroup, channel)
        cards.setdefault(key, Card(persona, subgroup, channel)).entries.append(entry)
    return list(cards.values())


def _meta(name: str, user_dir: Path | None) -> ChannelMeta | None:
    """A channel's label and limits; None for a channel whose templates are not at hand."""
    for folder in (user_dir, None) if user_dir else (None,):
        try:
            return load_channel(name, folder)
        except MkbcopyError:
            continue
    return None


# --- one card per draft ---------------------------------------------------------------


def _kind(card: Card, meta: ChannelMeta | None) -> str:
    """Email, flyer or post: by the channel's medium, by its files where the channel is unknown."""
    if meta is not None:
        return {"email": "email", "print": "flyer"}.get(meta.medium, "post")
    formats = {str(e.get("format")) for e in card.entries}
    if "eml" in formats:
        return "email"
    return "flyer" if formats & {"docx", "pdf"} else "post"


def _inside(out: Path, rel: str) -> Path | None:
    """The file a manifest path names, unless an edited manifest points outside OUT."""
    path = out / rel
    try:
        path.resolve().relative_to(out.resolve())
    except ValueError:
        return None
    return path


def _check(out: Path, rel: str) -> LintReport | str | None:
    """Lint one file: its report, why it cannot be read, or None (a PDF is not linted)."""
    path = _inside(out, rel)
    if path is None:
        return "staat buiten de uitvoermap"
    if not path.is_file():
        return "ontbreekt"
    if path.suffix.lower() not in DRAFT_SUFFIXES:
        return None
    try:
        return lint_path(path)
    except MkbcopyError as exc:
        return exc.message


def _check_all(
    out: Path,
    paths: list[str],
    stats: _Stats,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LintReport | str]:
    """Lint every file, and render every PDF's first page, at once.

    hunspell and pdftoppm each start a process per file, so threads save most of the wait.
    """
    done = itertools.count(1)

    def check(rel: str) -> LintReport | str | None:
        result = _check(out, rel)
        if progress is not None:
            progress(next(done), len(paths))  # from worker threads: count() is atomic
        return result

    pdfs = [
        pdf
        for rel in paths
        if rel.lower().endswith((".pdf", ".docx"))
        and (pdf := _inside(out, rel[: rel.rfind(".")] + ".pdf")) is not None
        and pdf.is_file()
    ]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        images = pool.map(_pdf_page, dict.fromkeys(pdfs))
        results = dict(zip(paths, pool.map(check, paths), strict=True))
        stats.images.update(zip(dict.fromkeys(pdfs), images, strict=True))
    reports: dict[str, LintReport | str] = {}
    for rel, result in results.items():
        if result is None:
            continue
        reports[rel] = result
        if isinstance(result, LintReport):
            stats.files += 1
    return reports


# (persona, motivator or drempel id) -> (kind, title): what an A/B variant leads with
_Leads = dict[tuple[str, str], tuple[str, str]]


@dataclass(frozen=True)
class _Context:
    """What every card needs from the page around it."""

    out: Path
    stats: _Stats
    organisation: str
    reports: dict[str, LintReport | str]
    leads: _Leads = field(default_factory=dict)


def _card(ctx: _Context, card: Card, meta: ChannelMeta | None) -> str:
    kind = _kind(card, meta)
    label = meta.label if meta is not None and meta.label else card.channel
    scored = meta is None or meta.medium in SCORED_MEDIA
    card_id = f"k-{_slug(card.persona)}-{_slug(card.subgroup or 'alle')}-{_slug(card.channel)}"
    groups = _by_variant(card.entries)
    if list(groups) != [None]:
        return _variant_card(ctx, card, meta, kind, label, card_id, groups)
    view, head_report, by_format = _draft_view(ctx, card.entries, kind, meta, label)
    wide = " card--wide" if kind in ("email", "flyer") else ""
    parts = [
        f'<article class="card card--{kind}{wide}" id="{card_id}" '
        f'data-persona="{escape(card.persona)}" data-channel="{escape(card.channel)}" '
        f'aria-labelledby="{card_id}-h">',
        '<div class="card__head">',
        f'<h3 id="{card_id}-h">{escape(label)}</h3>',
        _badges(head_report, scored=scored),
        "</div>",
        f'<div class="card__body">{view}</div>',
        *_after_view(ctx, card.entries, head_report, by_format),
        "</article>",
    ]
    return "\n".join(parts)


def _draft_view(
    ctx: _Context,
    entries: list[dict[str, Any]],
    kind: str,
    meta: ChannelMeta | None,
    label: str,
    *,
    compact: bool = False,
) -> tuple[str, LintReport | None, dict[str, str]]:
    """One draft as its reader sees it, from the format that shows it best."""
    by_format = {str(e.get("format")): str(e["path"]) for e in entries}
    primary = next((by_format[f] for f in _PREFERRED[kind] if f in by_format), None)
    view = _problem("Geen leesbaar conceptbestand.")
    primary_report = ctx.reports.get(primary) if primary else None
    if primary is not None and isinstance(primary_report, str):
        view = _problem(f"{primary}: {primary_report}")
    elif primary is not None:
        path = ctx.out / primary
        try:
            if kind == "email":
                view = _email_view(path, compact=compact)
            elif kind == "flyer":
                view = _flyer_view(ctx.out, path, by_format.get("pdf"), ctx.stats, compact=compact)
            else:
                view = _post_view(path, meta, label, ctx.organisation)
        except MkbcopyError as exc:
            view = _problem(f"{primary}: {exc.message}")
    elif "pdf" in by_format:  # only a PDF was written (generate -f pdf)
        view = _flyer_view(ctx.out, None, by_format["pdf"], ctx.stats, compact=compact)
    head_report = primary_report if isinstance(primary_report, LintReport) else None
    return view, head_report, by_format


def _after_view(
    ctx: _Context,
    entries: list[dict[str, Any]],
    report: LintReport | None,
    by_format: dict[str, str],
) -> list[str]:
    """Below a draft: the generator's warnings, the lint findings, and its files."""
    warnings = list(dict.fromkeys(str(w) for e in entries for w in e.get("warnings") or [] if w))
    parts: list[str] = []
    if warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
        parts.append(f'<div class="notice"><p><strong>Let op</strong></p><ul>{items}</ul></div>')
    if report is not None:
        parts.append(_findings(report))
    parts.append(_file_list(by_format, ctx.reports))
    return parts


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


def _variant_card(
    ctx: _Context,
    card: Card,
    meta: ChannelMeta | None,
    kind: str,
    label: str,
    card_id: str,
    groups: dict[str | None, list[dict[str, Any]]],
) -> str:
    """One channel's A/B variants side by side, each headed by the hypothesis it tests."""
    scored = meta is None or meta.medium in SCORED_MEDIA
    count = sum(1 for key in groups if key is not None)
    panes: list[str] = []
    for variant, entries in groups.items():
        pane_id = f"{card_id}-v-{_slug(variant or 'geen')}"
        view, report, by_format = _draft_view(ctx, entries, kind, meta, label, compact=True)
        if variant is None:
            heading = '<span class="variant__label">Zonder variant</span>'
            kind_note, leads_attr = "eerdere run zonder --variants", ""
        else:
            lead = str(next((e["leads_with"] for e in entries if e.get("leads_with")), ""))
            what, title = ctx.leads.get((card.persona, lead), ("", lead or "?"))
            heading = (
                f'<span class="variant__label">Variant {escape(variant)}</span> · leidt met: '
                f'<span class="variant__lead">{escape(title)}</span>'
            )
            kind_note = f"{what} · {lead}" if what else lead
            leads_attr = f' data-leads-with="{escape(lead)}"'
        panes.append(
            "\n".join(
                [
                    f'<section class="variant" id="{pane_id}" '
                    f'data-variant="{escape(variant or "")}"{leads_attr} '
                    f'aria-labelledby="{pane_id}-h">',
                    '<div class="variant__head">',
                    f'<h4 id="{pane_id}-h">{heading}</h4>',
                    f'<p class="variant__what">{escape(kind_note)}</p>',
                    _badges(report, scored=scored),
                    "</div>",
                    '<div class="variant__main">',
                    f'<div class="variant__body">{view}</div>',
                    *_after_view(ctx, entries, report, by_format),
                    "</div>",
                    "</section>",
                ]
            )
        )
    note = _n(count, "variant", "varianten")
    return "\n".join(
        [
            f'<article class="card card--{kind} card--variants" id="{card_id}" '
            f'data-persona="{escape(card.persona)}" data-channel="{escape(card.channel)}" '
            f'aria-labelledby="{card_id}-h">',
            '<div class="card__head">',
            f'<h3 id="{card_id}-h">{escape(label)}</h3>',
            f'<p class="badges"><span class="badge">{note} · A/B-test</span></p>',
            "</div>",
            f'<div class="variants" style="--n:{len(groups)}">',
            *panes,
            "</div>",
            "</article>",
        ]
    )


def _lead_titles(research: Research, user_dir: Path | None) -> _Leads:
    """(persona, id) -> (kind, title) for every motivator and drempel.

    A drempel shows as the copy deck's question, which is how its variant opens; the
    research's description is a long quote. Without a readable deck that quote serves.
    """
    try:
        deck = load_copydeck(research, user_dir)
    except MkbcopyError:
        deck = {}
    titles: _Leads = {}
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


def _badges(report: LintReport | None, *, scored: bool) -> str:
    if report is None:
        return '<p class="badges"><span class="badge">niet gecontroleerd</span></p>'
    errors, warnings = report.count("error"), report.count("warning")
    out: list[str] = []
    if errors:
        out.append(f'<span class="badge badge--bad">{_n(errors, "fout", "fouten")}</span>')
    if warnings:
        words = _n(warnings, "waarschuwing", "waarschuwingen")
        out.append(f'<span class="badge badge--warn">{words}</span>')
    if not errors and not warnings:
        out.append(
            '<span class="badge badge--ok"><span aria-hidden="true">✓ </span>in orde'
            '<span class="sr"> (geen fouten of waarschuwingen)</span></span>'
        )
    stats = report.readability
    if stats is not None and stats.word_count:
        score = f"{stats.score:.0f}"
        if scored:
            tone = "ok" if stats.score >= B1_SCORE else "warn"
            note = f"B1-doel: {B1_SCORE:.0f} of hoger"
        else:
            tone, note = "plain", "korte post: score is alleen een indicatie"
        out.append(
            f'<span class="badge badge--{tone}" title="{escape(note)}">'
            f'Flesch-Douma <strong>{score}</strong><span class="sr"> ({escape(note)})</span>'
            "</span>"
        )
    return f'<p class="badges">{"".join(out)}</p>'


def _findings(report: LintReport) -> str:
    shown = [f for f in report.findings if f.severity != "info"]
    hints = len(report.findings) - len(shown)
    if not report.findings:
        return ""
    words = {"error": "fout", "warning": "waarschuwing", "info": "tip"}
    items = []
    for finding in report.findings:
        excerpt = f' <q class="excerpt">{escape(finding.excerpt)}</q>' if finding.excerpt else ""
        items.append(
            f'<li class="finding finding--{finding.severity}">'
            f'<span class="sev">{words[finding.severity]}</span> '
            f"{escape(finding.text('nl'))}{excerpt}</li>"
        )
    summary = _n(len(shown), "opmerking", "opmerkingen") + (
        f" en {_n(hints, 'tip', 'tips')}" if hints else ""
    )
    # Open where something needs fixing, so a marketer sees what without a click.
    state = " open" if shown else ""
    return (
        f'<details class="findings"{state}><summary>Controle: {summary}</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def _file_list(by_format: dict[str, str], reports: dict[str, LintReport | str]) -> str:
    items = []
    for rel in by_format.values():
        report = reports.get(rel)
        note = ""
        if isinstance(report, str):
            note = f' <span class="file-note file-note--bad">{escape(report)}</span>'
        elif report is not None and (report.count("error") or report.count("warning")):
            counts = []
            if report.count("error"):
                counts.append(_n(report.count("error"), "fout", "fouten"))
            if report.count("warning"):
                counts.append(_n(report.count("warning"), "waarschuwing", "waarschuwingen"))
            tone = "bad" if report.count("error") else "warn"
            note = f' <span class="file-note file-note--{tone}">{", ".join(counts)}</span>'
        name = rel.rsplit("/", 1)[-1]
        items.append(
            f'<li><a href="{escape(quote(rel))}" data-path="{escape(rel)}">{escape(name)}</a>'
            f"{note}</li>"
        )
    return f'<ul class="files" aria-label="Bestanden">{"".join(items)}</ul>'


def _problem(text: str) -> str:
    return f'<p class="problem">{escape(text)}</p>'


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- what each reader sees --------------------------------------------------------------


def _email_view(path: Path, *, compact: bool = False) -> str:
    """Sender, subject and preheader as an inbox shows them, then the HTML body.

    `compact` (an A/B pane) leaves out the sender, which all variants share, and folds
    the body away: subject and preheader are what a variant tests, and what must compare.
    """
    sender = subject = preheader = ""
    body_html: str | None = None
    body_text: str | None = None
    if path.suffix.lower() == ".eml":
        try:
            with path.open("rb") as handle:
                message = BytesParser(policy=policy.default).parse(handle)
        except OSError as exc:
            return _problem(f"{path.name}: {exc.strerror or exc}")
        sender = " ".join(str(message.get("From", "")).split())
        subject = " ".join(str(message.get("Subject", "")).split())
        preheader = " ".join(str(message.get("X-Preheader", "")).split())
        if isinstance(message, EmailMessage):
            part = message.get_body(preferencelist=("html",))
            if part is not None:
                body_html = str(part.get_content())
            else:
                plain = message.get_body(preferencelist=("plain",))
                body_text = str(plain.get_content()) if plain is not None else None
    elif path.suffix.lower() in (".html", ".htm"):
        body_html = path.read_text(encoding="utf-8", errors="replace")
    if body_html is None and body_text is None:
        document = read_draft(path)
        body_text = render_text(document)
    if body_html is not None and not (subject and preheader):
        document = read_draft(path) if path.suffix.lower() != ".eml" else Document()
        subject = subject or document.meta.get("subject", "")
        preheader = preheader or document.meta.get("preheader", "")
    rows = [] if compact else [("Van", sender or "(afzender staat niet in dit bestand)")]
    rows.append(("Onderwerp", subject or "(geen onderwerp)"))
    if preheader:
        rows.append(("Voorbeeldtekst", preheader))
    head = "".join(
        f'<div class="mailhead__row"><dt>{name}</dt><dd>{escape(value)}</dd></div>'
        for name, value in rows
    )
    inbox = (
        '<div class="inbox" aria-hidden="true"><span class="inbox__from">'
        f"{escape(_display_name(sender) or 'Afzender')}</span>"
        f'<span class="inbox__subject">{escape(subject)}</span>'
        f'<span class="inbox__pre">{escape(preheader)}</span></div>'
    )
    if body_html is not None:
        frame = (
            f'<iframe class="mail" title="{escape("E-mail: " + (subject or path.name))}" '
            'sandbox="allow-popups allow-popups-to-escape-sandbox" '
            f'srcdoc="{escape(_frame_source(body_html), quote=True)}"></iframe>'
        )
    else:
        frame = f'<div class="mailtext">{_linked_text(body_text or "")}</div>'
    if compact:
        frame = f'<details class="mailbody"><summary>Hele e-mail tonen</summary>{frame}</details>'
        return f'{inbox}<dl class="mailhead mailhead--stack">{head}</dl>{frame}'
    return f'{inbox}<dl class="mailhead">{head}</dl>{frame}'


def _display_name(sender: str) -> str:
    return sender.split("<", 1)[0].strip().strip('"') if "<" in sender else sender


def _frame_source(source: str) -> str:
    """The email as its own page: no requests of its own, links open a new tab, gaps marked."""
    guard = (
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<base target="_blank"><style>mark{background:#ffe066;color:inherit}</style>'
    )
    source = _HTML_PLACEHOLDER.sub(lambda m: f"<mark>{m.group()}</mark>", source)
    match = re.search(r"<head\b[^>]*>", source, flags=re.IGNORECASE)
    if match:
        return source[: match.end()] + guard + source[match.end() :]
    return guard + source


def _post_view(path: Path, meta: ChannelMeta | None, label: str, organisation: str) -> str:
    """A post as a feed shows it, with its length against the platform's limit."""
    document = read_draft(path)
    text = render_text(document)
    if path.suffix.lower() == ".txt":
        text = path.read_text(encoding="utf-8", errors="replace")
    shown = text.strip("\n")
    colour = _PLATFORM_COLOURS.get(meta.name if meta else "", DEFAULT_COLOUR)
    who = organisation or "Jouw organisatie"
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", who)[:2]).upper() or "?"
    parts = [
        f'<div class="post" style="--platform:{colour}">',
        f'<div class="post__who"><span class="avatar" aria-hidden="true">{escape(initials)}</span>'
        f"<span><strong>{escape(who)}</strong><br><small>{escape(label)} · concept</small>"
        "</span></div>",
        f'<div class="post__text">{_linked_text(shown)}</div>',
        "</div>",
    ]
    if meta is not None:
        parts.append(_length(render_text(document), meta))
    return "".join(parts)


def _length(text: str, meta: ChannelMeta) -> str:
    """Characters against the limit, counted the way the platform counts them."""
    length = channel_length(text, meta)
    items = []
    how = "gewogen tekens (X telt een link als 23)" if meta.counting == "x" else "tekens"
    if meta.limit is not None:
        over = length > meta.limit
        ratio = min(length / meta.limit, 1.0)
        state = "over" if over else ("near" if ratio > 0.9 else "ok")
        verdict = f" · {length - meta.limit} te veel" if over else ""
        items.append(
            f'<div class="count count--{state}">'
            f'<span class="count__text"><strong>{length}</strong> / {meta.limit} {how}'
            f"{verdict}</span>"
            f'<span class="bar" aria-hidden="true"><span style="width:{ratio * 100:.1f}%">'
            "</span></span></div>"
        )
    else:
        items.append(f'<div class="count"><span class="count__text">{length} {how}</span></div>')
    if meta.hashtags is not None:
        tags = len(HASHTAG.findall(text))
        state = "over" if tags > meta.hashtags else "ok"
        items.append(
            f'<div class="count count--{state}"><span class="count__text">'
            f"{tags} / {meta.hashtags} hashtags</span></div>"
        )
    return "".join(items)


_TOKENS = re.compile(f"({URL.pattern})|({PLACEHOLDER.pattern})|({HASHTAG.pattern})")
# In HTML a placeholder never spans a tag; stopping at < keeps the marked-up email valid.
_HTML_PLACEHOLDER = re.compile(r"\[AANVULLEN:[^\]<>]*\]")


def _linked_text(text: str) -> str:
    """Escape post text; links become links, hashtags and [AANVULLEN: ...] stand out."""
    out: list[str] = []
    last = 0
    for match in _TOKENS.finditer(text):
        out.append(escape(text[last : match.start()]))
        token = match.group()
        if match.group(1):
            out.append(
                f'<a href="{escape(token, quote=True)}" rel="noopener noreferrer" '
                f'target="_blank">{escape(token)}</a>'
            )
        elif match.group(2):
            out.append(f"<mark>{escape(token)}</mark>")
        else:
            out.append(f'<span class="tag">{escape(token)}</span>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _text_html(text: str) -> str:
    """Escaped text with line breaks kept and placeholders marked."""
    out: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


def _flyer_view(
    out: Path, path: Path | None, pdf_rel: str | None, stats: _Stats, *, compact: bool = False
) -> str:
    """The PDF's first page where there is one, and the flyer's text as a sheet of paper.

    `compact` (an A/B pane, one of several side by side) folds the text away under the
    printed page, and puts the flyer's headings a level below the pane's own.
    """
    parts: list[str] = []
    pdf: Path | None = None
    if pdf_rel is not None:
        pdf = _inside(out, pdf_rel)
    elif path is not None and path.with_suffix(".pdf").is_file():
        pdf = path.with_suffix(".pdf")
    if pdf is not None and pdf.is_file():
        href = escape(quote(pdf.relative_to(out).as_posix()))
        image, pages = stats.images[pdf] if pdf in stats.images else _pdf_page(pdf)
        if image is not None:
            stats.pdf_pages += 1
            count = f" van {pages}" if pages else ""
            parts.append(
                '<figure class="pdfpage">'
                f'<img src="data:image/png;base64,{image}" '
                f'alt="Pagina 1 van de PDF-flyer {escape(pdf.name)}">'
                f"<figcaption>Pagina 1{count} van de print-PDF · "
                f'<a href="{href}">PDF openen</a></figcaption></figure>'
            )
        else:
            parts.append(
                f'<p class="pdflink"><a href="{href}">Print-PDF openen ({escape(pdf.name)})</a>'
                "<br><small>Installeer poppler-utils om hier een afbeelding van de pagina te "
                "zien.</small></p>"
            )
    elif path is not None and not compact:
        parts.append(
            '<p class="hint">Nog geen print-PDF: draai <code>mkbcopy generate</code> opnieuw met '
            "<code>-c flyer -f docx -f pdf</code>.</p>"
        )
    pictured = any(part.startswith("<figure") for part in parts)
    if path is not None:
        label = escape(f"Tekst van {path.name}")
        paper = (
            f'<div class="paper" tabindex="0" role="region" aria-label="{label}">'
            f"{_document_html(read_draft(path), depth=4 if compact else 3)}</div>"
        )
        if compact and pictured:
            paper = f'<details class="flyertext"><summary>{label}</summary>{paper}</details>'
        parts.append(paper)
    # Side by side where there is room: the printed page, and the text it was made from.
    two = " flyer--pdf" if pictured and not compact else ""
    return f'<div class="flyer{two}">{"".join(parts)}</div>'


def _pdf_page(pdf: Path) -> tuple[str | None, int | None]:
    """Page 1 as a base64 PNG via pdftoppm, and the page count via pdfinfo; None if absent."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None, None
    with tempfile.TemporaryDirectory(prefix="mkbcopy-preview-") as tmp:
        prefix = Path(tmp) / "page"
        command = [pdftoppm, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", "900"]
        try:
            subprocess.run(
                [*command, str(pdf), str(prefix)],
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
                check=True,
            )
            data = prefix.with_suffix(".png").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None, None
    return base64.b64encode(data).decode("ascii"), _page_count(pdf)


def _page_count(pdf: Path) -> int | None:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return None
    try:
        result = subprocess.run(
            [pdfinfo, str(pdf)], capture_output=True, timeout=PDFTOPPM_TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(rb"^Pages:\s+(\d+)", result.stdout, flags=re.MULTILINE)
    return int(match.group(1)) if match else None


def _document_html(document: Document, depth: int = 3) -> str:
    """Headings, paragraphs and bullets as plain HTML; the page's CSS gives the look.

    `depth` is the level of the heading the document sits under (a card's h3, a pane's h4).
    """
    out: list[str] = []
    for block in plain_blocks(document.blocks):
        out.append(_block_html(block, depth))
    return "\n".join(out)


def _block_html(block: Block, depth: int = 3) -> str:
    if block.kind == "heading":
        # Inside a card (h3) the flyer's own headings are a level lower, so the page's
        # outline stays in order for screen readers; the look stays a flyer's.
        level = min(max(block.level, 1), 3)
        tag = f"h{min(level + depth, 6)}"
        return f'<{tag} class="fh fh{level}">{_inline_html(block.spans)}</{tag}>'
    if block.kind == "bullets":
        items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    return f"<p>{_inline_html(block.spans)}</p>"


def _inline_html(spans: Inline) -> str:
    out: list[str] = []
    for span in spans:
        text = _text_html(span.text)
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.url and re.match(r"(?i)(https?:|mailto:|tel:)", span.url):
            text = f'<a href="{escape(span.url, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out)


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
    cards: list[str],
    research: Research,
    persona_order: list[str],
) -> str:
    persona, subgroup = key
    name, share = _persona_name(persona, research)
    rank = persona_order.index(persona) if persona in persona_order else index
    colour = _PERSONA_COLOURS[rank % len(_PERSONA_COLOURS)]
    section_id = f"p-{_slug(persona)}-{_slug(subgroup or 'alle')}"
    share_text = f'<span class="share">{share}% van de doelgroep</span>' if share else ""
    sub_text = (
        f'<p class="subgroup">Subgroep: {escape(_subgroup_name(persona, subgroup, research))}</p>'
        if subgroup
        else ""
    )
    return (
        f'<section class="persona" id="{section_id}" data-row '
        f'data-persona="{escape(persona)}" style="--persona:{colour}" '
        f'aria-labelledby="{section_id}-h">\n'
        f'<div class="persona__head"><h2 id="{section_id}-h">{escape(name[:1].upper() + name[1:])}'
        f"</h2>{share_text}</div>{sub_text}\n"
        f'<div class="cards">\n{"".join(cards)}\n</div>\n</section>'
    )


def _variant_count(cards: list[Card]) -> int:
    """A/B variants on the page, counted once however many formats each was written in."""
    return sum(len({str(e["variant"]) for e in c.entries if e.get("variant")}) for c in cards)


def _top(manifest: dict[str, Any], out: Path, cards: int, stats: _Stats, variants: int = 0) -> str:
    campaign = str(manifest.get("campaign") or out.name)
    incomplete = ""
    if manifest.get("complete") is False:
        incomplete = (
            '<p class="banner">Deze map is onvolledig: de laatste run van mkbcopy generate is '
            "niet afgemaakt. Draai hem opnieuw.</p>"
        )
    missing = manifest.get("missing_facts") or {}
    facts = ""
    if isinstance(missing, dict) and missing:
        items = "".join(
            f"<li><code>{escape(str(key))}</code> (voor {escape(', '.join(map(str, who)))})</li>"
            for key, who in missing.items()
            if isinstance(who, list)
        )
        facts = (
            '<div class="banner"><p><strong>De brief mist feiten.</strong> De concepten hebben '
            "daar <code>[AANVULLEN: ...]</code> staan. Vul ze aan in de brief en draai "
            f"mkbcopy generate opnieuw.</p><ul>{items}</ul></div>"
        )
    lint = (
        f"{_n(stats.errors, 'fout', 'fouten')} en "
        f"{_n(stats.warnings, 'waarschuwing', 'waarschuwingen')} "
        f"({_n(stats.files, 'bestand', 'bestanden')} gecontroleerd, geteld per concept)"
    )
    shown_variants = f" · {_n(variants, 'A/B-variant', 'A/B-varianten')}" if variants else ""
    brief = str(manifest.get("brief") or "")
    brief = escape("de voorbeeldbrief" if brief == "(bundled example)" else brief)
    return (
        '<a class="skip" href="#inhoud">Naar de concepten</a>\n'
        '<header class="top"><div class="top__in">'
        '<p class="eyebrow">mkbcopy · conceptteksten ter controle</p>'
        f"<h1>{escape(campaign)}</h1>"
        f'<p class="meta">{_n(cards, "concept", "concepten")}{shown_variants} · '
        f"controle: {lint} · "
        f"brief: {brief} · "
        '<a href="#dekking">naar de dekking</a></p>'
        f"{incomplete}{facts}</div></header>"
    )


def _filters(
    rows: dict[tuple[str, str | None], list[Card]],
    channels: list[str],
    metas: dict[str, ChannelMeta | None],
    research: Research,
) -> str:
    """Checkboxes that only do something with JS, so the form stays hidden without it."""
    personas = list(dict.fromkeys(p for p, _ in rows))
    order = [p.id for p in research.personas]
    personas.sort(key=lambda p: order.index(p) if p in order else len(order))

    def box(name: str, value: str, label: str) -> str:
        return (
            f'<label class="chip"><input type="checkbox" name="{name}" '
            f'value="{escape(value)}" checked> <span>{escape(label)}</span></label>'
        )

    persona_boxes = "".join(box("persona", p, _persona_name(p, research)[0]) for p in personas)
    channel_boxes = "".join(
        box("channel", c, (m.label if (m := metas.get(c)) is not None and m.label else c))
        for c in channels
    )
    total = sum(len(c) for c in rows.values())
    return (
        f'<form id="filters" class="filters" hidden aria-label="Filters" data-total="{total}">'
        f'<fieldset><legend>Persona</legend><div class="chips">{persona_boxes}</div></fieldset>'
        f'<fieldset><legend>Kanaal</legend><div class="chips">{channel_boxes}</div></fieldset>'
        '<div class="filters__end"><button type="reset">Alles tonen</button>'
        f'<p id="shown" role="status">{total} van {total} concepten zichtbaar</p></div>'
        "</form>"
    )


def _coverage(coverage: Coverage, research: Research, metas: dict[str, ChannelMeta | None]) -> str:
    """Per persona: which motivators and drempels each channel's copy addresses."""
    parts = [
        '<section class="coverage" id="dekking" aria-labelledby="dekking-h">',
        '<h2 id="dekking-h">Dekking: wat raakt elk kanaal?</h2>',
        '<p class="lead">Per persona de motivatoren en drempels uit het onderzoek, en de '
        "kanalen waarvan de tekst ze behandelt. Een rij in rood wordt door geen enkel concept "
        "geraakt.</p>",
    ]
    labels = [
        (m.label if (m := metas.get(c)) is not None and m.label else c) for c in coverage.channels
    ]
    head = "".join(f'<th scope="col">{escape(label)}</th>' for label in labels)
    for persona in research.personas:
        rows = [r for r in coverage.rows if r.persona == persona.id]
        if not rows:
            continue
        body: list[str] = []
        for kind, title in (("motivator", "Motivatoren"), ("drempel", "Drempels")):
            mine = [r for r in rows if r.kind == kind]
            if not mine:
                continue
            body.append(
                f'<tr class="group"><th scope="colgroup" colspan="{len(labels) + 2}">'
                f"{title}</th></tr>"
            )
            for row in mine:
                cells = "".join(
                    '<td class="yes"><span aria-hidden="true">✓</span><span class="sr">ja</span>'
                    "</td>"
                    if row.channels[c]
                    else '<td class="no"><span aria-hidden="true">·</span>'
                    '<span class="sr">nee</span></td>'
                    for c in coverage.channels
                )
                verdict = (
                    '<td class="total">ja</td>'
                    if row.addressed
                    else '<td class="total total--gap">niet geraakt</td>'
                )
                gap = "" if row.addressed else ' class="gap"'
                body.append(
                    f'<tr{gap}><th scope="row">{escape(row.title)}'
                    f' <small class="id">{escape(row.id)}</small></th>{cells}{verdict}</tr>'
                )
        name = persona.name[:1].upper() + persona.name[1:]
        parts.append(
            f'<div class="covtable" data-coverage data-persona="{escape(persona.id)}">'
            f'<h3 id="dekking-{_slug(persona.id)}">{escape(name)}</h3>'
            f'<div class="scroll" tabindex="0" role="region" '
            f'aria-labelledby="dekking-{_slug(persona.id)}">'
            f'<table><thead><tr><th scope="col">Motivator of drempel</th>{head}'
            '<th scope="col">Geraakt</th></tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div></div>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _footer() -> str:
    return (
        '<footer class="foot"><p>Gemaakt door mkbcopy. Deze pagina werkt offline en haalt '
        "niets van internet. Maak hem opnieuw met <code>mkbcopy preview</code> na elke "
        "wijziging.</p></footer>"
    )


_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var total = Number(form.getAttribute("data-total"));
  var status = document.getElementById("shown");
  form.hidden = false;
  function picked(name) {
    var out = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      if (box.checked) { out.push(box.value); }
    });
    return out;
  }
  function apply() {
    var personas = picked("persona"), channels = picked("channel"), shown = 0;
    document.querySelectorAll("[data-row]").forEach(function (row) {
      var visible = 0;
      row.querySelectorAll(".card").forEach(function (card) {
        var on = personas.indexOf(card.getAttribute("data-persona")) >= 0 &&
          channels.indexOf(card.getAttribute("data-channel")) >= 0;
        card.hidden = !on;
        if (on) { visible += 1; }
      });
      row.hidden = visible === 0;
      shown += visible;
    });
    document.querySelectorAll("[data-coverage]").forEach(function (table) {
      table.hidden = personas.indexOf(table.getAttribute("data-persona")) < 0;
    });
    status.textContent = shown + " van " + total + " concepten zichtbaar";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
"""

_CSS = """
:root{--ink:#1c2230;--muted:#5a6372;--line:#dbe0e8;--bg:#eef1f5;--card:#fff;
--ok:#17663a;--okbg:#e3f3e8;--warn:#8a4b00;--warnbg:#fff1dc;
--bad:#b3261e;--badbg:#fde7e5;--focus:#f2a900}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent);text-underline-offset:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:3px}
mark{background:#ffe066;color:inherit;padding:0 .15em;border-radius:2px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
background:rgba(0,0,0,.06);padding:.05em .3em;border-radius:3px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.card,.scroll{position:relative}
.skip{position:absolute;left:-9999px;top:.5rem;background:#fff;padding:.5rem 1rem;z-index:5}
.skip:focus{left:.5rem}
.top{background:var(--accent);color:#fff;padding:1.75rem 1rem 1.5rem}
.top__in,.filters,main,.foot{max-width:96rem;margin:0 auto}
.top a{color:#fff}
.eyebrow{margin:0;font-size:.85rem;letter-spacing:.06em;text-transform:uppercase;opacity:.8}
h1{margin:.2rem 0 .4rem;font-size:clamp(1.5rem,4vw,2.2rem);line-height:1.2}
.meta{margin:0;opacity:.92}
.banner{margin:1rem 0 0;background:#fff;color:var(--ink);border-left:5px solid var(--warn);
padding:.75rem 1rem;border-radius:6px}
.banner p{margin:0 0 .25rem}.banner ul{margin:.25rem 0 0;padding-left:1.25rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:flex-end;
padding:1rem;margin-top:1rem;background:var(--card);border:1px solid var(--line);
border-radius:10px}
.filters fieldset{border:0;margin:0;padding:0;min-width:0}
.filters legend{font-weight:600;font-size:.9rem;margin-bottom:.35rem;padding:0}
.chips{display:flex;flex-wrap:wrap;gap:.4rem}
.chip{display:inline-flex;align-items:center;gap:.35rem;border:1px solid var(--line);
border-radius:999px;padding:.3rem .75rem .3rem .55rem;background:#f8f9fb;cursor:pointer;
font-size:.95rem;min-height:2.25rem}
.chip input{margin:0;width:1.05rem;height:1.05rem;accent-color:var(--accent)}
.chip:has(input:checked){background:#e6edf6;border-color:#9fb4cf}
.chip:has(input:focus-visible){outline:3px solid var(--focus);outline-offset:2px}
.filters__end{display:flex;align-items:center;gap:1rem;flex-wrap:wrap;margin-left:auto}
.filters button{font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;
border-radius:8px;padding:.5rem 1rem;cursor:pointer;min-height:2.5rem}
.filters button:hover{filter:brightness(1.15)}
#shown{margin:0;color:var(--muted);font-size:.95rem}
main{padding:0 1rem 2rem}
.persona{margin-top:2rem}
.persona__head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25rem 1rem;
border-left:6px solid var(--persona);padding-left:.75rem}
.persona h2{margin:0;font-size:1.5rem;line-height:1.25}
.share{color:var(--muted);font-size:.95rem}
.subgroup{margin:.2rem 0 0 1.1rem;color:var(--muted)}
.cards{display:grid;gap:1rem;margin-top:1rem;grid-auto-flow:row dense;
grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr))}
@media (min-width:46rem){.card--wide{grid-column:span 2}}
.card{display:flex;flex-direction:column;min-width:0;background:var(--card);
border:1px solid var(--line);border-top:4px solid var(--persona);border-radius:10px;
box-shadow:0 1px 2px rgba(16,24,40,.05)}
.card__head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;
gap:.4rem .75rem;padding:.75rem 1rem .5rem}
.card h3{margin:0;font-size:1.1rem}
.badges{display:flex;flex-wrap:wrap;gap:.3rem;margin:0}
.badge{font-size:.8rem;line-height:1.2;padding:.25rem .55rem;border-radius:999px;
background:#eef0f3;color:var(--ink);white-space:nowrap}
.badge--ok{background:var(--okbg);color:var(--ok)}
.badge--warn{background:var(--warnbg);color:var(--warn)}
.badge--bad{background:var(--badbg);color:var(--bad);font-weight:600}
.card__body{padding:0 1rem .75rem;flex:1;min-width:0}
.inbox{display:grid;grid-template-columns:auto 1fr;gap:0 .75rem;padding:.6rem .75rem;
border:1px solid var(--line);border-radius:8px;background:#f8f9fb;margin-bottom:.6rem;
font-size:.92rem}
.inbox__from{font-weight:700;grid-row:span 2}
.inbox__subject{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.inbox__pre{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.mailhead{margin:0 0 .75rem;font-size:.92rem}
.mailhead__row{display:grid;grid-template-columns:8.5rem 1fr;gap:.5rem;padding:.2rem 0;
border-bottom:1px solid #edf0f4}
.mailhead dt{color:var(--muted)}.mailhead dd{margin:0;overflow-wrap:anywhere}
iframe.mail{display:block;width:100%;height:40rem;border:1px solid var(--line);
border-radius:8px;background:#f4f4f4}
.mailtext{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);
border-radius:8px;padding:1rem;max-height:40rem;overflow:auto}
.post{border:1px solid var(--line);border-radius:12px;padding:.85rem 1rem;background:#fff;
border-top:3px solid var(--platform)}
.post__who{display:flex;align-items:center;gap:.6rem;margin-bottom:.6rem;line-height:1.25}
.post__who small{color:var(--muted)}
.avatar{display:inline-grid;place-items:center;width:2.4rem;height:2.4rem;border-radius:50%;
background:var(--platform);color:#fff;font-weight:700;font-size:.85rem;flex:none}
.post__text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.97rem}
.post__text a{color:var(--platform)}
.tag{color:var(--platform);font-weight:600}
.count{display:flex;flex-direction:column;gap:.25rem;margin-top:.6rem;font-size:.88rem;
color:var(--muted)}
.count strong{color:var(--ink)}
.bar{display:block;height:6px;border-radius:3px;background:#e6e9ee;overflow:hidden}
.bar span{display:block;height:100%;background:var(--ok)}
.count--near .bar span{background:#c98a00}
.count--over{color:var(--bad);font-weight:600}
.count--over strong{color:var(--bad)}
.count--over .bar span{background:var(--bad)}
.flyer{display:grid;gap:1rem;align-items:start}
.flyer--pdf{grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr))}
.flyer>.hint,.flyer>.pdflink{grid-column:1/-1}
.pdfpage{margin:0;text-align:center}
.pdfpage img{display:block;margin:0 auto;max-width:100%;height:auto;max-height:44rem;
border:1px solid var(--line);box-shadow:0 4px 14px rgba(16,24,40,.12);background:#fff}
.pdfpage figcaption{margin-top:.5rem;font-size:.88rem;color:var(--muted)}
.pdflink,.hint{font-size:.92rem;background:#f8f9fb;border:1px dashed var(--line);
border-radius:8px;padding:.6rem .75rem;margin:0}
.hint{color:var(--muted)}
.paper{background:#fff;border:1px solid var(--line);box-shadow:0 4px 14px rgba(16,24,40,.1);
padding:clamp(1rem,4vw,2.5rem);max-height:44rem;overflow:auto;font-family:Calibri,Carlito,
"Segoe UI",Arial,sans-serif;font-size:.95rem}
.paper .fh{color:var(--accent);line-height:1.25}
.paper .fh1{font-size:1.6rem;margin:0 0 .75rem}
.paper .fh2{font-size:1.2rem;margin:1.25rem 0 .4rem}
.paper .fh3{font-size:1.05rem;margin:1rem 0 .3rem}
.paper p{margin:0 0 .7rem}.paper ul{margin:0 0 .8rem;padding-left:1.3rem}
.notice{margin:0 1rem .75rem;padding:.5rem .75rem;border-radius:8px;background:var(--warnbg);
color:var(--warn);font-size:.9rem}
.notice p{margin:0}.notice ul{margin:.25rem 0 0;padding-left:1.2rem}
.findings{margin:0 1rem .5rem;font-size:.9rem}
.findings summary{cursor:pointer;color:var(--muted);padding:.2rem 0}
.findings ul{margin:.3rem 0 .5rem;padding-left:0;list-style:none}
.finding{padding:.35rem 0;border-top:1px solid #edf0f4}
.sev{display:inline-block;min-width:6.5rem;font-weight:600;font-size:.8rem;
text-transform:uppercase;letter-spacing:.03em}
.finding--error .sev{color:var(--bad)}.finding--warning .sev{color:var(--warn)}
.finding--info .sev{color:var(--muted)}
.excerpt{display:block;color:var(--muted);margin-top:.15rem;font-style:italic}
.files{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:auto 0 0;
padding:.6rem 1rem .75rem;border-top:1px solid #edf0f4;font-size:.9rem}
.file-note{font-size:.8rem;padding:.05rem .4rem;border-radius:999px}
.file-note--warn{background:var(--warnbg);color:var(--warn)}
.file-note--bad{background:var(--badbg);color:var(--bad)}
.card--variants{grid-column:1/-1}
/* Exactly --n panes side by side where they fit, else rows of equal panes; and the
   heads share a subgrid row, so the drafts below them start level and compare line by line */
.variants{display:grid;gap:.75rem;padding:0 1rem 1rem;
grid-template-columns:repeat(auto-fill,minmax(min(100%,max(15rem,100%/var(--n) - .75rem)),1fr))}
.variant{display:grid;grid-row:span 2;grid-template-rows:subgrid;row-gap:0;min-width:0;
grid-template-columns:minmax(0,1fr);background:#fcfdfe;border:1px solid var(--line);
border-radius:8px}
.variant__main{display:flex;flex-direction:column;min-width:0}
.variant__head{display:grid;grid-template-columns:minmax(0,1fr);gap:.35rem;align-content:start;
padding:.65rem .75rem .5rem;border-bottom:1px solid #edf0f4}
.variant h4{margin:0;font-size:1rem;line-height:1.35;overflow-wrap:break-word;
hyphens:auto}
/* A narrow pane shows the inbox as a phone does: sender, subject, preheader */
.variant .inbox{grid-template-columns:minmax(0,1fr)}.variant .inbox__from{grid-row:auto}
.variant__label{display:inline-block;background:var(--persona);color:#fff;border-radius:4px;
padding:.05rem .45rem;font-size:.9rem;white-space:nowrap}
.variant__what{margin:0;color:var(--muted);font-size:.8rem;overflow-wrap:anywhere}
.variant__body{padding:.65rem .75rem;flex:1;min-width:0}
.variant .notice,.variant .findings{margin-left:.75rem;margin-right:.75rem}
.variant .files{padding:.5rem .75rem .6rem}
.mailhead--stack .mailhead__row{grid-template-columns:1fr;gap:0}
.mailbody summary,.flyertext summary{cursor:pointer;color:var(--accent);font-size:.92rem;
padding:.25rem 0}
.mailbody iframe.mail{height:32rem;margin-top:.4rem}
.flyertext .paper{margin-top:.4rem}
.variant .paper{max-height:30rem}
.problem{color:var(--bad);background:var(--badbg);padding:.6rem .75rem;border-radius:8px}
.coverage{margin-top:3rem}
.coverage h2{font-size:1.5rem;margin:0 0 .25rem}
.lead{margin:0 0 1rem;color:var(--muted);max-width:60rem}
.covtable{margin-bottom:1.75rem}
.covtable h3{margin:0 0 .4rem;font-size:1.15rem}
.scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:.45rem .6rem;border-bottom:1px solid #edf0f4;text-align:center}
thead th{background:#f6f8fa;font-weight:600;white-space:nowrap}
th[scope=row],thead th:first-child{text-align:left;font-weight:500;min-width:14rem}
tr.group th{text-align:left;background:#fafbfc;font-weight:700;color:var(--muted);
font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
td.yes{color:var(--ok);font-weight:700}
td.no{color:#b8bec8}
td.total{font-weight:600;color:var(--ok);white-space:nowrap}
tr.gap th[scope=row]{color:var(--bad)}
td.total--gap{color:var(--bad)}
tr.gap{background:var(--badbg)}
.id{color:var(--muted);font-size:.78rem}
.foot{padding:1rem;color:var(--muted);font-size:.9rem}
@media (max-width:40rem){
.filters{padding:.75rem;gap:.5rem}
.chips{flex-wrap:nowrap;overflow-x:auto;padding:.15rem .15rem .35rem;scrollbar-width:thin}
.chip{flex:none}
.filters__end{margin-left:0;width:100%;justify-content:space-between}
.mailhead__row{grid-template-columns:1fr;gap:0}
iframe.mail{height:32rem}
.persona h2{font-size:1.3rem}
}
@media (max-width:40rem){.variants{grid-template-columns:1fr;padding:0 .75rem .75rem}}
@media print{.filters,.skip,.files{display:none}.card,.variant{break-inside:avoid}
iframe.mail{height:60rem}}
"""


def summary_line(path: Path, preview: Preview, seconds: float) -> str:
    """What the CLI prints after writing the page."""
    size = len(preview.html.encode("utf-8"))
    return (
        f"Wrote {path} ({size / 1024:.0f} kB, {_plural(preview.cards, 'draft')}, "
        f"{_plural(preview.errors, 'lint error')}, {_plural(preview.warnings, 'warning')}) "
        f"in {seconds:.1f} s; "
        f"open it in a browser: {path.resolve().as_uri()}"
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
