"""What generate keeps between runs serves only what it would make now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkbcopy.bundle import bundled_path
from mkbcopy.compose.copydeck import COPY_FILE, load_copydeck
from mkbcopy.errors import MkbcopyError
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas
from mkbcopy.usercache import kept
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


def test_a_kept_result_follows_its_source_file(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    calls: list[Path] = []

    def read(path: Path) -> str:
        calls.append(path)
        return path.read_text(encoding="utf-8")

    source.write_text("eerste", encoding="utf-8")
    assert kept("things", [source], lambda: read(source)) == "eerste"
    assert kept("things", [source], lambda: read(source)) == "eerste" and len(calls) == 1
    source.write_text("tweede", encoding="utf-8")  # same size, changed: made again
    os.utime(source, ns=(1, 1))  # even with the modification time set back
    assert kept("things", [source], lambda: read(source)) == "tweede" and len(calls) == 2
    assert kept("things", [source], lambda: read(source), tag="b") == "tweede" and len(calls) == 3
    moved = tmp_path / "elders.txt"
    source.rename(moved)  # another path: its own entry
    assert kept("things", [moved], lambda: read(moved)) == "tweede" and len(calls) == 4
    with pytest.raises(FileNotFoundError):  # a file that is gone is never served from the cache
        kept("things", [source], lambda: read(source))


def test_a_spoilt_or_failing_entry_is_made_again(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    source.write_text("x", encoding="utf-8")
    assert kept("things", [source], lambda: 1) == 1
    for stored in (cache_home / "things").glob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert kept("things", [source], lambda: 2) == 2

    def fail() -> int:
        raise ValueError("invalid")

    source.write_text("y", encoding="utf-8")
    for _ in range(2):  # an error is not kept: it is raised every time
        with pytest.raises(ValueError):
            kept("things", [source], fail)


def test_a_changed_study_is_read_again(cache_home: Path, tmp_path: Path) -> None:
    study = tmp_path / "personas.yaml"
    text = bundled_path("personas.yaml").read_text(encoding="utf-8")
    study.write_text(text, encoding="utf-8")
    first = load_personas(study)
    assert list((cache_home / "studies").glob("*.pickle"))
    assert load_personas(study) == first == load_personas()
    name = first.personas[0].name
    study.write_text(text.replace(f"name: {name}", f"name: {name}x", 1), encoding="utf-8")
    assert load_personas(study).personas[0].name == f"{name}x"
    study.write_text(text.replace("personas:", "personas: [", 1), encoding="utf-8")
    for _ in range(2):  # a broken study fails every run, never served from the cache
        with pytest.raises(MkbcopyError):
            load_personas(study)


def test_a_changed_copy_deck_is_read_again(
    cache_home: Path, tmp_path: Path, research: Research
) -> None:
    shared = tmp_path / "templates" / "_shared"
    shared.mkdir(parents=True)
    text = (bundled_path("campaign_templates") / COPY_FILE).read_text(encoding="utf-8")
    (shared / "copy.yaml").write_text(text, encoding="utf-8")
    deck = load_copydeck(research, tmp_path / "templates")
    assert load_copydeck(research, tmp_path / "templates") == deck == load_copydeck(research)
    persona = research.personas[0].id
    hashtag = deck[persona].hashtags[0]
    (shared / "copy.yaml").write_text(text.replace(hashtag, hashtag + "x", 1), encoding="utf-8")
    assert load_copydeck(research, tmp_path / "templates")[persona].hashtags[0] == hashtag + "x"
