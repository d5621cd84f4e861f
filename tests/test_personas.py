"""personas.yaml against the report, line by line, and its loader's errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkbcopy.bundle import bundled_path
from mkbcopy.errors import ValidationError
from mkbcopy.research.personas import Research, expand_lines
from mkbcopy.research.study import load_personas

from .conftest import REPORT

pytestmark = pytest.mark.skipif(not REPORT.exists(), reason=f"research report not at {REPORT}")


def _report() -> list[str]:
    return REPORT.read_text(encoding="utf-8").splitlines()


def _words(text: str) -> str:
    """Lowercase letters only, with the PDF's hyphenated line breaks joined."""
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"[^a-zà-ÿ]+", "", text.lower())


def _cited(lines: list[int | str]) -> str:
    report = _report()
    return "\n".join(report[n - 1] for n in expand_lines(lines))


def test_three_personas_with_shares_and_counts(research: Research) -> None:
    assert [(p.id, p.share) for p in research.personas] == [
        ("nieuwsgierige-student", 15),
        ("doelgerichte-doorstromer", 49),
        ("onafhankelijke-zij-instromer", 36),
    ]
    assert [len(p.motivators) for p in research.personas] == [6, 5, 4]
    assert [[s.id for s in p.subgroups] for p in research.personas] == [
        ["hbo", "havo-vwo-mbo"],
        ["16-34", "35+"],
        ["16-34", "35+"],
    ]


def test_every_cited_line_exists_and_holds_text(research: Research) -> None:
    report = _report()
    cited: list[list[int | str]] = [research.segmentation.source_lines]
    for p in research.personas:
        cited += [p.profile_bar.source_lines, p.profile_lines, p.learning_style_lines]
        cited += [p.life_phase_lines]
        cited += [m.source_lines for m in p.motivators]
        cited += [d.source_lines for d in p.drempels]
        cited += [s.source_lines for s in p.subgroups]
    for lines in cited:
        for n in expand_lines(lines):
            assert 1 <= n <= len(report)
            assert report[n - 1].strip(), f"line {n} is blank"


def test_motivators_are_worded_as_the_report(research: Research) -> None:
    for p in research.personas:
        for m in p.motivators:
            source = _words(_cited(m.source_lines))
            assert _words(m.title) in source, (p.id, m.id)
            assert _words(m.guidance) in source, (p.id, m.id)


def test_nuances_are_verbatim(research: Research) -> None:
    text = "\n".join(_report())
    for p in research.personas:
        for s in p.subgroups:
            for nuance in s.nuances:
                assert nuance in text, (p.id, s.id, nuance)
                assert nuance in _cited(s.source_lines)


def test_drempels_point_into_the_persona_story(research: Research) -> None:
    # The reading guide's page ranges: each drempel must cite its own persona's page.
    pages = {
        "onafhankelijke-zij-instromer": range(77, 217),
        "nieuwsgierige-student": range(217, 361),
        "doelgerichte-doorstromer": range(361, 492),
    }
    for p in research.personas:
        assert p.drempels
        for d in p.drempels:
            assert d.needs, d.id
            assert all(n in pages[p.id] for n in expand_lines(d.source_lines)), d.id


def test_bad_personas_file_names_key_path_and_line(tmp_path: Path) -> None:
    text = bundled_path("personas.yaml").read_text(encoding="utf-8")
    broken = text.replace("    motivators:\n", "    motivators:\n      - id: Bad Id\n", 1)
    path = tmp_path / "personas.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_personas(path)
    message = str(err.value)
    assert message.startswith(f"{path}:")
    assert "personas[0].motivators[0]" in message
