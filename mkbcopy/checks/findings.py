"""Lint findings counted once per draft and grouped by cause, for a summary that reads top-down.

A draft (persona x channel x variant) is often written in several formats (an email
as .eml, .html and .txt); each format carries the same sentences, so counting per
file counts one problem three times. Every summary (generate's terminal output, the
preview page, batch) counts per draft: the first format written, as generate lints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkbcopy.i18n import N_, _

if TYPE_CHECKING:
    from mkbcopy.checks.lint import Finding, LintReport
    from mkbcopy.compose.campaign import Plan
    from mkbcopy.compose.rendering import Draft
    from mkbcopy.document import Document
    from mkbcopy.research.brief import Brief

# Where a sentence comes from, in the words the summary prints.
FROM_FACT = N_("the brief's facts: {key}")
FROM_BUILT = N_("a sentence mkbcopy builds from the brief's {fields}")
FROM_TEMPLATE = N_("the template's own text ({channel}: mkbcopy templates show {channel})")
FROM_PLACEHOLDER = N_("a placeholder for a fact the brief lacks")


@dataclass(frozen=True)
class Counts:
    """Drafts and lint findings by severity: the one set of numbers every summary shows."""

    drafts: int = 0
    errors: int = 0
    warnings: int = 0
    hints: int = 0

    @classmethod
    def of(cls, reports: Sequence[LintReport]) -> Counts:
        return cls(
            drafts=len(reports),
            errors=sum(r.count("error") for r in reports),
            warnings=sum(r.count("warning") for r in reports),
            hints=sum(r.count("info") for r in reports),
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "drafts": self.drafts,
            "errors": self.errors,
            "warnings": self.warnings,
            "hints": self.hints,
        }


def draft_key(entry: dict[str, Any]) -> tuple[str, str, str, str]:
    """The draft a manifest entry is a format of: persona, subgroup, channel, variant."""
    return (
        str(entry.get("persona")),
        str(entry.get("subgroup") or ""),
        str(entry.get("channel")),
        str(entry.get("variant") or ""),
    )


def first_format_per_draft(entries: Iterable[dict[str, Any]], lintable: set[str]) -> list[str]:
    """The path of each draft's first lintable format, in manifest order."""
    seen: dict[tuple[str, str, str, str], str] = {}
    for entry in entries:
        path = entry.get("path")
        if isinstance(path, str) and path in lintable:
            seen.setdefault(draft_key(entry), path)
    return list(seen.values())


@dataclass
class Group:
    """One cause: a finding (same rule, message and sentence) and the drafts it turns up in."""

    finding: Finding
    drafts: list[str] = field(default_factory=list)
    origin: str | None = None


def group_findings(
    named: Iterable[tuple[str, LintReport]],
    *,
    brief: Brief | None = None,
    skip_placeholders: bool = False,
    hints: bool = False,
    lang: str | None = None,
) -> list[Group]:
    """Findings grouped by cause, errors first, then by how many drafts they touch.

    `named` pairs a draft's label with its report. Placeholders for facts the brief
    lacks are listed per fact elsewhere, so `skip_placeholders` leaves them out.
    `lang` is the language of the origins (default: the user's; --json asks for en).
    """
    groups: dict[tuple[str, str, str, str], Group] = {}
    for label, report in named:
        for f in report.findings:
            if f.severity == "info" and not hints:
                continue
            if skip_placeholders and f.rule == "placeholder":
                continue
            key = (f.severity, f.rule, f.message, f.excerpt or "")
            origin = sentence_origin(f, brief, report, lang)
            group = groups.setdefault(key, Group(f, origin=origin))
            if label not in group.drafts:
                group.drafts.append(label)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(
        groups.values(), key=lambda g: (order[g.finding.severity], -len(g.drafts), g.finding.rule)
    )


def sentence_origin(
    finding: Finding, brief: Brief | None, report: LintReport, lang: str | None = None
) -> str | None:
    """Where a quoted sentence comes from: a fact, brief fields mkbcopy joins, or the template."""
    text = finding.excerpt
    if not text or brief is None:
        return None
    if "[AANVULLEN" in text:
        return _(FROM_PLACEHOLDER, lang)
    facts = [(k, v) for k, v in brief.facts.model_dump().items() if isinstance(v, str)]
    for key, value in facts:
        if _shares_sentence(text, value):
            return _(FROM_FACT, lang).format(key=key)
    fields = [name for name, value in _brief_fields(brief) if value and value in text]
    if fields:
        return _(FROM_BUILT, lang).format(fields=", ".join(fields))
    # A word the finding is about (a misspelling, capitals) that the brief holds is the
    # brief's to fix, even where a template rearranged the sentence around it.
    word = _finding_word(finding)
    if word:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        keys = [key for key, value in facts if pattern.search(value)]
        if keys:
            return _(FROM_FACT, lang).format(key=", ".join(keys))
        fields = [name for name, value in _brief_fields(brief) if value and pattern.search(value)]
        if fields:
            return _(FROM_BUILT, lang).format(fields=", ".join(fields))
    if report.channel:
        return _(FROM_TEMPLATE, lang).format(channel=report.channel)
    return None


def _finding_word(finding: Finding) -> str | None:
    """The word a finding is about (a misspelling, capitals), if it names one."""
    word = finding.said.params.get("word") if finding.said is not None else None
    return word if isinstance(word, str) else None


def _shares_sentence(text: str, value: str) -> bool:
    """True when the quoted text holds one of the value's sentences (or the whole value)."""
    parts = [p.strip() for p in value.replace("?", ".").replace("!", ".").split(".")]
    return any(len(p) > 12 and p in text for p in parts) or value.strip() in text


def _brief_fields(brief: Brief) -> list[tuple[str, str | None]]:
    """The brief's own words that templates join into sentences, by their key in the brief."""
    fields: list[tuple[str, str | None]] = [
        ("campaign", brief.campaign),
        ("organisation", brief.organisation),
        ("programme", brief.programme),
        ("call_to_action.text", brief.call_to_action.text),
        ("contact.name", brief.contact.name),
    ]
    if brief.event is not None:
        fields += [
            ("event.name", brief.event.name),
            ("event.date", brief.event.date),
            ("event.place", brief.event.place),
        ]
    if brief.brand is not None and brief.brand.name:
        fields.append(("brand.name", brief.brand.name))
    return fields


def draft_documents(plan: Plan, out: Path) -> Iterator[tuple[Draft, Document, Path]]:
    """Each draft as its reader gets it, with the file the counts are of.

    The same file the preview counts (the first lintable format); a one-page flyer is
    what its Word file holds, because fitting it on the page may shorten or drop parts
    of the draft: the page its writer laid out (the same as reading the file back, and
    tested to be), or the file read back. Other formats carry the rendered draft as it is.
    """
    from mkbcopy.checks.lint import DRAFT_SUFFIXES, read_draft

    first: dict[int, str] = {}
    for draft, _channel, path in plan.files:
        if path.lower().endswith(DRAFT_SUFFIXES):
            first.setdefault(id(draft), path)
    fallback = {id(d): path for d, _, path in reversed(plan.files)}
    for draft in plan.drafts:
        found = first.get(id(draft))
        if found is not None and draft.channel.layout == "flyer" and found.endswith(".docx"):
            page = draft.page if draft.page is not None else read_draft(out / found)
            yield draft, page, out / found
        else:
            yield draft, draft.document, out / (found or fallback[id(draft)])
