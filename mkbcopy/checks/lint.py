"""Check drafts before they go out: B1 readability, spelling, channel limits, spam signs.

Drafts are edited by hand after `generate`, so the linter reads every output
format back (txt, md, html, eml, docx) and checks what the reader will see. Here:
the entry points and the report per draft file. The rules are in rules.py, reading
a draft back in readback.py; the names other modules use are re-exported here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mkbcopy.checks.readability import Readability
from mkbcopy.checks.readback import DRAFT_SUFFIXES as DRAFT_SUFFIXES
from mkbcopy.checks.readback import read_draft as read_draft
from mkbcopy.checks.rules import B1_SCORE as B1_SCORE
from mkbcopy.checks.rules import SCORED_MEDIA as SCORED_MEDIA
from mkbcopy.checks.rules import SEVERITY_LABELS as SEVERITY_LABELS
from mkbcopy.checks.rules import SEVERITY_ORDER, apply_rules, draft_text
from mkbcopy.checks.rules import BriefTerms as BriefTerms
from mkbcopy.checks.rules import Finding as Finding
from mkbcopy.checks.rules import Severity as Severity
from mkbcopy.checks.rules import lint_draft as lint_draft
from mkbcopy.checks.spelling import SpellChecker, candidate_words, checking
from mkbcopy.compose.channels import ChannelMeta, channel_names, load_channel
from mkbcopy.compose.measure import body_text
from mkbcopy.document import Document
from mkbcopy.errors import InputError
from mkbcopy.i18n import _
from mkbcopy.writers.folder import MANIFEST, read_manifest


@dataclass(frozen=True)
class LintReport:
    """The findings for one draft file, with the numbers behind them."""

    path: Path | None
    channel: str | None
    findings: tuple[Finding, ...] = ()
    readability: Readability | None = None
    spelling_checked: bool = True

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, level: Severity) -> bool:
        """True when any finding is at `level` or worse (for --fail-on)."""
        return any(SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[level] for f in self.findings)

    def to_dict(self) -> dict[str, object]:
        summary: dict[str, object] | None = None
        if self.readability is not None:
            r = self.readability
            summary = {
                "score": r.score,
                "sentences": r.sentence_count,
                "words": r.word_count,
                "average_words": r.average_words,
                "longest": {"words": r.longest.words, "text": r.longest.text}
                if r.longest
                else None,
                "long_words": list(r.long_words),
            }
        return {
            "path": str(self.path) if self.path is not None else None,
            "channel": self.channel,
            "spelling_checked": self.spelling_checked,
            "readability": summary,
            "findings": [f.to_dict() for f in self.findings],
        }


@cache
def _channel(name: str) -> ChannelMeta:
    return load_channel(name)


def infer_channel(path: Path) -> ChannelMeta | None:
    """The built-in channel a file is for, from its name: email.eml, doorstromer-x.txt."""
    names = channel_names()
    stem = path.stem.lower()
    if stem in names:
        return _channel(stem)
    for token in reversed(re.split(r"[-_. ]+", stem)):
        if token in names:
            return _channel(token)
    return None


def lint_path(path: Path, terms: BriefTerms = BriefTerms()) -> LintReport:
    """Read one draft file back and lint it against the channel its name says."""
    return lint_document(read_draft(path), infer_channel(path), path=path, terms=terms)


def lint_document(
    document: Document,
    channel: ChannelMeta | None,
    *,
    path: Path | None = None,
    terms: BriefTerms = BriefTerms(),
) -> LintReport:
    """Lint a draft still in memory, as generate does after writing it."""
    result = apply_rules(document, channel, terms)
    return LintReport(
        path=path,
        channel=channel.name if channel else None,
        findings=tuple(result.findings),
        readability=result.readability,
        spelling_checked=result.spelling_checked,
    )


def draft_files(paths: Iterable[Path]) -> list[Path]:
    """The given files, plus every draft file inside given folders (recursively).

    An output folder's extras (its preview page) are not drafts and are left out, and
    so are hidden files and folders (.git, half-written `.name.tmp` files).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # an output folder's extras (the preview's index.html) are pages about the drafts
            extras = (read_manifest(path) or {}).get("extras") or []
            skip = {path / rel for rel in extras if isinstance(rel, str)}
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DRAFT_SUFFIXES
                and p.name != MANIFEST
                and p not in skip
                and not p.name.startswith("~$")  # Word's lock file
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(_("holds no draft files"), path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(_("not found"), path=path)
    return list(dict.fromkeys(files))


def lint_documents(
    drafts: Iterable[tuple[Document, ChannelMeta | None, Path | None, BriefTerms]],
    checker: SpellChecker | None = None,
) -> list[LintReport]:
    """Lint many drafts with one hunspell, asked about all their words at once."""
    drafts = list(drafts)
    with checking(checker) as checker:
        checker.prefetch(
            candidate_words(
                draft_text(d.meta.get("subject"), d.meta.get("preheader"), body_text(d))
            )
            for d, _, _, _ in drafts
        )
        return [
            lint_document(d, channel, path=path, terms=terms) for d, channel, path, terms in drafts
        ]


def lint_paths(paths: list[Path]) -> list[LintReport]:
    """A report per draft file; a file that cannot be read is an error in its report."""
    read: dict[Path, Document | Finding] = {}
    for path in draft_files(paths):
        try:
            read[path] = read_draft(path)
        except InputError as exc:
            read[path] = Finding("file", "error", exc.message)
    linted = iter(
        lint_documents(
            (d, infer_channel(p), p, terms_near(p))
            for p, d in read.items()
            if isinstance(d, Document)
        )
    )
    return [
        next(linted)
        if isinstance(found, Document)
        else LintReport(path=path, channel=None, findings=(found,), readability=None)
        for path, found in read.items()
    ]


def terms_near(path: Path) -> BriefTerms:
    """The brief's names and facts, from the manifest of the output folder a draft is in."""
    for folder in list(path.parents)[:3]:
        manifest = folder / MANIFEST
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text(encoding="utf-8")[:50_000_000])
            except (OSError, ValueError):
                return BriefTerms()
            return BriefTerms.from_dict(data.get("lint") if isinstance(data, dict) else None)
    return BriefTerms()
