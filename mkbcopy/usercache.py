"""A private folder in the user's cache, for what is slow to make and the same every run."""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TypeVar, cast


def private_folder(name: str) -> Path | None:
    """`~/.cache/mkbcopy/NAME` (or under XDG_CACHE_HOME), made if need be.

    None when no such folder can be had, or when it or its parent could be written by
    someone else: what is loaded from there is trusted, so only the user may write it.
    """
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(home) / "mkbcopy" / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        infos = [folder.lstat(), folder.parent.lstat()]
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    owner = os.getuid() if hasattr(os, "getuid") else infos[0].st_uid
    for info in infos:
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
            return None
    return folder


T = TypeVar("T")


def kept(name: str, sources: Sequence[Path], make: Callable[[], T], *, tag: str = "") -> T:
    """What `make()` returns for these source files, kept between runs (a pickle).

    Served only while every source file has the same path, size, modification and
    change times and inode, mkbcopy's own code is unchanged (every module's size and
    modification time) and Python and `tag` (what else the result depends on) are the
    same. Only from a private folder, since unpickling runs code; what `make()` raises
    is never kept, so an invalid file fails every run as it did the first.
    """
    folder = private_folder(name)
    try:
        key = hashlib.sha256(repr((_code(), sys.version, tag, _stats(sources))).encode())
    except OSError:
        return make()
    path = None if folder is None else folder / f"{key.hexdigest()[:32]}.pickle"
    if path is not None:
        with suppress(Exception):  # a spoilt file: make it again
            return cast("T", pickle.loads(path.read_bytes()))
    value = make()
    if path is not None:
        write_private(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _stats(sources: Sequence[Path]) -> list[tuple[str, int, int, int, int, int]]:
    out = []
    for source in sources:
        info = source.stat()
        out.append(
            (
                str(source.resolve()),
                info.st_size,
                info.st_mtime_ns,
                info.st_ctime_ns,
                info.st_ino,
                info.st_dev,
            )
        )
    return out


@cache
def _code() -> tuple[tuple[str, int, int], ...]:
    """mkbcopy's modules, so an edited checkout never reads what older code kept."""
    found: list[tuple[str, int, int]] = []
    folders = [Path(__file__).parent]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir() and not entry.name.startswith((".", "__")):
                    folders.append(Path(entry.path))
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    found.append((entry.path, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


def write_private(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a reader never sees half); errors ignored."""
    with suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
