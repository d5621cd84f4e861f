"""pyphen's Dutch hyphenation, with its patterns parsed once per machine.

Parsing the 16,000 patterns of hyph_nl_NL.dic takes pyphen longer than all the
readability checks of a campaign; the parsed table is kept as JSON in the user's
cache, named after the pattern file's contents and pyphen's version.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

import pyphen  # type: ignore[import-untyped, unused-ignore]

from mkbcopy.usercache import private_folder

_LANG = "nl_NL"


@cache
def dutch() -> Any:
    """A pyphen.Pyphen for Dutch that never leaves one letter alone at a word's edge."""
    path = Path(pyphen.LANGUAGES[pyphen.language_fallback(_LANG)])
    with suppress(Exception):  # pyphen's own parse below is always right
        _preload(path)
    return pyphen.Pyphen(lang=_LANG, left=1, right=1)


def _preload(path: Path) -> None:
    """Put the patterns in pyphen's own cache, from ours or parsed and then kept."""
    if path in pyphen.hdcache:
        return
    folder = private_folder("hyphenation")
    if folder is None:
        return
    key = hashlib.sha256(path.read_bytes())
    key.update(str(getattr(pyphen, "__version__", "")).encode())
    kept = folder / f"{_LANG}-{key.hexdigest()[:20]}.json"
    try:
        table = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        table = None
    if isinstance(table, dict) and table and all(_entry(v) for v in table.values()):
        hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hd.patterns = {k: (start, tuple(values)) for k, (start, values) in table.items()}
        hd.cache = {}
        hd.maxlen = max(len(k) for k in hd.patterns)
        pyphen.hdcache[path] = hd
        return
    hd = pyphen.HyphDict(path)
    pyphen.hdcache[path] = hd
    plain = {k: [start, list(values)] for k, (start, values) in hd.patterns.items()}
    if all(type(v) is int for _, values in plain.values() for v in values):
        _write_atomic(kept, json.dumps(plain, ensure_ascii=False, separators=(",", ":")))


def _entry(value: object) -> bool:
    """[start, [values...]] of ints, as written below."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and isinstance(value[1], list)
        and all(type(v) is int for v in value[1])
    )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
