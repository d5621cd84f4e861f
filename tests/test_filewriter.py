"""The writer thread: every file and every stream byte arrives, errors come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkbcopy.writers.filewriter import FolderWriter


def test_files_and_stream_arrive_whole_and_in_order(tmp_path: Path) -> None:
    stream = tmp_path / "all.txt"
    expected = []
    with FolderWriter(tmp_path, stream) as writer:
        for i in range(1000):
            pieces = [f"{i}:".encode(), b"x" * (i % 300), b"", b"\n"]
            writer.add(f"{i:04d}.txt", pieces, [f"{i}\n".encode()] * 2)
            expected.append(b"".join(pieces))
    files = sorted(tmp_path.glob("0*.txt"))
    assert [f.read_bytes() for f in files] == expected
    assert stream.read_bytes() == b"".join(f"{i}\n{i}\n".encode() for i in range(1000))


def test_a_write_error_is_raised_on_close(tmp_path: Path) -> None:
    (tmp_path / "taken.txt").write_bytes(b"mine")
    writer = FolderWriter(tmp_path)
    writer.add("taken.txt", [b"other"])
    with pytest.raises(FileExistsError):
        writer.close()
    assert (tmp_path / "taken.txt").read_bytes() == b"mine"


def test_an_error_in_the_caller_drops_what_is_queued(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), FolderWriter(tmp_path) as writer:
        writer.add("a.txt", [b"a"])
        raise RuntimeError("stop")
    assert not (tmp_path / "a.txt").exists()
