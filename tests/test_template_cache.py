"""Compiled templates kept between runs: same drafts, and only from a private folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

from mkbcopy.compose.sandbox import TemplateSandbox, compiled_templates


def _env(folder: Path) -> TemplateSandbox:
    return TemplateSandbox(loader=jinja2.FileSystemLoader(str(folder)), trim_blocks=True)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MKBCOPY_NO_TEMPLATE_CACHE", raising=False)
    compiled_templates.cache_clear()
    yield tmp_path / "cache"
    compiled_templates.cache_clear()


def test_a_second_run_renders_the_same_from_the_cache(tmp_path: Path, cache_home: Path) -> None:
    (tmp_path / "t.j2").write_text("{% for i in range(3) %}{{ i }}-{{ name }}\n{% endfor %}")
    first = _env(tmp_path).get_template("t.j2").render(name="Sanne")
    stored = list(cache_home.glob("mkbcopy/templates-*/*.cache"))
    assert len(stored) == 1
    assert stored[0].parent.stat().st_mode & 0o077 == 0
    assert (
        _env(tmp_path).get_template("t.j2").render(name="Sanne")
        == first
        == ("0-Sanne\n1-Sanne\n2-Sanne\n")
    )
    (tmp_path / "t.j2").write_text("changed {{ name }}")  # a changed source is compiled again
    assert _env(tmp_path).get_template("t.j2").render(name="Sanne") == "changed Sanne"


def test_other_compile_options_get_their_own_folder(tmp_path: Path, cache_home: Path) -> None:
    (tmp_path / "t.j2").write_text("{% if 1 %}\nx\n{% endif %}\n")
    trimmed = _env(tmp_path).get_template("t.j2").render()
    plain = TemplateSandbox(loader=jinja2.FileSystemLoader(str(tmp_path)))
    assert plain.get_template("t.j2").render() != trimmed
    assert len(list(cache_home.glob("mkbcopy/templates-*"))) == 2


def test_a_folder_others_can_write_is_not_used(tmp_path: Path, cache_home: Path) -> None:
    (cache_home / "mkbcopy").mkdir(parents=True)
    os.chmod(cache_home / "mkbcopy", 0o777)
    assert compiled_templates("options") is None


def test_the_cache_can_be_switched_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKBCOPY_NO_TEMPLATE_CACHE", "1")
    assert compiled_templates("options") is None
