"""Progress on a terminal: total, percentage and time left on stderr; stdout stays results."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from mkbcopy.contacts.rowcount import estimate_rows

ROW = "Noor;Test{n};contact{n}@example.org;27;mbo 4;werkend\n"


def _contacts(path: Path, rows: int) -> Path:
    head = "Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\n"
    path.write_text(head + "".join(ROW.format(n=n) for n in range(rows)), encoding="utf-8")
    return path


def test_rows_are_counted_up_front(tmp_path: Path) -> None:
    assert estimate_rows(_contacts(tmp_path / "c.csv", 1234)) == 1234
    unterminated = tmp_path / "u.csv"
    unterminated.write_text("a;b\n1;2\n3;4", encoding="utf-8")
    assert estimate_rows(unterminated) == 2
    assert estimate_rows(tmp_path / "missing.csv") is None
    assert estimate_rows(tmp_path / "book.xlsx") is None


def _under_terminal(args: list[str], columns: int = 120) -> tuple[str, bytes]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe: the screen and stdout."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, env=env) as proc:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        stdout = proc.stdout.read() if proc.stdout else b""
    os.close(leader)
    assert proc.returncode == 0, seen
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace"), stdout


def test_batch_shows_a_total_on_a_terminal_and_nothing_when_piped(tmp_path: Path) -> None:
    contacts = _contacts(tmp_path / "c.csv", 3000)
    args = [sys.executable, "-m", "mkbcopy", "batch", str(contacts), "--example"]
    screen, stdout = _under_terminal([*args, "-o", str(tmp_path / "tty")])
    assert re.search(r"/3000 contacts\s+\d+%", screen), screen
    assert "left" in screen
    assert b"\x1b[" not in stdout and b"Wrote " in stdout
    piped = subprocess.run([*args, "-o", str(tmp_path / "pipe")], capture_output=True, check=False)
    assert piped.returncode == 0 and b"/3000" not in piped.stderr and b"\x1b[" not in piped.stderr


def test_preview_counts_the_files_it_checks(tmp_path: Path) -> None:
    out = tmp_path / "o"
    mkbcopy = [sys.executable, "-m", "mkbcopy"]
    subprocess.run([*mkbcopy, "generate", "-o", str(out), "-c", "x", "-q"], check=True)
    screen, stdout = _under_terminal([*mkbcopy, "preview", str(out)])
    assert "checking drafts" in screen and "3/3 files" in screen, screen
    assert stdout.startswith(b"Wrote ") and b"\x1b[" not in stdout


def test_a_narrow_terminal_keeps_the_total_on_one_line_and_dutch_says_nog(tmp_path: Path) -> None:
    """The bar gives way first, then the count; the percentage and time left always fit."""
    contacts = _contacts(tmp_path / "c.csv", 3000)
    args = [sys.executable, "-m", "mkbcopy", "--lang", "nl", "batch", str(contacts), "--example"]
    for columns, total in ((100, True), (70, True), (40, False)):
        screen, _stdout = _under_terminal([*args, "-o", str(tmp_path / str(columns))], columns)
        frames = [f for f in re.split(r"[\r\n]+", screen) if "concepten schrijven" in f]
        assert frames, screen
        assert all(len(f.rstrip()) <= columns for f in frames), frames
        assert ("/3000 contacten" in frames[-1]) is total, frames[-1]
        assert re.search(r"\d+% nog (\d:\d\d:\d\d|-:--:--)$", frames[-1].rstrip()), frames[-1]
        assert "…" not in screen and "te gaan" not in screen
