"""Segment a contact list: every row placed in a persona and subgroup, or rejected with
its line and reason, and the list written back with persona columns beside its rejects.

Rows stream a block at a time; what grows with the list is only the duplicate check.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from mkbcopy.contacts.addresses import validate_email
from mkbcopy.contacts.columns import FIELDS, norm_header, shown_columns
from mkbcopy.contacts.placing import DUPLICATE, INVALID, MALFORMED, Placement, Placer, reject
from mkbcopy.contacts.reading import ContactReader, is_blank, open_contacts
from mkbcopy.contacts.reasons import shown
from mkbcopy.contacts.rowcount import Progress
from mkbcopy.contacts.safecsv import atomic_csv
from mkbcopy.errors import InputError, OutputError
from mkbcopy.i18n import N_, _, language
from mkbcopy.research.personas import Research
from mkbcopy.writers.folder import remove_stale_temps

_SAME_AS: Final = N_("same as line %(line)s")
_EMAIL_PROBLEM: Final = "'%(email)s' %(problem)s"  # no words of its own to translate
Outcome = tuple[int, list[str], Placement]
"""A row's line, its cells (as many as the header; a malformed row's extra cells
after them) and where it goes: placed (a persona) or not (a reason)."""


class SeenEmails:
    """The emails read so far, in about 20 bytes each where a set of strings takes 130.

    A list of 1.3 million contacts (100 MB) would otherwise hold 170 MB of addresses.
    We keep the 64-bit hash of the case-folded address, with the line it was first seen
    on, in an open-addressing table of two flat arrays, made big enough up front for the
    rows the list is expected to hold (so it seldom grows). Two addresses share a hash
    with odds of about n**2 / 2**65: one in 20 million for 1.3 million contacts, and the
    cost would be one contact wrongly called a duplicate. Python's string hash is keyed
    anew in every process (unless PYTHONHASHSEED fixes it), so no list can be made to
    collide on purpose.
    """

    _MAX_LOAD = 2 / 3
    _MAX_START = 1 << 22
    """At most 50 MB up front, however many rows a list claims to hold."""

    def __init__(self, expected: int = 0) -> None:
        self._count = 0
        size = 1 << 12
        while size * self._MAX_LOAD < expected and size < self._MAX_START:
            size *= 2
        self._keys, self._lines = _table(size)
        self._limit = int(size * self._MAX_LOAD)

    def __len__(self) -> int:
        return self._count

    def first_line(self, email: str, line: int) -> int | None:
        """The line `email` was first seen on; None, remembering `line`, when it is new."""
        key = hash(email.casefold()) or 1  # 0 marks an empty slot
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while found := keys[slot]:  # _slot(key), inline: this runs once per contact
            if found == key:
                return self._lines[slot]
            slot = (slot + 1) & mask
        keys[slot] = key
        self._lines[slot] = line if line < _MAX_LINE else _MAX_LINE
        self._count += 1
        if self._count > self._limit:
            self._grow()
        return None

    def _slot(self, key: int) -> int:
        """Where `key` is, or the empty slot where it goes (linear probing)."""
        keys = self._keys
        mask = len(keys) - 1
        slot = key & mask
        while keys[slot] not in (0, key):
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        old_keys, old_lines = self._keys, self._lines
        self._keys, self._lines = _table(len(old_keys) * 2)
        self._limit = int(len(self._keys) * self._MAX_LOAD)
        for key, line in zip(old_keys, old_lines, strict=True):
            if key:
                slot = self._slot(key)
                self._keys[slot] = key
                self._lines[slot] = line


_MAX_LINE = 2**32 - 1


def _table(size: int) -> tuple[array[int], array[int]]:
    return array("q", bytes(8 * size)), array("I", bytes(4 * size))


def segment_blocks(
    reader: ContactReader, research: Research, today: date | None = None
) -> Iterator[list[Outcome]]:
    """Stream outcomes, a block of rows at a time, in file order: malformed rows, bad
    emails, duplicates (case-insensitive, the first wins), then placement.

    Rows stay lists of cells and placement is remembered per combination of the cells
    it reads, so a row costs a few operations in C. Memory grows only with the number
    of distinct emails, by about 20 bytes each (SeenEmails).
    """
    place = Placer(research, today).for_cells(reader.keys, reader.field_index)
    width = len(reader.keys)
    at_email = reader.field_index["email"]
    first_line = SeenEmails(reader.expected_rows).first_line
    for lines, rows in reader.blocks():
        block: list[Outcome] = []
        for line, cells in zip(lines, rows, strict=True):
            if len(cells) != width:
                if is_blank(cells):
                    continue
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                else:
                    extra = [c for c in cells[width:] if c.strip()]
                    del cells[width:]
                    if extra:
                        cells += extra
                        reason = N_(
                            "more cells than the header (%(count)s extra; "
                            "a delimiter inside a value without quotes?)"
                        )
                        block.append(
                            (line, cells, reject(MALFORMED, reason, {"count": len(extra)}))
                        )
                        continue
            email = cells[at_email].strip()
            problem = validate_email(email)
            if problem:
                if not email and is_blank(cells):
                    continue
                cut = email if len(email) <= 60 else email[:57] + "..."
                why = {"email": cut, "problem": problem}
                block.append((line, cells, reject(INVALID, _EMAIL_PROBLEM, why)))
                continue
            first = first_line(email, line)
            if first is not None:
                block.append((line, cells, reject(DUPLICATE, _SAME_AS, {"line": first})))
                continue
            block.append((line, cells, place(cells)))
        if block:
            yield block


def segment_rows(
    reader: ContactReader, research: Research, today: date | None = None
) -> Iterator[Outcome]:
    """segment_blocks, one row at a time."""
    for block in segment_blocks(reader, research, today):
        yield from block


@dataclass
class SegmentSummary:
    """Counts that add up: rows_read == placed + rejected + duplicates."""

    path: Path
    out: Path | None = None
    rejects_path: Path | None = None
    encoding: str = ""
    delimiter: str = ","
    rows_read: int = 0
    rejected: int = 0
    duplicates: int = 0
    by_persona: Counter[str] = field(default_factory=Counter)
    by_subgroup: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    notices: list[str] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return sum(self.by_persona.values())

    def share(self, persona: str) -> float:
        """Share of the placed contacts (0..1), comparable with the report's persona shares."""
        return self.by_persona[persona] / self.placed if self.placed else 0.0

    def subgroup_share(self, persona: str, subgroup: str | None) -> float:
        """Share of the placed contacts in one subgroup (None: the persona's general draft)."""
        return self.by_subgroup[(persona, subgroup)] / self.placed if self.placed else 0.0

    def add_placed(self, placement: Placement, count: int) -> None:
        assert placement.persona is not None
        self.rows_read += count
        self.by_persona[placement.persona] += count
        self.by_subgroup[(placement.persona, placement.subgroup)] += count

    def add_rejected(self, placement: Placement) -> None:
        self.rows_read += 1
        category = placement.category or "rejected"
        if category == DUPLICATE:
            self.duplicates += 1
        else:
            self.rejected += 1
        self.reasons[category] += 1


