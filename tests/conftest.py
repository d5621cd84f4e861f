"""Shared fixtures: the bundled research and brief, a CLI runner, brief variants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mkbcopy.i18n import set_language
from mkbcopy.research.brief import Brief, example_brief_path, load_brief
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO.parent / "shared" / "research" / "persona-rapport-mkb-route.txt"


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English messages whatever the developer's locale; Dutch tests ask for it."""
    monkeypatch.setenv("MKBCOPY_LANG", "en")
    yield
    set_language(None)  # a `--lang nl` run must not leak into the next test


@pytest.fixture(scope="session")
def research() -> Research:
    return load_personas()


@pytest.fixture(scope="session")
def example_brief() -> Brief:
    return load_brief()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def example_data() -> dict[str, Any]:
    data = yaml.safe_load(example_brief_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def write_brief(tmp_path: Path, example_data: dict[str, Any]) -> Callable[..., Path]:
    """Write a variant of the example brief: keyword changes, `drop=[fact keys]`."""

    def write(name: str = "campaign.yaml", drop: tuple[str, ...] = (), **changes: Any) -> Path:
        data = dict(example_data)
        data["facts"] = {k: v for k, v in data["facts"].items() if k not in drop}
        data.update(changes)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write
