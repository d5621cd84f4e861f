"""segment --out against the naive way (csv.DictReader, place() per row, csv.DictWriter)
and the floor (reading the list and writing the same output bytes), on a 100 MB list
(1.7 million rows) at full size. Ours runs in a fresh process, which gives its peak
memory. Each time is the best of three runs at full size (one for the smoke size), and
the load average is printed beside them: the machine may be shared."""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench import in_fresh_process
from bench.bench_batch import make_contacts
from mkbcopy.contacts.columns import field_for_header
from mkbcopy.contacts.placing import place
from mkbcopy.contacts.segments import rejects_path_for, segment_contacts
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
    seconds = time.perf_counter() - start
    for i in range(len(data)):
        target.with_suffix(f".{i}").unlink()
    return seconds


def ours(contacts: Path, out: Path) -> int:
    return segment_contacts(contacts, load_personas(), out).rows_read


def _best(runs: int, timed: Callable[[], float]) -> float:
    return min(timed() for _ in range(runs))


def run(smoke: bool) -> None:
    load_personas()
    rows, runs = (2_000, 1) if smoke else (1_700_000, 3)
    with tempfile.TemporaryDirectory() as tmp:
        contacts = Path(tmp) / "contacts.csv"
        make_contacts(contacts, rows)
        out = Path(tmp) / "out.csv"
        written = [out, rejects_path_for(out)]

        def time_naive() -> float:
            start = time.perf_counter()
            assert naive(contacts, Path(tmp) / "naive.csv") == rows
            seconds = time.perf_counter() - start
            (Path(tmp) / "naive.csv").unlink()
            return seconds

        peaks: list[float] = []

        def time_ours() -> float:
            for path in written:
                path.unlink(missing_ok=True)
            n, seconds, peak = in_fresh_process("bench_segment", str(contacts), str(out))
            assert n == rows, (n, rows)
            peaks.append(peak)
            return seconds

        t_naive = _best(runs, time_naive)
        t_ours = _best(runs, time_ours)
        t_floor = _best(runs, lambda: floor(contacts, written, Path(tmp) / "floor"))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        size = contacts.stat().st_size / 1e6
        print(f"{rows} rows ({size:.0f} MB), best of {runs}; load average {load}")
        print(f"  naive (DictReader + place + DictWriter):   {t_naive:7.2f} s")
        print(f"  mkbcopy segment --out:                     {t_ours:7.2f} s")
        print(f"  floor (read it, write the same bytes):     {t_floor:7.2f} s")
        print(
            f"  naive takes {t_naive / t_ours:.1f}x our time; ours is {t_ours / t_floor:.1f}x "
            f"the floor; peak memory {max(peaks):.0f} MB"
        )
