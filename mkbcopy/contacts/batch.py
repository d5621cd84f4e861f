"""Batch: a contact list in, per-segment and per-recipient email drafts out.

Streams the list: memory stays flat however long it is. Every row read ends up
in exactly one place (a segment, or rejects.csv with its reason), and
report.json's counts add up to the rows read.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkbcopy.compose.channels import ChannelMeta, load_channel
from mkbcopy.compose.copydeck import PersonaCopy, load_copydeck
from mkbcopy.compose.rendering import Draft, Footer, Variant, plan_variants, render_draft
from mkbcopy.contacts.mailmerge import NAME_MARKER, MergeTemplate
from mkbcopy.contacts.names import suspicious_name
from mkbcopy.contacts.placing import DUPLICATE, Placement
from mkbcopy.contacts.platforms import (
    ADDRESS_MARKER,
    PLATFORMS,
    UNSUBSCRIBE_MARKER,
    Contact,
    contact_cells,
    contacts_delimiter,
    contacts_header,
    fill_tags,
    require_footer,
    segment_label,
    write_campaign,
)
from mkbcopy.contacts.reasons import shown
from mkbcopy.contacts.rowcount import Progress
from mkbcopy.contacts.safecsv import BOM, SafeCsvWriter
from mkbcopy.contacts.segments import open_to_place, rejects_columns, segment_rows
from mkbcopy.errors import MissingFactsError, OutputError
from mkbcopy.i18n import _, language, ngettext
from mkbcopy.research.brief import FACT_QUESTIONS, Brief, check_mail_fields
from mkbcopy.research.personas import Research
from mkbcopy.writers.filewriter import FolderWriter
from mkbcopy.writers.folder import (
    MANIFEST,
    check_out,
    keep_manifest,
    out_lock,
    prepare_out,
    read_manifest,
    swap_in,
    write_manifest,
)

# The names --merge-tags takes, with each platform's first-name tag.
MERGE_TAGS = {name: platform.first_name for name, platform in PLATFORMS.items()}
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
    variants: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # Per segment draft (and variant), the facts it shows as [AANVULLEN: ...].
    placeholders: dict[str, list[str]] = field(default_factory=dict)
    example: bool = False  # written from the bundled example brief, not the user's
    # Contacts greeted without a name: line and why (a formula, markup, a header).
    suspicious_names: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return (
            {
                "rows_read": self.rows_read,
                "segments": dict(sorted(self.segments.items())),
                "rejected": self.rejected,
                "duplicates": self.duplicates,
                "recipients": self.recipients,
                "placeholders": dict(sorted(self.placeholders.items())),
                "suspicious_names": self.suspicious_names,
            }
            | ({"example_brief": True} if self.example else {})
            | (
                {"variants": {k: dict(sorted(v.items())) for k, v in sorted(self.variants.items())}}
                if self.variants
                else {}
            )
        )


@dataclass
class _Arm:
    """One draft of a segment: the only one, or one A/B variant."""

    variant: Variant | None
    draft: Draft
    merge: MergeTemplate | None
    writer: SafeCsvWriter


@dataclass
class _Segment:
    arms: list[_Arm]
    rng: random.Random
    queue: list[_Arm] = field(default_factory=list)

    def next_arm(self) -> _Arm:
        """Shuffled rounds of all variants: random, and even within one contact per variant."""
        if not self.queue:
            self.queue = list(self.arms)
            self.rng.shuffle(self.queue)
        return self.queue.pop()


def run_batch(
    contacts: Path,
    brief: Brief,
    research: Research,
    out: Path,
    *,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    merge_tags: str = "mailchimp",
    per_recipient: bool = False,
    templates: Path | None = None,
    force: bool = False,
    variants: int = 0,
    seed: int = 0,
    today: date | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    brief_path: Path | None = None,
    example: bool = False,
) -> BatchReport:
    """Write DIR/segments, DIR/recipients, drafts.mbox, rejects.csv and report.json."""
    user_dir = templates or (Path(brief.templates) if brief.templates else None)
    channel = load_channel("email", user_dir)
    deck = load_copydeck(research, user_dir)
    if strict:
        for label, missing in _possible_placeholders(
            brief, research, channel, deck, user_dir, variants
        ):
            raise MissingFactsError(
                ngettext(
                    "the brief lacks %(count)s fact the %(label)s email needs: "
                    "'%(fact)s' (%(question)s); nothing written",
                    "the brief lacks %(count)s facts the %(label)s email needs, e.g. "
                    "'%(fact)s' (%(question)s); nothing written",
                    len(missing),
                )
                % {
                    "count": len(missing),
                    "label": label,
                    "fact": missing[0],
                    "question": FACT_QUESTIONS[missing[0]],
                },
                path=brief_path,
            )
    check_mail_fields(brief)
    assert brief.contact.unsubscribe is not None and brief.contact.address is not None
    own = Footer(brief.contact.unsubscribe, brief.contact.address)
    platform = PLATFORMS[merge_tags]
    tag = platform.first_name
    markers = Footer(UNSUBSCRIBE_MARKER, ADDRESS_MARKER)
    tags = {
        f" {NAME_MARKER}": platform.greeting,
        NAME_MARKER: platform.first_name,
        UNSUBSCRIBE_MARKER: platform.unsubscribe or own.unsubscribe,
        ADDRESS_MARKER: platform.address or own.address,
    }
    colour = brief.brand.colour if brief.brand else None
    check_out(out, force=force)
    with (
        open_to_place(
            contacts, research, encoding=encoding, mapping=mapping, sheet=sheet, progress=progress
        ) as reader,
        out_lock(out),
    ):
        notices = prepare_out(out, list(BATCH_OUTPUTS), force=force)
        _refuse_foreign_in_folders(out)
        saved = keep_manifest(out)
        manifest: dict[str, Any] = {"tool": "mkbcopy", "kind": "batch", "complete": False}
        manifest |= {"files": [], "extras": list(BATCH_OUTPUTS)}
        write_manifest(out, manifest)
        report = BatchReport(notices=notices, example=example)
        header = reader.header
        segments: dict[str, _Segment] = {}
        work = Path(tempfile.mkdtemp(dir=out, prefix=".batch-"))
        try:
            with ExitStack() as stack:

                def open_csv(
                    path: Path, columns: list[str], delimiter: str = reader.delimiter
                ) -> SafeCsvWriter:
                    handle = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
                    handle.write(BOM)
                    writer = SafeCsvWriter(handle, delimiter)
                    writer.writerow(columns)
                    return writer

                rejects = open_csv(work / "rejects.csv", [*rejects_columns(), *header])
                lang = language()
                files = None
                if per_recipient:
                    (work / "recipients").mkdir()
                    files = stack.enter_context(
                        FolderWriter(work / "recipients", work / "drafts.mbox")
                    )

                def segment_for(placement: Placement) -> _Segment:
                    key = _segment_id(placement)
                    if key in segments:
                        return segments[key]
                    assert placement.persona is not None
                    persona = research.persona(placement.persona)
                    sub = persona.subgroup(placement.subgroup) if placement.subgroup else None
                    arms: list[_Arm] = []
                    chosen = (
                        plan_variants(persona, sub, variants, deck[persona.id])
                        if variants
                        else [None]
                    )
                    for variant in chosen:

                        def render(
                            first_name: str | None,
                            footer: Footer,
                            variant: Variant | None = variant,
                        ) -> Draft:
                            return render_draft(
                                brief,
                                persona,
                                channel,
                                deck[persona.id],
                                subgroup=sub,
                                user_dir=user_dir,
                                first_name=first_name,
                                variant=variant,
                                footer=footer,
                            )

                        draft = render(NAME_MARKER if tag else None, markers)
                        require_footer(draft)
                        draft.document = fill_tags(draft.document, tags)
                        if draft.missing_facts:
                            label = f"{key}/{variant.label}" if variant else key
                            report.placeholders[label] = list(draft.missing_facts)
                        folder = work / "segments" / key
                        if variant is not None:
                            folder = folder / variant.label
                        folder.mkdir(parents=True)
                        write_campaign(folder, brief, draft, merge_tags, key, variant)
                        merge = None
                        if per_recipient:
                            merge = MergeTemplate.build(
                                render(NAME_MARKER, own),
                                render(None, own),
                                sender_name=brief.contact.name,
                                sender_email=brief.contact.email,
                                colour=colour,
                                unsubscribe=own.unsubscribe,
                                logo=brief.brand.logo_url() if brief.brand else None,
                            )
                        columns = contacts_header(merge_tags, header, variant is not None)
                        delimiter = contacts_delimiter(merge_tags, reader.delimiter)
                        writer = open_csv(folder / "contacts.csv", columns, delimiter)
                        arms.append(_Arm(variant, draft, merge, writer))
                    segments[key] = _Segment(arms, random.Random(f"{seed}:{key}"))
                    return segments[key]

                def field(cells: list[str], name: str) -> str:
                    at = reader.field_index.get(name)
                    return "" if at is None else cells[at].strip()

                for line, cells, placement in segment_rows(reader, research, today):
                    if placement.persona is not None:
                        key = _segment_id(placement)
                        arm = segment_for(placement).next_arm()
                        report.segments[key] += 1
                        first = field(cells, "first_name")
                        why = suspicious_name(first)
                        if why:
                            report.suspicious_names.append({"line": line, "reason": why})
                            first = ""
                        tested = arm.variant.label if arm.variant else None
                        contact = Contact(
                            field(cells, "email"),
                            first,
                            field(cells, "last_name"),
                            placement.persona,
                            segment_label(placement.persona, placement.subgroup),
                            tested,
                        )
                        leads = arm.variant.leads_with if arm.variant else None
                        arm.writer.writerow(contact_cells(merge_tags, contact, cells, leads))
                        if arm.variant is not None:
                            report.variants[key][arm.variant.label] += 1
                        if arm.merge is not None and files is not None:
                            report.recipients += 1
                            _write_recipient(files, report.recipients, contact, arm.merge)
                    else:
                        if placement.category == DUPLICATE:
                            report.duplicates += 1
                        else:
                            report.rejected += 1
                        reason = shown(placement.reason or "", lang)
                        rejects.writerow([str(line), reason, *cells])
                    report.rows_read += 1
                    if progress and report.rows_read % 500 == 0:
                        progress(report.rows_read)
            # After reading: some notices (a line not in UTF-8) come up only while reading.
            report.notices += reader.notices
            (work / "report.json").write_text(
                json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8"
            )
            manifest["report"] = report.as_json()
            manifest["segment_files"] = _files_in(work / "segments")
            _check_results(work, report, per_recipient)
            swap_in(work, out, manifest)
        except BaseException as exc:
            if saved is not None and "swap" not in manifest:
                with suppress(OSError):  # nothing of it was moved in yet: a rename back
                    os.replace(saved, out / MANIFEST)
            if isinstance(exc, OSError) and exc.filename is None:
                exc.filename = str(out)  # a full disk says so on write(), without a name
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if saved is not None:
                saved.unlink(missing_ok=True)
    if progress:
        progress(report.rows_read)
    return report


def _possible_placeholders(
    brief: Brief,
    research: Research,
    channel: ChannelMeta,
    deck: dict[str, PersonaCopy],
    user_dir: Path | None,
    variants: int,
) -> Iterator[tuple[str, list[str]]]:
    """Every segment draft a contact list could need, with the facts it lacks.

    --strict asks before reading a contact: a batch that fails half-way writes nothing
    either, but only after reading the list.
    """
    for persona in research.personas:
        for sub in [None, *persona.subgroups]:
            chosen = plan_variants(persona, sub, variants, deck[persona.id]) if variants else [None]
            for variant in chosen:
                draft = render_draft(
                    brief,
                    persona,
                    channel,
                    deck[persona.id],
                    subgroup=sub,
                    user_dir=user_dir,
                    variant=variant,
                )
                if draft.missing_facts:
                    label = f"{draft.slug}/{variant.label}" if variant else draft.slug
                    yield label, list(draft.missing_facts)


def _segment_id(placement: Placement) -> str:
    return (
        f"{placement.persona}--{placement.subgroup}"
        if placement.subgroup
        else str(placement.persona)
    )


_MBOX_FROM = b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"


def _write_recipient(
    files: FolderWriter, number: int, contact: Contact, merge: MergeTemplate
) -> None:
    """The contact's .eml, and the same message with LF line ends into drafts.mbox."""
    email, first = contact.email, contact.first_name
    eml, lf = merge.pieces(first, email, to_name=f"{first} {contact.last_name}".strip())
    lf.insert(0, _MBOX_FROM)
    lf.append(b"\n")
    files.add(f"{number:06d}-{safe_filename(email)}.eml", eml, lf)