def absent_columns(research: Research, path: Path, header: list[str]) -> list[str]:
    """A notice for each column of the study's own that the contact list lacks."""
    placer = Placer(research)
    found = placer.find_columns(header)
    return [
        f"{path}: no column {' or '.join(repr(h) for h in headers)}; "
        f"{source.removeprefix('column:')} is unknown for every contact"
        for source, headers in placer.own_columns.items()
        if source not in found
    ]


def open_to_place(
    path: Path,
    research: Research,
    *,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ContactReader:
    """open_contacts, and require_columns: a list the study cannot place fails here,
    before anything is written. Tells `progress` the total where the reader knows it."""
    reader = open_contacts(path, encoding=encoding, mapping=mapping, sheet=sheet)
    try:
        require_columns(reader, research)
    except BaseException:
        reader.close()
        raise
    if progress is not None and reader.total_rows is not None:
        progress(0, reader.total_rows)
    return reader


def require_columns(reader: ContactReader, research: Research) -> None:
    """Stop before the first row when the list lacks a column the study cannot place a
    contact without: rather than reject every contact, one by one, for the same reason.

    A persona column names each contact's persona itself: then nothing is required.
    """
    if "persona" in reader.columns:
        return
    missing = Placer(research).missing_required(reader.columns, reader.header)
    if not missing:
        return
    label, name = missing[0]
    values = {"label": label, "name": name, "columns": shown_columns(reader.header)}
    if name in FIELDS:
        message = _(
            "has no %(label)s column (columns: %(columns)s), and the study places no contact "
            "without it; name one with --map COLUMN=%(name)s"
        )
    else:
        message = _(
            "has no %(label)s column (columns: %(columns)s), and the study places no contact "
            "without it; name a column '%(name)s'"
        )
    raise InputError(message % values, path=reader.path)


def rejects_columns() -> list[str]:
    """The rejects file's first two columns, in the user's language (README says so)."""
    return [_("line"), _("reason")]


def rejects_path_for(out: Path) -> Path:
    """`contacts.csv` -> `contacts-rejected.csv`, beside it."""
    return out.with_name(f"{out.stem}-rejected{out.suffix or '.csv'}")


def segment_contacts(
    path: Path,
    research: Research,
    out: Path | None,
    *,
    rejects: Path | None = None,
    encoding: str | None = None,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    today: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SegmentSummary:
    """Read a contact list, write it back with persona and subgroup columns, and the
    rejected rows with their line and reason beside it; None for `out` writes nothing.

    Output is UTF-8 with BOM in the input's delimiter, so Excel opens it as it opened
    the input; both files appear whole or not at all. Existing files are replaced
    only with `force`.
    """
    if out is not None:
        rejects = rejects or rejects_path_for(out)
        _check_targets(path, out, rejects, force=force)
    with open_to_place(
        path, research, encoding=encoding, mapping=mapping, sheet=sheet, progress=progress
    ) as reader:
        summary = SegmentSummary(path, out, rejects if out else None)
        summary.delimiter = reader.delimiter
        outcomes = segment_blocks(reader, research, today)
        if out is None or rejects is None:
            for _rows in _count(outcomes, summary, progress):
                pass
        else:
            header = reader.header
            # A column already called persona or subgroup is filled in, not repeated.
            names = ("persona", "subgroup")
            at = [_column(header, name) for name in names]
            added = [name for name, index in zip(names, at, strict=True) if index < 0]
            with (
                atomic_csv(out, reader.delimiter) as good,
                atomic_csv(rejects, reader.delimiter) as bad,
            ):
                good.writerow([*header, *added])
                bad.writerow([*rejects_columns(), *header])
                fill = None if len(added) == 2 else at
                for placed, rejected in _count(outcomes, summary, progress, fill):
                    good.writerows(placed)
                    bad.writerows(rejected)
        summary.encoding = reader.encoding
        summary.notices = [*reader.notices, *absent_columns(research, path, reader.header)]
    return summary


def _count(
    outcomes: Iterator[list[Outcome]],
    summary: SegmentSummary,
    progress: Progress | None,
    fill: list[int] | None = None,
) -> Iterator[tuple[list[list[str]], list[list[str]]]]:
    """Count each block's outcomes into `summary` and yield the rows to write: placed
    rows with persona and subgroup added (or filled in at `fill`), and rejected rows
    with their line and reason first. Tells `progress` the count after every block."""
    placements: dict[Placement, int] = {}
    read = 0
    lang = language()
    for block in outcomes:
        placed: list[list[str]] = []
        rejected: list[list[str]] = []
        for line, cells, placement in block:
            persona, subgroup, reason = placement
            if persona is None:
                summary.add_rejected(placement)
                rejected.append([str(line), shown(reason or "", lang), *cells])
                continue
            placements[placement] = placements.get(placement, 0) + 1
            if fill is None:
                cells += (persona, subgroup or "")
            else:
                for index, value in zip(fill, (persona, subgroup or ""), strict=True):
                    if index >= 0:
                        cells[index] = value
                    else:
                        cells.append(value)
            placed.append(cells)
        read += len(block)
        if progress is not None:
            progress(read)
        yield placed, rejected
    for placement, count in placements.items():
        summary.add_placed(placement, count)
    if progress is not None:
        progress(read)


def _column(header: list[str], name: str) -> int:
    for index, cell in enumerate(header):
        if norm_header(cell) == name:
            return index
    return -1


def _check_targets(source: Path, out: Path, rejects: Path, *, force: bool) -> None:
    """Never write over the list being read, both outputs to one file, or without force
    over a file that is there (a symbolic link counts: the user put it there)."""
    for target in (out, rejects):
        if target.is_dir():
            raise OutputError(
                _("is a folder; give a file name such as contacts-segmented.csv"), path=target
            )
        if target.exists() and source.exists() and target.samefile(source):
            raise OutputError(
                _("is the contact list being read; choose another --out"), path=target
            )
    if out.resolve() == rejects.resolve():
        raise OutputError(_("the output and the rejects file are the same file"), path=out)
    for target in (out, rejects):
        if target.exists() and not target.is_symlink() and not target.is_file():
            raise OutputError(
                _(
                    "is not a regular file (a device, pipe or socket); mkbcopy replaces only "
                    "files; choose another --out"
                ),
                path=target,
            )
        if not force and (target.exists() or target.is_symlink()):
            raise OutputError(
                _("already exists; use --force to overwrite it, or choose another --out"),
                path=target,
            )
        remove_stale_temps(target.parent, [target.name])
