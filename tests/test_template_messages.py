"""templates check says what is wrong in a template writer's words, with the fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mkbcopy.compose.channels import builtin_templates_dir
from mkbcopy.compose.templatecheck import Problem, check_templates
from mkbcopy.research.personas import Research

HEADER = "{#- mkbcopy\nformats: [txt]\n-#}\n"  # lines 1-3; the body starts on line 4
MACROS = '{% import "_shared/macros.j2" as m with context %}'

CASES = [
    # body, line of the mistake, words the message must hold, words it must not
    (
        "{{ offer }}\n{% endfor %}\n",
        5,
        "{% endfor %} here, but there is no {% for %} open to close",
        "did you mean",
    ),
    (
        "{{ offer }}\n{% endif %}\n",
        5,
        "{% endif %} here, but there is no {% if %} open to close",
        "did you mean",
    ),
    (
        "Voor jou als {{ subgroup.name }}.\n",
        4,
        "subgroup is empty here (a draft without --subgroup has none); "
        "wrap it in {% if subgroup %}",
        "unknown field",
    ),
    (
        MACROS + "\n{{ m.cta_linkk() }}\n",
        5,
        "unknown block 'cta_linkk' of _shared/macros.j2 (a macro there); did you mean 'cta_link'?",
        "unknown field",
    ),
]


def _problems(folder: Path, research: Research) -> list[Problem]:
    return [p for p in check_templates(folder, research=research) if p.path.startswith(str(folder))]


@pytest.mark.parametrize(("body", "line", "words", "not_words"), CASES)
def test_messages_say_what_to_do(
    research: Research, tmp_path: Path, body: str, line: int, words: str, not_words: str
) -> None:
    folder = tmp_path / "t"
    (folder / "post").mkdir(parents=True)
    (folder / "post" / "template.md.j2").write_text(HEADER + body, encoding="utf-8")
    (problem,) = _problems(folder, research)
    assert (problem.line, problem.severity) == (line, "error"), problem
    assert words in problem.message and not_words not in problem.message, problem


def test_a_guarded_subgroup_passes(research: Research, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    (folder / "post").mkdir(parents=True)
    body = "{% if subgroup %}Voor jou als {{ subgroup.name }}.{% endif %}\n"
    (folder / "post" / "template.md.j2").write_text(HEADER + body, encoding="utf-8")
    assert _problems(folder, research) == []


def test_a_header_key_gets_a_did_you_mean(research: Research, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    (folder / "post").mkdir(parents=True)
    source = "{#- mkbcopy\nformats: [txt]\nhashtag: 3\n-#}\n{{ offer }}\n"
    (folder / "post" / "template.md.j2").write_text(source, encoding="utf-8")
    (problem,) = _problems(folder, research)
    assert problem.line == 3 and "did you mean 'hashtags'?" in problem.message, problem


def test_an_email_without_opt_out_is_a_warning(research: Research, tmp_path: Path) -> None:
    """What batch refuses, templates check warns of, with batch's own words."""
    folder = tmp_path / "t"
    (folder / "email").mkdir(parents=True)
    bundled = (builtin_templates_dir() / "email" / "template.md.j2").read_text(encoding="utf-8")
    without = re.sub(r"\{% if unsubscribe %\}.*?\{% endif %\}", "", bundled, flags=re.S)
    assert without != bundled
    (folder / "email" / "template.md.j2").write_text(without, encoding="utf-8")
    (problem,) = _problems(folder, research)
    assert problem.severity == "warning", problem
    assert "batch will refuse this template" in problem.message
    assert "writes no opt-out link" in problem.message
    # The bundled template has it: no warning.
    assert check_templates(None, research=research) == []
