"""What generate keeps between runs serves only what it would make now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkbcopy.writers.docx import make_qr_png, qr_png


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "mkbcopy"


def test_a_kept_qr_code_is_the_one_made_now_for_that_link(cache_home: Path) -> None:
    first, second = "https://example.nl/a?utm_content=x", "https://example.nl/a?utm_content=y"
    made = qr_png(first)
    assert made == make_qr_png(first) and made.startswith(b"\x89PNG")
    (kept,) = (cache_home / "qr").glob("*.png")
    assert kept.read_bytes() == made
    assert kept.parent.stat().st_mode & 0o077 == 0
    assert qr_png(first) == made  # from the cache
    other = qr_png(second)  # a link one letter apart is another code, kept apart
    assert other == make_qr_png(second) != made
    assert len(list((cache_home / "qr").glob("*.png"))) == 2


def test_a_qr_cache_others_can_write_is_not_used(cache_home: Path) -> None:
    (cache_home / "qr").mkdir(parents=True)
    os.chmod(cache_home / "qr", 0o777)
    url = "https://example.nl/b"
    assert qr_png(url) == make_qr_png(url)
    assert not list((cache_home / "qr").glob("*.png"))
