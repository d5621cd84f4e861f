"""A private folder in the user's cache, for what is slow to make and the same every run."""

from __future__ import annotations

import os
import stat
from pathlib import Path


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