_RECIPIENT = re.compile(r"^\d{6}-[a-z0-9._-]+\.eml$")


def _files_in(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _refuse_foreign_in_folders(out: Path) -> None:
    """A swap replaces segments/ and recipients/ whole: never with a file of the user's
    in them (put there after a run), --force or not."""
    manifest = read_manifest(out) or {}
    listed = manifest.get("segment_files")
    foreign: list[str] = []
    if isinstance(listed, list) and (out / "segments").is_dir():
        known = set(listed)
        foreign += [f"segments/{f}" for f in _files_in(out / "segments") if f not in known]
    if (out / "recipients").is_dir() and not (out / "recipients").is_symlink():
        foreign += [
            f"recipients/{e.name}"
            for e in os.scandir(out / "recipients")
            if not (_RECIPIENT.match(e.name) and e.is_file(follow_symlinks=False))
        ]
    if foreign:
        more = _(" and %(count)s more") % {"count": len(foreign) - 1} if len(foreign) > 1 else ""
        raise OutputError(
            _(
                "'%(name)s'%(more)s was not written by mkbcopy, and this run would replace "
                "its folder; --force never does: move it away, or choose another --out"
            )
            % {"name": foreign[0], "more": more},
            path=out,
        )


def _check_results(work: Path, report: BatchReport, per_recipient: bool) -> None:
    """Never say complete while a file the run reports is not there."""
    names = ["rejects.csv", "report.json"] + (["drafts.mbox"] if per_recipient else [])
    if report.segments:
        names.append("segments")
    gone = [name for name in names if not (work / name).exists()]
    if per_recipient and not gone:
        count = sum(1 for _ in os.scandir(work / "recipients"))
        if count != report.recipients:
            gone.append(f"recipients ({count} of {report.recipients} drafts)")
    if gone:
        raise OutputError(
            _("'%(name)s' was removed while mkbcopy wrote; run the command again")
            % {"name": gone[0]},
            path=work,
        )
