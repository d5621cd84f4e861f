"""pyphen's Dutch hyphenation, with its patterns parsed once per machine.

Parsing the 16,000 patterns of hyph_nl_NL.dic takes pyphen longer than all the
readability checks of a campaign; the parsed table is kept in the user's
cache (marshal: it loads fastest), named after the pattern file's contents,
pyphen's version and Python's.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

import pyphen  # type: ignore[import-untyped, unused-ignore]

from mkbcopy.usercache import private_folder, write_private

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
    key.update(f"{getattr(pyphen, '__version__', '')} {marshal.version} {sys.version}".encode())
    kept = folder / f"{_LANG}-{key.hexdigest()[:20]}.marshal"
    try:
        table = marshal.loads(kept.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        table = None
    if isinstance(table, dict) and table and _entries(table):
        hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hd.patterns = table
        hd.cache = {}
        hd.maxlen = max(len(k) for k in hd.patterns)
        pyphen.hdcache[path] = hd
        return
    hd = pyphen.HyphDict(path)
    pyphen.hdcache[path] = hd
    plain = {k: (start, tuple(values)) for k, (start, values) in hd.patterns.items()}
    if _entries(plain):
        write_private(kept, marshal.dumps(plain))


def _entries(table: dict[Any, Any]) -> bool:
    """Every value (start, (values...)) of ints, as written below: marshal keeps the types."""
    values = table.values()
    if not all(type(v) is tuple and len(v) == 2 and type(v[1]) is tuple for v in values):
        return False
    return {type(v[0]) for v in values} | {type(n) for v in values for n in v[1]} == {int}
