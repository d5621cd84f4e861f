from __future__ import annotations

from pathlib import Path

import pytest

from mkbcopy.errors import InputError, ValidationError
from mkbcopy.research.yamlfile import format_key, load_yaml


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


def test_lines_are_remembered_per_key(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a:\n  b:\n    - one\n    - c: 2\n", encoding="utf-8")
    doc = load_yaml(path)
    assert doc.data == {"a": {"b": ["one", {"c": 2}]}}
    assert doc.lines[("a", "b", 1, "c")] == 4
    assert doc.line_of(("a", "b", 1, "c", "missing")) == 4


def test_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        _load(tmp_path, "campaign: a\norganisation: b\ncampaign: c\n")
    assert err.value.line == 3
    assert "duplicate key 'campaign' (first at line 1)" in str(err.value)


def test_python_tags_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tag"):
        _load(tmp_path, "a: !!python/object/apply:os.system ['true']\n")


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with pytest.raises(InputError, match="more than"):
        _load(tmp_path, "\n".join(lines) + "\n")


def test_tab_indentation_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        _load(tmp_path, "a:\n  b: 1\n\tc: 2\n")
    assert err.value.line == 3


def test_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("date: 2027-03-11\n", encoding="utf-8")
    assert load_yaml(path).data == {"date": "2027-03-11"}


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(InputError) as err:
        load_yaml(path)
    assert err.value.line == 2
    assert "UTF-8" in str(err.value)


def test_format_key() -> None:
    assert (
        format_key(("personas", 1, "motivators", 2, "title")) == "personas[1].motivators[2].title"
    )
