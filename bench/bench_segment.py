"""segment --out against the naive way (csv.DictReader, place() per row, csv.DictWriter)
and the floor (reading the list and writing the same output bytes). At full size also
a 100 MB list in a fresh process, with its peak memory."""

from __future__ import annotations

import csv
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import in_fresh_process
from bench.bench_batch import make_contacts
from mkbcopy.contacts.reading import field_for_header
from mkbcopy.contacts.segments import place, segment_contacts
from mkbcopy.research.study import load_personas


def naive(contacts: Path, out: Path) -> int:
    """What one writes by hand: a DictReader, the placement rule per row, a DictWriter."""
    research, today = load_personas(), date.today()
    count = 0
    with (
        contacts.open(encoding="utf-8-sig", newline="") as source,
        out.open("w", encoding="utf-8-sig", newline="") as target,
    ):
        reader = csv.DictReader(source, delimiter=";")
        names = {h: field_for_header(h) for h in reader.fieldnames or []}
        writer = csv.DictWriter(
            target, [*(reader.fieldnames or []), "persona", "subgroup"], delimiter=";"
        )
        writer.writeheader()
        for row in reader:
            fields = {names[k]: v.strip() for k, v in row.items() if names.get(k)}
            placed = place({k: v for k, v in fields.items() if k}, research, today)
            writer.writerow(row | {"persona": placed.persona, "subgroup": placed.subgroup})
            count += 1
    return count


def floor(contacts: Path, written: list[Path], target: Path) -> float:
    """Seconds to read the list and write the bytes segment wrote, with os.read/os.write."""
    data = [p.read_bytes() for p in written]
    start = time.perf_counter()
    fd = os.open(contacts, os.O_RDONLY)
    while os.read(fd, 1 << 20):
        pass
    os.close(fd)
    for i, chunk in enumerate(data):
        fd = os.open(target.with_suffix(f".{i}"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]
        os.close(fd)
    return time.perf_counter() - start


def ours(contacts: Path, out: Path) -> int:
    return segment_contacts(contacts, load_personas(), out).rows_read


def _compare(contacts: Path, tmp: Path, label: str) -> None:
    start = time.perf_counter()
    n_naive = naive(contacts, tmp / "naive.csv")
    t_naive = time.perf_counter() - start
    start = time.perf_counter()
    n_ours = ours(contacts, tmp / "ours.csv")
    t_ours = time.perf_counter() - start
    assert n_naive == n_ours, (n_naive, n_ours)
    written = [tmp / "ours.csv", tmp / "ours-rejected.csv"]
    t_floor = floor(contacts, written, tmp / "floor")
    print(f"{label}: {n_ours} rows, {contacts.stat().st_size / 1e6:.0f} MB")
    print(f"  naive (DictReader + place + DictWriter):   {t_naive:7.2f} s")
    print(f"  mkbcopy segment --out:                     {t_ours:7.2f} s")
    print(f"  floor (read it, write the same bytes):     {t_floor:7.2f} s")
    print(
        f"  naive takes {t_naive / t_ours:.1f}x our time; ours is {t_ours / t_floor:.1f}x the floor"
    )
    for path in (*written, tmp / "naive.csv", *tmp.glob("floor.*")):
        path.unlink()


def run(smoke: bool) -> None:
    load_personas()
    with tempfile.TemporaryDirectory() as tmp:
        contacts = Path(tmp) / "contacts.csv"
        make_contacts(contacts, 2_000 if smoke else 200_000)
        _compare(contacts, Path(tmp), "list")
        if smoke:
            return
        big = Path(tmp) / "big.csv"
        make_contacts(big, 1_700_000)  # about 100 MB
        n, seconds, peak = in_fresh_process(
            "bench_segment", str(big), str(Path(tmp) / "big-out.csv")
        )
        written = [Path(tmp) / "big-out.csv", Path(tmp) / "big-out-rejected.csv"]
        t_floor = floor(big, written, Path(tmp) / "floor")
        print(
            f"100 MB list ({big.stat().st_size / 1e6:.0f} MB): {n} rows, peak {float(peak):.0f} MB"
        )
        print(f"  mkbcopy segment --out:                     {seconds:7.2f} s")
        print(f"  floor (read it, write the same bytes):     {t_floor:7.2f} s")
        print(f"  ours is {seconds / t_floor:.1f}x the floor")
