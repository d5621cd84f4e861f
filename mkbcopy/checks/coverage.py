"""Which motivators and drempels each persona's drafts address, per channel.

Read from manifest.json, which records what the templates actually rendered,
so the matrix shows the copy as written, not as intended.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkbcopy.errors import InputError
from mkbcopy.i18n import _
from mkbcopy.research.personas import Research
from mkbcopy.writers.folder import MANIFEST, read_manifest


@dataclass(frozen=True)
class Row:
    persona: str
    kind: str  # "motivator" or "drempel"
    id: str
    title: str
    channels: dict[str, bool]
    # Not addressed because every fact it needs is a placeholder in the drafts: the brief's
    # gap, not the templates'.
    waiting: bool = False

    @property
    def addressed(self) -> bool:
        return any(self.channels.values())


@dataclass(frozen=True)
class Coverage:
    channels: list[str]
    rows: list[Row]

    def gaps(self) -> list[Row]:
        """Every item no draft addresses, including those waiting for the brief."""
        return [row for row in self.rows if not row.addressed]

    def waiting(self) -> list[Row]:
        return [row for row in self.rows if row.waiting]


def load_manifest(out: Path) -> dict[str, Any]:
    manifest = read_manifest(out)
    if manifest is None or not isinstance(manifest.get("files"), list):
        raise InputError(
            _("no readable %(file)s; run mkbcopy generate first") % {"file": MANIFEST}, path=out
        )
    return manifest


def compute_coverage(manifest: dict[str, Any], research: Research) -> Coverage:
    """One row per motivator and drempel of each persona that has drafts."""
    files = [f for f in manifest["files"] if isinstance(f, dict)]
    channels = list(dict.fromkeys(str(f.get("channel")) for f in files))
    placeholders = manifest.get("missing_facts")
    missing = placeholders if isinstance(placeholders, dict) else {}
    rows: list[Row] = []
    for persona in research.personas:
        mine = [f for f in files if f.get("persona") == persona.id]
        if not mine:
            continue
        items = [("motivator", m.id, m.title, m.needs) for m in persona.motivators] + [
            ("drempel", d.id, d.description, d.needs) for d in persona.drempels
        ]
        for kind, item_id, title, needs in items:
            field = f"{kind}s"
            cells = {
                channel: any(
                    item_id in f.get(field, []) for f in mine if f.get("channel") == channel
                )
                for channel in channels
            }
            waiting = bool(needs) and all(persona.id in missing.get(key, ()) for key in needs)
            waiting = waiting and not any(cells.values())
            rows.append(Row(persona.id, kind, item_id, title, cells, waiting))
    return Coverage(channels=channels, rows=rows)


def render_coverage_csv(coverage: Coverage) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    head = ["persona", "kind", "id", "title", *coverage.channels, "addressed", "waiting_for_brief"]
    writer.writerow(head)
    for row in coverage.rows:
        cells = ["x" if row.channels[c] else "" for c in coverage.channels]
        addressed = "yes" if row.addressed else "NO"
        waiting = "yes" if row.waiting else ""
        writer.writerow([row.persona, row.kind, row.id, row.title, *cells, addressed, waiting])
    return buffer.getvalue()
