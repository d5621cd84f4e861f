"""The kept hyphenation table is pyphen's own, and a spoilt one is not used."""

from __future__ import annotations

import marshal
from pathlib import Path

import pyphen  # type: ignore[import-untyped, unused-ignore]
import pytest

from mkbcopy.checks import hyphenation

WORDS = ["lettergrepen", "creatief", "realiseren", "geïnteresseerd", "mkb-bedrijf", "opleiding"]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = Path(pyphen.LANGUAGES[pyphen.language_fallback("nl_NL")])
    monkeypatch.delitem(pyphen.hdcache, path, raising=False)
    return path


def test_the_kept_table_hyphenates_as_pyphen_does(fresh: Path) -> None:
    hyphenation._preload(fresh)  # parses and keeps
    files = list(Path(hyphenation.private_folder("hyphenation") or "").glob("nl_NL-*.marshal"))
    assert len(files) == 1
    del pyphen.hdcache[fresh]
    hyphenation._preload(fresh)  # reads the kept table
    loaded = pyphen.hdcache[fresh]
    parsed = pyphen.HyphDict(fresh)
    assert loaded.patterns == parsed.patterns and loaded.maxlen == parsed.maxlen
    cached = pyphen.Pyphen(lang="nl_NL", left=1, right=1)
    del pyphen.hdcache[fresh]
    plain = pyphen.Pyphen(lang="nl_NL", left=1, right=1)
    assert [cached.inserted(w) for w in WORDS] == [plain.inserted(w) for w in WORDS]


def test_a_spoilt_table_is_parsed_again(fresh: Path) -> None:
    hyphenation._preload(fresh)
    (kept,) = Path(hyphenation.private_folder("hyphenation") or "").glob("nl_NL-*.marshal")
    kept.write_bytes(marshal.dumps({"ab": (0, ("x",))}))
    del pyphen.hdcache[fresh]
    hyphenation._preload(fresh)
    assert pyphen.hdcache[fresh].patterns == pyphen.HyphDict(fresh).patterns
    kept.write_bytes(b"\xff not marshal")
    del pyphen.hdcache[fresh]
    hyphenation._preload(fresh)
    assert pyphen.hdcache[fresh].patterns == pyphen.HyphDict(fresh).patterns
