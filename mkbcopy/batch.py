"""Batch: a contact list in, per-segment and per-recipient email drafts out.

Streams the list: memory stays flat however long it is. Every row read ends up
in exactly one place (a segment, or rejects.csv with its reason), and
report.json's counts add up to the rows read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from mkbcopy.brief import Brief
from mkbcopy.campaign import render_file
from mkbcopy.channels import load_channel
from mkbcopy.contacts import Row, open_contacts
from mkbcopy.copydeck import load_copydeck
from mkbcopy.mailmerge import NAME_MARKER, MergeTemplate
from mkbcopy.output import prepare_out, write_manifest
from mkbcopy.personas import Research
from mkbcopy.rendering import Draft, render_draft
from mkbcopy.segments import SafeCsvWriter, Segmented, segment_rows

MERGE_TAGS = {
    "mailchimp": "*|FNAME|*",
    "brevo": "{{ contact.FIRSTNAME }}",
    "listmonk": "{{ .Subscriber.FirstName }}",
    "plain": "",
}
# What a batch writes into DIR; a trailing "/" marks a folder it owns whole.
BATCH_OUTPUTS = ("segments/", "recipients/", "drafts.mbox", "rejects.csv", "report.json")
_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name from contact data that cannot leave its folder."""
    return _SAFE_NAME.sub("-", text.lower()).strip(".-")[:limit] or "contact"


@dataclass
class BatchReport:
    rows_read: int = 0
    segments: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    duplicates: int = 0
    recipients: int = 0
    notices: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "segments": dict(sorted(self.segments.items())),
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "recipients": self.recipients,
        }


@dataclass
class _Segment:
    draft: Draft
    merge: MergeTemplate | None
    writer: SafeCsvWriter


def run_batch(
    contacts: Path,
    brief: Brief,
    research: Research,
    out: Path,
    *,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    merge_tags: str = "mailchimp",
    per_recipient: bool = False,
    templates: Path | None = None,
    force: bool = False,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Write DIR/segments, DIR/recipients, drafts.mbox, rejects.csv and report.json."""
    user_dir = templates or (Path(brief.templates) if brief.templates else None)
    channel = load_channel("email", user_dir)
    deck = load_copydeck(research, user_dir)
    tag = MERGE_TAGS[merge_tags]
    colour = brief.brand.colour if brief.brand else None
    with open_contacts(contacts, encoding=encoding, mapping=mapping) as reader:
        prepare_out(out, list(BATCH_OUTPUTS), force=force)
        out.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = {"tool": "mkbcopy", "kind": "batch", "complete": False}
        manifest |= {"files": [], "extras": list(BATCH_OUTPUTS)}
        write_manifest(out, manifest)
        report = BatchReport(notices=reader.notices)
        header = reader.header
        segments: dict[str, _Segment] = {}
        work = Path(tempfile.mkdtemp(dir=out, prefix=".batch-"))
        try:
            with ExitStack() as stack:

                def open_csv(path: Path, columns: list[str]) -> SafeCsvWriter:
                    handle = stack.enter_context(path.open("w", encoding="utf-8-sig", newline=""))
                    writer = SafeCsvWriter(handle, reader.delimiter)
                    writer.writerow(columns)
                    return writer

                rejects = open_csv(work / "rejects.csv", ["line", "reason", *header])
                mbox = (
                    stack.enter_context((work / "drafts.mbox").open("wb"))
                    if per_recipient
                    else None
                )
                if per_recipient:
                    (work / "recipients").mkdir()

                def segment_for(outcome: Segmented) -> _Segment:
                    key = _segment_id(outcome)
                    if key in segments:
                        return segments[key]
                    assert outcome.persona is not None
                    persona = research.persona(outcome.persona)
                    sub = persona.subgroup(outcome.subgroup) if outcome.subgroup else None

                    def render(first_name: str | None) -> Draft:
                        return render_draft(
                            brief,
                            persona,
                            channel,
                            deck[persona.id],
                            subgroup=sub,
                            user_dir=user_dir,
                            first_name=first_name,
                        )

                    draft = render(tag or None)
                    folder = work / "segments" / key
                    folder.mkdir(parents=True)
                    for fmt in ("txt", "html", "eml"):
                        (folder / f"email.{fmt}").write_bytes(render_file(draft, fmt, brief))
                    merge = None
                    if per_recipient:
                        merge = MergeTemplate.build(
                            render(NAME_MARKER),
                            render(None),
                            sender_name=brief.contact.name,
                            sender_email=brief.contact.email,
                            colour=colour,
                        )
                    writer = open_csv(folder / "contacts.csv", [*header, "persona", "subgroup"])
                    segments[key] = _Segment(draft, merge, writer)
                    return segments[key]

                for outcome in segment_rows(reader, research, today):
                    row = outcome.row
                    cells = list(row.raw.values())
                    if outcome.kind == "placed":
                        segment = segment_for(outcome)
                        report.segments[_segment_id(outcome)] += 1
                        segment.writer.writerow(
                            [*cells, outcome.persona or "", outcome.subgroup or ""]
                        )
                        if segment.merge is not None and mbox is not None:
                            report.recipients += 1
                            _write_recipient(
                                work / "recipients", report.recipients, row, segment.merge, mbox
                            )
                    else:
                        if outcome.kind == "duplicate":
                            report.duplicates += 1
                        else:
                            report.rejected += 1
                        rejects.writerow([str(row.line), outcome.reason or "", *cells, *row.extra])
                    report.rows_read += 1
                    if progress and report.rows_read % 500 == 0:
                        progress(report.rows_read)
            (work / "report.json").write_text(
                json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8"
            )
            _move_into(work, out)
            manifest["complete"] = True
            manifest["report"] = report.as_json()
            write_manifest(out, manifest)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if progress:
        progress(report.rows_read)
    return report


def _segment_id(outcome: Segmented) -> str:
    return f"{outcome.persona}--{outcome.subgroup}" if outcome.subgroup else str(outcome.persona)


def _write_recipient(
    folder: Path, number: int, row: Row, merge: MergeTemplate, mbox: IO[bytes]
) -> None:
    email = row.fields.get("email", "").strip()
    first = row.fields.get("first_name", "")
    last = row.fields.get("last_name", "")
    message = merge.message(first, email, to_name=f"{first} {last}".strip())
    (folder / f"{number:06d}-{safe_filename(email)}.eml").write_bytes(message)
    mbox.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n")
    mbox.write(message.replace(b"\r\n", b"\n"))
    mbox.write(b"\n")


def _move_into(work: Path, out: Path) -> None:
    """Swap finished results into OUT; what an earlier batch left there is replaced."""
    for item in sorted(work.iterdir()):
        target = out / item.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(item, target)
