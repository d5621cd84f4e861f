"""Every OS error is one line naming the path and what to do; a failed run keeps the
earlier manifest; a closed stdout or a Ctrl-C at any moment gives no traceback.

Disk-full runs need a small real file system: a tmpfs, mounted when run as root.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from tests.test_reliability import CONTACTS, mkbcopy, one_error_line


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a disk that really fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Use up the disk but `leave` bytes."""
    info = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * max(0, info.f_bavail * info.f_frsize - leave))


def test_a_full_disk_is_one_line_naming_the_file(small_disk: Path) -> None:
    out = small_disk / "out"
    fill(small_disk, 40_000)
    result = CliRunner().invoke(app, ["generate", "-o", str(out), "--no-lint"])
    one_error_line(result, str(out), "the disk is full; free some space")


def test_a_failed_run_leaves_the_earlier_manifest_as_it_was(small_disk: Path) -> None:
    out = small_disk / "out"
    args = ["generate", "-c", "x", "-o", str(out), "--no-lint"]
    assert CliRunner().invoke(app, args).exit_code == 0
    before = (out / "manifest.json").read_bytes()
    fill(small_disk, 8_000)
    result = CliRunner().invoke(app, ["generate", "-c", "x", "-c", "email", "-o", str(out)])
    assert result.exit_code == 1 and "disk is full" in result.stderr
    (small_disk / "filler").unlink()
    after = json.loads((out / "manifest.json").read_bytes())
    assert after == json.loads(before) and after["complete"] is True
    coverage = CliRunner().invoke(app, ["coverage", str(out)])
    assert coverage.exit_code == 0 and "unaddressed" in coverage.output


def test_batch_on_a_full_disk_is_one_line_and_keeps_the_earlier_run(small_disk: Path) -> None:
    contacts = small_disk.parent / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = small_disk / "mailing"
    args = ["batch", str(contacts), "--example", "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    before = (out / "manifest.json").read_bytes()
    fill(small_disk, 8_000)
    result = CliRunner().invoke(app, [*args, "--per-recipient"])
    one_error_line(result, "the disk is full")
    assert (out / "manifest.json").read_bytes() == before
    assert not list(out.glob(".batch-*"))


def test_an_out_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bestand").write_text("x")
    out = tmp_path / "bestand" / "out"
    result = CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out)])
    one_error_line(result, str(tmp_path / "bestand"), "is a file, not a folder")


def _shell(command: str) -> subprocess.CompletedProcess[bytes]:
    python = sys.executable
    return subprocess.run(
        ["bash", "-c", command.replace("MKBCOPY", f"{python} -m mkbcopy")],
        capture_output=True,
        timeout=120,
    )


def test_a_closed_or_short_lived_stdout_gives_no_traceback() -> None:
    done = _shell("MKBCOPY personas list | head -1")
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    done = _shell("MKBCOPY personas list >&-")
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    done = _shell("MKBCOPY templates show email | true; echo ${PIPESTATUS[0]} >&2")
    assert done.stderr.endswith((b"\n0\n", b"\n1\n", b"141\n")), done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr


# Imported after mkbcopy/__main__.py has set its handler: never in a traceback.
_AFTER_MAIN = (b"/typer/", b"/click/", b"/rich/", b"/pydantic/", b"/jinja2/", b"mkbcopy/cli/")


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5])
def test_ctrl_c_at_start_up_is_interrupted_and_130(delay: float) -> None:
    """From mkbcopy/__main__.py's first line on, Ctrl-C is one line and 130. Before it,
    while Python itself starts (site, runpy), the traceback is Python's own."""
    proc = mkbcopy("personas", "list")
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:
        return  # it had finished before the signal came
    if proc.returncode == 130:
        assert stderr.decode().startswith("mkbcopy: interrupted") and stderr.count(b"\n") == 1
        return
    assert not any(name in stderr for name in _AFTER_MAIN), stderr
