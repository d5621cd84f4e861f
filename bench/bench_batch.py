"""batch --per-recipient against the naive way (a Jinja2 render, an EmailMessage and
one file per contact, with the same content) and against the floor: writing the very
bytes mkbcopy wrote with os.open/os.write/os.close. Prints the three times and both
ratios; at full size also a 100,000-contact run in a fresh process, with its peak
memory and the floor for its output."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from bench import in_fresh_process
from mkbcopy.compose.channels import load_channel
from mkbcopy.compose.copydeck import load_copydeck
from mkbcopy.compose.rendering import render_draft
from mkbcopy.contacts.batch import run_batch
from mkbcopy.contacts.reading import open_contacts
from mkbcopy.contacts.segments import segment_rows
from mkbcopy.research.brief import load_brief
from mkbcopy.research.study import load_personas
from mkbcopy.writers.eml import build_message
from mkbcopy.writers.html import render_html
from mkbcopy.writers.text import render_text

NAMES = ["Sanne", "Ömer", "Zoë", "Daan", "Fatima", "Lars", "Noor", "Bram", "Priya", "Jan-Willem"]
PEOPLE = [
    ("havo", "scholier"),
    ("hbo", "student"),
    ("mbo 4", "werkend"),
    ("MBO-niveau 3", "werkzoekend"),
    ("hbo", "in loondienst"),
    ("wo", "zzp"),
    ("vwo", "werkend"),
]


def make_contacts(path: Path, rows: int, seed: int = 7) -> None:
    """An Excel-NL style list: ';', UTF-8 with BOM."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n")
        for i in range(rows):
            edu, status = rng.choice(PEOPLE)
            age = rng.randint(16, 24) if status in ("scholier", "student") else rng.randint(18, 60)
            name = rng.choice(NAMES)
            handle.write(f"{name};Test{i};contact{i}@example.org;{age};{edu};{status}\r\n")


def naive(contacts: Path, out: Path) -> int:
    """The obvious way: render and build each message from scratch."""
    brief, research = load_brief(), load_personas()
    deck, channel = load_copydeck(research), load_channel("email")
    out.mkdir(parents=True)
    count = 0
    with open_contacts(contacts) as reader:
        at = reader.field_index
        for _line, cells, placed in segment_rows(reader, research):
            if placed.persona is None:
                continue
            persona = research.persona(placed.persona)
            sub = persona.subgroup(placed.subgroup) if placed.subgroup else None
            name = cells[at["first_name"]].strip()
            draft = render_draft(
                brief, persona, channel, deck[persona.id], subgroup=sub, first_name=name
            )
            message = build_message(
                subject=draft.document.meta["subject"],
                preheader=draft.document.meta.get("preheader"),
                text=render_text(draft.document),
                html=render_html(draft.document),
                sender_name=brief.contact.name,
                sender_email=brief.contact.email,
                to=cells[at["email"]].strip(),
                to_name=name,
            )
            count += 1
            (out / f"{count:06d}.eml").write_bytes(bytes(message))
    return count


def ours(contacts: Path, out: Path) -> int:
    report = run_batch(
        contacts, load_brief(), load_personas(), out, per_recipient=True, merge_tags="plain"
    )
    return report.recipients


def floor(written: Path, target: Path) -> float:
    """Seconds to write the files under `written` again, one os.open/os.write/os.close
    each, and drafts.mbox in one piece; reading them back is not timed."""
    emls = sorted((written / "recipients").iterdir())
    (target / "recipients").mkdir(parents=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    seconds = 0.0
    for start in range(0, len(emls), 1000):  # a thousand files in memory at a time
        chunk = [
            (target / "recipients" / p.name, p.read_bytes()) for p in emls[start : start + 1000]
        ]
        began = time.perf_counter()
        for path, data in chunk:
            fd = os.open(path, flags, 0o666)
            os.write(fd, data)
            os.close(fd)
        seconds += time.perf_counter() - began
    with (written / "drafts.mbox").open("rb") as source:
        fd = os.open(target / "drafts.mbox", flags, 0o666)
        while block := source.read(64 << 20):
            began = time.perf_counter()
            os.write(fd, block)
            seconds += time.perf_counter() - began
        os.close(fd)
    return seconds


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def run(smoke: bool) -> None:
    rows = 300 if smoke else 5_000
    with tempfile.TemporaryDirectory() as tmp:
        contacts = Path(tmp) / "contacts.csv"
        make_contacts(contacts, rows)
        load_brief(), load_personas()  # warm caches for both sides alike
        start = time.perf_counter()
        n_naive = naive(contacts, Path(tmp) / "naive")
        t_naive = time.perf_counter() - start
        start = time.perf_counter()
        n_ours = ours(contacts, Path(tmp) / "ours")
        t_ours = time.perf_counter() - start
        assert n_naive == n_ours, (n_naive, n_ours)
        t_floor = floor(Path(tmp) / "ours", Path(tmp) / "floor")
        size = _megabytes(Path(tmp) / "ours" / "recipients")
        print(f"{rows} contacts, {n_ours} drafts ({size:.0f} MB of .eml, as much again in mbox)")
        print(f"  naive (Jinja2 + EmailMessage per contact): {t_naive:7.2f} s")
        print(f"  mkbcopy batch --per-recipient:             {t_ours:7.2f} s")
        print(f"  floor (same bytes, os.open/os.write):      {t_floor:7.2f} s")
        print(
            f"  ours is {t_naive / t_ours:.1f}x faster than naive, "
            f"{t_ours / t_floor:.2f}x the floor"
        )
        if not smoke:
            shutil.rmtree(Path(tmp) / "naive")
            shutil.rmtree(Path(tmp) / "floor")
            big = Path(tmp) / "big.csv"
            make_contacts(big, 100_000)
            big_out = Path(tmp) / "big-out"
            n, seconds, peak = in_fresh_process("bench_batch", str(big), str(big_out))
            big_floor = floor(big_out, Path(tmp) / "big-floor")
            print(f"100000 contacts: {n} drafts, peak memory {peak:.0f} MB")
            print(f"  mkbcopy batch --per-recipient:             {seconds:7.2f} s")
            print(f"  floor (same bytes, os.open/os.write):      {big_floor:7.2f} s")
            print(f"  ours is {seconds / big_floor:.2f}x the floor")
