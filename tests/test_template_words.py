"""Template mistakes in a template writer's words, at the line of the mistake, via the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app

HEADER = "{#- mkbcopy\nformats: [txt]\n-#}\n"  # lines 1-3; the body starts on line 4

CASES = [
    # body, line of the mistake, words the message must hold
    ("{{ offer }\nTot ziens.\n", 4, "a single '}': close {{ ... }} with two braces"),
    ("Hallo.\n{{ offer\n\n{{ cta.text }}\n", 5, "{{ is not closed: end it with }}"),
    (
        "{% if offer %}\n{{ offer }}\n\nTot ziens.\n",
        4,
        "{% if %} on this line is never closed: add {% endif %}",
    ),
    (
        "{% for p in points %}\n{% if p %}{{ p.kop }}\n{% endfor %}\n",
        6,
        "{% endfor %} here, but the {% if %} on line 5 is still open",
    ),
    ("{% if offer %}{{ offer }}{% endiff %}\n", 4, "did you mean {% endif %}?"),
    ("{{ offer | uper }}\n", 4, "unknown filter 'uper'; did you mean 'upper'?"),
    ("{{ cta.txt }}\n", 4, "unknown field 'txt'; did you mean 'text'?"),
    ("{% for p in points %}{{ p.kopp }}{% endfor %}\n", 4, "did you mean 'kop'?"),
]


@pytest.mark.parametrize(("body", "line", "words"), CASES)
def test_check_and_generate_name_the_right_line(
    runner: CliRunner, tmp_path: Path, body: str, line: int, words: str
) -> None:
    folder = tmp_path / "t"
    (folder / "post").mkdir(parents=True)
    template = folder / "post" / "template.md.j2"
    template.write_text(HEADER + body, encoding="utf-8")
    quoted = (HEADER + body).splitlines()[line - 1]
    check = runner.invoke(app, ["templates", "check", str(folder)])
    assert check.exit_code == 1
    mine = [p for p in check.stdout.splitlines() if p.startswith(str(template))]
    assert len(mine) == 1, check.stdout
    assert mine[0].startswith(f"{template}:{line}: error: "), mine[0]
    assert words in mine[0] and mine[0].endswith(f"| {quoted}"), mine[0]
    for jargon in ("a dict has no", "Jinja was looking for", "end of print statement"):
        assert jargon not in mine[0]
    generate = runner.invoke(
        app, ["generate", "-t", str(folder), "-c", "post", "-o", str(tmp_path / "o")]
    )
    assert generate.exit_code == 1
    assert generate.stderr.startswith(f"mkbcopy: error: {template}:{line}: "), generate.stderr
    assert words in generate.stderr
